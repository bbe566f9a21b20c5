import { clearCookie, PREVIEW_COOKIE_LIFETIME_MS, readCookie, type Scheme, setCookie } from '@foyer/auth';
import type { DeviceCookie, Person, SignedInOperator, SignedInUser, TenantSite } from '@foyer/core';
import type { Cookies } from '@sveltejs/kit';
import { requirePlatform } from './platform';

/** The signed-in person on a tenant host, with everything core calls need. */
export interface Me {
  actor: Person;
  user: SignedInUser;
  sessionId: string;
  site: TenantSite;
}

/**
 * The signed-in person, in a route whose access group requires one (`signed-in`, `client`,
 * `team`, `admin`): the hook has already refused everyone else, so null here is a bug.
 */
export function person(locals: App.Locals): Me {
  if (locals.me === null) throw new Error('person(): this route does not declare a signed-in access group');
  return locals.me;
}

/** The signed-in operator, in an `operator` route. */
export function operatorOf(locals: App.Locals): SignedInOperator {
  if (locals.operator === null) throw new Error('operatorOf(): this route is not an operator route');
  return locals.operator;
}

/** The agency whose host this is, in a route that exists only on agencies' hosts. */
export function siteOf(locals: App.Locals): TenantSite {
  if (locals.site === null) throw new Error('siteOf(): this route is not an agency route');
  return locals.site;
}

interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** The scheme this deployment's cookies are named and flagged for (see @foyer/auth's cookies). */
function schemeOf(platform: Readonly<App.Platform> | undefined): Scheme {
  return requirePlatform(platform).secureCookies ? 'https' : 'http';
}

export function setSessionCookie(
  cookies: Cookies,
  platform: Readonly<App.Platform> | undefined,
  session: IssuedToken,
): void {
  setCookie(cookies, 'session', schemeOf(platform), session.token, session.expiresAt);
}

export function clearSessionCookie(cookies: Cookies, platform: Readonly<App.Platform> | undefined): void {
  clearCookie(cookies, 'session', schemeOf(platform));
}

export function setOperatorCookie(
  cookies: Cookies,
  platform: Readonly<App.Platform> | undefined,
  session: IssuedToken,
): void {
  setCookie(cookies, 'operator', schemeOf(platform), session.token, session.expiresAt);
}

export function clearOperatorCookie(cookies: Cookies, platform: Readonly<App.Platform> | undefined): void {
  clearCookie(cookies, 'operator', schemeOf(platform));
}

/** The browser's device cookie (proof of an earlier sign-in, see docs/security.md), if any. */
export function readDeviceCookie(
  cookies: Cookies,
  platform: Readonly<App.Platform> | undefined,
): string | null {
  return readCookie(cookies, 'device', schemeOf(platform));
}

/** Keeps the device cookie a successful sign-in issued; host-only, like the session cookie. */
export function setDeviceCookie(
  cookies: Cookies,
  platform: Readonly<App.Platform> | undefined,
  device: DeviceCookie,
): void {
  setCookie(cookies, 'device', schemeOf(platform), device.value, device.expiresAt);
}

/** The client an admin previews the portal as (their user id), if a preview is on. */
export function readPreviewCookie(
  cookies: Cookies,
  platform: Readonly<App.Platform> | undefined,
): string | null {
  return readCookie(cookies, 'preview', schemeOf(platform));
}

export function setPreviewCookie(
  cookies: Cookies,
  platform: Readonly<App.Platform> | undefined,
  clientUserId: string,
  now: Date,
): void {
  setCookie(
    cookies,
    'preview',
    schemeOf(platform),
    clientUserId,
    new Date(now.getTime() + PREVIEW_COOKIE_LIFETIME_MS),
  );
}

export function clearPreviewCookie(cookies: Cookies, platform: Readonly<App.Platform> | undefined): void {
  clearCookie(cookies, 'preview', schemeOf(platform));
}

/** The sign-in waiting for its second factor (two-factor), if any. */
export function readTwoFactorCookie(
  cookies: Cookies,
  platform: Readonly<App.Platform> | undefined,
): string | null {
  return readCookie(cookies, 'twoFactor', schemeOf(platform));
}

export function setTwoFactorCookie(
  cookies: Cookies,
  platform: Readonly<App.Platform> | undefined,
  pending: IssuedToken,
): void {
  setCookie(cookies, 'twoFactor', schemeOf(platform), pending.token, pending.expiresAt);
}

export function clearTwoFactorCookie(cookies: Cookies, platform: Readonly<App.Platform> | undefined): void {
  clearCookie(cookies, 'twoFactor', schemeOf(platform));
}

/** This browser's "remember this browser" cookie for two-factor, if any. */
export function readRememberedCookie(
  cookies: Cookies,
  platform: Readonly<App.Platform> | undefined,
): string | null {
  return readCookie(cookies, 'remembered', schemeOf(platform));
}

export function setRememberedCookie(
  cookies: Cookies,
  platform: Readonly<App.Platform> | undefined,
  remembered: { value: string; expiresAt: Date },
): void {
  setCookie(cookies, 'remembered', schemeOf(platform), remembered.value, remembered.expiresAt);
}
