import { type SQL, sql, type Tx } from '@foyer/db';
import { z } from 'zod';
import { adminOf, type Ctx, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { rows } from '../files/common';
import { id, parseInput } from '../input';
import { csvOf } from './csv';
import { describeBrowser } from './user-agent';

/** What an admin filters a client's activity by. */
export const ACTIVITY_KINDS = [
  'all',
  'sign_ins',
  'sessions',
  'files',
  'invoices',
  'reviews',
  'messages',
  'comments',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
/** The kind of one entry (never `all`; `other` for what no filter names, e.g. a profile change). */
export type EntryKind = Exclude<ActivityKind, 'all' | 'sessions'> | 'other';

export const ACTIVITY_PAGE_SIZE = 50;
const MAX_DAYS = 366;
const DEFAULT_DAYS = 30;
const EXPORT_LIMIT = 10_000;

const SIGN_IN_VERBS = [
  'auth.sign_in',
  'auth.handoff',
  'client.accept_invitation',
  'auth.sign_in_failed',
  'auth.sign_out',
];

/** The verbs behind each filter, as SQL on `a.verb`. */
function kindCondition(kind: ActivityKind): SQL {
  switch (kind) {
    case 'sign_ins':
      return sql`a.verb = any(${`{${SIGN_IN_VERBS.join(',')}}`}::text[])`;
    case 'files':
      return sql`(a.verb like 'file.%' or a.verb like 'files.%' or a.verb like 'folder.%')`;
    case 'invoices':
      return sql`a.verb like 'invoice.%'`;
    case 'reviews':
      return sql`a.verb like 'review.%'`;
    case 'messages':
      return sql`(a.verb like 'message.%' or a.verb like 'conversation.%')`;
    case 'comments':
      return sql`a.verb like 'comment.%'`;
    case 'sessions':
      return sql`false`;
    default:
      return sql`true`;
  }
}

export function kindOfVerb(verb: string): EntryKind {
  if (SIGN_IN_VERBS.includes(verb)) return 'sign_ins';
  const area = verb.slice(0, verb.indexOf('.'));
  if (area === 'file' || area === 'files' || area === 'folder') return 'files';
  if (area === 'invoice') return 'invoices';
  if (area === 'review') return 'reviews';
  if (area === 'message' || area === 'conversation') return 'messages';
  if (area === 'comment') return 'comments';
  return 'other';
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A sentence for an entry, from its verb and what it recorded. */
export function describeEntry(verb: string, data: Record<string, unknown>): string {
  const name = text(data.name);
  const number = text(data.number);
  switch (verb) {
    case 'auth.sign_in':
      return 'Signed in';
    case 'auth.handoff':
      return 'Signed in (hand-off)';
    case 'client.accept_invitation':
      return 'Accepted the invitation and signed in';
    case 'auth.sign_in_failed':
      return data.reason === 'throttled'
        ? 'Sign-in refused (too many attempts)'
        : 'Sign-in failed (wrong password)';
    case 'auth.sign_out':
      return 'Signed out';
    case 'file.downloaded':
      return name ? `Downloaded ${name}` : 'Downloaded a file';
    case 'files.zipped':
      return `Downloaded ${Number(data.count ?? 0)} files as a zip`;
    case 'file.uploaded':
      return name ? `Uploaded ${name}` : 'Uploaded a file';
    case 'invoice.view':
      return `Viewed invoice ${number} (first time)`;
    case 'invoice.viewed_again':
      return `Viewed invoice ${number}`;
    case 'invoice.payment':
      return `Paid invoice ${number} online`;
    case 'review.approved':
      return 'Approved a review';
    case 'review.revisions':
      return 'Asked for revisions';
    case 'review.record_downloaded':
      return 'Downloaded an approval record';
    case 'message.post':
      return 'Sent a message';
    case 'message.edit':
      return 'Edited a message';
    case 'message.delete':
      return 'Deleted a message';
    case 'comment.post':
      return 'Commented on a task';
    case 'comment.edit':
      return 'Edited a comment';
    case 'comment.delete':
      return 'Deleted a comment';
    default:
      return verb;
  }
}

const dayText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-03-31.')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'That date doesn’t exist.');

export const clientActivityInput = z.object({
  userId: id('client'),
  from: z.union([dayText, z.literal('')]).optional(),
  to: z.union([dayText, z.literal('')]).optional(),
  kind: z.enum(ACTIVITY_KINDS, 'Choose a kind of activity.').optional(),
  page: z.coerce.number().int().min(1).max(10_000).optional(),
});

export interface ActivityFilters {
  from: string;
  to: string;
  kind: ActivityKind;
  page: number;
}

export interface ActivityItem {
  id: string;
  at: Date;
  kind: EntryKind;
  verb: string;
  what: string;
  /** false for a refused sign-in, true otherwise. */
  ok: boolean;
  ip: string | null;
  browser: string | null;
}

export type SessionState =
  | 'active'
  | 'signed_out'
  | 'expired'
  | 'ended_by_admin'
  | 'password_change'
  | 'password_reset'
  | 'ended';

export interface SessionItem {
  id: string;
  startedAt: Date;
  lastSeenAt: Date;
  endedAt: Date | null;
  state: SessionState;
  /** From start to end (or to the last activity while it is live), in seconds. */
  durationSeconds: number;
  ip: string | null;
  browser: string | null;
}

export interface TimelineDay {
  day: string;
  signIns: number;
  failed: number;
  actions: number;
}

export interface ActivityPerson {
  id: string;
  name: string;
  email: string;
  company: { id: string; name: string };
  status: string;
  lastSeenAt: Date | null;
}

export interface ClientActivity {
  person: ActivityPerson;
  filters: ActivityFilters;
  entries: ActivityItem[];
  total: number;
  pageSize: number;
  sessions: SessionItem[];
  timeline: TimelineDay[];
}

const asDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));
const isoDay = (at: Date) => at.toISOString().slice(0, 10);

function resolveFilters(ctx: Ctx, raw: z.output<typeof clientActivityInput>): ActivityFilters {
  const today = isoDay(ctx.deps.now());
  const to = raw.to || today;
  const from = raw.from || isoDay(new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_DAYS - 1) * 86_400_000));
  if (from > to) throw invalid({ from: 'Choose a start on or before the end.' });
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days > MAX_DAYS) throw invalid({ from: `Choose at most ${MAX_DAYS} days.` });
  return { from, to, kind: raw.kind ?? 'all', page: raw.page ?? 1 };
}

async function personOf(tx: Tx, userId: string): Promise<ActivityPerson> {
  const [row] = await rows<{
    id: string;
    name: string;
    email: string;
    company_id: string;
    company_name: string;
    status: string;
    last_seen_at: Date | string | null;
  }>(
    tx,
    sql`select u.id::text as id, u.name, u.email, c.id::text as company_id, c.name as company_name, u.status,
               u.last_seen_at
          from app.users u join app.clients c on c.tenant_id = u.tenant_id and c.id = u.client_id
         where u.id = ${userId}::uuid and u.role = 'client'`,
  );
  if (!row) throw new CoreError('not_found', 'That client doesn’t exist.');
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    company: { id: row.company_id, name: row.company_name },
    status: row.status,
    lastSeenAt: row.last_seen_at ? asDate(row.last_seen_at) : null,
  };
}

/**
 * The entries that are this person's: what they did (in their name), sign-ins refused for the
 * email they use (recorded as a visitor), and online payments the worker applied for a checkout
 * they opened.
 */
function entriesOf(person: ActivityPerson, filters: ActivityFilters): SQL {
  return sql`(a.actor_id = ${person.id}::uuid
            or (a.actor_kind = 'visitor' and a.verb = 'auth.sign_in_failed' and lower(a.data->>'email') = lower(${person.email}))
            or (a.actor_kind = 'worker' and a.data->>'client' = ${person.id}))
        and a.at >= ${`${filters.from}T00:00:00Z`}::timestamptz
        and a.at < ${`${filters.to}T00:00:00Z`}::timestamptz + interval '1 day'
        and ${kindCondition(filters.kind)}`;
}

interface EntryRow {
  id: string;
  at: Date | string;
  verb: string;
  ip: string | null;
  user_agent: string | null;
  data: Record<string, unknown> | string | null;
}

function itemOf(row: EntryRow): ActivityItem {
  const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) ?? {};
  return {
    id: row.id,
    at: asDate(row.at),
    kind: kindOfVerb(row.verb),
    verb: row.verb,
    what: describeEntry(row.verb, data),
    ok: row.verb !== 'auth.sign_in_failed',
    ip: row.ip,
    browser: row.user_agent ? describeBrowser(row.user_agent) : null,
  };
}

async function readEntries(
  tx: Tx,
  person: ActivityPerson,
  filters: ActivityFilters,
  limit: number,
  offset: number,
) {
  return (
    await rows<EntryRow>(
      tx,
      sql`select a.id::text as id, a.at, a.verb, host(a.ip) as ip, a.user_agent, a.data
            from app.activity a
           where ${entriesOf(person, filters)}
           order by a.at desc, a.id
           limit ${limit} offset ${offset}`,
    )
  ).map(itemOf);
}

async function readSessions(tx: Tx, person: ActivityPerson, filters: ActivityFilters, now: Date) {
  if (filters.kind !== 'all' && filters.kind !== 'sessions') return [];
  const found = await rows<{
    id: string;
    started_at: Date | string;
    last_seen_at: Date | string;
    expires_at: Date | string;
    ended_at: Date | string | null;
    end_reason: string | null;
    ip: string | null;
    user_agent: string | null;
  }>(
    tx,
    sql`select l.id::text as id, l.started_at, l.last_seen_at, l.expires_at, l.ended_at, l.end_reason, l.ip, l.user_agent
          from app.session_log l
         where l.user_id = ${person.id}::uuid
           and l.started_at < ${`${filters.to}T00:00:00Z`}::timestamptz + interval '1 day'
           and coalesce(l.ended_at, l.expires_at) >= ${`${filters.from}T00:00:00Z`}::timestamptz
         order by l.started_at desc
         limit ${EXPORT_LIMIT}`,
  );
  return found.map((row): SessionItem => {
    const startedAt = asDate(row.started_at);
    const lastSeenAt = asDate(row.last_seen_at);
    const expiresAt = asDate(row.expires_at);
    let endedAt = row.ended_at ? asDate(row.ended_at) : null;
    let state = (row.end_reason ?? 'active') as SessionState;
    if (!endedAt && expiresAt <= now) {
      endedAt = expiresAt;
      state = 'expired';
    }
    // An expired session was last used when it was last seen: its length is to then.
    const until = !endedAt ? lastSeenAt : state === 'expired' ? lastSeenAt : endedAt;
    return {
      id: row.id,
      startedAt,
      lastSeenAt,
      endedAt,
      state,
      durationSeconds: Math.max(0, Math.round((until.getTime() - startedAt.getTime()) / 1000)),
      ip: row.ip,
      browser: row.user_agent ? describeBrowser(row.user_agent) : null,
    };
  });
}

async function readTimeline(
  tx: Tx,
  person: ActivityPerson,
  filters: ActivityFilters,
): Promise<TimelineDay[]> {
  const counts = await rows<{ day: string; sign_ins: number; failed: number; actions: number }>(
    tx,
    sql`select to_char(a.at at time zone 'UTC', 'YYYY-MM-DD') as day,
               count(*) filter (where a.verb in ('auth.sign_in', 'auth.handoff', 'client.accept_invitation'))::int as sign_ins,
               count(*) filter (where a.verb = 'auth.sign_in_failed')::int as failed,
               count(*) filter (where a.verb not in ('auth.sign_in', 'auth.handoff', 'client.accept_invitation', 'auth.sign_in_failed'))::int as actions
          from app.activity a
         where ${entriesOf(person, filters)}
         group by 1`,
  );
  const byDay = new Map(counts.map((row) => [row.day, row]));
  const days: TimelineDay[] = [];
  for (
    let at = Date.parse(`${filters.from}T00:00:00Z`);
    at <= Date.parse(`${filters.to}T00:00:00Z`);
    at += 86_400_000
  ) {
    const day = isoDay(new Date(at));
    const row = byDay.get(day);
    days.push({
      day,
      signIns: Number(row?.sign_ins ?? 0),
      failed: Number(row?.failed ?? 0),
      actions: Number(row?.actions ?? 0),
    });
  }
  return days;
}

/**
 * A client person's activity for admins: sign-ins (refusals matched by the email they use),
 * sessions with their length, and what they did, filtered by dates (UTC days) and kind, a page at
 * a time, with a count per day for the timeline. Reading it is not an action: it records nothing.
 */
export async function clientActivity({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof clientActivityInput>;
}): Promise<ClientActivity> {
  adminOf(ctx, 'Only admins see client activity.');
  const parsed = parseInput(clientActivityInput, input);
  const filters = resolveFilters(ctx, parsed);
  return transact(ctx, async ({ tx }) => {
    const person = await personOf(tx, parsed.userId);
    const [count] = await rows<{ total: number }>(
      tx,
      sql`select count(*)::int as total from app.activity a where ${entriesOf(person, filters)}`,
    );
    const entries = await readEntries(
      tx,
      person,
      filters,
      ACTIVITY_PAGE_SIZE,
      (filters.page - 1) * ACTIVITY_PAGE_SIZE,
    );
    const sessions = await readSessions(tx, person, filters, ctx.deps.now());
    const timeline = await readTimeline(tx, person, filters);
    return {
      person,
      filters,
      entries,
      total: Number(count?.total ?? 0),
      pageSize: ACTIVITY_PAGE_SIZE,
      sessions,
      timeline,
    };
  });
}

const STATE_LABELS: Record<SessionState, string> = {
  active: 'Active',
  signed_out: 'Signed out',
  expired: 'Expired',
  ended_by_admin: 'Ended by an admin',
  password_change: 'Ended by a password change',
  password_reset: 'Ended by a password reset',
  ended: 'Ended',
};

export const sessionStateLabel = (state: SessionState): string => STATE_LABELS[state];

/** "2 h 5 min", "3 min", "under a minute". */
export function describeDuration(seconds: number): string {
  if (seconds < 60) return 'under a minute';
  const minutes = Math.floor(seconds / 60);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days ? `${days} d` : '', hours ? `${hours} h` : '', rest ? `${rest} min` : '']
    .filter(Boolean)
    .join(' ');
}

export interface ActivityExport {
  filename: string;
  csv: string;
}

/**
 * The same filters' activity as CSV: every entry (not a page) and, unless another kind is
 * chosen, the sessions. Cells are escaped and formula-guarded (./csv.ts). Records nothing.
 */
export async function exportClientActivity({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof clientActivityInput>;
}): Promise<ActivityExport> {
  adminOf(ctx, 'Only admins see client activity.');
  const parsed = parseInput(clientActivityInput, input);
  const filters = resolveFilters(ctx, parsed);
  return transact(ctx, async ({ tx }) => {
    const person = await personOf(tx, parsed.userId);
    const entries = await readEntries(tx, person, filters, EXPORT_LIMIT, 0);
    const sessions = await readSessions(tx, person, filters, ctx.deps.now());
    const header = [
      'Time (UTC)',
      'Kind',
      'Activity',
      'Outcome',
      'IP address',
      'Browser',
      'Ended (UTC)',
      'Duration (seconds)',
    ];
    const lines: (string | number | null)[][] = [
      ...entries.map((entry) => [
        entry.at.toISOString(),
        entry.kind,
        entry.what,
        entry.ok ? 'ok' : 'failed',
        entry.ip,
        entry.browser,
        null,
        null,
      ]),
      ...sessions.map((session) => [
        session.startedAt.toISOString(),
        'session',
        `Session: ${STATE_LABELS[session.state]}`,
        session.state,
        session.ip,
        session.browser,
        session.endedAt ? session.endedAt.toISOString() : null,
        session.durationSeconds,
      ]),
    ].sort((a, b) => String(b[0]).localeCompare(String(a[0])));
    const slug =
      person.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'client';
    return {
      filename: `activity-${slug}-${filters.from}-to-${filters.to}.csv`,
      csv: csvOf([header, ...lines]),
    };
  });
}
