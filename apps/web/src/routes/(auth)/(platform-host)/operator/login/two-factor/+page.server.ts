import { completeOperatorSecondFactor } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { field, readForm } from '$lib/server/forms';
import {
  clearTwoFactorCookie,
  readTwoFactorCookie,
  setOperatorCookie,
  setRememberedCookie,
} from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

/** An operator's second step: a code from the app or a recovery code (see the agencies' page). */
export const load: PageServerLoad = ({ locals, url, cookies, platform }) => {
  if (locals.operator !== null) redirect(303, '/operator');
  if (!readTwoFactorCookie(cookies, platform)) redirect(303, '/operator/login?notice=two-factor-expired');
  return { recovery: url.searchParams.get('with') === 'recovery' };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await readForm(event.request);
    const kind = field(form, 'kind') === 'recovery' ? 'recovery' : 'totp';
    const remember = field(form, 'remember') === 'yes';
    try {
      const token = readTwoFactorCookie(event.cookies, event.platform);
      const done = await completeOperatorSecondFactor({
        ctx: event.locals.ctx,
        input: { token, code: field(form, 'code').slice(0, 40), kind, remember },
      });
      clearTwoFactorCookie(event.cookies, event.platform);
      setOperatorCookie(event.cookies, event.platform, done);
      if (done.remember) setRememberedCookie(event.cookies, event.platform, done.remember);
    } catch (error) {
      const failure = coreErrorToFail(error, { kind, remember });
      if (failure.status === 410) {
        clearTwoFactorCookie(event.cookies, event.platform);
        redirect(303, '/operator/login?notice=two-factor-expired');
      }
      return failure;
    }
    redirect(303, '/operator');
  },
};
