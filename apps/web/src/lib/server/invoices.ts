import { CoreError } from '@foyer/core';
import { error } from '@sveltejs/kit';

/**
 * The client's invoice pages answer 404 for whatever they may not see: an invoice not addressed
 * to them (or a draft), an id or page that names none, or the whole area without the `invoices`
 * permission, as the portal's other areas do.
 */
export function invoiceNotFound(cause: unknown): never {
  if (cause instanceof CoreError && ['not_found', 'validation', 'forbidden'].includes(cause.code)) error(404);
  throw cause;
}
