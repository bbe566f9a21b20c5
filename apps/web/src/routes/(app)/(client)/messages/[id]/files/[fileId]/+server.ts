import { redirectToFile } from '$lib/server/files';
import type { RequestHandler } from './$types';

/**
 * A file attached to a message of the conversation (a direct conversation's files have no
 * project): a five-minute link once the row is read under the client's policies.
 */
export const GET: RequestHandler = (event) =>
  redirectToFile(event.locals.ctx, event.params.fileId, event.url.searchParams);
