/**
 * Every cookie Foyer sets for signing in, in one place: its name and its attributes. The server
 * writes Set-Cookie headers itself (`setCookieHeader`, `clearCookieHeader`); the web app sets
 * and clears through SvelteKit's `cookies` (`setCookie`, `clearCookie`, `readCookie`). Both
 * get the same names and attributes from here.
 *
 * All are host-only (no Domain) with Path=/, HttpOnly and SameSite=Lax. On https they are
 * Secure and `__Host-` prefixed, which binds them to exactly this host; plain http on
 * localhost cannot carry the prefix, so development drops it and Secure, nothing else.
 */

export type Scheme = 'http' | 'https';

const NAMES = {
  /** A person's session on an agency's host. */
  session: 'foyer_session',
  /** An operator's session: operators sign in on the platform host only. */
  operator: 'foyer_operator',
  /**
   * The device cookie (OWASP's defence against account lock-out): proof that this browser signed
   * in to an account before, which lets it keep trying when the account's own limit is used up.
   * The platform host and each agency host keep their own.
   */
  device: 'foyer_device',
  /**
   * The client an admin is previewing the portal as (their user id). It grants nothing by
   * itself: it is read only for a signed-in admin, and the client is checked on every request.
   */
  preview: 'foyer_preview',
  /**
   * A sign-in waiting for its second factor (two-factor): ten minutes, single use, stored hashed
   * in `app.pending_sign_ins`. Not a session: it reaches only the second-step page.
   */
  twoFactor: 'foyer_2fa',
  /** "Remember this browser" for two-factor: signed, thirty days, ended by the account's epoch. */
  remembered: 'foyer_2fa_browser',
} as const;

export type FoyerCookie = keyof typeof NAMES;

/** A device cookie lasts half a year from the sign-in that issued it. */
export const DEVICE_COOKIE_LIFETIME_MS = 182 * 24 * 60 * 60 * 1000;

/** A preview ends by itself after a working day, if the admin never exits it. */
export const PREVIEW_COOKIE_LIFETIME_MS = 8 * 60 * 60 * 1000;

export function cookieName(cookie: FoyerCookie, scheme: Scheme): string {
  return scheme === 'https' ? `__Host-${NAMES[cookie]}` : NAMES[cookie];
}

/** The attributes every Foyer cookie carries, in the form SvelteKit's `cookies` takes. */
export interface CookieAttributes {
  path: '/';
  httpOnly: true;
  sameSite: 'lax';
  secure: boolean;
  expires?: Date;
}

export function cookieAttributes(scheme: Scheme): CookieAttributes {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: scheme === 'https' };
}

/** What the web app hands in: SvelteKit's `cookies` has this shape. */
export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string, options: CookieAttributes): void;
  delete(name: string, options: CookieAttributes): void;
}

export function readCookie(jar: CookieJar, cookie: FoyerCookie, scheme: Scheme): string | null {
  return jar.get(cookieName(cookie, scheme)) ?? null;
}

export function setCookie(
  jar: CookieJar,
  cookie: FoyerCookie,
  scheme: Scheme,
  value: string,
  expires: Date,
): void {
  jar.set(cookieName(cookie, scheme), value, { ...cookieAttributes(scheme), expires });
}

export function clearCookie(jar: CookieJar, cookie: FoyerCookie, scheme: Scheme): void {
  jar.delete(cookieName(cookie, scheme), cookieAttributes(scheme));
}

const TOKEN_VALUE = /^[A-Za-z0-9._-]*$/;

function header(cookie: FoyerCookie, scheme: Scheme, value: string, options: { maxAge?: 0; expires: Date }) {
  // Values are tokens the platform minted; anything else is a bug, not something to encode.
  if (!TOKEN_VALUE.test(value)) throw new Error(`a ${cookie} cookie value must be a token`);
  const { path, secure } = cookieAttributes(scheme);
  return [
    `${cookieName(cookie, scheme)}=${value}`,
    ...(options.maxAge === 0 ? ['Max-Age=0'] : []),
    `Path=${path}`,
    `Expires=${options.expires.toUTCString()}`,
    'HttpOnly',
    ...(secure ? ['Secure'] : []),
    'SameSite=Lax',
  ].join('; ');
}

/** A Set-Cookie header value that sets (or re-issues) `cookie` until `expires`. */
export function setCookieHeader(cookie: FoyerCookie, scheme: Scheme, value: string, expires: Date): string {
  return header(cookie, scheme, value, { expires });
}

/** A Set-Cookie header value that removes `cookie` from the browser. */
export function clearCookieHeader(cookie: FoyerCookie, scheme: Scheme): string {
  return header(cookie, scheme, '', { maxAge: 0, expires: new Date(0) });
}
