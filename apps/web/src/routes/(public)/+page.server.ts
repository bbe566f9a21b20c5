import { clientDashboard, dismissWelcome, transact, waitingReviews } from '@foyer/core';
import { fail, redirect } from '@sveltejs/kit';
import { HEADER_COUNTS } from '$lib/header-counts';
import { chromeFor } from '$lib/server/chrome';
import { coreErrorToFail } from '$lib/server/errors';
import { homeFor } from '$lib/server/redirects';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, depends }) => {
  if (locals.site === null) return { view: 'landing' as const };
  // An agency's host: the client portal for clients (and for an admin previewing as one), the
  // team panel for the team.
  const { me } = locals;
  if (me === null) redirect(303, '/login');
  if (me.user.role !== 'client') redirect(303, homeFor(me.user.role));
  // Live events read the header's counts again (see ClientHome), with the page.
  depends(HEADER_COUNTS);
  const { ctx } = locals;
  // The portal's home is outside the (app) layout, so it loads the page chrome itself: both in
  // one transaction.
  const { chrome, dashboard, waiting } = await transact(ctx, async (tx) => {
    const dashboard = await clientDashboard({ ctx: tx });
    return {
      chrome: await chromeFor(locals, tx),
      dashboard,
      // Only a client with `review` has rounds to decide (the dashboard's slot is null otherwise).
      waiting: dashboard.reviewsWaiting === null ? null : await waitingReviews({ ctx: tx }),
    };
  });
  return {
    view: 'portal' as const,
    user: { name: me.user.name, email: me.user.email, role: me.user.role },
    ...chrome,
    dashboard,
    waiting,
    now: ctx.deps.now(),
  };
};

export const actions: Actions = {
  // The welcome's "Got it". Only a client reaches it (anyone else has no portal).
  dismissWelcome: async ({ locals }) => {
    if (locals.me?.user.role !== 'client')
      return fail(400, { message: 'Only clients have a welcome to dismiss.' });
    try {
      await dismissWelcome({ ctx: locals.ctx });
    } catch (error) {
      return coreErrorToFail(error, {});
    }
    return { dismissed: true };
  },
};
