import { system } from '@foyer/db';
import { CoreError, invalid, sqlState } from '../errors';
import type { OperatorCall } from './email';

/** One GB as operators type it: binary, like the sizes the files area shows (10 GB = 10 GiB). */
export const GB = 1024 ** 3;

/** The most a tenant may be allowed to store, in GB; beyond it, talk to the tenant (and the bill). */
export const MAX_STORAGE_LIMIT_GB = 100_000;

const ENDED = 'Your operator session has ended. Sign in again.';
const NO_TENANT = 'There is no such tenant.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sessionEnded(error: unknown): never {
  if (sqlState(error) === '42501') throw new CoreError('forbidden', ENDED);
  throw error;
}

/**
 * Reads a cap typed in GB: a whole number or one with up to two decimals (`0.5`, `12.25`),
 * thousands separators allowed. Null when it is not one, or beyond the maximum.
 */
export function parseStorageGb(typed: string): number | null {
  const raw = typed.trim().replace(/[\s,_]/g, '');
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(raw)) return null;
  const gb = Number(raw);
  return gb <= MAX_STORAGE_LIMIT_GB ? gb : null;
}

/**
 * Sets how much a tenant may store, in GB: raised for an agency that needs more, lowered, or 0
 * to stop its uploads. What it already stores stays; each new upload is sized against the cap
 * before its first byte (`uploadAllowance`).
 *
 * Kept like the daily email limit: by the `app_system` function, on the platform, and not in
 * the tenant's activity log, which holds the tenant's own people's actions.
 */
export async function setStorageLimit({
  ctx,
  operator,
  input,
}: OperatorCall & { input: { tenantId: string; limitGb: string } }): Promise<{ limitBytes: number }> {
  const gb = parseStorageGb(input.limitGb);
  if (gb === null) {
    throw invalid({
      limitGb: `Enter a number of GB from 0 to ${MAX_STORAGE_LIMIT_GB.toLocaleString('en-US')}, with at most two decimals.`,
    });
  }
  if (!UUID.test(input.tenantId)) throw new CoreError('not_found', NO_TENANT);
  const limitBytes = Math.round(gb * GB);
  const updated = await system.operators
    .setStorageLimit(ctx.deps.db, operator.sessionId, input.tenantId, limitBytes)
    .catch(sessionEnded);
  if (!updated) throw new CoreError('not_found', NO_TENANT);
  return { limitBytes };
}
