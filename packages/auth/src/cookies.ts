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
