import { redeemHandoff } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { setSessionCookie } from '$lib/server/session';
import type { RequestHandler } from './$types';

/**
 * The end of sign-up: the platform host minted a one-time token for this tenant, and the
 * session is opened here because cookies are per host. A GET, as the browser arrives by link.
 */
export const GET: RequestHandler = async (event) => {
  const token = event.url.searchParams.get('token') ?? '';
  const session = await redeemHandoff({ ctx: event.locals.ctx, input: { token } });
  if (session === null) redirect(303, '/login?notice=handoff');
  setSessionCookie(event.cookies, event.platform, session);
  redirect(303, '/admin');
};
