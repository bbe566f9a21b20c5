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
