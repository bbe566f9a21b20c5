import { sql, type Tx } from '@foyer/db';
import { z } from 'zod';
import { adminOf, type Ctx, record, transact } from '../ctx';
import { CoreError } from '../errors';
import { rows } from '../files/common';
import { portalFilesLink } from '../files/shares';
import { id, parseInput } from '../input';
import { queueEmail } from '../mail/outbox';
import { portalTaskLink } from '../reviews/reviews';

/** The email template of a reminder to sign in and see what waits. */
export const NUDGE_TEMPLATE = 'nudge';
/** One reminder per person per day at most. */
export const NUDGE_INTERVAL_MS = 24 * 60 * 60 * 1000;

export type WaitingKind = 'files' | 'reviews' | 'invoices';

/** One thing waiting for a client, with the link that opens it in the portal. */
export interface WaitingItem {
  kind: WaitingKind;
  title: string;
  since: Date;
  link: string;
}

export interface NudgeCandidate {
  userId: string;
  name: string;
  email: string;
  company: { id: string; name: string };
  lastSeenAt: Date | null;
  /** What waits, oldest first. */
  waiting: WaitingItem[];
  /** The oldest of it. */
  since: Date;
  lastNudgedAt: Date | null;
  /** Whether a reminder may go out now (none in the last day). */
  canNudge: boolean;
}

const asDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

interface WaitingRow {
  user_id: string;
  kind: WaitingKind;
  title: string;
  since: Date | string;
  link_id: string;
}

/**
 * What waits for each active client who has not been seen since it was sent (or never signed
 * in): client-visible files shared on their projects, review rounds waiting for their decision,
 * issued invoices of their company still open. Each with the permission that lets them see it.
 */
async function waitingRows(tx: Tx, userId: string | null): Promise<WaitingRow[]> {
  const who = userId ? sql`and u.id = ${userId}::uuid` : sql``;
  return rows<WaitingRow>(
    tx,
    sql`with people as (
          select u.id, u.client_id, u.permissions, coalesce(u.last_seen_at, '-infinity'::timestamptz) as seen
            from app.users u
           where u.role = 'client' and u.status = 'active' and u.password_hash is not null ${who}
        )
        select pe.id::text as user_id, 'files' as kind, f.name as title, f.shared_at as since, f.project_id::text as link_id
          from people pe
          join app.project_clients pc on pc.user_id = pe.id
          join app.projects p on p.id = pc.project_id and p.status <> 'archived'
          join app.files f on f.project_id = pc.project_id and f.client_visible and f.message_id is null
                          and f.shared_at is not null and f.shared_at > pe.seen
         where 'files.download' = any(pe.permissions) and 'projects' = any(pe.permissions)
        union all
        select pe.id::text, 'reviews', t.title, r.created_at, t.id::text
          from people pe
          join app.review_entries r on r.kind = 'round' and pe.id = any(r.reviewer_ids) and r.created_at > pe.seen
          join app.tasks t on t.id = r.task_id and t.archived_at is null and t.client_visible
          join app.projects p on p.id = r.project_id and p.status <> 'archived'
          join app.project_clients pc on pc.project_id = r.project_id and pc.user_id = pe.id
         where 'review' = any(pe.permissions) and 'projects' = any(pe.permissions)
           and not exists (select 1 from app.review_entries later where later.task_id = r.task_id
                             and later.kind = 'round' and later.seq > r.seq)
           and not exists (select 1 from app.review_entries d where d.round_id = r.id and d.kind = 'decision'
                             and d.actor_id = pe.id)
           and app.review_state(r.rule, cardinality(r.reviewer_ids),
                 (select count(*)::integer from app.review_entries d where d.round_id = r.id and d.decision = 'approved'),
                 (select count(*)::integer from app.review_entries d where d.round_id = r.id and d.decision = 'revisions'),
                 false) = 'open'
        union all
        select pe.id::text, 'invoices', 'Invoice ' || i.number, coalesce(i.sent_at, i.issued_at), i.id::text
          from people pe
          join app.invoices i on i.client_id = pe.client_id and i.issued_at is not null
                             and i.voided_at is null and i.paid_at is null
                             and coalesce(i.sent_at, i.issued_at) > pe.seen
         where 'invoices' = any(pe.permissions)
        order by 4`,
  );
}

const linkOf = (kind: WaitingKind, linkId: string) =>
  kind === 'files'
    ? portalFilesLink(linkId)
    : kind === 'reviews'
      ? portalTaskLink(linkId)
      : `/invoices/${linkId}`;

async function candidates(tx: Tx, now: Date, userId: string | null): Promise<NudgeCandidate[]> {
  const waiting = await waitingRows(tx, userId);
  if (waiting.length === 0) return [];
  const ids = [...new Set(waiting.map((row) => row.user_id))];
  const people = await rows<{
    id: string;
    name: string;
    email: string;
    company_id: string;
    company_name: string;
    last_seen_at: Date | string | null;
    last_nudged_at: Date | string | null;
  }>(
    tx,
    sql`select u.id::text as id, u.name, u.email, c.id::text as company_id, c.name as company_name, u.last_seen_at,
               (select max(a.at) from app.activity a
                 where a.verb = 'client.nudge' and a.subject_type = 'user' and a.subject_id = u.id) as last_nudged_at
          from app.users u join app.clients c on c.tenant_id = u.tenant_id and c.id = u.client_id
         where u.id = any(${`{${ids.join(',')}}`}::uuid[])`,
  );
  return people
    .map((person): NudgeCandidate => {
      const items = waiting
        .filter((row) => row.user_id === person.id)
        .map((row) => ({
          kind: row.kind,
          title: row.title,
          since: asDate(row.since),
          link: linkOf(row.kind, row.link_id),
        }));
      const lastNudgedAt = person.last_nudged_at ? asDate(person.last_nudged_at) : null;
      return {
        userId: person.id,
        name: person.name,
        email: person.email,
        company: { id: person.company_id, name: person.company_name },
        lastSeenAt: person.last_seen_at ? asDate(person.last_seen_at) : null,
        waiting: items,
        since: items[0]?.since ?? now,
        lastNudgedAt,
        canNudge: !lastNudgedAt || now.getTime() - lastNudgedAt.getTime() >= NUDGE_INTERVAL_MS,
      };
    })
    .sort((a, b) => a.since.getTime() - b.since.getTime());
}

/**
 * "Needs a nudge": active clients with files, reviews or invoices sent since they were last seen
 * (or who never signed in), with what waits, since when, and when they were last reminded.
 */
export async function clientsToNudge({ ctx }: { ctx: Ctx }): Promise<NudgeCandidate[]> {
  adminOf(ctx, 'Only admins see who needs a nudge.');
  return transact(ctx, ({ tx }) => candidates(tx, ctx.deps.now(), null));
}

const nudgeInput = z.object({ userId: id('client') });

/**
 * Sends a client a branded reminder listing what waits for them, with links, through the outbox;
 * at most one per person per day. Recorded as `client.nudge` (which is also how the next one
 * knows when this one went).
 */
export async function nudgeClient({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof nudgeInput>;
}): Promise<{ items: number }> {
  const admin = adminOf(ctx, 'Only admins send reminders.');
  const { userId } = parseInput(nudgeInput, input);
  const now = ctx.deps.now();
  return transact(ctx, async (tctx) => {
    const { tx } = tctx;
    // One reminder at a time per person: a second click waits for the first to commit.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`nudge:${userId}`}, 0))`);
    const [person] = await candidates(tx, now, userId);
    if (!person)
      throw new CoreError('conflict', 'Nothing waits for this client: there is nothing to remind them of.');
    if (!person.canNudge)
      throw new CoreError(
        'limit_reached',
        'This client was reminded in the last day: one reminder a day at most.',
      );
    const count = (kind: WaitingKind) => person.waiting.filter((item) => item.kind === kind).length;
    await queueEmail(tx, {
      tenantId: admin.tenantId,
      template: NUDGE_TEMPLATE,
      to: { userId: person.userId },
      vars: {
        count: person.waiting.length,
        several: person.waiting.length > 1,
        items: person.waiting.slice(0, 20).map((item) => ({
          title: item.title,
          kind:
            item.kind === 'files'
              ? 'New file'
              : item.kind === 'reviews'
                ? 'Waiting for your review'
                : 'Invoice to pay',
          since: item.since.toISOString().slice(0, 10),
          linkUrl: item.link,
        })),
        portalUrl: '/',
      },
    });
    await record(tctx, {
      verb: 'client.nudge',
      subject: { type: 'user', id: person.userId },
      data: { files: count('files'), reviews: count('reviews'), invoices: count('invoices') },
    });
    return { items: person.waiting.length };
  });
}
