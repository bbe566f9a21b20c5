import type { TenantActor } from '@foyer/db';
/**
 * The one error vocabulary: each code, the HTTP status every surface (the API, pages, endpoints)
 * answers it with, and the stable problem type the API names it by. Codes are stable; add, never
 * rename.
 */
export const ERROR_STATUS = {
  /** Input that does not satisfy the verb's schema or rules; `fields` says where. */
  validation: 400,
  /** A sign-in whose email or password is wrong (never says which). */
  invalid_credentials: 401,
  /** Not signed in where that is required. */
  unauthenticated: 401,
  /** Payment is needed before this can be done (a plan limit, an unpaid subscription). */
  payment_required: 402,
  /** Signed in, but this person may not do this. */
  forbidden: 403,
  /** Nothing there, or nothing this person may know exists. */
  not_found: 404,
  /** The state changed underneath (taken, already done, out of date). */
  conflict: 409,
  /** A link or token that once worked and no longer does. */
  expired: 410,
  /** A file or body over the limit. */
  too_large: 413,
  /** A quota or plan limit reached (seats, storage, daily email). */
  limit_reached: 429,
  /** Too many attempts in a short time; try again later. */
  throttled: 429,
} as const;

export type CoreErrorCode = keyof typeof ERROR_STATUS;

/** The HTTP status of a code. */
export const httpStatus = (code: CoreErrorCode): (typeof ERROR_STATUS)[CoreErrorCode] => ERROR_STATUS[code];

/** The API's problem type of a code: `https://foyer.dev/problems/<code with dashes>`. */
export const problemType = (code: string): string => `https://foyer.dev/problems/${code.replace(/_/g, '-')}`;

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
