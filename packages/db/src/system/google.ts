import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../client';

/**
 * "Sign in with Google" before anyone is signed in: whether a tenant offers it, the central
 * callback's one-time hand-off, and its redemption on the tenant's host (drizzle/0038).
 */

export interface GoogleSignInState {
  /** The tenant shows "Continue with Google". */
  signIn: boolean;
  /** Strangers who sign in with Google become clients (only while `signIn` is on). */
  registration: boolean;
}

export async function state(h: DatabaseHandle, tenantId: string): Promise<GoogleSignInState> {
  const [row] = await h.rows<{ sign_in: boolean; registration: boolean }>(
    sql`select * from app_system.google_sign_in_state(${tenantId}::uuid)`,
  );
  return { signIn: row?.sign_in === true, registration: row?.registration === true };
}

export interface GoogleHandoff {
  /** SHA-256 (hex) of the one-time code. */
  tokenHash: string;
  tenantId: string;
  /** SHA-256 (hex) of the browser-binding cookie. */
  bindingHash: string;
  googleSub: string;
  email: string;
  name: string;
  expiresAt: Date;
}

/** Stores a hand-off; false when the tenant is gone, suspended or no longer offers Google. */
export async function createHandoff(h: DatabaseHandle, handoff: GoogleHandoff): Promise<boolean> {
  const [row] = await h.rows<{ made: boolean }>(
    sql`select app_system.google_handoff_create(${handoff.tokenHash}::text, ${handoff.tenantId}::uuid, ${handoff.bindingHash}::text, ${handoff.googleSub}::text, ${handoff.email}::text, ${handoff.name}::text, ${handoff.expiresAt.toISOString()}::timestamptz) as made`,
  );
  return row?.made === true;
}

export type GoogleFinish =
  | {
      outcome: 'person' | 'linked' | 'registered';
      userId: string;
      role: 'admin' | 'staff' | 'client';
      clientId: string | null;
      name: string;
      email: string;
    }
  | {
      outcome: 'invalid' | 'disabled' | 'deactivated' | 'unknown' | 'other_google';
      /** The Google address, when the hand-off was good (for the record of the refusal). */
      email: string | null;
    };

type RawFinish = {
  outcome: string;
  person_id: string | null;
  person_role: 'admin' | 'staff' | 'client' | null;
  person_client_id: string | null;
  person_name: string | null;
  person_email: string | null;
};

const REFUSALS = new Set(['invalid', 'disabled', 'deactivated', 'unknown', 'other_google']);

/** Spends the hand-off and settles who signs in (linking or registering them); see google_finish.sql. */
export async function finish(
  h: DatabaseHandle,
  tenantId: string,
  tokenHash: string,
  bindingHash: string,
): Promise<GoogleFinish> {
  const [row] = await h.rows<RawFinish>(
    sql`select * from app_system.google_finish(${tenantId}::uuid, ${tokenHash}::text, ${bindingHash}::text)`,
  );
  if (!row) return { outcome: 'invalid', email: null };
  if (REFUSALS.has(row.outcome)) return { outcome: row.outcome as 'invalid', email: row.person_email };
  if (!row.person_id || !row.person_role || row.person_name === null || row.person_email === null)
    throw new Error(`google_finish returned ${row.outcome} without a person`);
  return {
    outcome: row.outcome as 'person',
    userId: row.person_id,
    role: row.person_role,
    clientId: row.person_client_id,
    name: row.person_name,
    email: row.person_email,
  };
}
