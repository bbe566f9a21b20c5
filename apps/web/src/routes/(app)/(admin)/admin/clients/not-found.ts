import { CoreError } from '@foyer/core';
import { error } from '@sveltejs/kit';

/** A client or company that does not exist (or an id that cannot name one) is a 404 page. */
export function notFoundAs404(cause: unknown): never {
  if (cause instanceof CoreError && (cause.code === 'not_found' || cause.code === 'validation')) error(404);
  throw cause;
}
