import { signInOperator } from '@foyer/core';
import { fail, redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { readForm } from '$lib/server/forms';
import {
  readDeviceCookie,
  readRememberedCookie,
  setDeviceCookie,
  setOperatorCookie,
  setTwoFactorCookie,
} from '$lib/server/session';
import { parseSignInForm } from '$lib/server/sign-in';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.operator !== null) redirect(303, '/operator');
  const notice = url.searchParams.get('notice');
  return { signedOut: notice === 'signed-out', twoFactorExpired: notice === 'two-factor-expired' };
};

export const actions: Actions = {
  default: async (event) => {
    const parsed = parseSignInForm(await readForm(event.request));
    if (!parsed.ok) return fail(400, { email: parsed.email, fields: parsed.errors, message: null });
    let pending = false;
    try {
      const device = readDeviceCookie(event.cookies, event.platform);
      const remembered = readRememberedCookie(event.cookies, event.platform);
      const { email, password } = parsed;
      const result = await signInOperator({
        ctx: event.locals.ctx,
        input: { email, password, device, remembered },
      });
      setDeviceCookie(event.cookies, event.platform, result.device);
      if (result.pending) {
        setTwoFactorCookie(event.cookies, event.platform, result);
        pending = true;
      } else {
        setOperatorCookie(event.cookies, event.platform, result);
      }
    } catch (error) {
      return coreErrorToFail(error, { email: parsed.email });
    }
    redirect(303, pending ? '/operator/login/two-factor' : '/operator');
  },
};
