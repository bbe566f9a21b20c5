import {
  burnPasswordCheck,
  generateToken,
  hashLikeStored,
  hashPassword,
  hashToken,
  looksLikeToken,
  needsRehash,
  needsTouch,
  renewal,
  sessionExpiry,
} from '@foyer/auth';
import {
  and,
  eq,
  type Session,
  SessionInvalid,
  schema,
  system,
  type TenantActor,
  withSession,
} from '@foyer/db';
import { z } from 'zod';
import {
  actingAs,
  type Ctx,
  personOf,
  record,
  requestTransaction,
  siteOf,
  type TxCtx,
  transact,
} from '../ctx';
import { CoreError } from '../errors';
import { parseInput } from '../input';
import { type DeviceCookie, issueDeviceCookie, trustedDevice } from './devices';
import { signInAllowed } from './throttle';
import { PENDING_SIGN_IN_LIFETIME_MS, rememberedEpoch } from './two-factor';
import { beyondAnyAccount, EMAIL_MAX_LENGTH } from './validation';

const { sessions, users } = schema;

/** The person behind a live session, as pages and routes see them. */
export interface SignedInUser {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'staff' | 'client';
}

export interface ResolvedSession {
  actor: TenantActor;
  user: SignedInUser;
  /** The stored id (SHA-256 of the token) of this session. */
  sessionId: string;
  /** Set when the session was renewed: the cookie should be re-issued with this expiry. */
  renewedUntil: Date | null;
}

export function actorFor(
  tenantId: string,
  user: { userId: string; role: SignedInUser['role']; clientId: string | null },
): TenantActor {
  if (user.role === 'client') {
    if (!user.clientId) throw new Error(`client user ${user.userId} has no client`);
    return { kind: 'client', tenantId, userId: user.userId, clientId: user.clientId };
  }
  return { kind: user.role, tenantId, userId: user.userId };
}

/**
 * Opens a session for the person acting in `ctx`, whose identity is already proven (a password,
 * an invitation, a hand-off); returns the cookie token. Records nothing: the verb that proved
 * who it is records what happened, in the same transaction when it passes its own.
 */
export async function openSession({ ctx }: { ctx: Ctx }): Promise<{ token: string; expiresAt: Date }> {
  const me = personOf(ctx, 'Only people have sessions.');
  const token = generateToken();
  const now = ctx.deps.now();
  const expiresAt = sessionExpiry(now);
  await transact(ctx, async ({ tx }) => {
    await tx.insert(sessions).values({
      tenantId: me.tenantId,
      id: hashToken(token),
      userId: me.userId,
      expiresAt,
      ip: ctx.client?.ip || null,
      userAgent: ctx.client?.userAgent?.slice(0, 500) ?? null,
    });
    await tx
      .update(users)
      .set({ lastSeenAt: now })
      .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
  });
  return { token, expiresAt };
}

/**
 * Cookie token -> session, for the tenant of the request's host only (`ctx`'s site): a token
 * issued by another tenant finds nothing. Renews a session that is past half its life, and notes
 * when the person was last seen at most every few minutes. Not an action: it records nothing.
 */
export async function resolveSession({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string | undefined };
}): Promise<ResolvedSession | null> {
  const { token } = input;
  if (!looksLikeToken(token)) return null;
  const tenantId = siteOf(ctx).tenant.id;
  const sessionId = hashToken(token);
  const row = await system.sessions.forToken(ctx.deps.db, tenantId, sessionId);
  if (!row) return null;
  const now = ctx.deps.now();
  const actor = actorFor(tenantId, row);
  const renewedUntil = renewal(row.expiresAt, now);
  if (renewedUntil || needsTouch(row.lastSeenAt, now)) {
    await transact(actingAs(ctx, actor), async ({ tx }) => {
      await tx
        .update(sessions)
        .set({ lastSeenAt: now, ...(renewedUntil ? { expiresAt: renewedUntil } : {}) })
        .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId)));
      await tx
        .update(users)
        .set({ lastSeenAt: now })
        .where(and(eq(users.tenantId, tenantId), eq(users.id, row.userId)));
    });
  }
  return {
    actor,
    user: { id: row.userId, name: row.name, email: row.email, role: row.role },
    sessionId,
    renewedUntil,
  };
}

/**
 * Runs `work` as the person behind a session token, in one transaction whose first statement both
 * looks the session up and sets the context (`withSession`): one statement and, on PostgreSQL,
 * one round trip fewer than resolving the session first. Renews and touches the session as
 * `resolveSession` does, in the same transaction. No live session: `CoreError('unauthenticated')`,
 * and `work` never runs.
 */
export async function asSession<T>(
  { ctx, input }: { ctx: Ctx; input: { token: string | undefined } },
  work: (ctx: TxCtx, session: ResolvedSession) => Promise<T>,
): Promise<T> {
  const { token } = input;
  if (!looksLikeToken(token)) throw new CoreError('unauthenticated', 'Sign in first.');
  const tenantId = siteOf(ctx).tenant.id;
  const sessionId = hashToken(token);
  let found: Session | null = null;
  try {
    return await requestTransaction(
      ctx,
      (run) =>
        withSession(ctx.deps.db.db, { tenantId, tokenHash: sessionId }, (tx, row) => {
          found = row;
          return run(tx, row.actor);
        }),
      async (txCtx) => {
        const actor = personOf(txCtx);
        const row = found as Session | null;
        if (!row) throw new CoreError('unauthenticated', 'Sign in first.');
        const now = ctx.deps.now();
        const renewedUntil = renewal(row.expiresAt, now);
        if (renewedUntil || needsTouch(row.lastSeenAt, now)) {
          await txCtx.tx
            .update(sessions)
            .set({ lastSeenAt: now, ...(renewedUntil ? { expiresAt: renewedUntil } : {}) })
            .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId)));
          await txCtx.tx
            .update(users)
            .set({ lastSeenAt: now })
            .where(and(eq(users.tenantId, tenantId), eq(users.id, actor.userId)));
        }
        const user = { id: actor.userId, name: row.name, email: row.email, role: row.role };
        return work(txCtx, { actor, user, sessionId, renewedUntil });
      },
    );
  } catch (error) {
    if (error instanceof SessionInvalid) throw new CoreError('unauthenticated', 'Sign in first.');
    throw error;
  }
}

/** A session as the account page and the cookie layer name it: the SHA-256 of its token, in hex. */
export const sessionIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'That session doesn’t exist.');

const closeInput = z.object({ sessionId: sessionIdSchema });

/** Signing out: ends the signed-in person's session `sessionId` (their own only). */
export async function closeSession({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { sessionId: string };
}): Promise<void> {
  const me = personOf(ctx);
  const { sessionId } = parseInput(closeInput, input);
  await transact(ctx, async (ctx) => {
    await ctx.tx
      .delete(sessions)
      .where(
        and(eq(sessions.tenantId, me.tenantId), eq(sessions.userId, me.userId), eq(sessions.id, sessionId)),
      );
    await record(ctx, { verb: 'auth.sign_out', subject: { type: 'user', id: me.userId } });
  });
}

const INVALID = 'That email and password don’t match an account here.';
export const THROTTLED = 'Too many attempts. Wait a few minutes, then try again.';

/**
 * What the database compares with the stored hash: the typed password hashed with the stored
 * parameters and salt. An unknown account costs the same argon2 work and yields '', which matches
 * no hash, so known and unknown accounts run the same statements in the same time.
 */
export async function passwordProof(
  account: { passwordParams: string; hashLength: number } | null,
  password: string,
): Promise<string> {
  const phc = account ? await hashLikeStored(account.passwordParams, account.hashLength, password) : null;
  if (!phc) await burnPasswordCheck(password);
  return phc ?? '';
}

/**
 * A refused sign-in, recorded as the visitor who tried: the address typed and whether the
 * password was wrong or never checked (throttled). Never the password.
 */
async function signInFailed(ctx: Ctx, email: string, reason: 'credentials' | 'throttled'): Promise<never> {
  const visitor = actingAs(ctx, { kind: 'visitor', tenantId: siteOf(ctx).tenant.id });
  await transact(visitor, (ctx) =>
    record(ctx, { verb: 'auth.sign_in_failed', data: { email: email.slice(0, EMAIL_MAX_LENGTH), reason } }),
  );
  throw reason === 'throttled'
    ? new CoreError('throttled', THROTTLED)
    : new CoreError('invalid_credentials', INVALID);
}

/** A password sign-in: a session, or (two-factor on, browser not remembered) the second step. */
export type PasswordSignIn =
  | {
      kind: 'session';
      token: string;
      expiresAt: Date;
      user: SignedInUser;
      actor: TenantActor;
      device: DeviceCookie;
      /** 'remembered' when a remembered browser skipped the code; null without two-factor. */
      secondFactor: 'remembered' | null;
    }
  | { kind: 'pending'; token: string; expiresAt: Date; device: DeviceCookie };

/**
 * Email + password, for a visitor on the agency's host (`ctx`'s site). Unknown accounts, wrong
 * passwords and deactivated accounts get the same answer, after the same work. `device` is the
 * browser's device cookie, if any; a successful first factor returns a fresh one to set (see
 * ./devices.ts). `remembered` is the browser's "remember this browser" cookie for two-factor.
 *
 * The password is hashed here with the stored hash's parameters and salt, and the database
 * compares and opens, in one statement (`app_system.sign_in`), either the session or, for a
 * person with two-factor on whose browser is not remembered, a pending sign-in (the same rule as
 * `afterFirstFactor`), so the login role never reads a password hash and no session exists
 * without both factors. A session is recorded as the person, a refusal as the visitor; a pending
 * sign-in is recorded when its second factor passes.
 */
export async function passwordSignIn({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { email: string; password: string; device?: string | null; remembered?: string | null };
}): Promise<PasswordSignIn> {
  const tenantId = siteOf(ctx).tenant.id;
  const { deps } = ctx;
  const email = input.email.trim().toLowerCase();
  if (beyondAnyAccount(email, input.password)) return signInFailed(ctx, email, 'credentials');
  const scope = { tenantId, email };
  const allowed = await signInAllowed(deps, {
    account: `sign-in:${tenantId}:${email}`,
    ip: `sign-in-ip:${ctx.client?.ip ?? ''}`,
    device: trustedDevice(deps, scope, input.device),
  });
  if (!allowed) return signInFailed(ctx, email, 'throttled');

  const account = await system.signIn.lookup(deps.db, tenantId, email);
  const phc = await passwordProof(account, input.password);
  // The account's counter is not cleared on success: that would hand whoever is guessing a
  // fresh allowance every time the owner signs in. The owner's browser now has a device cookie.
  const token = generateToken();
  const pendingToken = generateToken();
  const now = deps.now();
  const expiresAt = sessionExpiry(now);
  const pendingExpiresAt = new Date(now.getTime() + PENDING_SIGN_IN_LIFETIME_MS);
  const row = await system.signIn.withPassword(deps.db, tenantId, email, {
    passwordPhc: phc,
    sessionId: hashToken(token),
    expiresAt,
    ip: ctx.client?.ip || null,
    userAgent: ctx.client?.userAgent?.slice(0, 500) ?? null,
    pendingId: hashToken(pendingToken),
    pendingExpiresAt,
    rememberEpoch: account
      ? rememberedEpoch(deps, { tenantId, userId: account.userId, cookie: input.remembered })
      : null,
  });
  if (!row) return signInFailed(ctx, email, 'credentials');

  const actor = actorFor(tenantId, row);
  const upgraded = account && needsRehash(account.passwordParams) ? await hashPassword(input.password) : null;
  const secondFactor = row.secondFactor;
  await transact(actingAs(ctx, actor), async (ctx) => {
    if (upgraded)
      await ctx.tx
        .update(users)
        .set({ passwordHash: upgraded })
        .where(and(eq(users.tenantId, tenantId), eq(users.id, row.userId)));
    if (secondFactor !== 'pending')
      await record(ctx, {
        verb: 'auth.sign_in',
        subject: { type: 'user', id: row.userId },
        data: { method: 'password', ...(secondFactor ? { secondFactor } : {}) },
      });
  });
  const device = issueDeviceCookie(deps, scope);
  if (secondFactor === 'pending')
    return { kind: 'pending', token: pendingToken, expiresAt: pendingExpiresAt, device };
  return {
    kind: 'session',
    token,
    expiresAt,
    actor,
    user: { id: row.userId, name: row.name, email: row.email, role: row.role },
    device,
    secondFactor,
  };
}

/**
 * Email + password -> a new session, for callers that need one (API clients, tests): a person
 * with two-factor on is refused here (`forbidden`), as they can only finish on the sign-in page.
 */
export async function signIn({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { email: string; password: string; device?: string | null; remembered?: string | null };
}): Promise<{
  token: string;
  expiresAt: Date;
  user: SignedInUser;
  actor: TenantActor;
  device: DeviceCookie;
}> {
  const result = await passwordSignIn({ ctx, input });
  if (result.kind === 'pending')
    throw new CoreError('forbidden', 'This account uses two-factor: finish signing in on the sign-in page.');
  return result;
}

/**
 * The end of sign-up: a one-time token minted on the platform host, redeemed on the new
 * agency's host (`ctx`'s site), where the admin's session is opened. Null for a bad link.
 */
export async function redeemHandoff({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string };
}): Promise<{ token: string; expiresAt: Date } | null> {
  const { token } = input;
  if (!looksLikeToken(token)) return null;
  const tenantId = siteOf(ctx).tenant.id;
  const userId = await system.sessions.redeemHandoff(ctx.deps.db, tenantId, hashToken(token));
  if (!userId) return null;
  const admin = actingAs(ctx, actorFor(tenantId, { userId, role: 'admin', clientId: null }));
  return transact(admin, async (ctx) => {
    const session = await openSession({ ctx });
    await record(ctx, { verb: 'auth.handoff', subject: { type: 'user', id: userId } });
    return session;
  });
}
