import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../client';

/** The NOTIFY channel the database's triggers publish live events on (`app_system.realtime_publish`). */
export const EVENTS_CHANNEL = 'foyer_events';

/** The NOTIFY channel server nodes tell each other who is typing on (never stored). */
export const TYPING_CHANNEL = 'foyer_typing';

/**
 * Who might see a live event of a thread: its participants and maker and, for task threads and
 * project discussions, the team that reaches the project (and a task thread's clients). A
 * superset: a node reads each event again as each of them before delivering it.
 */
export async function audience(h: DatabaseHandle, tenantId: string, threadId: string): Promise<string[]> {
  const [row] = await h.rows<{ people: string[] | string }>(
    sql`select app_system.realtime_audience(${tenantId}::uuid, ${threadId}::uuid)::text[] as people`,
  );
  return parseTextArray(row?.people);
}

/** A person holding a live stream on a node. */
export interface Present {
  tenantId: string;
  userId: string;
}

/**
 * A node's heartbeat: these people hold a stream on it now; the node's other presence rows go
 * (an empty list clears the node, as a node shutting down does).
 */
export async function presenceBeat(
  h: DatabaseHandle,
  node: string,
  people: readonly Present[],
): Promise<void> {
  const tenants = people.map((p) => p.tenantId);
  const users = people.map((p) => p.userId);
  await h.rows(
    sql`select app_system.presence_beat(${node}::text, ${toArrayLiteral(tenants)}::uuid[], ${toArrayLiteral(users)}::uuid[])`,
  );
}

/** Deletes live events older than a day and stale presence rows; returns how many events went. */
export async function purge(h: DatabaseHandle): Promise<number> {
  const [row] = await h.rows<{ purged: number }>(sql`select app_system.realtime_events_purge() as purged`);
  return Number(row?.purged ?? 0);
}

/** Ids as one Postgres array literal: one bound parameter, whatever the count. */
function toArrayLiteral(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}

/** postgres.js parses `text[]` into an array; PGlite may answer with the literal. */
function parseTextArray(value: string[] | string | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',');
}
