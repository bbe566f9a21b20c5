import { closeSession } from '@foyer/core';
import { error, redirect } from '@sveltejs/kit';
import { clearPreviewCookie, clearSessionCookie } from '$lib/server/session';
import type { RequestHandler } from './$types';

/** POST only: a GET that signs out could be triggered by any image or link on another site. */
export const POST: RequestHandler = async ({ locals, platform, cookies }) => {
  // Sessions live on agencies' hosts; the platform host has nothing to sign out of.
  if (locals.site === null) error(404);
  const { me } = locals;
  if (me !== null) await closeSession({ ctx: locals.ctx, input: { sessionId: me.sessionId } });
  clearSessionCookie(cookies, platform);
  // A preview in progress ends with the admin's session.
  clearPreviewCookie(cookies, platform);
  redirect(303, me === null ? '/login' : '/login?notice=signed-out');
};
