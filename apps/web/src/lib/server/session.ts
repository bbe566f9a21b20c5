import { clearCookie, readCookie, type Scheme, setCookie } from '@foyer/auth';
import type {
  ClientInfo,
  DeviceCookie,
  Person,
  SignedInOperator,
  SignedInUser,
  TenantSite,
} from '@foyer/core';
import { type Cookies, error, redirect } from '@sveltejs/kit';
import { requirePlatform, requirePlatformHost, tenantSite } from './platform';
import { homeFor, loginUrl } from './redirects';

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

interface EventLike {
  platform: Readonly<App.Platform> | undefined;
  url: URL;
}

/** The signed-in person, or null; 404 on the platform host. */
export function currentUser(platform: Readonly<App.Platform> | undefined): Me | null {
  const site = tenantSite(platform);
  const { actor, user, sessionId } = requirePlatform(platform);
  if (actor === null || user === null || sessionId === null) return null;
  // Cookie sessions belong to people; an operator or API-key actor cannot reach these pages.
  if (actor.kind === 'operator' || actor.kind === 'apikey') return null;
  return { actor, user, sessionId, site };
}

/**
 * Guards a load or an action (actions run without layout loads, so each repeats its guard):
 * anonymous → the sign-in page, returning here afterwards.
 */
export function requireUser(event: EventLike): Me {
  const me = currentUser(event.platform);
  if (me === null) redirect(303, loginUrl(event.url));
  return me;
}

/** The team panel: admins and staff. Clients are sent to their portal. */
export function requireTeam(event: EventLike): Me {
  const me = requireUser(event);
  if (me.user.role === 'client') redirect(303, homeFor('client'));
  return me;
}

/** Admin-only pages answer 404 to staff, so they learn nothing about what exists. */
export function requireAdmin(event: EventLike): Me {
  const me = requireTeam(event);
  if (me.user.role !== 'admin') error(404);
  return me;
}

/** What core records with sessions and throttles by. */
export function clientInfo(event: {
  platform: Readonly<App.Platform> | undefined;
  request: Request;
}): ClientInfo {
  return {
    ip: requirePlatform(event.platform).clientAddress,
    userAgent: event.request.headers.get('user-agent'),
  };
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

/** The operator console: signed-in operators on the platform host; 404 on agencies' hosts. */
export function requireOperator(platform: Readonly<App.Platform> | undefined): SignedInOperator {
  const { operator } = requirePlatformHost(platform);
  if (operator === null) redirect(303, '/operator/login');
  return operator;
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
