import { checkoutReturn, clientInvoice, payOptions, startCheckout } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { field, readForm } from '$lib/server/forms';
import { invoiceNotFound } from '$lib/server/invoices';
import type { Actions, PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, params, url }) => {
  // Back from a gateway's checkout: asked first, so a payment it confirms shows on the invoice below.
  const checkout = url.searchParams.get('checkout');
  const payment =
    checkout && UUID.test(checkout) && UUID.test(params.id)
      ? await checkoutReturn({
          ctx: locals.ctx,
          input: { id: params.id, checkout, cancelled: url.searchParams.has('cancelled') },
        })
      : null;
  // Under the client's ctx: the first visit marks the invoice viewed, except in an admin's
  // preview (the hook gives the preview's ctx, which the core never lets mark it).
  const invoice = await clientInvoice({ ctx: locals.ctx, input: { id: params.id } }).catch(invoiceNotFound);
  const pay = await payOptions({ ctx: locals.ctx, input: { id: params.id } });
  return { invoice, payment, pay };
};

export const actions: Actions = {
  pay: async (event) => {
    const form = await readForm(event.request);
    const gateway = field(form, 'gateway');
    const amount = field(form, 'amount');
    let url: string;
    try {
      ({ url } = await startCheckout({
        ctx: event.locals.ctx,
        input: { id: event.params.id, gateway: gateway as 'stripe', amount },
      }));
    } catch (cause) {
      return coreErrorToFail(cause, { amount });
    }
    // To the gateway's hosted checkout; it sends the payer back to this page.
    redirect(303, url);
  },
};
