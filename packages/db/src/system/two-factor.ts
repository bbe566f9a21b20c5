import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../client';
import type { UserRole } from '../system-auth';

/**
 * The second step of a two-factor sign-in (drizzle/0037): what checking the code needs, then
 * using up the pending sign-in and opening the session in one statement.
 */

/** A live pending sign-in's person and sealed TOTP secret; null when expired, used or unknown. */
export async function pending(
  h: DatabaseHandle,
  tenantId: string,
  pendingId: string,
  now: Date,
): Promise<{ userId: string; email: string; secretSealed: string } | null> {
  const [row] = await h.rows<{ user_id: string; email: string; secret_sealed: string }>(
    sql`select * from app_system.two_factor_pending(${tenantId}::uuid, ${pendingId}::text, ${now.toISOString()}::timestamptz)`,
  );
  return row ? { userId: row.user_id, email: row.email, secretSealed: row.secret_sealed } : null;
}

export interface CompletedSignIn {
  userId: string;
  role: UserRole;
  clientId: string | null;
  name: string;
  email: string;
  method: 'password' | 'google';
  rememberEpoch: number;
  recoveryLeft: number;
}

/**
 * Uses up the pending sign-in and opens the session when the second factor is accepted by the
 * database: the TOTP `step` is later than the last one used, or `recoveryHash` is an unused
 * recovery code (removed as it is used). Exactly one of the two is given. Null otherwise.
 */
export async function complete(
  h: DatabaseHandle,
  tenantId: string,
  input: {
    pendingId: string;
    now: Date;
    step: number | null;
    recoveryHash: string | null;
    sessionId: string;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<CompletedSignIn | null> {
  const [row] = await h.rows<{
    user_id: string;
    role: UserRole;
    client_id: string | null;
    name: string;
    email: string;
    method: 'password' | 'google';
    remember_epoch: number;
    recovery_left: number;
  }>(
    sql`select * from app_system.complete_two_factor(${tenantId}::uuid, ${input.pendingId}::text, ${input.now.toISOString()}::timestamptz, ${input.step}::bigint, ${input.recoveryHash}::text, ${input.sessionId}::text, ${input.expiresAt.toISOString()}::timestamptz, ${input.ip}::text, ${input.userAgent}::text)`,
  );
  return row
    ? {
        userId: row.user_id,
        role: row.role,
        clientId: row.client_id,
        name: row.name,
        email: row.email,
        method: row.method,
        rememberEpoch: Number(row.remember_epoch),
        recoveryLeft: Number(row.recovery_left),
      }
    : null;
}

// ---- operators (platform tables, reached only through these functions) ----

/** A live operator pending sign-in's operator and sealed TOTP secret. */
export async function operatorPending(
  h: DatabaseHandle,
  pendingId: string,
  now: Date,
): Promise<{ operatorId: string; email: string; secretSealed: string } | null> {
  const [row] = await h.rows<{ operator_id: string; email: string; secret_sealed: string }>(
    sql`select * from app_system.operator_two_factor_pending(${pendingId}::text, ${now.toISOString()}::timestamptz)`,
  );
  return row ? { operatorId: row.operator_id, email: row.email, secretSealed: row.secret_sealed } : null;
}

/** The operator's second step, as `complete` is a tenant person's. */
export async function operatorComplete(
  h: DatabaseHandle,
  input: {
    pendingId: string;
    now: Date;
    step: number | null;
    recoveryHash: string | null;
    sessionId: string;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<{ operatorId: string; rememberEpoch: number; recoveryLeft: number } | null> {
  const [row] = await h.rows<{ operator_id: string; remember_epoch: number; recovery_left: number }>(
    sql`select * from app_system.operator_complete_two_factor(${input.pendingId}::text, ${input.now.toISOString()}::timestamptz, ${input.step}::bigint, ${input.recoveryHash}::text, ${input.sessionId}::text, ${input.expiresAt.toISOString()}::timestamptz, ${input.ip}::text, ${input.userAgent}::text)`,
  );
  return row
    ? {
        operatorId: row.operator_id,
        rememberEpoch: Number(row.remember_epoch),
        recoveryLeft: Number(row.recovery_left),
      }
    : null;
}

/** The signed-in operator's two-factor, by their session; null without a live session. */
export async function operatorState(
  h: DatabaseHandle,
  sessionId: string,
): Promise<{
  operatorId: string;
  email: string;
  enabledAt: Date | null;
  secretSealed: string | null;
  lastStep: number;
  recoveryLeft: number;
} | null> {
  const [row] = await h.rows<{
    operator_id: string;
    email: string;
    enabled_at: Date | string | null;
    secret_sealed: string | null;
    last_step: number | string | null;
    recovery_left: number | null;
  }>(sql`select * from app_system.operator_two_factor_state(${sessionId}::text)`);
  return row
    ? {
        operatorId: row.operator_id,
        email: row.email,
        enabledAt: row.enabled_at ? new Date(row.enabled_at) : null,
        secretSealed: row.secret_sealed,
        lastStep: Number(row.last_step ?? 0),
        recoveryLeft: Number(row.recovery_left ?? 0),
      }
    : null;
}

/** Starts (or resumes) the signed-in operator's set-up: the set-up's sealed secret, or null. */
export async function operatorBegin(h: DatabaseHandle, sessionId: string, secretSealed: string) {
  const [row] = await h.rows<{ sealed: string | null }>(
    sql`select app_system.operator_two_factor_begin(${sessionId}::text, ${secretSealed}::text) as sealed`,
  );
  return row?.sealed ?? null;
}

/** Turns the signed-in operator's two-factor on with a matched step; false if refused. Hashes are hex. */
export async function operatorConfirm(
  h: DatabaseHandle,
  sessionId: string,
  step: number,
  recoveryHashes: string[],
) {
  const [row] = await h.rows<{ ok: boolean }>(
    sql`select app_system.operator_two_factor_confirm(${sessionId}::text, ${step}::bigint, ${`{${recoveryHashes.join(',')}}`}::text[]) as ok`,
  );
  return row?.ok === true;
}
