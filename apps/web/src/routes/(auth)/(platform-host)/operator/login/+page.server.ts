import { signInOperator } from '@foyer/core';
import { fail, redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { readForm } from '$lib/server/forms';
import { readDeviceCookie, setDeviceCookie, setOperatorCookie } from '$lib/server/session';
import { parseSignInForm } from '$lib/server/sign-in';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.operator !== null) redirect(303, '/operator');
  return { signedOut: url.searchParams.get('notice') === 'signed-out' };
};

export const actions: Actions = {
  default: async (event) => {
    const parsed = parseSignInForm(await readForm(event.request));
    if (!parsed.ok) return fail(400, { email: parsed.email, fields: parsed.errors, message: null });
    try {
      const device = readDeviceCookie(event.cookies, event.platform);
      const { email, password } = parsed;
      const session = await signInOperator({ ctx: event.locals.ctx, input: { email, password, device } });
      setOperatorCookie(event.cookies, event.platform, session);
      setDeviceCookie(event.cookies, event.platform, session.device);
    } catch (error) {
      return coreErrorToFail(error, { email: parsed.email });
    }
    redirect(303, '/operator');
  },
};
