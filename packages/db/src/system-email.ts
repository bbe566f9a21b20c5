import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from './client';
import type { OutboxStatus } from './schema/email';

/**
 * Wrappers around the outbox and scheduler `app_system` functions (drizzle/0009): the only
 * cross-tenant work the worker does. Rendering and sending happen under the tenant's context.
 */

const date = (value: Date | string) => new Date(value);

/** One outbox row leased to the caller until it is settled or the lease runs out. */
export interface ClaimedEmail {
  tenantId: string;
  /** Where the tenant lives, for links: `<slug>.<platform domain>`. */
  tenantSlug: string;
  id: string;
  claimId: string;
  template: string;
  userId: string | null;
  toAddress: string | null;
  event: string | null;
  vars: Record<string, unknown>;
  /** Including this one. */
  attempts: number;
  createdAt: Date;
}

export async function claimOutbox(
  h: DatabaseHandle,
  options: { limit: number; leaseSeconds: number; tenantIds?: readonly string[] | null },
): Promise<ClaimedEmail[]> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (options.tenantIds?.some((id) => !uuid.test(id))) throw new Error('tenantIds must be UUIDs');
  const tenantIds = options.tenantIds ? `{${options.tenantIds.join(',')}}` : null;
  const rows = await h.rows<{
    tenant_id: string;
    tenant_slug: string;
    id: string;
    claim_id: string;
    template: string;
    user_id: string | null;
    to_address: string | null;
    event: string | null;
    vars: Record<string, unknown> | string;
    attempts: number;
    created_at: Date | string;
  }>(
    sql`select * from app_system.outbox_claim(${options.limit}::integer, ${options.leaseSeconds}::integer, ${tenantIds}::uuid[])`,
  );
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    tenantSlug: r.tenant_slug,
    id: r.id,
    claimId: r.claim_id,
    template: r.template,
    userId: r.user_id,
    toAddress: r.to_address,
    event: r.event,
    vars: typeof r.vars === 'string' ? (JSON.parse(r.vars) as Record<string, unknown>) : r.vars,
    attempts: Number(r.attempts),
    createdAt: date(r.created_at),
  }));
}

export type SettleOutcome =
  | { outcome: 'sent'; recipient: string; transport: string; response: string }
  | { outcome: 'retry'; recipient: string | null; transport: string | null; error: string; retryAt: Date }
  | { outcome: 'failed'; recipient: string | null; transport: string | null; error: string }
  | { outcome: 'suppressed'; recipient: string | null; reason: string };

/** Records what happened to a claimed row; false when the claim no longer holds. */
export async function settleOutbox(
  h: DatabaseHandle,
  email: Pick<ClaimedEmail, 'tenantId' | 'id' | 'claimId'>,
  result: SettleOutcome,
): Promise<boolean> {
  const recipient = result.recipient;
  const transport = result.outcome === 'suppressed' ? null : result.transport;
  const response = result.outcome === 'sent' ? result.response : null;
  const error =
    result.outcome === 'sent' ? null : result.outcome === 'suppressed' ? result.reason : result.error;
  const retryAt = result.outcome === 'retry' ? result.retryAt.toISOString() : null;
  const [row] = await h.rows<{ settled: boolean }>(
    sql`select app_system.outbox_settle(${email.tenantId}::uuid, ${email.id}::uuid, ${email.claimId}::uuid, ${result.outcome}::text, ${recipient}::text, ${transport}::text, ${response}::text, ${error}::text, ${retryAt}::timestamptz) as settled`,
  );
  return row?.settled === true;
}

/** True for exactly one caller per due tick of `name`, across every node. */
export async function claimScheduledJob(
  h: DatabaseHandle,
  name: string,
  intervalSeconds: number,
): Promise<boolean> {
  const [row] = await h.rows<{ claimed: boolean }>(
    sql`select app_system.claim_scheduled_job(${name}::text, ${intervalSeconds}::integer) as claimed`,
  );
  return row?.claimed === true;
}

export async function finishScheduledJob(
  h: DatabaseHandle,
  name: string,
  error: string | null,
): Promise<void> {
  await h.rows(sql`select app_system.finish_scheduled_job(${name}::text, ${error}::text)`);
}

export interface OperatorEmailRow {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  id: string;
  template: string;
  recipient: string | null;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** Every tenant's email, newest first; requires a live operator session. */
export async function operatorEmailLog(
  h: DatabaseHandle,
  sessionId: string,
  options: { limit: number; before?: Date | null },
): Promise<OperatorEmailRow[]> {
  const before = options.before ? options.before.toISOString() : null;
  const rows = await h.rows<{
    tenant_id: string;
    tenant_slug: string;
    tenant_name: string;
    id: string;
    template: string;
    recipient: string | null;
    status: OutboxStatus;
    attempts: number;
    last_error: string | null;
    created_at: Date | string;
    sent_at: Date | string | null;
  }>(
    sql`select * from app_system.operator_email_log(${sessionId}::text, ${options.limit}::integer, ${before}::timestamptz)`,
  );
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    tenantSlug: r.tenant_slug,
    tenantName: r.tenant_name,
    id: r.id,
    template: r.template,
    recipient: r.recipient,
    status: r.status,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    createdAt: date(r.created_at),
    sentAt: r.sent_at ? date(r.sent_at) : null,
  }));
}

export interface EmailQuota {
  /** Whether this email may go out: counted against today's limit if so. */
  allowed: boolean;
  /** Emails counted today (UTC), this one included when allowed. */
  sent: number;
  dailyLimit: number;
}

/** Counts one email against the tenant's daily limit, atomically (drizzle/0014). */
export async function takeEmailQuota(h: DatabaseHandle, tenantId: string): Promise<EmailQuota> {
  const [row] = await h.rows<{ allowed: boolean; sent: number; daily_limit: number }>(
    sql`select * from app_system.email_quota_take(${tenantId}::uuid)`,
  );
  if (!row) throw new Error('email_quota_take returned no row');
  return { allowed: row.allowed === true, sent: Number(row.sent), dailyLimit: Number(row.daily_limit) };
}

export interface TenantEmailLimit {
  tenantId: string;
  dailyLimit: number;
  sentToday: number;
}

/** Every tenant's daily email limit and what it sent today; requires a live operator session. */
export async function operatorEmailLimits(h: DatabaseHandle, sessionId: string): Promise<TenantEmailLimit[]> {
  const rows = await h.rows<{ tenant_id: string; daily_limit: number; sent_today: number }>(
    sql`select * from app_system.operator_email_limits(${sessionId}::text)`,
  );
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    dailyLimit: Number(r.daily_limit),
    sentToday: Number(r.sent_today),
  }));
}

/** Sets a tenant's daily email limit; false when there is no such tenant. Live operator session only. */
export async function operatorSetEmailLimit(
  h: DatabaseHandle,
  sessionId: string,
  tenantId: string,
  limit: number,
): Promise<boolean> {
  const [row] = await h.rows<{ updated: boolean }>(
    sql`select app_system.operator_set_email_limit(${sessionId}::text, ${tenantId}::uuid, ${limit}::integer) as updated`,
  );
  return row?.updated === true;
}
