import { createInvoice, invoiceFormOptions } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { newInvoiceValues } from '$lib/invoices';
import { afterSave, draftFailure, draftForm } from '$lib/server/admin-invoices';
import { readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const options = await invoiceFormOptions({ ctx: locals.ctx });
  return { options, values: newInvoiceValues(options, url.searchParams.get('client') ?? '') };
};

export const actions: Actions = {
  default: async (event) => {
    const { ctx } = event.locals;
    const form = await readForm(event.request);
    const values = draftForm(form);
    let id: string;
    try {
      ({ id } = await createInvoice({ ctx, input: values }));
    } catch (cause) {
      return draftFailure(cause, values);
    }
    redirect(303, await afterSave(ctx, id, form));
  },
};
