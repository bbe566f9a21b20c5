import { GOOGLE_FLOW_LIFETIME_MS } from '@foyer/auth';
import type { GoogleFlow } from '@foyer/core';
import type { Cookies } from '@sveltejs/kit';
import { requirePlatform } from './platform';

/**
 * The cookies of one "Sign in with Google": short-lived (10 minutes), HttpOnly, SameSite=Lax (the
 * returns from Google and from the platform host are top-level GET navigations), each limited to
 * the paths that read it, Secure and `__Secure-` prefixed on https (`__Host-` would force Path=/).
 *
 * - On the tenant's host, the browser binding: a random value whose hash travels with the flow,
 *   so a hand-off only counts in the browser that began it (path /auth/google).
 * - On the platform host, the state, the PKCE verifier and the flow's context, read once by the
 *   callback (path /auth/google/callback).
 */
const BINDING = { name: 'foyer_google_binding', path: '/auth/google' };
const FLOW = {
  state: 'foyer_google_state',
  codeVerifier: 'foyer_google_verifier',
  context: 'foyer_google_flow',
} as const;
const CALLBACK_PATH = '/auth/google/callback';

function attributes(platform: Readonly<App.Platform> | undefined, path: string) {
  const secure = requirePlatform(platform).secureCookies;
  return { path, httpOnly: true, sameSite: 'lax' as const, secure };
}

function named(platform: Readonly<App.Platform> | undefined, name: string): string {
  return requirePlatform(platform).secureCookies ? `__Secure-${name}` : name;
}

export function setBindingCookie(
  cookies: Cookies,
  platform: Readonly<App.Platform> | undefined,
  binding: string,
  expires: Date,
): void {
  cookies.set(named(platform, BINDING.name), binding, { ...attributes(platform, BINDING.path), expires });
}

/** The binding cookie's value, removed from the browser as it is read: one finish per start. */
export function takeBindingCookie(
  cookies: Cookies,
  platform: Readonly<App.Platform> | undefined,
): string | null {
  const name = named(platform, BINDING.name);
  const value = cookies.get(name) ?? null;
  cookies.delete(name, attributes(platform, BINDING.path));
  return value;
}

export function setFlowCookies(
  cookies: Cookies,
  platform: Readonly<App.Platform> | undefined,
  flow: GoogleFlow,
  now: Date,
): void {
  const options = {
    ...attributes(platform, CALLBACK_PATH),
    expires: new Date(now.getTime() + GOOGLE_FLOW_LIFETIME_MS),
  };
  for (const key of ['state', 'codeVerifier', 'context'] as const)
    cookies.set(named(platform, FLOW[key]), flow[key], options);
}

/** The flow's cookies, cleared at once: a callback is answered once, whatever its outcome. */
export function takeFlowCookies(
  cookies: Cookies,
  platform: Readonly<App.Platform> | undefined,
): { state: string | null; codeVerifier: string | null; context: string | null } {
  const take = (key: keyof typeof FLOW) => {
    const name = named(platform, FLOW[key]);
    const value = cookies.get(name) ?? null;
    cookies.delete(name, attributes(platform, CALLBACK_PATH));
    return value;
  };
  return { state: take('state'), codeVerifier: take('codeVerifier'), context: take('context') };
}
