import { GOOGLE_NOTICES, googleSignInOffered, passwordSignIn } from '@foyer/core';
import { fail, redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { readForm } from '$lib/server/forms';
import { afterSignIn, safeNext } from '$lib/server/redirects';
import {
  readDeviceCookie,
  readRememberedCookie,
  setDeviceCookie,
  setSessionCookie,
  setTwoFactorCookie,
} from '$lib/server/session';
import { parseSignInForm } from '$lib/server/sign-in';
import type { Actions, PageServerLoad } from './$types';

// Only these fixed sentences are ever shown: the query string is not trusted to carry text.
const NOTICES: Record<string, string> = {
  'signed-out': 'You’re signed out.',
  handoff: 'That sign-in link has expired or was already used. Sign in with your email and password.',
  'password-reset': 'Your password was changed. Sign in with your new password.',
  ...GOOGLE_NOTICES,
  'two-factor-expired': 'Your sign-in took too long or was already used. Sign in again.',
};

export const load: PageServerLoad = async ({ locals, url }) => {
  if (locals.me !== null) redirect(303, afterSignIn(locals.me.user.role, url.searchParams.get('next')));
  const next = safeNext(url.searchParams.get('next'));
  return {
    notice: NOTICES[url.searchParams.get('notice') ?? ''] ?? null,
    // "Continue with Google", when the platform has Google credentials and the agency turned it on.
    google: (await googleSignInOffered({ ctx: locals.ctx }))
      ? `/auth/google${next ? `?next=${encodeURIComponent(next)}` : ''}`
      : null,
  };
};

export const actions: Actions = {
  default: async (event) => {
    const parsed = parseSignInForm(await readForm(event.request));
    if (!parsed.ok) {
      return fail(400, { email: parsed.email, fields: parsed.errors, message: null });
    }
    let destination: string;
    try {
      const device = readDeviceCookie(event.cookies, event.platform);
      const remembered = readRememberedCookie(event.cookies, event.platform);
      const { email, password } = parsed;
      const result = await passwordSignIn({
        ctx: event.locals.ctx,
        input: { email, password, device, remembered },
      });
      setDeviceCookie(event.cookies, event.platform, result.device);
      // The form posts to its own URL, so a `next` from the sign-in link is still here.
      const next = safeNext(event.url.searchParams.get('next'));
      if (result.kind === 'pending') {
        // Two-factor: the second step, with the pending sign-in in its own cookie.
        setTwoFactorCookie(event.cookies, event.platform, result);
        destination = next ? `/login/two-factor?next=${encodeURIComponent(next)}` : '/login/two-factor';
      } else {
        setSessionCookie(event.cookies, event.platform, result);
        destination = afterSignIn(result.user.role, next);
      }
    } catch (error) {
      return coreErrorToFail(error, { email: parsed.email });
    }
    redirect(303, destination);
  },
};
