import { throttleHit } from '@foyer/db';
import type { CoreContext } from '../context';

export interface Limit {
  limit: number;
  windowSeconds: number;
}

/** Every throttled action is limited twice: per account (or address) and per client IP. */
export interface AccountAndIpLimits {
  perAccount: Limit;
  perIp: Limit;
}

/**
 * Counts one attempt against both keys at once (both always count, so neither limit can be
 * dodged by tripping the other first) and says whether the attempt is within both limits.
 */
export async function withinLimits(
  ctx: CoreContext,
  limits: AccountAndIpLimits,
  keys: { account: string; ip: string },
): Promise<boolean> {
  const [accountOk, ipOk] = await Promise.all([
    throttleHit(ctx.db, keys.account, limits.perAccount.limit, limits.perAccount.windowSeconds),
    throttleHit(ctx.db, keys.ip, limits.perIp.limit, limits.perIp.windowSeconds),
  ]);
  return accountOk && ipOk;
}
