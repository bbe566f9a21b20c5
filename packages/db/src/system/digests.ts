import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../client';

/** Someone owed an email the worker writes as them: the fields to act as them. */
export interface Recipient {
  tenantId: string;
  tenantSlug: string;
  userId: string;
  role: 'admin' | 'staff' | 'client';
  clientId: string | null;
}

interface RecipientRow extends Record<string, unknown> {
  tenant_id: string;
  tenant_slug: string;
  user_id: string;
  role: 'admin' | 'staff' | 'client';
  client_id: string | null;
}

const recipient = (row: RecipientRow): Recipient => ({
  tenantId: row.tenant_id,
  tenantSlug: row.tenant_slug,
  userId: row.user_id,
  role: row.role,
  clientId: row.client_id,
});

const tenantList = (tenantIds?: readonly string[]) => (tenantIds ? `{${tenantIds.join(',')}}` : null);

/**
 * People owed an offline digest (app_system.digests_due): a notice of an event they get as a
 * digest has waited unread since `before`, and they hold no live stream anywhere.
 * `defaultDigest` names the events whose default delivery is the digest.
 */
export async function due(
  h: DatabaseHandle,
  options: { before: Date; defaultDigest: readonly string[]; limit: number; tenantIds?: readonly string[] },
): Promise<Recipient[]> {
  const found = await h.rows<RecipientRow>(
    sql`select * from app_system.digests_due(${options.before.toISOString()}::timestamptz, ${`{${options.defaultDigest.join(',')}}`}::text[], ${options.limit}::integer, ${tenantList(options.tenantIds)}::uuid[])`,
  );
  return found.map(recipient);
}

export interface SummaryDue extends Recipient {
  frequency: 'daily' | 'weekly';
  /** When the period being summarised began: the last summary covers up to here. */
  periodStart: Date;
  /** The person's time zone (UTC when they have none, or an unknown one). */
  timeZone: string;
}

/**
 * People owed their daily or weekly summary at `now` (app_system.summaries_due): a period began,
 * at `hour` o'clock in their time zone, after the last one went out.
 */
export async function summariesDue(
  h: DatabaseHandle,
  options: {
    now: Date;
    defaultFrequency: string;
    hour: number;
    limit: number;
    tenantIds?: readonly string[];
  },
): Promise<SummaryDue[]> {
  const found = await h.rows<
    RecipientRow & { frequency: 'daily' | 'weekly'; period_start: string | Date; time_zone: string }
  >(
    sql`select * from app_system.summaries_due(${options.now.toISOString()}::timestamptz, ${options.defaultFrequency}::text, ${options.hour}::integer, ${options.limit}::integer, ${tenantList(options.tenantIds)}::uuid[])`,
  );
  return found.map((row) => ({
    ...recipient(row),
    frequency: row.frequency,
    periodStart: new Date(row.period_start),
    timeZone: row.time_zone,
  }));
}
