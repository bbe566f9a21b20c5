import { and, eq, schema, sql } from '@foyer/db';
import { z } from 'zod';
import type { ClientPermission } from '../clients/permissions';
import { type Ctx, type Person, personOf, record, type TxCtx, transact } from '../ctx';
import { CoreError } from '../errors';
import { id, parseInput } from '../input';
import { clientInvoiceSummary } from '../invoices/overview';
import type { ClientInvoiceSummary } from '../invoices/types';
import { listClientTasks } from '../tasks/client';
import type { TaskPriority } from '../tasks/common';

const { clients, milestones, projectFeed, projects, taskStatuses, tasks, users } = schema;

export const PORTAL_CLIENTS_ONLY = 'The portal is for clients.';
const PROJECT_NOT_FOUND = 'That project doesn’t exist, or it isn’t shared with you.';

/** How many entries of the recent-activity feed the dashboard shows. */
export const PORTAL_FEED_SIZE = 15;

export type PortalProjectStatus = 'active' | 'on_hold' | 'completed';
export type PortalTaskKind = 'todo' | 'in_progress' | 'review' | 'done';

export interface PortalProject {
  id: string;
  name: string;
  status: PortalProjectStatus;
  /** 'YYYY-MM-DD', or null when none is set. */
  deadline: string | null;
  /** Share (0–1) of the client-visible tasks in a done column; null without `tasks.view` or tasks. */
  progress: number | null;
}

export interface PortalFeedEntry {
  id: string;
  at: Date;
  kind: string;
  projectId: string;
  projectName: string;
  actorName: string | null;
  data: Record<string, unknown>;
  /** Whether the entry is about this person alone (e.g. "you were added"). */
  personal: boolean;
  /** The item the entry is about, when it is one (a shared task, milestone or comment). */
  taskId: string | null;
  milestoneId: string | null;
  messageId: string | null;
}

export interface ClientDashboard {
  name: string;
  companyName: string | null;
  permissions: ClientPermission[];
  projects: PortalProject[];
  feed: PortalFeedEntry[];
  /** The first-sign-in welcome, or null once dismissed. */
  welcome: { text: string | null } | null;
  /** Reviews waiting: null without `review`; filled by the review issue (0 until then). */
  reviewsWaiting: number | null;
  /** Invoices outstanding (issued, not void, something owed): null without `invoices`. */
  invoicesOutstanding: number | null;
  /** The invoices slot: what is owed and overdue per currency, the latest payments; null without `invoices`. */
  invoices: ClientInvoiceSummary | null;
}

type ClientPerson = Extract<Person, { kind: 'client' }>;

function clientOf(ctx: Ctx): ClientPerson {
  const me = personOf(ctx, PORTAL_CLIENTS_ONLY);
  if (me.kind !== 'client') throw new CoreError('forbidden', PORTAL_CLIENTS_ONLY);
  return me;
}

/**
 * Only the columns a client may read of their own row: never `select()` the whole row, whose
 * `notes` column is the agency's and has no grant for the client role.
 */
async function selfOf(ctx: TxCtx, me: Person) {
  const [row] = await ctx.tx
    .select({
      name: users.name,
      permissions: users.permissions,
      welcomeDismissedAt: users.welcomeDismissedAt,
    })
    .from(users)
    .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
  if (!row) throw new CoreError('not_found', 'Your account no longer exists.');
  return { ...row, permissions: row.permissions as ClientPermission[] };
}

const STATUS_ORDER = sql`case ${projects.status} when 'active' then 0 when 'on_hold' then 1 else 2 end`;

/**
 * The client's home: their projects with progress, what happened on them lately, and the slots
 * later areas fill. Everything is read under the client's own policies, which decide what is
 * visible (assigned, non-archived projects while `projects` is on; client-visible tasks with
 * `tasks.view`; feed entries of readable projects, personal ones only to that person).
 */
export async function clientDashboard({ ctx }: { ctx: Ctx }): Promise<ClientDashboard> {
  const me = clientOf(ctx);
  const portalWelcome = ctx.site?.branding.portalWelcome ?? null;
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const self = await selfOf(ctx, me);
    const [company] = await tx
      .select({ name: clients.name })
      .from(clients)
      .where(eq(clients.id, me.clientId));
    const rows = await tx
      .select({ id: projects.id, name: projects.name, status: projects.status, deadline: projects.deadline })
      .from(projects)
      .where(sql`${projects.status} <> 'archived'`)
      .orderBy(STATUS_ORDER, sql`lower(${projects.name})`, projects.id);
    const canSeeTasks = self.permissions.includes('tasks.view');
    const progress = new Map<string, number>();
    if (canSeeTasks && rows.length > 0) {
      const counts = await tx
        .select({
          projectId: tasks.projectId,
          total: sql<number>`count(*)::int`,
          done: sql<number>`(count(*) filter (where ${taskStatuses.kind} = 'done'))::int`,
        })
        .from(tasks)
        .innerJoin(
          taskStatuses,
          and(eq(taskStatuses.tenantId, tasks.tenantId), eq(taskStatuses.id, tasks.statusId)),
        )
        .where(eq(tasks.clientVisible, true))
        .groupBy(tasks.projectId);
      for (const c of counts) if (c.total > 0) progress.set(c.projectId, c.done / c.total);
    }
    // The summary is the invoices area's own (null without `invoices`), read in this transaction.
    const invoices = self.permissions.includes('invoices') ? await clientInvoiceSummary({ ctx }) : null;
    const feed = await tx
      .select({
        id: projectFeed.id,
        at: projectFeed.at,
        kind: projectFeed.kind,
        projectId: projectFeed.projectId,
        projectName: projects.name,
        actorName: projectFeed.actorName,
        data: projectFeed.data,
        userId: projectFeed.userId,
        taskId: projectFeed.taskId,
        milestoneId: projectFeed.milestoneId,
        messageId: projectFeed.messageId,
      })
      .from(projectFeed)
      .innerJoin(
        projects,
        and(eq(projects.tenantId, projectFeed.tenantId), eq(projects.id, projectFeed.projectId)),
      )
      .orderBy(sql`${projectFeed.at} desc`, sql`${projectFeed.id} desc`)
      .limit(PORTAL_FEED_SIZE);
    return {
      name: self.name,
      companyName: company?.name ?? null,
      permissions: self.permissions,
      projects: rows.map((row) => ({
        id: row.id,
        name: row.name,
        status: row.status as PortalProjectStatus,
        deadline: row.deadline,
        progress: canSeeTasks ? (progress.get(row.id) ?? null) : null,
      })),
      feed: feed.map(({ userId, data, ...entry }) => ({
        ...entry,
        data: (data ?? {}) as Record<string, unknown>,
        personal: userId !== null,
      })),
      welcome: self.welcomeDismissedAt ? null : { text: portalWelcome },
      reviewsWaiting: self.permissions.includes('review') ? 0 : null,
      invoicesOutstanding: invoices?.outstandingCount ?? null,
      invoices,
    };
  });
}

/** The areas beyond Home that the client's header links to: only those their permissions open. */
export interface PortalNav {
  invoices: boolean;
  /** Conversations: the client's `messages` permission. */
  messages: boolean;
}

/** What the client's header needs on every page, read under their own row's policy. */
export async function portalNav({ ctx }: { ctx: Ctx }): Promise<PortalNav> {
  const me = clientOf(ctx);
  return transact(ctx, async (ctx) => {
    const self = await selfOf(ctx, me);
    return {
      invoices: self.permissions.includes('invoices'),
      messages: self.permissions.includes('messages'),
    };
  });
}

/** A task as its client sees it on the project's page (tasks/client.ts's ClientTask). */
export interface PortalTask {
  id: string;
  title: string;
  /** The column's name; the board itself is never shown. */
  column: string;
  kind: PortalTaskKind;
  /** 0, 33, 66 or 100, by the column's kind. */
  progress: number;
  priority: TaskPriority;
  dueDate: string | null;
  milestoneId: string | null;
  milestoneName: string | null;
  /** Assignees' names, only where the agency shows them; null otherwise. */
  assignees: string[] | null;
}

/** A client-visible milestone with how far along its tasks are (those the client can see). */
export interface PortalMilestone {
  id: string;
  name: string;
  targetDate: string | null;
  completedAt: Date | null;
  /** The client-visible tasks of the milestone, and how many of them are in a done column. */
  taskCount: number;
  doneCount: number;
  /** Share (0–1) of those tasks done; null when it has none. */
  progress: number | null;
}

/** The sections of a project's page, each shown only with the permission behind it. */
export interface PortalSections {
  tasks: boolean;
  milestones: boolean;
  files: boolean;
  invoices: boolean;
  discussions: boolean;
}

export interface PortalProjectView {
  id: string;
  name: string;
  description: string | null;
  status: PortalProjectStatus;
  startDate: string | null;
  deadline: string | null;
  /** Client-visible tasks, board order; null without `tasks.view`. */
  tasks: PortalTask[] | null;
  /** Client-visible milestones in the project's order; null without `tasks.view`. */
  milestones: PortalMilestone[] | null;
  progress: number | null;
  sections: PortalSections;
}

const projectInput = z.object({ projectId: id('project') });

/** One project as its client sees it; not_found for anything the client cannot read. */
export async function clientProject({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { projectId: string };
}): Promise<PortalProjectView> {
  const me = clientOf(ctx);
  const { projectId } = parseInput(projectInput, input);
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const self = await selfOf(ctx, me);
    const [project] = await tx
      .select({
        id: projects.id,
        name: projects.name,
        description: projects.description,
        status: projects.status,
        startDate: projects.startDate,
        deadline: projects.deadline,
      })
      .from(projects)
      .where(and(eq(projects.id, projectId), sql`${projects.status} <> 'archived'`));
    if (!project) throw new CoreError('not_found', PROJECT_NOT_FOUND);
    const perms = new Set(self.permissions);
    const seesTasks = perms.has('tasks.view');
    let list: PortalTask[] | null = null;
    let goals: PortalMilestone[] | null = null;
    if (seesTasks) {
      list = (await listClientTasks({ ctx, input: { projectId } })).map((t) => ({
        id: t.id,
        title: t.title,
        column: t.statusName,
        kind: t.statusKind,
        progress: t.progress,
        priority: t.priority,
        dueDate: t.dueDate,
        milestoneId: t.milestoneId,
        milestoneName: t.milestoneName,
        assignees: t.assignees,
      }));
      // The policies show client-visible milestones only; the counts are of the tasks the client sees.
      const rows = await tx
        .select({
          id: milestones.id,
          name: milestones.name,
          targetDate: milestones.targetDate,
          completedAt: milestones.completedAt,
        })
        .from(milestones)
        .where(eq(milestones.projectId, projectId))
        .orderBy(
          milestones.position,
          sql`${milestones.targetDate} nulls last`,
          milestones.createdAt,
          milestones.id,
        );
      goals = rows.map((m) => {
        const own = list?.filter((t) => t.milestoneId === m.id) ?? [];
        const doneCount = own.filter((t) => t.kind === 'done').length;
        return {
          ...m,
          taskCount: own.length,
          doneCount,
          progress: own.length > 0 ? doneCount / own.length : null,
        };
      });
    }
    const done = list?.filter((t) => t.kind === 'done').length ?? 0;
    return {
      ...project,
      status: project.status as PortalProjectStatus,
      tasks: list,
      milestones: goals,
      progress: list && list.length > 0 ? done / list.length : null,
      sections: {
        tasks: seesTasks,
        milestones: seesTasks,
        files: perms.has('files.download') || perms.has('files.upload'),
        invoices: perms.has('invoices'),
        discussions: perms.has('messages'),
      },
    };
  });
}

/** Hides the first-sign-in welcome for good. */
export async function dismissWelcome({ ctx }: { ctx: Ctx }): Promise<void> {
  const me = clientOf(ctx);
  await transact(ctx, async (ctx) => {
    await ctx.tx
      .update(users)
      .set({ welcomeDismissedAt: ctx.deps.now() })
      .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
    await record(ctx, { verb: 'portal.welcome_dismissed', subject: { type: 'user', id: me.userId } });
  });
}
