import {
  burnPasswordCheck,
  generateToken,
  hashPassword,
  hashToken,
  looksLikeToken,
  needsRehash,
  needsTouch,
  renewal,
  sessionExpiry,
  verifyPassword,
} from '@foyer/auth';
import {
  and,
  eq,
  loginLookup,
  redeemHandoff as redeemHandoffToken,
  schema,
  sessionForToken,
  type TenantActor,
  throttleClear,
  withActor,
} from '@foyer/db';
import type { ClientInfo, CoreContext, TenantSite } from '../context';
import { CoreError } from '../errors';
import { type AccountAndIpLimits, withinLimits } from './throttle';
import { beyondAnyAccount } from './validation';

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

/** Opens a session for an actor whose identity is already proven; returns the cookie token. */
export async function openSession(
  ctx: CoreContext,
  actor: TenantActor,
  client: ClientInfo,
): Promise<{ token: string; expiresAt: Date }> {
  if (actor.kind === 'apikey') throw new Error('API keys have no sessions');
  const token = generateToken();
  const expiresAt = sessionExpiry(ctx.now());
  const now = ctx.now();
  await withActor(ctx.db.db, actor, async (tx) => {
    await tx.insert(sessions).values({
      tenantId: actor.tenantId,
      id: hashToken(token),
      userId: actor.userId,
      expiresAt,
      ip: client.ip || null,
      userAgent: client.userAgent?.slice(0, 500) ?? null,
    });
    await tx
      .update(users)
      .set({ lastSeenAt: now })
      .where(and(eq(users.tenantId, actor.tenantId), eq(users.id, actor.userId)));
  });
  return { token, expiresAt };
}

/**
 * Cookie token -> session, for the tenant of the request's host only: a token issued by
 * another tenant finds nothing. Renews a session that is past half its life, and records
 * activity at most every few minutes.
 */
export async function resolveSession(
  ctx: CoreContext,
  tenantId: string,
  token: string | undefined,
): Promise<ResolvedSession | null> {
  if (!looksLikeToken(token)) return null;
  const sessionId = hashToken(token);
  const row = await sessionForToken(ctx.db, tenantId, sessionId);
  if (!row) return null;
  const now = ctx.now();
  const actor = actorFor(tenantId, row);
  const renewedUntil = renewal(row.expiresAt, now);
  if (renewedUntil || needsTouch(row.lastSeenAt, now)) {
    await withActor(ctx.db.db, actor, async (tx) => {
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

/** Ends the session behind a cookie token (signing out). Unknown tokens are ignored. */
export async function closeSession(ctx: CoreContext, session: ResolvedSession): Promise<void> {
  await withActor(ctx.db.db, session.actor, (tx) =>
    tx
      .delete(sessions)
      .where(and(eq(sessions.tenantId, session.actor.tenantId), eq(sessions.id, session.sessionId))),
  );
}

/** Limits per account and per address; see docs/security.md for the reasoning behind them. */
export const SIGN_IN_LIMITS: AccountAndIpLimits = {
  perAccount: { limit: 25, windowSeconds: 15 * 60 },
  perIp: { limit: 100, windowSeconds: 15 * 60 },
};

const INVALID = 'That email and password don’t match an account here.';

/**
 * Email + password -> a new session. Unknown accounts, wrong passwords and deactivated
 * accounts get the same answer, after the same work.
 */
export async function signIn(
  ctx: CoreContext,
  site: TenantSite,
  input: { email: string; password: string },
  client: ClientInfo,
): Promise<{ token: string; expiresAt: Date; user: SignedInUser; actor: TenantActor }> {
  const tenantId = site.tenant.id;
  const email = input.email.trim().toLowerCase();
  if (beyondAnyAccount(email, input.password)) throw new CoreError('invalid_credentials', INVALID);
  const accountKey = `sign-in:${tenantId}:${email}`;
  if (!(await withinLimits(ctx, SIGN_IN_LIMITS, { account: accountKey, ip: `sign-in-ip:${client.ip}` }))) {
    throw new CoreError('throttled', 'Too many attempts. Wait a few minutes, then try again.');
  }

  const account = await loginLookup(ctx.db, tenantId, email);
  if (!account?.passwordHash || account.status !== 'active') {
    await burnPasswordCheck(input.password);
    throw new CoreError('invalid_credentials', INVALID);
  }
  if (!(await verifyPassword(account.passwordHash, input.password))) {
    throw new CoreError('invalid_credentials', INVALID);
  }
  await throttleClear(ctx.db, accountKey);

  const actor = actorFor(tenantId, account);
  if (needsRehash(account.passwordHash)) {
    const upgraded = await hashPassword(input.password);
    await withActor(ctx.db.db, actor, (tx) =>
      tx
        .update(users)
        .set({ passwordHash: upgraded })
        .where(and(eq(users.tenantId, tenantId), eq(users.id, account.userId))),
    );
  }
  const { token, expiresAt } = await openSession(ctx, actor, client);
  const [profile] = await withActor(ctx.db.db, actor, (tx) =>
    tx
      .select({ name: users.name, email: users.email })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.id, account.userId))),
  );
  return {
    token,
    expiresAt,
    actor,
    user: {
      id: account.userId,
      name: profile?.name ?? '',
      email: profile?.email ?? email,
      role: account.role,
    },
  };
}

/** The sign-up hand-off: a one-time token minted on the platform host, redeemed on the tenant's. */
export async function redeemHandoff(ctx: CoreContext, site: TenantSite, token: string, client: ClientInfo) {
  if (!looksLikeToken(token)) return null;
  const userId = await redeemHandoffToken(ctx.db, site.tenant.id, hashToken(token));
  if (!userId) return null;
  const actor = actorFor(site.tenant.id, { userId, role: 'admin', clientId: null });
  return openSession(ctx, actor, client);
}
