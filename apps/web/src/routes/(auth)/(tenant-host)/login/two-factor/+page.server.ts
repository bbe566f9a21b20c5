import { completeSecondFactor } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { field, readForm } from '$lib/server/forms';
import { afterSignIn, safeNext } from '$lib/server/redirects';
import {
  clearTwoFactorCookie,
  readTwoFactorCookie,
  setRememberedCookie,
  setSessionCookie,
} from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

/**
 * The second step of a sign-in with two-factor: a code from the app, or a recovery code. Only a
 * browser holding a pending sign-in's cookie gets here; without one it starts at the sign-in page.
 */
export const load: PageServerLoad = ({ locals, url, cookies, platform }) => {
  if (locals.me !== null) redirect(303, afterSignIn(locals.me.user.role, url.searchParams.get('next')));
  if (!readTwoFactorCookie(cookies, platform)) redirect(303, '/login');
  return { recovery: url.searchParams.get('with') === 'recovery' };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await readForm(event.request);
    const kind = field(form, 'kind') === 'recovery' ? 'recovery' : 'totp';
    const remember = field(form, 'remember') === 'yes';
    let destination: string;
    try {
      const token = readTwoFactorCookie(event.cookies, event.platform);
      const done = await completeSecondFactor({
        ctx: event.locals.ctx,
        input: { token, code: field(form, 'code').slice(0, 40), kind, remember },
      });
      clearTwoFactorCookie(event.cookies, event.platform);
      setSessionCookie(event.cookies, event.platform, done);
      if (done.remember) setRememberedCookie(event.cookies, event.platform, done.remember);
      destination = afterSignIn(done.user.role, safeNext(event.url.searchParams.get('next')));
    } catch (error) {
      const failure = coreErrorToFail(error, { kind, remember });
      // A pending sign-in that expired or was used ends here: back to the password.
      if (failure.status === 410) {
        clearTwoFactorCookie(event.cookies, event.platform);
        redirect(303, '/login?notice=two-factor-expired');
      }
      return failure;
    }
    redirect(303, destination);
  },
};
