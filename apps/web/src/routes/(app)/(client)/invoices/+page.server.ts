import { clientInvoices } from '@foyer/core';
import { invoiceNotFound } from '$lib/server/invoices';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const page = url.searchParams.get('page') ?? undefined;
  // Without `invoices` the area is not there for this client; nor is a page number that is not one.
  const list = await clientInvoices({ ctx: locals.ctx, input: { page } }).catch(invoiceNotFound);
  return { list, pages: Math.max(1, Math.ceil(list.total / list.pageSize)) };
};
