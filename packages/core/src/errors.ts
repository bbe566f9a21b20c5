import type { TenantActor } from '@foyer/db';
/** Stable codes; the server maps each to one HTTP status, pages to a message. */
export type CoreErrorCode =
  | 'validation'
  | 'invalid_credentials'
  | 'throttled'
  | 'not_found'
  | 'forbidden'
  | 'conflict'
  | 'expired';

/** An expected refusal: wrong input, no permission, a conflict. Never a bug. */
export class CoreError extends Error {
  constructor(
    readonly code: CoreErrorCode,
    message: string,
    /** Messages by form field, shown next to the field. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'CoreError';
  }
}

export const invalid = (fields: Record<string, string>, message = 'Please correct the highlighted fields.') =>
  new CoreError('validation', message, fields);

/** The SQLSTATE of a database error, looking through driver and drizzle wrappers. */
export function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = '23505';

/** Refuses everyone but an agency admin, with a sentence saying what only admins may do. */
export function requireAdmin(
  actor: TenantActor,
  what = 'Only admins can do this.',
): asserts actor is TenantActor & { kind: 'admin'; userId: string } {
  if (actor.kind !== 'admin') throw new CoreError('forbidden', what);
}
