import { closeSession } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { requirePlatform } from '$lib/server/platform';
import { clearSessionCookie, currentUser, resolvedSession } from '$lib/server/session';
import type { RequestHandler } from './$types';

/** POST only: a GET that signs out could be triggered by any image or link on another site. */
export const POST: RequestHandler = async ({ platform, cookies }) => {
  const me = currentUser(platform);
  if (me !== null) await closeSession(requirePlatform(platform).core, resolvedSession(me));
  clearSessionCookie(cookies, platform);
  redirect(303, me === null ? '/login' : '/login?notice=signed-out');
};
