import {
  connectStripe,
  disconnectGateway,
  GATEWAY_NAMES,
  paymentSettings,
  savePayPal,
  saveStripeKeys,
  saveTwoCheckout,
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

/** The form an answer belongs to: a gateway's panel, a gateway's keys form, or partial payments. */
type Gateway = 'stripe' | 'paypal' | 'twocheckout';
type Section = Gateway | `${Gateway}-keys` | 'partial';

const gatewayOf = (form: FormData): Gateway => {
  const value = field(form, 'gateway');
  return value === 'paypal' || value === 'twocheckout' ? value : 'stripe';
};

const disconnectQuestion = (gateway: Gateway) => ({
  title: `Disconnect ${GATEWAY_NAMES[gateway]}?`,
  message: `Clients will no longer see Pay Now for ${GATEWAY_NAMES[gateway]}, and its keys are forgotten. Payments it brought stay on their invoices.`,
  confirmLabel: `Disconnect ${GATEWAY_NAMES[gateway]}`,
});

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
      return coreErrorToFail(cause, { section: 'stripe-keys' as Section });
    }
    return { section: 'stripe-keys' as Section, notice: 'Stripe is connected with your keys.' };
  },

  paypal: async (event) => {
    const form = await readForm(event.request);
    const echo = {
      clientId: field(form, 'clientId'),
      webhookId: field(form, 'webhookId'),
      mode: field(form, 'mode'),
    };
    try {
      await savePayPal({
        ctx: event.locals.ctx,
        input: { ...echo, clientSecret: field(form, 'clientSecret'), mode: echo.mode as 'test' },
      });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'paypal-keys' as Section, echo });
    }
    return { section: 'paypal-keys' as Section, notice: 'PayPal is connected.' };
  },

  twocheckout: async (event) => {
    const form = await readForm(event.request);
    const echo = { merchantCode: field(form, 'merchantCode'), mode: field(form, 'mode') };
    try {
      await saveTwoCheckout({
        ctx: event.locals.ctx,
        input: {
          ...echo,
          secretKey: field(form, 'secretKey'),
          buyLinkSecret: field(form, 'buyLinkSecret'),
          mode: echo.mode as 'test',
        },
      });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'twocheckout-keys' as Section, echo });
    }
    return { section: 'twocheckout-keys' as Section, notice: '2Checkout is connected.' };
  },

  test: async (event) => {
    const form = await readForm(event.request);
    const gateway = gatewayOf(form);
    const name = GATEWAY_NAMES[gateway];
    let ok: boolean;
    try {
      const view = await testGateway({ ctx: event.locals.ctx, input: { gateway } });
      ok = view.checkError === null;
    } catch (cause) {
      return coreErrorToFail(cause, { section: gateway as Section });
    }
    return ok
      ? { section: gateway as Section, notice: `${name} answered: the connection works.` }
      : { section: gateway as Section, warning: `${name} refused the connection: see the error below.` };
  },

  offer: async (event) => {
    const form = await readForm(event.request);
    const gateway = gatewayOf(form);
    const name = GATEWAY_NAMES[gateway];
    const offered = field(form, 'offered') === 'true';
    try {
      await setGatewayOffered({ ctx: event.locals.ctx, input: { gateway, offered } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: gateway as Section });
    }
    return {
      section: gateway as Section,
      notice: offered
        ? `Clients now see Pay Now with ${name}.`
        : `Clients no longer see Pay Now with ${name}.`,
    };
  },

  disconnect: async (event) => {
    const form = await readForm(event.request);
    const gateway = gatewayOf(form);
    if (!isConfirmed(form)) {
      return {
        section: gateway as Section,
        confirm: { action: '?/disconnect', fields: { gateway }, ...disconnectQuestion(gateway) },
      };
    }
    try {
      await disconnectGateway({ ctx: event.locals.ctx, input: { gateway } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: gateway as Section });
    }
    return { section: gateway as Section, notice: `${GATEWAY_NAMES[gateway]} is disconnected.` };
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
