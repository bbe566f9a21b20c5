import { system, type TenantEmailLimit } from '@foyer/db';
import { CoreError, invalid, sqlState } from '../errors';
import type { OperatorCall } from './email';

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
export async function listEmailLimits({ ctx, operator }: OperatorCall): Promise<TenantEmailLimit[]> {
  return system.operators.emailLimits(ctx.deps.db, operator.sessionId).catch(sessionEnded);
}

/**
 * Sets how many emails a tenant may send a day: raised for an agency that needs more, lowered
 * (or 0, which pauses its email) for one that misbehaves. Mail over the limit waits for the
 * next day rather than being dropped; a raise lets it go at once.
 *
 * Not in the tenant's activity log: that log is the tenant's people's (and its worker's) actions,
 * written in the tenant's own name, and the operator acts on the platform, where the
 * `app_system` function keeps the limit.
 */
export async function setEmailLimit({
  ctx,
  operator,
  input,
}: OperatorCall & { input: { tenantId: string; limit: string } }): Promise<void> {
  const raw = input.limit.trim().replace(/[\s,_]/g, '');
  if (!/^\d{1,7}$/.test(raw) || Number(raw) > MAX_EMAIL_DAILY_LIMIT) {
    throw invalid({
      limit: `Enter a whole number from 0 to ${MAX_EMAIL_DAILY_LIMIT.toLocaleString('en-US')}.`,
    });
  }
  if (!UUID.test(input.tenantId)) throw new CoreError('not_found', 'There is no such tenant.');
  const updated = await system.operators
    .setEmailLimit(ctx.deps.db, operator.sessionId, input.tenantId, Number(raw))
    .catch(sessionEnded);
  if (!updated) throw new CoreError('not_found', 'There is no such tenant.');
}
