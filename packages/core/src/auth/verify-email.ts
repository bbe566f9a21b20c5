import { EMAIL_VERIFY_LIFETIME_MS, generateToken, hashToken, looksLikeToken } from '@foyer/auth';
import { and, eq, schema, sql, system } from '@foyer/db';
import { actingAs, type Ctx, personOf, record, siteOf, transact } from '../ctx';
import { CoreError } from '../errors';
import { queueEmail } from '../mail/outbox';
import { actorFor } from './sessions';

const { userTokens, users } = schema;

/** What a verification link shows before it is used: its button, or that there is nothing to do. */
export type VerificationLink = 'pending' | 'verified' | 'expired' | 'not_found';

/** The state of a verification link, read without using it up (mail scanners open links too). */
export async function verificationLink({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string };
}): Promise<VerificationLink> {
  const { token } = input;
  if (!looksLikeToken(token)) return 'not_found';
  return (
    (await system.emailVerification.state(ctx.deps.db, siteOf(ctx).tenant.id, hashToken(token))) ??
    'not_found'
  );
}

/**
 * Confirms an address from the verification link; the link may be opened signed out, and is
 * recorded as the person whose address it is. A link used again once the address is confirmed (a
 * second tab, a second click) says so rather than calling itself expired.
 */
export async function verifyEmail({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string };
}): Promise<'verified' | 'already_verified'> {
  const { token } = input;
  const tenantId = siteOf(ctx).tenant.id;
  const person = looksLikeToken(token)
    ? await system.accounts.verifyEmail(ctx.deps.db, tenantId, hashToken(token))
    : null;
  if (person) {
    await transact(actingAs(ctx, actorFor(tenantId, person)), (ctx) =>
      record(ctx, {
        verb: 'auth.email_verified',
        subject: { type: 'user', id: person.userId },
        data: { email: person.email },
      }),
    );
    return 'verified';
  }
  if ((await verificationLink({ ctx, input: { token } })) === 'verified') return 'already_verified';
  throw new CoreError('expired', 'This verification link has expired or was already used.');
}

/**
 * Sends a fresh verification link to the signed-in person, replacing any earlier one. Does
 * nothing (and records nothing) once the address is verified.
 */
export async function resendVerification({ ctx }: { ctx: Ctx }): Promise<void> {
  const me = personOf(ctx, 'API keys have no email address.');
  const token = generateToken();
  const url = new URL('/verify-email', siteOf(ctx).tenant.origin);
  url.searchParams.set('token', token);
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const [self] = await tx
      .select({ verified: sql<boolean>`${users.emailVerifiedAt} is not null`, email: users.email })
      .from(users)
      .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
    if (!self || self.verified) return;
    await tx
      .delete(userTokens)
      .where(sql`${userTokens.userId} = ${me.userId} and ${userTokens.purpose} = 'email_verify'`);
    await tx.insert(userTokens).values({
      tenantId: me.tenantId,
      userId: me.userId,
      purpose: 'email_verify',
      tokenHash: hashToken(token),
      expiresAt: new Date(ctx.deps.now().getTime() + EMAIL_VERIFY_LIFETIME_MS),
    });
    await queueEmail(tx, {
      tenantId: me.tenantId,
      template: 'email-verification',
      to: { userId: me.userId },
      vars: {
        verifyUrl: url.toString(),
        expiresInHours: Math.round(EMAIL_VERIFY_LIFETIME_MS / 3_600_000),
      },
    });
    await record(ctx, {
      verb: 'auth.verification_resent',
      subject: { type: 'user', id: me.userId },
      data: { email: self.email },
    });
  });
}
