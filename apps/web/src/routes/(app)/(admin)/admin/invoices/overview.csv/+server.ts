import { financialOverviewCsv } from '@foyer/core';
import { contentDisposition } from '$lib/server/pdf';
import type { RequestHandler } from './$types';

/** Every issued invoice as a spreadsheet row, in each invoice's own currency. */
export const GET: RequestHandler = async ({ locals }) => {
  const csv = await financialOverviewCsv({ ctx: locals.ctx });
  return new Response(csv.body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': contentDisposition(csv.filename),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    },
  });
};
