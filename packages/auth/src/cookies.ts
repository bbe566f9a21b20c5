import { SESSION_LIFETIME_MS } from './sessions';

/**
 * `__Host-` binds the cookie to exactly this host over https (no Domain, Path=/, Secure); plain
 * http on localhost cannot carry it, so development drops the prefix and Secure, nothing else.
 */
export function sessionCookieName(scheme: 'http' | 'https'): string {
  return scheme === 'https' ? '__Host-foyer_session' : 'foyer_session';
}

export interface CookieOptions {
  path: '/';
  httpOnly: true;
  sameSite: 'Lax';
  secure: boolean;
  maxAge: number;
}

export function sessionCookieOptions(scheme: 'http' | 'https'): CookieOptions {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: scheme === 'https',
    maxAge: SESSION_LIFETIME_MS / 1000,
  };
}

/** Operators sign in on the platform host only; their cookie never reaches a tenant host. */
export function operatorCookieName(scheme: 'http' | 'https'): string {
  return scheme === 'https' ? '__Host-foyer_operator' : 'foyer_operator';
}

/**
 * The device cookie (OWASP's defence against account lock-out): proof that this browser signed
 * in to an account before, which lets it keep trying when the account's own limit is used up.
 * Host-only like the session cookie, so the platform host and each tenant host keep their own.
 */
export function deviceCookieName(scheme: 'http' | 'https'): string {
  return scheme === 'https' ? '__Host-foyer_device' : 'foyer_device';
}

/** A device cookie lasts half a year from the sign-in that issued it. */
export const DEVICE_COOKIE_LIFETIME_MS = 182 * 24 * 60 * 60 * 1000;
