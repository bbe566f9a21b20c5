import {
  generateToken,
  hashPassword,
  hashToken,
  looksLikeToken,
  passwordProblem,
  RESET_LIFETIME_MS,
} from '@foyer/auth';
import { requestPasswordReset as issueResetToken, resetPassword as redeemResetToken } from '@foyer/db';
import type { ClientInfo, CoreContext, TenantSite } from '../context';
import { CoreError, invalid } from '../errors';
import { type AccountAndIpLimits, withinLimits } from './throttle';
import { emailSchema } from './validation';

export const RESET_LIMITS: AccountAndIpLimits = {
  perAccount: { limit: 5, windowSeconds: 60 * 60 },
  perIp: { limit: 30, windowSeconds: 60 * 60 },
};

/**
 * "Forgot your password?". Always resolves the same way, whether or not the account exists or
 * the request was throttled, so the answer reveals nothing; only a malformed address is refused.
 */
export async function requestPasswordReset(
  ctx: CoreContext,
  site: TenantSite,
  rawEmail: string,
  client: ClientInfo,
): Promise<void> {
  const parsed = emailSchema.safeParse(rawEmail);
  if (!parsed.success) throw invalid({ email: 'Enter a valid email address.' });
  const email = parsed.data.toLowerCase();
  const tenantId = site.tenant.id;
  const allowed = await withinLimits(ctx, RESET_LIMITS, {
    account: `reset:${tenantId}:${email}`,
    ip: `reset-ip:${client.ip}`,
  });
  if (!allowed) return;

  const token = generateToken();
  const url = new URL('/reset-password', site.tenant.origin);
  url.searchParams.set('token', token);
  // The token and its email are written in one statement: the worker sends it once committed.
  await issueResetToken(ctx.db, {
    tenantId,
    email,
    tokenHash: hashToken(token),
    expiresAt: new Date(ctx.now().getTime() + RESET_LIFETIME_MS),
    vars: { resetUrl: url.toString(), expiresInMinutes: Math.round(RESET_LIFETIME_MS / 60_000) },
  });
}

/** Sets a new password from a reset link. Single use; ends every session of the account. */
export async function resetPassword(
  ctx: CoreContext,
  site: TenantSite,
  token: string,
  password: string,
): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw invalid({ password: problem });
  const userId = looksLikeToken(token)
    ? await redeemResetToken(ctx.db, site.tenant.id, hashToken(token), await hashPassword(password))
    : null;
  if (!userId) {
    throw new CoreError('expired', 'This reset link has expired or was already used. Ask for a new one.');
  }
}
