import { sql, system } from '@foyer/db';
import type { Deps } from '../context';
import { createCtx, type TxCtx, transact } from '../ctx';
import { CoreError } from '../errors';
import {
  clientInvoices,
  listInvoices,
  PAYABLE_STATUSES,
  portalInvoiceLink,
  todayOf,
} from '../invoices/invoices';
import { queueEmail } from '../mail/outbox';
import { portalProjectPath } from '../projects/projects';
import { portalTaskLink, waitingReviews } from '../reviews/reviews';
import { rows, teamTaskLink } from '../tasks/common';
import { actorOf, PREFERENCES_PATH } from './digest';
import { DEFAULT_SUMMARY } from './events';

/** Summaries go out from this hour of the morning, in each person's time zone. */
export const SUMMARY_HOUR = 8;
/** An admin hears of invoices falling due within this many days. */
const DUE_SOON_DAYS = 7;
/** At most this many lines per section. */
const SECTION_MAX = 20;

type Due = Awaited<ReturnType<typeof system.digests.summariesDue>>[number];

interface ProjectLine {
  name: string;
  changes: string;
  projectUrl: string;
}
interface ReviewLine {
  title: string;
  projectName: string;
  state: string;
  reviewUrl: string;
}
interface InvoiceLine {
  number: string;
  amount: string;
  dueDate: string | null;
  overdue: boolean;
  invoiceUrl: string;
}

/**
 * The daily or weekly summary: for everyone whose period (from 8 o'clock in their time zone,
 * each day or each Monday) began after their last summary, what changed on their projects since
 * the period before, reviews waiting and invoices due, read as that person (their policies decide
 * what they see). The period is claimed in `app.email_summaries` as the person before anything is
 * read, so two workers send one; with nothing to say nothing is sent and the claim stays.
 * Nothing is recorded.
 */
export async function sendSummaries(
  deps: Deps,
  options: { tenantIds?: readonly string[]; limit?: number } = {},
): Promise<{ people: number; claimed: string[]; emails: number }> {
  const now = deps.now();
  const due = await system.digests.summariesDue(deps.db, {
    now,
    defaultFrequency: DEFAULT_SUMMARY,
    hour: SUMMARY_HOUR,
    limit: options.limit ?? 200,
    ...(options.tenantIds ? { tenantIds: options.tenantIds } : {}),
  });
  const claimed: string[] = [];
  let emails = 0;
  for (const person of due) {
    const ctx = createCtx(deps, { actor: actorOf(person) });
    const outcome = await transact(ctx, async (ctx) => {
      if (!(await claimPeriod(ctx, person, now))) return 'taken';
      const since = new Date(
        person.periodStart.getTime() - (person.frequency === 'daily' ? 1 : 7) * 86_400_000,
      );
      const team = person.role !== 'client';
      const projects = await projectChanges(ctx, person.userId, team, since);
      const reviews = await reviewsWaiting(ctx, team, since);
      const invoices = await invoicesDue(ctx, person.role);
      if (projects.length + reviews.length + invoices.length === 0) return 'claimed';
      await queueEmail(ctx.tx, {
        tenantId: person.tenantId,
        template: 'summary',
        to: { userId: person.userId },
        vars: {
          period: person.frequency,
          weekly: person.frequency === 'weekly',
          since: since.toISOString(),
          projects,
          reviews,
          invoices,
          homeUrl: team ? '/admin' : '/',
          preferencesUrl: PREFERENCES_PATH,
        },
      });
      return 'sent';
    });
    if (outcome !== 'taken') claimed.push(person.userId);
    if (outcome === 'sent') emails += 1;
  }
  return { people: due.length, claimed, emails };
}

/**
 * Marks the person's period as summarised, unless another worker did (or they changed their
 * choice since the list was read). The job's clock is stored, the one periods are counted by.
 */
async function claimPeriod(ctx: TxCtx, person: Due, now: Date): Promise<boolean> {
  const found = await rows<{ user_id: string }>(
    ctx.tx,
    sql`insert into app.email_summaries as es (tenant_id, user_id, frequency, last_sent_at)
        values (${person.tenantId}::uuid, ${person.userId}::uuid, ${person.frequency}, ${now.toISOString()}::timestamptz)
        on conflict (tenant_id, user_id) do update set last_sent_at = excluded.last_sent_at
          where es.frequency = excluded.frequency
            and (es.last_sent_at is null or es.last_sent_at < ${person.periodStart.toISOString()}::timestamptz)
        returning es.user_id::text as user_id`,
  );
  return found.length > 0;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Per project the person reads (their policies decide which, and which tasks, files, messages). */
async function projectChanges(
  ctx: TxCtx,
  userId: string,
  team: boolean,
  since: Date,
): Promise<ProjectLine[]> {
  const at = since.toISOString();
  const found = await rows<{
    id: string;
    name: string;
    done: number;
    added: number;
    files: number;
    messages: number;
  }>(
    ctx.tx,
    sql`select p.id::text as id, p.name,
          (select count(*)::int from app.tasks t join app.task_statuses s on s.tenant_id = t.tenant_id and s.id = t.status_id
            where t.project_id = p.id and t.archived_at is null and s.kind = 'done' and t.updated_at > ${at}::timestamptz) as done,
          (select count(*)::int from app.tasks t
            where t.project_id = p.id and t.archived_at is null and t.created_at > ${at}::timestamptz) as added,
          (select count(*)::int from app.files f
            where f.project_id = p.id and f.message_id is null
              and ${team ? sql`f.created_at` : sql`coalesce(f.shared_at, f.created_at)`} > ${at}::timestamptz) as files,
          (select count(*)::int from app.messages m join app.threads th on th.tenant_id = m.tenant_id and th.id = m.thread_id
            where th.project_id = p.id and m.deleted_at is null and m.author_id is distinct from ${userId}::uuid
              and m.created_at > ${at}::timestamptz) as messages
        from app.projects p
        where p.status <> 'archived'
        order by lower(p.name), p.id`,
  );
  const lines: ProjectLine[] = [];
  for (const row of found) {
    const parts = [
      row.done > 0 ? `${plural(Number(row.done), 'task', 'tasks')} completed` : '',
      row.added > 0 ? plural(Number(row.added), 'new task', 'new tasks') : '',
      row.files > 0 ? plural(Number(row.files), 'new file', 'new files') : '',
      row.messages > 0 ? plural(Number(row.messages), 'new message', 'new messages') : '',
    ].filter(Boolean);
    if (parts.length === 0) continue;
    lines.push({
      name: row.name,
      changes: parts.join(', '),
      projectUrl: team ? `/admin/projects/${row.id}` : portalProjectPath(row.id),
    });
  }
  return lines.slice(0, SECTION_MAX);
}

/**
 * A client: the rounds waiting for their decision. The team: rounds out with clients, and tasks
 * a client sent back for revisions during the period that no new round has answered yet.
 */
async function reviewsWaiting(ctx: TxCtx, team: boolean, since: Date): Promise<ReviewLine[]> {
  const waiting = await waitingReviews({ ctx, input: { page: 1 } });
  const lines: ReviewLine[] = waiting.items.map((item) => ({
    title: item.taskTitle,
    projectName: item.projectName,
    state: team
      ? `with the client for ${plural(item.waitingDays, 'day', 'days')}`
      : 'waiting for your decision',
    reviewUrl: team ? teamTaskLink(item.taskId) : portalTaskLink(item.taskId),
  }));
  if (team) {
    const revisions = await rows<{ task_id: string; title: string; project_name: string }>(
      ctx.tx,
      sql`select distinct on (t.id) t.id::text as task_id, t.title, p.name as project_name
          from app.review_entries d
            join app.tasks t on t.tenant_id = d.tenant_id and t.id = d.task_id and t.archived_at is null
            join app.projects p on p.tenant_id = d.tenant_id and p.id = d.project_id
          where d.kind = 'decision' and d.decision = 'revisions' and d.created_at > ${since.toISOString()}::timestamptz
            and not exists (select 1 from app.review_entries l
              where l.tenant_id = d.tenant_id and l.task_id = d.task_id and l.kind = 'round' and l.seq > d.seq)
          order by t.id, d.created_at desc`,
    );
    for (const row of revisions)
      lines.push({
        title: row.title,
        projectName: row.project_name,
        state: 'revisions requested',
        reviewUrl: teamTaskLink(row.task_id),
      });
  }
  return lines.slice(0, SECTION_MAX);
}

/** A client: their invoices still to pay. An admin: invoices overdue or due within a week. Staff: none. */
async function invoicesDue(ctx: TxCtx, role: Due['role']): Promise<InvoiceLine[]> {
  if (role === 'staff') return [];
  const today = todayOf(ctx);
  const soon = new Date(Date.parse(`${today}T00:00:00Z`) + DUE_SOON_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10);
  let page: Awaited<ReturnType<typeof listInvoices>>;
  if (role === 'admin') {
    page = await listInvoices({ ctx, input: { status: 'outstanding' } });
  } else {
    try {
      page = await clientInvoices({ ctx, input: { page: 1 } });
    } catch (error) {
      // A client without `invoices`: the area is not theirs.
      if (error instanceof CoreError && error.code === 'forbidden') return [];
      throw error;
    }
  }
  return page.items
    .filter(
      (invoice) =>
        PAYABLE_STATUSES.includes(invoice.status) &&
        (role === 'client' ||
          invoice.status === 'overdue' ||
          (invoice.dueDate !== null && invoice.dueDate <= soon)),
    )
    .map((invoice) => ({
      number: invoice.number ?? '',
      amount: invoice.balance,
      dueDate: invoice.dueDate,
      overdue: invoice.status === 'overdue',
      invoiceUrl: role === 'admin' ? `/admin/invoices/${invoice.id}` : portalInvoiceLink(invoice.id),
    }))
    .slice(0, SECTION_MAX);
}
