import { CoreError, exportClientActivity } from '@foyer/core';
import { contentDisposition } from '$lib/server/pdf';
import { notFoundAs404 } from '../../not-found';
import { activityFilters } from '../activity/filters';
import type { RequestHandler } from './$types';

/** A client person's activity with the page's filters, as a spreadsheet (every row, no pages). */
export const GET: RequestHandler = async ({ locals, params, url }) => {
  const { kind, from, to } = activityFilters(url);
  let file: Awaited<ReturnType<typeof exportClientActivity>>;
  try {
    file = await exportClientActivity({ ctx: locals.ctx, input: { userId: params.id, kind, from, to } });
  } catch (error) {
    // Dates that make no range are the request's fault; an id that names nobody is a 404.
    if (error instanceof CoreError && error.code === 'validation' && !error.fields.userId) {
      return new Response(Object.values(error.fields).join(' ') || error.message, {
        status: 400,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }
    notFoundAs404(error);
  }
  return new Response(file.csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': contentDisposition(file.filename),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    },
  });
};
