import { clientInvoice } from '@foyer/core';
import { invoiceNotFound } from '$lib/server/invoices';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
  // Under the client's ctx: the first visit marks the invoice viewed, except in an admin's
  // preview (the hook gives the preview's ctx, which the core never lets mark it).
  const invoice = await clientInvoice({ ctx: locals.ctx, input: { id: params.id } }).catch(invoiceNotFound);
  return { invoice };
};
