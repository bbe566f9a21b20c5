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
  loginLookup,
  redeemHandoff as redeemHandoffToken,
  schema,
  sessionForToken,
  signInWithPassword,
  type TenantActor,
  withActor,
} from '@foyer/db';
import type { ClientInfo, CoreContext, TenantSite } from '../context';
import { CoreError } from '../errors';
import { type DeviceCookie, issueDeviceCookie, trustedDevice } from './devices';
import { signInAllowed } from './throttle';
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

const INVALID = 'That email and password don’t match an account here.';
export const THROTTLED = 'Too many attempts. Wait a few minutes, then try again.';

/**
 * Email + password -> a new session. Unknown accounts, wrong passwords and deactivated
 * accounts get the same answer, after the same work. `device` is the browser's device cookie,
 * if any; a successful sign-in returns a fresh one to set (see ./devices.ts).
 *
 * The password is hashed here with the stored hash's parameters and salt, and the database
 * compares and opens the session in one statement (`app_system.sign_in`), so the login role never
 * reads a password hash.
 */
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

export async function signIn(
  ctx: CoreContext,
  site: TenantSite,
  input: { email: string; password: string; device?: string | null },
  client: ClientInfo,
): Promise<{
  token: string;
  expiresAt: Date;
  user: SignedInUser;
  actor: TenantActor;
  device: DeviceCookie;
}> {
  const tenantId = site.tenant.id;
  const email = input.email.trim().toLowerCase();
  if (beyondAnyAccount(email, input.password)) throw new CoreError('invalid_credentials', INVALID);
  const scope = { tenantId, email };
  const allowed = await signInAllowed(ctx, {
    account: `sign-in:${tenantId}:${email}`,
    ip: `sign-in-ip:${client.ip}`,
    device: trustedDevice(ctx, scope, input.device),
  });
  if (!allowed) throw new CoreError('throttled', THROTTLED);

  const account = await loginLookup(ctx.db, tenantId, email);
  const phc = await passwordProof(account, input.password);
  // The account's counter is not cleared on success: that would hand whoever is guessing a
  // fresh allowance every time the owner signs in. The owner's browser now has a device cookie.
  const token = generateToken();
  const expiresAt = sessionExpiry(ctx.now());
  const row = await signInWithPassword(ctx.db, tenantId, email, {
    passwordPhc: phc,
    sessionId: hashToken(token),
    expiresAt,
    ip: client.ip || null,
    userAgent: client.userAgent?.slice(0, 500) ?? null,
  });
  if (!row) throw new CoreError('invalid_credentials', INVALID);

  const actor = actorFor(tenantId, row);
  if (account && needsRehash(account.passwordParams)) {
    const upgraded = await hashPassword(input.password);
    await withActor(ctx.db.db, actor, (tx) =>
      tx
        .update(users)
        .set({ passwordHash: upgraded })
        .where(and(eq(users.tenantId, tenantId), eq(users.id, row.userId))),
    );
  }
  return {
    token,
    expiresAt,
    actor,
    user: { id: row.userId, name: row.name, email: row.email, role: row.role },
    device: issueDeviceCookie(ctx, scope),
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
