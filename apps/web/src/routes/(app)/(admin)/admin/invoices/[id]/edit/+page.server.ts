import { invoiceFormOptions, updateInvoice } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { draftValues } from '$lib/invoices';
import { afterSave, draftFailure, draftForm, loadInvoice } from '$lib/server/admin-invoices';
import { readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const { ctx } = locals;
  const invoice = await loadInvoice(ctx, params.id);
  // Only a draft is edited; an issued invoice is voided and duplicated instead.
  if (!invoice.can.edit) redirect(303, `/admin/invoices/${invoice.id}`);
  const options = await invoiceFormOptions({ ctx });
  return {
    invoice: { id: invoice.id, buyerName: invoice.buyerName },
    options,
    values: draftValues(invoice),
    duplicated: url.searchParams.has('duplicated'),
  };
};

export const actions: Actions = {
  default: async (event) => {
    const { ctx } = event.locals;
    const form = await readForm(event.request);
    const values = draftForm(form);
    const id = event.params.id;
    try {
      await updateInvoice({ ctx, input: { ...values, id } });
    } catch (cause) {
      return draftFailure(cause, values);
    }
    redirect(303, await afterSave(ctx, id, form));
  },
};
