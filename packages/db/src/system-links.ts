import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from './client';

/**
 * What a link that a person opens signed out has become (drizzle/0015): read-only, so opening a
 * page to look never uses up the link.
 */

export type InvitationState = 'pending' | 'accepted' | 'replaced' | 'expired';

export async function invitationState(h: DatabaseHandle, tenantId: string, tokenHash: string) {
  const [row] = await h.rows<{
    email: string;
    role: 'admin' | 'staff' | 'client';
    state: InvitationState;
    name: string | null;
  }>(
    sql`select email, role, state, name from app_system.invitation_state(${tenantId}::uuid, ${tokenHash}::text)`,
  );
  return row ? { email: row.email, role: row.role, state: row.state, name: row.name } : null;
}

export type EmailVerificationState = 'pending' | 'verified' | 'expired';

export async function emailVerificationState(
  h: DatabaseHandle,
  tenantId: string,
  tokenHash: string,
): Promise<EmailVerificationState | null> {
  const [row] = await h.rows<{ state: EmailVerificationState | null }>(
    sql`select app_system.email_verification_state(${tenantId}::uuid, ${tokenHash}::text) as state`,
  );
  return row?.state ?? null;
}
