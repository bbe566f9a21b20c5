import { signInOperator } from '@foyer/core';
import { fail, redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { readForm } from '$lib/server/forms';
import { requirePlatformHost } from '$lib/server/platform';
import { clientInfo, readDeviceCookie, setDeviceCookie, setOperatorCookie } from '$lib/server/session';
import { parseSignInForm } from '$lib/server/sign-in';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ platform, url }) => {
  if (requirePlatformHost(platform).operator !== null) redirect(303, '/operator');
  return { signedOut: url.searchParams.get('notice') === 'signed-out' };
};

export const actions: Actions = {
  default: async (event) => {
    const { core } = requirePlatformHost(event.platform);
    const parsed = parseSignInForm(await readForm(event.request));
    if (!parsed.ok) return fail(400, { email: parsed.email, fields: parsed.errors, message: null });
    try {
      const device = readDeviceCookie(event.cookies, event.platform);
      const session = await signInOperator(core, { ...parsed, device }, clientInfo(event));
      setOperatorCookie(event.cookies, event.platform, session);
      setDeviceCookie(event.cookies, event.platform, session.device);
    } catch (error) {
      return coreErrorToFail(error, { email: parsed.email });
    }
    redirect(303, '/operator');
  },
};
