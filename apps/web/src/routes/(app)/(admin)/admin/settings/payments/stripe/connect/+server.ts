import { CoreError, connectStripe } from '@foyer/core';
import { error, redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/**
 * Stripe's `refresh_url`: an onboarding link expired or was used, so a fresh one is made and the
 * admin goes straight back to Stripe.
 */
export const GET: RequestHandler = async ({ locals }) => {
  let url: string;
  try {
    ({ url } = await connectStripe({ ctx: locals.ctx }));
  } catch (cause) {
    if (cause instanceof CoreError) error(409, cause.message);
    throw cause;
  }
  redirect(303, url);
};
