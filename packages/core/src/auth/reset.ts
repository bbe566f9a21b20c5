import {
  generateToken,
  hashPassword,
  hashToken,
  looksLikeToken,
  passwordProblem,
  RESET_LIFETIME_MS,
} from '@foyer/auth';
import { system } from '@foyer/db';
import { actingAs, type Ctx, record, siteOf, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { actorFor } from './sessions';
import { type AccountAndIpLimits, withinLimits } from './throttle';
import { emailSchema } from './validation';

export const RESET_LIMITS: AccountAndIpLimits = {
  perAccount: { limit: 5, windowSeconds: 60 * 60 },
  perIp: { limit: 30, windowSeconds: 60 * 60 },
};

/**
 * "Forgot your password?", from a visitor on the agency's host. Always resolves the same way,
 * whether or not the account exists or the request was throttled, so the answer reveals nothing;
 * only a malformed address is refused. Every such request is recorded, with the address asked for.
 */
export async function requestPasswordReset({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { email: string };
}): Promise<void> {
  const site = siteOf(ctx);
  const parsed = emailSchema.safeParse(input.email);
  if (!parsed.success) throw invalid({ email: 'Enter a valid email address.' });
  const email = parsed.data.toLowerCase();
  const tenantId = site.tenant.id;
  const allowed = await withinLimits(ctx.deps, RESET_LIMITS, {
    account: `reset:${tenantId}:${email}`,
    ip: `reset-ip:${ctx.client?.ip ?? ''}`,
  });
  if (allowed) {
    const token = generateToken();
    const url = new URL('/reset-password', site.tenant.origin);
    url.searchParams.set('token', token);
    // The token and its email are written in one statement: the worker sends it once committed.
    await system.accounts.requestPasswordReset(ctx.deps.db, {
      tenantId,
      email,
      tokenHash: hashToken(token),
      expiresAt: new Date(ctx.deps.now().getTime() + RESET_LIFETIME_MS),
      vars: { resetUrl: url.toString(), expiresInMinutes: Math.round(RESET_LIFETIME_MS / 60_000) },
    });
  }
  await transact(actingAs(ctx, { kind: 'visitor', tenantId }), (ctx) =>
    record(ctx, { verb: 'auth.password_reset_requested', data: { email } }),
  );
}

/**
 * Sets a new password from a reset link, opened on the agency's host by whoever holds the link.
 * Single use; ends every session of the account. Recorded as the person whose password it is.
 */
export async function resetPassword({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string; password: string };
}): Promise<void> {
  const tenantId = siteOf(ctx).tenant.id;
  const { token, password } = input;
  const problem = passwordProblem(password);
  if (problem) throw invalid({ password: problem });
  const person = looksLikeToken(token)
    ? await system.accounts.resetPassword(
        ctx.deps.db,
        tenantId,
        hashToken(token),
        await hashPassword(password),
      )
    : null;
  if (!person) {
    throw new CoreError('expired', 'This reset link has expired or was already used. Ask for a new one.');
  }
  await transact(actingAs(ctx, actorFor(tenantId, person)), (ctx) =>
    record(ctx, { verb: 'auth.password_reset', subject: { type: 'user', id: person.userId } }),
  );
}
