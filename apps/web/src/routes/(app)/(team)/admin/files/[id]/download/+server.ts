import { redirectToFile } from '$lib/server/files';
import type { RequestHandler } from './$types';

/** A download (recorded) or, with `?inline=1`, a preview: a five-minute link after the row is read. */
export const GET: RequestHandler = (event) =>
  redirectToFile(event.locals.ctx, event.params.id, event.url.searchParams);
