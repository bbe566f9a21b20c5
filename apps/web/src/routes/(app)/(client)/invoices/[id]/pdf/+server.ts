import { invoicePdf } from '@foyer/core';
import { pdfResponse } from '$lib/server/pdf';
import type { RequestHandler } from './$types';

/** The client's copy of an invoice addressed to them or their company, as the team's PDF shows it. */
export const GET: RequestHandler = (event) =>
  pdfResponse(invoicePdf({ ctx: event.locals.ctx, input: { id: event.params.id } }));
