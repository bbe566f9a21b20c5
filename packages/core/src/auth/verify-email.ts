import { EMAIL_VERIFY_LIFETIME_MS, generateToken, hashToken, looksLikeToken } from '@foyer/auth';
import {
  and,
  emailVerificationState,
  eq,
  verifyEmail as redeemVerifyToken,
  schema,
  sql,
  type TenantActor,
  withActor,
} from '@foyer/db';
import type { CoreContext, TenantSite } from '../context';
import { CoreError } from '../errors';
import { queueEmail } from '../mail/outbox';

const { userTokens, users } = schema;

/** What a verification link shows before it is used: its button, or that there is nothing to do. */
export type VerificationLink = 'pending' | 'verified' | 'expired' | 'not_found';

/** The state of a verification link, read without using it up (mail scanners open links too). */
export async function verificationLink(
  ctx: CoreContext,
  site: TenantSite,
  token: string,
): Promise<VerificationLink> {
  if (!looksLikeToken(token)) return 'not_found';
  return (await emailVerificationState(ctx.db, site.tenant.id, hashToken(token))) ?? 'not_found';
}

/**
 * Confirms an address from the verification link; the link may be opened signed out. A link
 * used again once the address is confirmed (a second tab, a second click) says so rather than
 * calling itself expired.
 */
export async function verifyEmail(
  ctx: CoreContext,
  site: TenantSite,
  token: string,
): Promise<'verified' | 'already_verified'> {
  const userId = looksLikeToken(token)
    ? await redeemVerifyToken(ctx.db, site.tenant.id, hashToken(token))
    : null;
  if (userId) return 'verified';
  if ((await verificationLink(ctx, site, token)) === 'verified') return 'already_verified';
  throw new CoreError('expired', 'This verification link has expired or was already used.');
}

/**
 * Sends a fresh verification link to the signed-in person, replacing any earlier one. Does
 * nothing once the address is verified.
 */
export async function resendVerification(
  ctx: CoreContext,
  actor: TenantActor,
  site: TenantSite,
): Promise<void> {
  if (actor.kind === 'apikey') throw new CoreError('forbidden', 'API keys have no email address.');
  const token = generateToken();
  const url = new URL('/verify-email', site.tenant.origin);
  url.searchParams.set('token', token);
  await withActor(ctx.db.db, actor, async (tx) => {
    const [me] = await tx
      .select({ verified: sql<boolean>`${users.emailVerifiedAt} is not null` })
      .from(users)
      .where(and(eq(users.tenantId, actor.tenantId), eq(users.id, actor.userId)));
    if (!me || me.verified) return;
    await tx
      .delete(userTokens)
      .where(sql`${userTokens.userId} = ${actor.userId} and ${userTokens.purpose} = 'email_verify'`);
    await tx.insert(userTokens).values({
      tenantId: actor.tenantId,
      userId: actor.userId,
      purpose: 'email_verify',
      tokenHash: hashToken(token),
      expiresAt: new Date(ctx.now().getTime() + EMAIL_VERIFY_LIFETIME_MS),
    });
    await queueEmail(tx, {
      tenantId: actor.tenantId,
      template: 'email-verification',
      to: { userId: actor.userId },
      vars: {
        verifyUrl: url.toString(),
        expiresInHours: Math.round(EMAIL_VERIFY_LIFETIME_MS / 3_600_000),
      },
    });
  });
}
