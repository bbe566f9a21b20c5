import { approvalRecordResponse } from '$lib/server/reviews';
import type { RequestHandler } from './$types';

/** The client's copy of an approved task's approval record: people named as the agency chose. */
export const GET: RequestHandler = (event) => approvalRecordResponse(event.locals.ctx, event.params.id);
