import type { Person } from '@foyer/core';
import { type DatabaseHandle, rowsOf, sql, withActor } from '@foyer/db';
import type { LiveEventRow } from './sse';

/** What a stream may catch up on at once; beyond it the page is told to reload (`reset`). */
export const CATCH_UP_LIMIT = 500;

/**
 * Event ids are taken when a transaction inserts, not when it commits, so an event with a lower
 * id than the last one a page heard may commit after it. A reconnecting stream therefore also
 * sends what came this shortly before its last event (the browser drops ids it has seen).
 */
const LATE_COMMIT_WINDOW = '5 seconds';

interface EventRow extends Record<string, unknown> {
  id: string | number;
  kind: string;
  thread_id: string | null;
  message_id: string | null;
}

const toLiveEvent = (row: EventRow): LiveEventRow => ({
  id: Number(row.id),
  kind: row.kind,
  threadId: row.thread_id,
  messageId: row.message_id,
});

/** One event read as the person, or null when their policies do not show it to them. */
export async function readVisibleEvent(
  db: DatabaseHandle,
  person: Person,
  eventId: number,
): Promise<LiveEventRow | null> {
  const [row] = await withActor(db.db, person, async (tx) =>
    rowsOf<EventRow>(
      await tx.execute(
        sql`select id, kind, thread_id, message_id from app.realtime_events
            where tenant_id = ${person.tenantId} and id = ${eventId}`,
      ),
    ),
  );
  return row ? toLiveEvent(row) : null;
}

/** Whether the person reads the thread under their policies (typing is shown only to readers). */
export async function readsThread(db: DatabaseHandle, person: Person, threadId: string): Promise<boolean> {
  const rows = await withActor(db.db, person, async (tx) =>
    rowsOf(
      await tx.execute(
        sql`select 1 from app.threads where tenant_id = ${person.tenantId} and id = ${threadId}`,
      ),
    ),
  );
  return rows.length > 0;
}

/**
 * What a person missed since event `lastId`, from the last day, oldest first, under their own
 * policies: every event after it, and those of the moments just before it that may have committed
 * late. `overflow` when there is more than `CATCH_UP_LIMIT`.
 */
export async function eventsSince(
  db: DatabaseHandle,
  person: Person,
  lastId: number,
): Promise<{ events: LiveEventRow[]; overflow: boolean }> {
  const rows = await withActor(db.db, person, async (tx) =>
    rowsOf<EventRow>(
      await tx.execute(
        sql`select e.id, e.kind, e.thread_id, e.message_id from app.realtime_events e
            where e.tenant_id = ${person.tenantId}
              and e.created_at > now() - interval '1 day'
              and (e.id > ${lastId} or e.created_at >= (
                select l.created_at - ${LATE_COMMIT_WINDOW}::interval from app.realtime_events l
                where l.tenant_id = ${person.tenantId} and l.id = ${lastId}))
            order by e.id
            limit ${CATCH_UP_LIMIT + 1}`,
      ),
    ),
  );
  return { events: rows.slice(0, CATCH_UP_LIMIT).map(toLiveEvent), overflow: rows.length > CATCH_UP_LIMIT };
}
