import {
  and,
  eq,
  type NotificationDelivery,
  notificationDeliveries,
  type SummaryFrequency,
  schema,
  sql,
  summaryFrequencies,
} from '@foyer/db';
import { z } from 'zod';
import { type Ctx, type Person, personOf, record, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { DEFAULT_SUMMARY, defaultDelivery, emailEventsFor } from './events';

const isDelivery = (value: unknown): value is NotificationDelivery =>
  typeof value === 'string' && (notificationDeliveries as readonly string[]).includes(value);

const isFrequency = (value: unknown): value is SummaryFrequency =>
  typeof value === 'string' && (summaryFrequencies as readonly string[]).includes(value);

const { emailSummaries, notificationPreferences, notifications } = schema;

/** Notifications are people's: an API key, the worker or a visitor has none. */
const person = (ctx: Ctx): Person => personOf(ctx, 'Only people signed in have notifications.');

export interface NotificationItem {
  id: string;
  event: string;
  title: string;
  body: string | null;
  /** Same-origin path of the item it is about, or null. */
  link: string | null;
  readAt: Date | null;
  createdAt: Date;
}

export interface NotificationPage {
  items: NotificationItem[];
  /** Pass as `before` for the next (older) page; null when this is the last. */
  next: string | null;
}

// `<created_at to the microsecond, UTC>_<id>`: the database's own precision, so that rows made in
// the same millisecond are neither skipped nor repeated between pages.
const CURSOR =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const listInput = z.object({
  before: z.string().regex(CURSOR, 'That page doesn’t exist.').nullish(),
  limit: z.number().int().min(1).max(100),
});

const mine = (me: Person) =>
  and(eq(notifications.tenantId, me.tenantId), eq(notifications.userId, me.userId));

/** The signed-in person's notifications, newest first, a page at a time. */
export async function listNotifications({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { before?: string | null; limit: number };
}): Promise<NotificationPage> {
  const me = person(ctx);
  const parsed = listInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid({ [String(issue?.path[0] ?? 'before')]: issue?.message ?? 'Invalid value.' });
  }
  const { before, limit } = parsed.data;
  const cursor = before ? CURSOR.exec(before) : null;
  // A read: nothing is recorded.
  const rows = await transact(ctx, ({ tx }) =>
    tx
      .select({
        id: notifications.id,
        event: notifications.event,
        title: notifications.title,
        body: notifications.body,
        link: notifications.link,
        readAt: notifications.readAt,
        createdAt: notifications.createdAt,
        cursorAt: sql<string>`to_char(${notifications.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      })
      .from(notifications)
      .where(
        and(
          mine(me),
          cursor
            ? sql`(${notifications.createdAt}, ${notifications.id}) < (${cursor[1]}::timestamptz, ${cursor[2]}::uuid)`
            : undefined,
        ),
      )
      .orderBy(sql`${notifications.createdAt} desc, ${notifications.id} desc`)
      .limit(limit + 1),
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ cursorAt: _, ...item }) => item),
    next: rows.length > limit && last ? `${last.cursorAt}_${last.id}` : null,
  };
}

/** The person's unread notifications. */
const unread = (me: Person) => and(mine(me), sql`${notifications.readAt} is null`);

/** How many of the person's notifications are unread, as a scalar to select beside other columns. */
export const unreadCountOf = (me: Person) =>
  sql<number>`(select count(*)::int from ${notifications} where ${unread(me)})`;

/** How many of the signed-in person's notifications are unread. */
export async function unreadCount({ ctx }: { ctx: Ctx }): Promise<number> {
  const me = person(ctx);
  // A read: nothing is recorded.
  const [row] = await transact(ctx, ({ tx }) =>
    tx.select({ n: sql<number>`count(*)::int` }).from(notifications).where(unread(me)),
  );
  return Number(row?.n ?? 0);
}

/**
 * Marks one of the signed-in person's notifications read and returns where it points (null when
 * it points nowhere). Someone else's notification is as absent as one that never existed.
 */
export async function markRead({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<{ link: string | null }> {
  const me = person(ctx);
  const gone = new CoreError('not_found', 'That notification no longer exists.');
  const { id } = input;
  if (typeof id !== 'string' || !UUID.test(id)) throw gone;
  // Reading one's own notifications is not activity: nothing is recorded.
  const [row] = await transact(ctx, ({ tx }) =>
    tx
      .update(notifications)
      .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
      .where(and(mine(me), eq(notifications.id, id)))
      .returning({ link: notifications.link }),
  );
  if (!row) throw gone;
  return { link: row.link };
}

/** Marks every unread notification of the signed-in person read; returns how many there were. */
export async function markAllRead({ ctx }: { ctx: Ctx }): Promise<number> {
  const me = person(ctx);
  // Reading one's own notifications is not activity: nothing is recorded.
  const rows = await transact(ctx, ({ tx }) =>
    tx
      .update(notifications)
      .set({ readAt: sql`now()` })
      .where(and(mine(me), sql`${notifications.readAt} is null`))
      .returning({ id: notifications.id }),
  );
  return rows.length;
}

export interface NotificationPreference {
  event: string;
  label: string;
  /** How its email reaches the person: at once, in the offline digest, or not at all. */
  delivery: NotificationDelivery;
  /** What `delivery` is when the person has not chosen. */
  defaultDelivery: NotificationDelivery;
}

/** Every event with an email that can reach the signed-in person, and how its email arrives. */
export async function getPreferences({ ctx }: { ctx: Ctx }): Promise<NotificationPreference[]> {
  const me = person(ctx);
  // A read: nothing is recorded.
  const rows = await transact(ctx, ({ tx }) =>
    tx
      .select({ event: notificationPreferences.event, delivery: notificationPreferences.delivery })
      .from(notificationPreferences)
      .where(
        and(eq(notificationPreferences.tenantId, me.tenantId), eq(notificationPreferences.userId, me.userId)),
      ),
  );
  const stored = new Map(rows.map((r) => [r.event, r.delivery]));
  // No row means the event's default.
  return emailEventsFor(me.kind).map((e) => ({
    event: e.key,
    label: e.label,
    delivery: stored.get(e.key) ?? defaultDelivery(e.key),
    defaultDelivery: defaultDelivery(e.key),
  }));
}

/**
 * Sets how each named event's email arrives (instant, digest or off); others keep their setting.
 * An event that does not exist, has no email, or cannot reach this person is refused, as is an
 * unknown choice, and nothing changes.
 */
export async function savePreferences({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: Record<string, unknown>;
}): Promise<void> {
  const me = person(ctx);
  const known = new Set(emailEventsFor(me.kind).map((e) => e.key));
  const choices: { event: string; delivery: NotificationDelivery }[] = [];
  for (const [event, delivery] of Object.entries(input ?? {})) {
    if (!known.has(event)) throw invalid({ preferences: 'There is no such notification to choose.' });
    if (!isDelivery(delivery)) throw invalid({ [event]: 'Choose instant, digest or off.' });
    choices.push({ event, delivery });
  }
  if (choices.length === 0) return;
  await transact(ctx, async (ctx) => {
    await ctx.tx
      .insert(notificationPreferences)
      .values(choices.map((c) => ({ tenantId: me.tenantId, userId: me.userId, ...c })))
      .onConflictDoUpdate({
        target: [
          notificationPreferences.tenantId,
          notificationPreferences.userId,
          notificationPreferences.event,
        ],
        set: { delivery: sql`excluded.delivery`, updatedAt: sql`now()` },
      });
    await record(ctx, {
      verb: 'notifications.preferences_save',
      subject: { type: 'user', id: me.userId },
      data: { delivery: Object.fromEntries(choices.map((c) => [c.event, c.delivery])) },
    });
  });
}

export interface SummaryChoice {
  /** How often the person gets the summary of their projects. */
  frequency: SummaryFrequency;
  /** What `frequency` is when the person has not chosen. */
  defaultFrequency: SummaryFrequency;
}

/** How often the signed-in person gets the summary email (their row, else the default). */
export async function getSummaryChoice({ ctx }: { ctx: Ctx }): Promise<SummaryChoice> {
  const me = person(ctx);
  // A read: nothing is recorded.
  const [row] = await transact(ctx, ({ tx }) =>
    tx
      .select({ frequency: emailSummaries.frequency })
      .from(emailSummaries)
      .where(and(eq(emailSummaries.tenantId, me.tenantId), eq(emailSummaries.userId, me.userId))),
  );
  return { frequency: row?.frequency ?? DEFAULT_SUMMARY, defaultFrequency: DEFAULT_SUMMARY };
}

/**
 * Sets how often the person gets the summary email: off, daily or weekly. Anything else is
 * refused and nothing changes. When the last one went out is kept, so a change never sends two
 * in one period.
 */
export async function saveSummaryChoice({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { frequency: unknown };
}): Promise<void> {
  const me = person(ctx);
  const frequency = input?.frequency;
  if (!isFrequency(frequency)) throw invalid({ summary: 'Choose off, daily or weekly.' });
  await transact(ctx, async (ctx) => {
    await ctx.tx
      .insert(emailSummaries)
      .values({ tenantId: me.tenantId, userId: me.userId, frequency })
      .onConflictDoUpdate({
        target: [emailSummaries.tenantId, emailSummaries.userId],
        set: { frequency, updatedAt: sql`now()` },
      });
    await record(ctx, {
      verb: 'notifications.summary_save',
      subject: { type: 'user', id: me.userId },
      data: { summary: frequency },
    });
  });
}

/**
 * The account page's one form: how each event's email arrives and how often the summary comes,
 * saved together (one activity entry) or, when any choice is refused, not at all.
 */
export async function saveNotificationChoices({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { delivery: Record<string, unknown>; summary: unknown };
}): Promise<void> {
  const me = person(ctx);
  if (!isFrequency(input?.summary)) throw invalid({ summary: 'Choose off, daily or weekly.' });
  const summary = input.summary;
  await transact(ctx, async (ctx) => {
    await savePreferences({ ctx, input: input.delivery ?? {} });
    await saveSummaryChoice({ ctx, input: { frequency: summary } });
    await record(ctx, {
      verb: 'notifications.preferences_save',
      subject: { type: 'user', id: me.userId },
      data: { delivery: input.delivery ?? {}, summary },
    });
  });
}
