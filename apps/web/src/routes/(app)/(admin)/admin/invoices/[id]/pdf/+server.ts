import { invoicePdf } from '@foyer/core';
import { pdfResponse } from '$lib/server/pdf';
import type { RequestHandler } from './$types';

/** The invoice as its PDF, drafts included, for the agency’s admins. */
export const GET: RequestHandler = (event) =>
  pdfResponse(invoicePdf({ ctx: event.locals.ctx, input: { id: event.params.id } }));
