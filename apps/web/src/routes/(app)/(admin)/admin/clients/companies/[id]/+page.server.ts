import { getCompany, listInvoices, renameCompany } from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { readForm, trimmed } from '$lib/server/forms';
import { notFoundAs404 } from '../../not-found';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
  const { ctx } = locals;
  const company = await getCompany({ ctx, input: { companyId: params.id } }).catch(notFoundAs404);
  const invoices = await listInvoices({ ctx, input: { clientId: company.id } });
  return { company, invoices, now: ctx.deps.now() };
};

export const actions: Actions = {
  rename: async (event) => {
    const { ctx } = event.locals;
    const form = await readForm(event.request);
    const name = trimmed(form, 'name');
    try {
      await renameCompany({ ctx, input: { companyId: event.params.id, name } });
    } catch (error) {
      return coreErrorToFail(error, { name });
    }
    return { notice: `Renamed to ${name}.` };
  },
};
