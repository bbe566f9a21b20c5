import { system } from '@foyer/db';
import type { Deps } from '../context';
import type { Ctx } from '../ctx';

/** A fixed window: at most `limit` hits per `windowSeconds` (at most a day; see `purgeThrottle`). */
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
  deps: Deps,
  limits: AccountAndIpLimits,
  keys: { account: string; ip: string },
): Promise<boolean> {
  const [accountOk, ipOk] = await Promise.all([
    system.throttle.hit(deps.db, keys.account, limits.perAccount.limit, limits.perAccount.windowSeconds),
    system.throttle.hit(deps.db, keys.ip, limits.perIp.limit, limits.perIp.windowSeconds),
  ]);
  return accountOk && ipOk;
}

/** Sign-in limits: browsers unknown to the account, and browsers holding its device cookie. */
export interface SignInLimits extends AccountAndIpLimits {
  perDevice: Limit;
}

/**
 * Sign-in limits (OWASP's device cookies; numbers and reasoning in docs/security.md).
 * Unknown browsers share the account's limit: windows open at their first hit and never overlap,
 * so any hour touches at most five of them, and 5 × 20 = 100 guesses an hour per account across
 * all addresses. A browser with a device cookie for the account (it signed in to it before) is
 * not held by that limit, so an attacker cannot lock the real user out, only by its own.
 */
export const SIGN_IN_LIMITS: SignInLimits = {
  perAccount: { limit: 20, windowSeconds: 15 * 60 },
  perIp: { limit: 100, windowSeconds: 15 * 60 },
  perDevice: { limit: 10, windowSeconds: 15 * 60 },
};

/**
 * Counts a sign-in attempt and says whether it may go on to the password check. `device` is the
 * nonce of a valid device cookie for this account, or null.
 */
export async function signInAllowed(
  deps: Deps,
  keys: { account: string; ip: string; device: string | null },
): Promise<boolean> {
  if (keys.device) {
    const { limit, windowSeconds } = SIGN_IN_LIMITS.perDevice;
    return system.throttle.hit(deps.db, `sign-in-device:${keys.device}`, limit, windowSeconds);
  }
  return withinLimits(deps, SIGN_IN_LIMITS, { account: keys.account, ip: keys.ip });
}

/**
 * Re-entering the current password (email or password change on the account page) is a guess
 * too: someone holding a stolen session gets at most 10 of them per 15 minutes.
 */
export const CURRENT_PASSWORD_LIMIT: Limit = { limit: 10, windowSeconds: 15 * 60 };

/** Rows older than this count for nothing (every window is shorter) and are deleted. */
export const THROTTLE_RETENTION_SECONDS = 24 * 60 * 60;

/**
 * Deletes expired throttle rows; keys carry attacker-chosen emails, so without this the table
 * would grow a row per made-up address forever. Run by the worker's `throttle-purge` job, for
 * the whole platform: nobody acts in a tenant, so it records nothing.
 */
export async function purgeThrottle({ ctx }: { ctx: Ctx }): Promise<number> {
  return system.throttle.purge(ctx.deps.db, THROTTLE_RETENTION_SECONDS);
}
