import {
  connectStripe,
  disconnectGateway,
  paymentSettings,
  saveStripeKeys,
  setGatewayOffered,
  setPartialPayments,
  testGateway,
} from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { field, isConfirmed, readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => ({
  payments: await paymentSettings({ ctx: locals.ctx }),
  /** Back from Stripe's onboarding (the return page sends the admin here). */
  connected: url.searchParams.has('connected'),
});

/** The form an answer belongs to. */
type Section = 'stripe' | 'keys' | 'partial';

const disconnectQuestion = {
  title: 'Disconnect Stripe?',
  message:
    'Clients will no longer see Pay Now for Stripe, and its keys are forgotten. Payments it brought stay on their invoices.',
  confirmLabel: 'Disconnect Stripe',
};

export const actions: Actions = {
  connect: async (event) => {
    let url: string;
    try {
      ({ url } = await connectStripe({ ctx: event.locals.ctx }));
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'stripe' as Section });
    }
    redirect(303, url);
  },

  keys: async (event) => {
    const form = await readForm(event.request);
    try {
      await saveStripeKeys({
        ctx: event.locals.ctx,
        input: { secretKey: field(form, 'secretKey'), webhookSecret: field(form, 'webhookSecret') },
      });
    } catch (cause) {
      // The keys are never echoed back into the page.
      return coreErrorToFail(cause, { section: 'keys' as Section });
    }
    return { section: 'keys' as Section, notice: 'Stripe is connected with your keys.' };
  },

  test: async (event) => {
    let ok: boolean;
    try {
      const view = await testGateway({ ctx: event.locals.ctx, input: { gateway: 'stripe' } });
      ok = view.checkError === null;
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'stripe' as Section });
    }
    return ok
      ? { section: 'stripe' as Section, notice: 'Stripe answered: the connection works.' }
      : { section: 'stripe' as Section, warning: 'Stripe refused the connection: see the error below.' };
  },

  offer: async (event) => {
    const form = await readForm(event.request);
    const offered = field(form, 'offered') === 'true';
    try {
      await setGatewayOffered({ ctx: event.locals.ctx, input: { gateway: 'stripe', offered } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'stripe' as Section });
    }
    return {
      section: 'stripe' as Section,
      notice: offered ? 'Clients now see Pay Now with Stripe.' : 'Clients no longer see Pay Now with Stripe.',
    };
  },

  disconnect: async (event) => {
    const form = await readForm(event.request);
    if (!isConfirmed(form)) {
      return {
        section: 'stripe' as Section,
        confirm: { action: '?/disconnect', fields: {}, ...disconnectQuestion },
      };
    }
    try {
      await disconnectGateway({ ctx: event.locals.ctx, input: { gateway: 'stripe' } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'stripe' as Section });
    }
    return { section: 'stripe' as Section, notice: 'Stripe is disconnected.' };
  },

  partial: async (event) => {
    const form = await readForm(event.request);
    const partialPayments = form.has('partialPayments');
    try {
      await setPartialPayments({ ctx: event.locals.ctx, input: { partialPayments } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'partial' as Section });
    }
    return {
      section: 'partial' as Section,
      notice: partialPayments ? 'Clients may pay part of a balance.' : 'Clients pay the whole balance.',
    };
  },
};
