import { operatorEmailLimits, operatorSetEmailLimit, type TenantEmailLimit } from '@foyer/db';
import type { CoreContext } from '../context';
import { CoreError, invalid, sqlState } from '../errors';
import type { SignedInOperator } from './operator';

export type { TenantEmailLimit };

/** The most a tenant may be allowed a day; beyond it, talk to the tenant (and the mail provider). */
export const MAX_EMAIL_DAILY_LIMIT = 1_000_000;

const ENDED = 'Your operator session has ended. Sign in again.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sessionEnded(error: unknown): never {
  if (sqlState(error) === '42501') throw new CoreError('forbidden', ENDED);
  throw error;
}

/** Every tenant's daily email limit and what it has sent today (UTC); live operator session only. */
export async function listEmailLimits(
  ctx: CoreContext,
  operator: SignedInOperator,
): Promise<TenantEmailLimit[]> {
  return operatorEmailLimits(ctx.db, operator.sessionId).catch(sessionEnded);
}

/**
 * Sets how many emails a tenant may send a day: raised for an agency that needs more, lowered
 * (or 0, which pauses its email) for one that misbehaves. Mail over the limit waits for the
 * next day rather than being dropped; a raise lets it go at once.
 */
export async function setEmailLimit(
  ctx: CoreContext,
  operator: SignedInOperator,
  input: { tenantId: string; limit: string },
): Promise<void> {
  const raw = input.limit.trim().replace(/[\s,_]/g, '');
  if (!/^\d{1,7}$/.test(raw) || Number(raw) > MAX_EMAIL_DAILY_LIMIT) {
    throw invalid({
      limit: `Enter a whole number from 0 to ${MAX_EMAIL_DAILY_LIMIT.toLocaleString('en-US')}.`,
    });
  }
  if (!UUID.test(input.tenantId)) throw new CoreError('not_found', 'There is no such tenant.');
  const updated = await operatorSetEmailLimit(ctx.db, operator.sessionId, input.tenantId, Number(raw)).catch(
    sessionEnded,
  );
  if (!updated) throw new CoreError('not_found', 'There is no such tenant.');
}
