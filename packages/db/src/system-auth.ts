import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from './client';

/**
 * Wrappers around the sign-in `app_system` functions (drizzle/0003). Each is one statement run as
 * `foyer_login`, before a user is known; everything after that goes through withActor.
 */

const first = async <T extends Record<string, unknown>>(rows: Promise<T[]>) => (await rows)[0] ?? null;

export type UserRole = 'admin' | 'staff' | 'client';

export const slugAvailable = async (h: DatabaseHandle, slug: string) =>
  (
    await first(
      h.rows<{ available: boolean }>(sql`select app_system.slug_available(${slug}::text) as available`),
    )
  )?.available === true;

export async function signUpTenant(
  h: DatabaseHandle,
  input: {
    slug: string;
    name: string;
    adminName: string;
    email: string;
    passwordHash: string;
    handoffHash: string;
    handoffExpires: Date;
    /** The email-verification token and the variables of its email (queued in the same transaction). */
    verifyHash: string;
    verifyExpires: Date;
    verifyVars: Record<string, unknown>;
  },
): Promise<{ tenantId: string; userId: string }> {
  const row = await first(
    h.rows<{ tenant_id: string; user_id: string }>(
      sql`select * from app_system.sign_up(${input.slug}::text, ${input.name}::text, ${input.adminName}::text, ${input.email}::text, ${input.passwordHash}::text, ${input.handoffHash}::text, ${input.handoffExpires.toISOString()}::timestamptz, ${input.verifyHash}::text, ${input.verifyExpires.toISOString()}::timestamptz, ${JSON.stringify(input.verifyVars)}::jsonb)`,
    ),
  );
  if (!row) throw new Error('sign_up returned no row');
  return { tenantId: row.tenant_id, userId: row.user_id };
}

/**
 * What signing in needs to hash a typed password like the stored one: the PHC prefix
 * (`$argon2id$v=19$m=…,t=…,p=…$<salt>`) and the stored hash's length. Never the hash itself.
 */
export interface StoredPasswordParams {
  passwordParams: string;
  hashLength: number;
}

/** An active account with a password, by email in one tenant. */
export async function loginLookup(
  h: DatabaseHandle,
  tenantId: string,
  email: string,
): Promise<(StoredPasswordParams & { userId: string }) | null> {
  const row = await first(
    h.rows<{ user_id: string; password_params: string; hash_length: number }>(
      sql`select * from app_system.login_lookup(${tenantId}::uuid, ${email}::text)`,
    ),
  );
  return row
    ? { userId: row.user_id, passwordParams: row.password_params, hashLength: Number(row.hash_length) }
    : null;
}

export interface SignInSession {
  /** The PHC string computed from the typed password (see `hashLikeStored`). */
  passwordPhc: string;
  sessionId: string;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** A tenant person's sign-in: also what two-factor needs. */
export interface TenantSignIn extends SignInSession {
  /** The pending sign-in to open instead of the session when the person has two-factor on. */
  pendingId: string;
  pendingExpiresAt: Date;
  /** The remember epoch of this browser's valid "remember this browser" cookie, or null. */
  rememberEpoch: number | null;
}

/**
 * Opens a session if `passwordPhc` is the stored hash: the database compares, so a session
 * exists only where a password check succeeded. For a person with two-factor on whose browser
 * is not remembered it opens the pending sign-in instead (`secondFactor: 'pending'`). Null for a
 * wrong password.
 */
export async function signInWithPassword(
  h: DatabaseHandle,
  tenantId: string,
  email: string,
  input: TenantSignIn,
): Promise<{
  userId: string;
  role: UserRole;
  clientId: string | null;
  name: string;
  email: string;
  secondFactor: 'remembered' | 'pending' | null;
} | null> {
  const row = await first(
    h.rows<{
      user_id: string;
      role: UserRole;
      client_id: string | null;
      name: string;
      email: string;
      second_factor: 'remembered' | 'pending' | null;
    }>(
      sql`select * from app_system.sign_in(${tenantId}::uuid, ${email}::text, ${input.passwordPhc}::text, ${input.sessionId}::text, ${input.expiresAt.toISOString()}::timestamptz, ${input.ip}::text, ${input.userAgent}::text, ${input.pendingId}::text, ${input.pendingExpiresAt.toISOString()}::timestamptz, ${input.rememberEpoch}::integer)`,
    ),
  );
  return row
    ? {
        userId: row.user_id,
        role: row.role,
        clientId: row.client_id,
        name: row.name,
        email: row.email,
        secondFactor: row.second_factor,
      }
    : null;
}

export interface SessionRow {
  userId: string;
  role: UserRole;
  clientId: string | null;
  name: string;
  email: string;
  expiresAt: Date;
  lastSeenAt: Date;
}

export async function sessionForToken(
  h: DatabaseHandle,
  tenantId: string,
  sessionId: string,
): Promise<SessionRow | null> {
  const row = await first(
    h.rows<{
      user_id: string;
      role: UserRole;
      client_id: string | null;
      name: string;
      email: string;
      expires_at: Date | string;
      last_seen_at: Date | string;
    }>(sql`select * from app_system.session_for_token(${tenantId}::uuid, ${sessionId}::text)`),
  );
  return row
    ? {
        userId: row.user_id,
        role: row.role,
        clientId: row.client_id,
        name: row.name,
        email: row.email,
        expiresAt: new Date(row.expires_at),
        lastSeenAt: new Date(row.last_seen_at),
      }
    : null;
}

const uuidOrNull = async (rows: Promise<{ id: string | null }[]>) => (await first(rows))?.id ?? null;

export const redeemHandoff = (h: DatabaseHandle, tenantId: string, tokenHash: string) =>
  uuidOrNull(h.rows(sql`select app_system.redeem_handoff(${tenantId}::uuid, ${tokenHash}::text) as id`));

export const requestPasswordReset = (
  h: DatabaseHandle,
  input: {
    tenantId: string;
    email: string;
    tokenHash: string;
    expiresAt: Date;
    /** Variables of the reset email, queued in the same statement as the token. */
    vars: Record<string, unknown>;
  },
) =>
  first(
    h.rows<{ user_id: string; name: string; email: string }>(
      sql`select * from app_system.request_password_reset(${input.tenantId}::uuid, ${input.email}::text, ${input.tokenHash}::text, ${input.expiresAt.toISOString()}::timestamptz, ${JSON.stringify(input.vars)}::jsonb)`,
    ),
  );

/**
 * The person a link from email was for, once it has been used: what acting as them needs, and
 * the address concerned (the new one, after an email change).
 */
export interface LinkPerson {
  userId: string;
  role: UserRole;
  clientId: string | null;
  email: string;
}

const linkPerson = async (
  rows: Promise<{ user_id: string; role: UserRole; client_id: string | null; email: string }[]>,
): Promise<LinkPerson | null> => {
  const row = await first(rows);
  return row ? { userId: row.user_id, role: row.role, clientId: row.client_id, email: row.email } : null;
};

/** Sets a new password from a reset link and ends every session; null for a bad link. */
export const resetPassword = (h: DatabaseHandle, tenantId: string, tokenHash: string, passwordHash: string) =>
  linkPerson(
    h.rows(
      sql`select * from app_system.reset_password(${tenantId}::uuid, ${tokenHash}::text, ${passwordHash}::text)`,
    ),
  );

/** Confirms an address from the verification link; null for a bad link. */
export const verifyEmail = (h: DatabaseHandle, tenantId: string, tokenHash: string) =>
  linkPerson(h.rows(sql`select * from app_system.verify_email(${tenantId}::uuid, ${tokenHash}::text)`));

/** Moves the account to the address a change link was sent to; null for a bad link. */
export const confirmEmailChange = (h: DatabaseHandle, tenantId: string, tokenHash: string) =>
  linkPerson(
    h.rows(sql`select * from app_system.confirm_email_change(${tenantId}::uuid, ${tokenHash}::text)`),
  );

export async function invitationForToken(h: DatabaseHandle, tenantId: string, tokenHash: string) {
  const row = await first(
    h.rows<{ email: string; role: 'admin' | 'staff' | 'client'; expires_at: Date | string }>(
      sql`select * from app_system.invitation_for_token(${tenantId}::uuid, ${tokenHash}::text)`,
    ),
  );
  return row ? { email: row.email, role: row.role, expiresAt: new Date(row.expires_at) } : null;
}

export async function acceptInvitation(
  h: DatabaseHandle,
  input: { tenantId: string; tokenHash: string; name: string; passwordHash: string },
) {
  const row = await first(
    h.rows<{ user_id: string; role: 'admin' | 'staff' | 'client'; client_id: string | null }>(
      sql`select * from app_system.accept_invitation(${input.tenantId}::uuid, ${input.tokenHash}::text, ${input.name}::text, ${input.passwordHash}::text)`,
    ),
  );
  return row ? { userId: row.user_id, role: row.role, clientId: row.client_id } : null;
}

/** Counts one hit on `key`; false once more than `limit` fell in the current window. */
export async function throttleHit(h: DatabaseHandle, key: string, limit: number, windowSeconds: number) {
  const row = await first(
    h.rows<{ allowed: boolean }>(
      sql`select app_system.throttle_hit(${key}::text, ${limit}::int, ${windowSeconds}::int) as allowed`,
    ),
  );
  return row?.allowed === true;
}

export async function throttleClear(h: DatabaseHandle, key: string) {
  await h.rows(sql`select app_system.throttle_clear(${key}::text)`);
}

/** Deletes throttle rows whose window started more than `olderThanSeconds` ago (at least an hour). */
export async function throttlePurge(h: DatabaseHandle, olderThanSeconds: number): Promise<number> {
  const row = await first(
    h.rows<{ purged: number }>(sql`select app_system.throttle_purge(${olderThanSeconds}::int) as purged`),
  );
  return Number(row?.purged ?? 0);
}

/** An enabled operator's stored password parameters, by email. */
export const operatorLoginLookup = async (h: DatabaseHandle, email: string) => {
  const row = await first(
    h.rows<{ operator_id: string; password_params: string; hash_length: number }>(
      sql`select * from app_system.operator_login_lookup(${email}::text)`,
    ),
  );
  return row
    ? {
        operatorId: row.operator_id,
        passwordParams: row.password_params,
        hashLength: Number(row.hash_length),
      }
    : null;
};

/** Opens an operator session if `passwordPhc` is the stored hash; the operator's id, or null. */
/**
 * Opens an operator's session if `passwordPhc` is the stored hash, or, for an operator with
 * two-factor on whose browser is not remembered, the pending sign-in instead. Null for a wrong
 * password.
 */
export async function operatorSignIn(
  h: DatabaseHandle,
  email: string,
  input: TenantSignIn,
): Promise<{ operatorId: string; secondFactor: 'remembered' | 'pending' | null } | null> {
  const row = await first(
    h.rows<{ operator_id: string; second_factor: 'remembered' | 'pending' | null }>(
      sql`select * from app_system.operator_sign_in(${email}::text, ${input.passwordPhc}::text, ${input.sessionId}::text, ${input.expiresAt.toISOString()}::timestamptz, ${input.ip}::text, ${input.userAgent}::text, ${input.pendingId}::text, ${input.pendingExpiresAt.toISOString()}::timestamptz, ${input.rememberEpoch}::integer)`,
    ),
  );
  return row ? { operatorId: row.operator_id, secondFactor: row.second_factor } : null;
}

export async function operatorSession(h: DatabaseHandle, sessionId: string, renewUntil: Date) {
  const row = await first(
    h.rows<{ operator_id: string; name: string; email: string; expires_at: Date | string }>(
      sql`select * from app_system.operator_session(${sessionId}::text, ${renewUntil.toISOString()}::timestamptz)`,
    ),
  );
  return row
    ? { operatorId: row.operator_id, name: row.name, email: row.email, expiresAt: new Date(row.expires_at) }
    : null;
}

export async function endOperatorSession(h: DatabaseHandle, sessionId: string) {
  await h.rows(sql`select app_system.operator_session_end(${sessionId}::text)`);
}

export interface OperatorTenantRow {
  tenantId: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended';
  createdAt: Date;
  users: number;
  lastActivity: Date | null;
  /** What the tenant stores (every version of every file) and may store, in bytes. */
  storage: { bytes: number; files: number; limitBytes: number };
}

export async function operatorTenants(h: DatabaseHandle, sessionId: string): Promise<OperatorTenantRow[]> {
  const rows = await h.rows<{
    tenant_id: string;
    slug: string;
    name: string;
    status: 'active' | 'suspended';
    created_at: Date | string;
    users: number | string;
    last_activity: Date | string | null;
    storage_bytes: number | string;
    storage_files: number;
    storage_limit_bytes: number | string;
  }>(sql`select * from app_system.operator_tenants(${sessionId}::text)`);
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    slug: r.slug,
    name: r.name,
    status: r.status,
    createdAt: new Date(r.created_at),
    users: Number(r.users),
    lastActivity: r.last_activity ? new Date(r.last_activity) : null,
    storage: {
      bytes: Number(r.storage_bytes),
      files: Number(r.storage_files),
      limitBytes: Number(r.storage_limit_bytes),
    },
  }));
}
