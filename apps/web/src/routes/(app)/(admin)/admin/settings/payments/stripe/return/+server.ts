import { refreshStripeConnect } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** Stripe's `return_url`: the account is read back from Stripe, then the settings page says how it stands. */
export const GET: RequestHandler = async ({ locals }) => {
  await refreshStripeConnect({ ctx: locals.ctx });
  redirect(303, '/admin/settings/payments?connected');
};
