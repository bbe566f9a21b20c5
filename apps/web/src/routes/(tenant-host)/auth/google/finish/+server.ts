import { finishGoogleSignIn } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { takeBindingCookie } from '$lib/server/google';
import { afterSignIn, safeNext } from '$lib/server/redirects';
import {
  readRememberedCookie,
  setDeviceCookie,
  setSessionCookie,
  setTwoFactorCookie,
} from '$lib/server/session';
import type { RequestHandler } from './$types';

/**
 * The end of "Sign in with Google", on the agency's own host: the platform host's one-time code
 * is redeemed here, for this agency and this browser only (its binding cookie), and the session
 * opened (or, for a person with two-factor, the second step begun). A refusal lands on the sign-in page with a fixed notice.
 */
export const GET: RequestHandler = async ({ locals, url, cookies, platform }) => {
  const binding = takeBindingCookie(cookies, platform);
  const code = url.searchParams.get('code');
  const remembered = readRememberedCookie(cookies, platform);
  const result = await finishGoogleSignIn({ ctx: locals.ctx, input: { code, binding, remembered } });
  if (!result.ok) redirect(303, `/login?notice=${result.refusal}`);
  setDeviceCookie(cookies, platform, result.device);
  const next = safeNext(url.searchParams.get('next'));
  if (result.kind === 'pending') {
    // Two-factor: Google was the first factor; the code comes next, as after a password.
    setTwoFactorCookie(cookies, platform, result);
    redirect(303, next ? `/login/two-factor?next=${encodeURIComponent(next)}` : '/login/two-factor');
  }
  setSessionCookie(cookies, platform, result);
  redirect(303, afterSignIn(result.user.role, next));
};
