import { finishGoogleSignIn } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { takeBindingCookie } from '$lib/server/google';
import { afterSignIn, safeNext } from '$lib/server/redirects';
import { setDeviceCookie, setSessionCookie } from '$lib/server/session';
import type { RequestHandler } from './$types';

/**
 * The end of "Sign in with Google", on the agency's own host: the platform host's one-time code
 * is redeemed here, for this agency and this browser only (its binding cookie), and the session
 * opened. A refusal lands on the sign-in page with a fixed notice.
 */
export const GET: RequestHandler = async ({ locals, url, cookies, platform }) => {
  const binding = takeBindingCookie(cookies, platform);
  const code = url.searchParams.get('code');
  const result = await finishGoogleSignIn({ ctx: locals.ctx, input: { code, binding } });
  if (!result.ok) redirect(303, `/login?notice=${result.refusal}`);
  setSessionCookie(cookies, platform, result);
  setDeviceCookie(cookies, platform, result.device);
  redirect(303, afterSignIn(result.user.role, safeNext(url.searchParams.get('next'))));
};
