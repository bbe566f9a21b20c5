import { setTheme } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { readForm } from '$lib/server/forms';
import { safeNext } from '$lib/server/redirects';
import { THEME_COOKIE, themeChoice } from '$lib/theme';
import type { RequestHandler } from './$types';

/**
 * Remembers the visitor's theme in a cookie, which the root layout reads on the server so the
 * page arrives in that theme without a flash. Without JavaScript the form posts here and comes back.
 */
export const POST: RequestHandler = async ({ request, cookies, platform, locals }) => {
  const form = await readForm(request);
  const theme = themeChoice(form.get('theme'));
  if (theme) {
    cookies.set(THEME_COOKIE, theme, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: platform?.secureCookies ?? false,
      maxAge: 60 * 60 * 24 * 365,
    });
    // A signed-in person's choice is theirs on every device too (their account's theme wins
    // over the cookie, so it has to follow the switch).
    if (locals.me) await setTheme({ ctx: locals.ctx, input: { theme } });
  }
  const back = form.get('next');
  redirect(303, safeNext(typeof back === 'string' ? back : null) ?? '/');
};
