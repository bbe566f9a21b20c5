import { randomBytes } from 'node:crypto';
import { DEVICE_COOKIE_LIFETIME_MS } from '@foyer/auth';
import type { Deps } from '../context';

/**
 * Device cookies (OWASP's "Slow down online guessing attacks with device cookies"): a browser
 * that signed in to an account gets a cookie `<nonce>.<HMAC(account, nonce)>`, signed under a key
 * derived from FOYER_SECRET_KEY. On its next sign-in to that account it is limited per cookie
 * instead of per account, so guesses from elsewhere cannot lock the account's real owner out.
 * The cookie proves nothing else: it never signs anyone in.
 */

/** Whose device cookie: a tenant's person (by tenant and email) or an operator (by email). */
export type DeviceScope = { tenantId: string; email: string } | { operator: true; email: string };

const PURPOSE = 'device-cookie-v1';
const NONCE = /^[A-Za-z0-9_-]{22}$/;

const subject = (scope: DeviceScope, nonce: string) =>
  'operator' in scope
    ? `operator\n${scope.email.toLowerCase()}\n${nonce}`
    : `tenant\n${scope.tenantId}\n${scope.email.toLowerCase()}\n${nonce}`;

export interface DeviceCookie {
  value: string;
  expiresAt: Date;
}

/** A fresh device cookie for a browser that just signed in to this account. */
export function issueDeviceCookie(deps: Deps, scope: DeviceScope): DeviceCookie {
  const nonce = randomBytes(16).toString('base64url');
  return {
    value: `${nonce}.${deps.mail.secrets.mac(subject(scope, nonce), PURPOSE)}`,
    expiresAt: new Date(deps.now().getTime() + DEVICE_COOKIE_LIFETIME_MS),
  };
}

/** The nonce of a device cookie valid for this account, or null (absent, forged, another account's). */
export function trustedDevice(deps: Deps, scope: DeviceScope, value: string | null | undefined) {
  if (typeof value !== 'string' || value.length > 100) return null;
  const [nonce, tag, extra] = value.split('.');
  if (!nonce || !tag || extra !== undefined || !NONCE.test(nonce)) return null;
  return deps.mail.secrets.verifyMac(subject(scope, nonce), PURPOSE, tag) ? nonce : null;
}
