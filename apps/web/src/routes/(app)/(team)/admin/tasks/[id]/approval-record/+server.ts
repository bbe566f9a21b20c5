import { approvalRecordResponse } from '$lib/server/reviews';
import type { RequestHandler } from './$types';

/** The team's copy of an approved task's approval record (everyone named, IP addresses included). */
export const GET: RequestHandler = (event) => approvalRecordResponse(event.locals.ctx, event.params.id);
