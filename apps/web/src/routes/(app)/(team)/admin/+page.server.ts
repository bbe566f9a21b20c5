import {
  adminDashboard,
  financialOverview,
  getAccount,
  resendVerification,
  waitingReviews,
} from '@foyer/core';
import { error } from '@sveltejs/kit';
import { person } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const me = person(locals);
  const isAdmin = me.user.role === 'admin';
  // A new workspace's admin is asked to confirm their address until they do.
  const unverifiedEmail =
    isAdmin && !(await getAccount({ ctx: locals.ctx })).emailVerified ? me.user.email : null;
  const [dashboard, waiting, overview] = await Promise.all([
    adminDashboard({ ctx: locals.ctx }),
    waitingReviews({ ctx: locals.ctx }),
    isAdmin ? financialOverview({ ctx: locals.ctx }) : null,
  ]);
  // How many invoices ask for money, in every currency: a count adds up where amounts would not.
  const invoicesOutstanding =
    overview && overview.currencies.length > 0
      ? overview.byCurrency.reduce((total, entry) => total + entry.outstanding.count, 0)
      : null;
  // The oldest few: the list comes longest-waiting first.
  return {
    isAdmin,
    unverifiedEmail,
    dashboard,
    waiting: { total: waiting.total, oldest: waiting.items.slice(0, 3) },
    invoicesOutstanding,
  };
};

export const actions: Actions = {
  // The same re-send as the account page's, offered where a new admin lands (to admins only:
  // staff get 404, as on the admin pages).
  verify: async ({ locals }) => {
    const me = person(locals);
    if (me.user.role !== 'admin') error(404);
    await resendVerification({ ctx: locals.ctx });
    return { notice: `We’ve sent a new verification link to ${me.user.email}.` };
  },
};
