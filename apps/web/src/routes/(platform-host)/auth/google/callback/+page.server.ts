import { CoreError, completeGoogleCallback } from '@foyer/core';
import { error, redirect } from '@sveltejs/kit';
import { takeFlowCookies } from '$lib/server/google';
import type { PageServerLoad } from './$types';

/**
 * Google's one redirect URI, for every agency and custom domain. The flow's cookies are cleared
 * before anything else (single use); a wrong or replayed state gets a branded page. Otherwise the
 * browser goes on to the agency's own host with a one-time code, or to its sign-in page with a
 * notice.
 */
export const load: PageServerLoad = async ({ locals, url, cookies, platform }) => {
  const flow = takeFlowCookies(cookies, platform);
  let location: string;
  try {
    ({ location } = await completeGoogleCallback({
      ctx: locals.ctx,
      input: {
        code: url.searchParams.get('code'),
        state: url.searchParams.get('state'),
        error: url.searchParams.get('error'),
        flow,
      },
    }));
  } catch (caught) {
    if (caught instanceof CoreError) error(400, { message: caught.message, explained: true });
    throw caught;
  }
  redirect(303, location);
};
