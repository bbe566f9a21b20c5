import { CoreError, startGoogleAuthorization } from '@foyer/core';
import { error, redirect } from '@sveltejs/kit';
import { setFlowCookies } from '$lib/server/google';
import type { PageServerLoad } from './$types';

/**
 * The platform host's side of "Continue with Google": state and PKCE verifier in short-lived
 * cookies here, then Google. Only for an agency that offers Google sign-in; anything else is a
 * branded error page, never a crash.
 */
export const load: PageServerLoad = async ({ locals, url, cookies, platform }) => {
  let location: string;
  try {
    const started = await startGoogleAuthorization({
      ctx: locals.ctx,
      input: {
        tenant: url.searchParams.get('tenant'),
        binding: url.searchParams.get('binding'),
        next: url.searchParams.get('next'),
      },
    });
    setFlowCookies(cookies, platform, started.flow, locals.ctx.deps.now());
    location = started.location;
  } catch (caught) {
    if (caught instanceof CoreError) error(400, { message: caught.message, explained: true });
    throw caught;
  }
  redirect(303, location);
};
