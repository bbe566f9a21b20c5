import { beginGoogleSignIn, CoreError } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { setBindingCookie } from '$lib/server/google';
import { safeNext } from '$lib/server/redirects';
import type { RequestHandler } from './$types';

/**
 * "Continue with Google": binds the flow to this browser (a cookie on this host) and sends it to
 * the platform host, where Google's one redirect URI lives. Refused (back to the sign-in page)
 * when the platform has no Google credentials or the agency has Google sign-in off.
 */
export const GET: RequestHandler = async ({ locals, url, cookies, platform }) => {
  let location: string;
  try {
    const begun = await beginGoogleSignIn({
      ctx: locals.ctx,
      input: { next: safeNext(url.searchParams.get('next')) },
    });
    setBindingCookie(cookies, platform, begun.binding, begun.expiresAt);
    location = begun.location;
  } catch (error) {
    if (error instanceof CoreError) redirect(303, '/login?notice=google-off');
    throw error;
  }
  redirect(303, location);
};
