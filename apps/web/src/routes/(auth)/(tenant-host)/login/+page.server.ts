import { GOOGLE_NOTICES, googleSignInOffered, signIn } from '@foyer/core';
import { fail, redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { readForm } from '$lib/server/forms';
import { afterSignIn, safeNext } from '$lib/server/redirects';
import { readDeviceCookie, setDeviceCookie, setSessionCookie } from '$lib/server/session';
import { parseSignInForm } from '$lib/server/sign-in';
import type { Actions, PageServerLoad } from './$types';

// Only these fixed sentences are ever shown: the query string is not trusted to carry text.
const NOTICES: Record<string, string> = {
  'signed-out': 'You’re signed out.',
  handoff: 'That sign-in link has expired or was already used. Sign in with your email and password.',
  'password-reset': 'Your password was changed. Sign in with your new password.',
  ...GOOGLE_NOTICES,
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
      const { email, password } = parsed;
      const session = await signIn({ ctx: event.locals.ctx, input: { email, password, device } });
      setSessionCookie(event.cookies, event.platform, session);
      setDeviceCookie(event.cookies, event.platform, session.device);
      // The form posts to its own URL, so a `next` from the sign-in link is still here.
      destination = afterSignIn(session.user.role, safeNext(event.url.searchParams.get('next')));
    } catch (error) {
      return coreErrorToFail(error, { email: parsed.email });
    }
    redirect(303, destination);
  },
};
