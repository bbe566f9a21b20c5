import { CoreError, type InvoiceFilter, invoiceFormOptions, listInvoices } from '@foyer/core';
import { error } from '@sveltejs/kit';
import type { InvoiceQuery } from '$lib/invoices';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const { ctx } = locals;
  const query: InvoiceQuery = {
    status: url.searchParams.get('status') ?? '',
    client: url.searchParams.get('client') ?? '',
  };
  const page = url.searchParams.get('page') ?? undefined;
  try {
    const [list, options] = await Promise.all([
      listInvoices({
        ctx,
        input: {
          // Anything but a filter is refused by the verb's own check (a 404 below).
          status: query.status as InvoiceFilter | '',
          clientId: query.client,
          page,
        },
      }),
      invoiceFormOptions({ ctx }),
    ]);
    return {
      list,
      query,
      pages: Math.max(1, Math.ceil(list.total / list.pageSize)),
      companies: options.companies,
      deleted: url.searchParams.has('deleted'),
    };
  } catch (cause) {
    // A filter or page number that is not one is a list that does not exist.
    if (cause instanceof CoreError && cause.code === 'validation') error(404);
    throw cause;
  }
};
