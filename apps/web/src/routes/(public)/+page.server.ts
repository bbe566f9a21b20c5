import { unreadCount } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { homeFor } from '$lib/server/redirects';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  if (locals.site === null) return { view: 'landing' as const };
  // An agency's host: the client portal for clients, the team panel for the team.
  const { me } = locals;
  if (me === null) redirect(303, '/login');
  if (me.user.role !== 'client') redirect(303, homeFor(me.user.role));
  return {
    view: 'portal' as const,
    user: { name: me.user.name, email: me.user.email, role: me.user.role },
    // The portal's home is outside the (app) layout, so it loads the bell's count itself.
    unread: await unreadCount({ ctx: locals.ctx }),
  };
};
