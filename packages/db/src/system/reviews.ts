import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../client';

export interface TrailVerification {
  ok: boolean;
  entries: number;
  /** The first entry (seq) that does not verify; null when the trail is whole. */
  brokenAt: number | null;
}

/**
 * Whether a task's review trail is as it was written (app_system.review_trail_verify). The caller
 * has read the task under its own actor first: this answers only ok / count / first bad entry.
 */
export async function verify(
  h: DatabaseHandle,
  tenantId: string,
  taskId: string,
): Promise<TrailVerification> {
  const [row] = await h.rows<{ ok: boolean; entries: number; broken_at: number | null }>(
    sql`select * from app_system.review_trail_verify(${tenantId}::uuid, ${taskId}::uuid)`,
  );
  return { ok: row?.ok ?? true, entries: Number(row?.entries ?? 0), brokenAt: row?.broken_at ?? null };
}

export interface ReminderDue {
  tenantId: string;
  tenantSlug: string;
  taskId: string;
  projectId: string;
  roundId: string;
  n: number;
  taskTitle: string;
  projectName: string;
  submittedAt: Date;
  /** The reviewers still to decide who can still review. */
  reviewerIds: string[];
}

/** Open rounds whose reviewers are due a reminder at `now`, across tenants, oldest first. */
export async function remindersDue(
  h: DatabaseHandle,
  options: { now: Date; limit: number; tenantIds?: readonly string[] },
): Promise<ReminderDue[]> {
  const tenantIds = options.tenantIds ? `{${options.tenantIds.join(',')}}` : null;
  const found = await h.rows<{
    tenant_id: string;
    tenant_slug: string;
    task_id: string;
    project_id: string;
    round_id: string;
    round_n: number;
    task_title: string;
    project_name: string;
    submitted_at: string | Date;
    reviewer_ids: string[] | string;
  }>(
    sql`select tenant_id::text, tenant_slug, task_id::text, project_id::text, round_id::text, round_n, task_title,
               project_name, submitted_at, reviewer_ids::text[] as reviewer_ids
          from app_system.review_reminders_due(${options.now.toISOString()}::timestamptz, ${options.limit}::integer, ${tenantIds}::uuid[])`,
  );
  return found.map((row) => ({
    tenantId: row.tenant_id,
    tenantSlug: row.tenant_slug,
    taskId: row.task_id,
    projectId: row.project_id,
    roundId: row.round_id,
    n: Number(row.round_n),
    taskTitle: row.task_title,
    projectName: row.project_name,
    submittedAt: new Date(row.submitted_at),
    reviewerIds: Array.isArray(row.reviewer_ids) ? row.reviewer_ids : parseArray(row.reviewer_ids),
  }));
}

/** A Postgres text array as text ('{a,b}'), for a driver that leaves it unparsed. */
function parseArray(value: string): string[] {
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',');
}
