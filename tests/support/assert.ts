import { expect } from 'vitest';

/** SQLSTATE codes the isolation tests expect. */
export const SqlState = {
  /** `permission denied …` and `new row violates row-level security policy …` alike. */
  insufficientPrivilege: '42501',
  foreignKeyViolation: '23503',
  uniqueViolation: '23505',
  invalidTextRepresentation: '22P02',
  undefinedFunction: '42883',
} as const;

export interface PgFailure {
  code: string;
  message: string;
}

/** The PostgreSQL error inside whatever the driver and drizzle wrapped it in, if any. */
export function findPgFailure(error: unknown): PgFailure | null {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return { code: candidate.code, message: String(candidate.message) };
    }
    current = candidate.cause;
  }
  return null;
}

/** Awaits `promise`, which must reject with a PostgreSQL error, and returns that error. */
export async function pgFailure(promise: Promise<unknown>): Promise<PgFailure> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    const failure = findPgFailure(error);
    if (!failure) throw new Error(`expected a PostgreSQL error, got: ${String(error)}`, { cause: error });
    return failure;
  }
  throw new Error(`expected the statement to fail, but it succeeded with ${JSON.stringify(outcome)}`);
}

export async function expectPermissionDenied(promise: Promise<unknown>, on?: RegExp): Promise<void> {
  const failure = await pgFailure(promise);
  expect(failure.code).toBe(SqlState.insufficientPrivilege);
  expect(failure.message).toMatch(on ?? /^permission denied/);
}

/**
 * The login role may not run this at all: permission denied, or the function no longer exists
 * (what was withdrawn from it was dropped, so no later migration can grant it back).
 */
export async function expectRefused(promise: Promise<unknown>): Promise<void> {
  const failure = await pgFailure(promise);
  expect([SqlState.insufficientPrivilege, SqlState.undefinedFunction]).toContain(failure.code);
}

export async function expectRlsViolation(promise: Promise<unknown>, table?: string): Promise<void> {
  const failure = await pgFailure(promise);
  expect(failure.code).toBe(SqlState.insufficientPrivilege);
  expect(failure.message).toMatch(/row-level security policy/);
  if (table) expect(failure.message).toContain(`"${table}"`);
}

export async function expectForeignKeyViolation(promise: Promise<unknown>): Promise<void> {
  const failure = await pgFailure(promise);
  expect(failure.code).toBe(SqlState.foreignKeyViolation);
}

/** Narrows away undefined/null after asserting it, instead of a non-null assertion. */
export function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}`);
  return value;
}
