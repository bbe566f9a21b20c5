import { type SQL, schema, sql, type Tx } from '@foyer/db';
import { z } from 'zod';
import { type Ctx, type Person, PREVIEW_IS_READ_ONLY, type TxCtx } from '../ctx';
import { CoreError } from '../errors';
import { id } from '../input';
import { notify } from '../mail/outbox';
import { notifyInApp } from '../notifications/in-app';

const { branding, projectFeed } = schema;

export type TaskPriority = schema.TaskPriority;
export type StatusKind = (typeof schema.statusKinds)[number];

export const TASK_PRIORITIES: readonly TaskPriority[] = schema.taskPriorities;
export const STATUS_KINDS: readonly StatusKind[] = schema.statusKinds;

/** The progress bar a client sees for a task, from its column's kind. */
export const KIND_PROGRESS: Record<StatusKind, number> = { todo: 0, in_progress: 33, review: 66, done: 100 };

export const TASKS_PAGE_SIZE = 50;
export const TASK_TITLE_MAX = 300;
export const TASK_DESCRIPTION_MAX = 20_000;

export const TASK_NOT_FOUND = 'That task doesn’t exist.';
export const PROJECT_NOT_FOUND = 'That project doesn’t exist.';

export interface TaskPerson {
  id: string;
  name: string;
}

/** The team's view of a task, in lists and on the board. */
export interface TaskRow {
  id: string;
  projectId: string;
  projectName: string;
  title: string;
  statusId: string;
  statusName: string;
  statusKind: StatusKind;
  priority: TaskPriority;
  /** 'YYYY-MM-DD' */
  dueDate: string | null;
  milestoneId: string | null;
  milestoneName: string | null;
  clientVisible: boolean;
  archived: boolean;
  position: number;
  assignees: TaskPerson[];
  commentCount: number;
  updatedAt: Date;
}

export interface TaskDetail extends TaskRow {
  description: string | null;
  /** renderMarkdown(description): sanitised HTML. */
  descriptionHtml: string;
  createdAt: Date;
  createdByName: string | null;
}

// ---- who may ------------------------------------------------------------------------------------

export type TeamPerson = Person & { kind: 'admin' | 'staff' };

/**
 * The acting team member. A client (or anyone else signed in to the tenant) is told the task
 * doesn't exist, as the database would: the team's verbs name nothing a client may know of.
 */
export function teamOf(ctx: Ctx, notFound = TASK_NOT_FOUND): TeamPerson {
  const actor = ctx.actor;
  if (actor?.kind === 'admin' || actor?.kind === 'staff') return actor;
  if (!actor) throw new CoreError('unauthenticated', 'Sign in first.');
  throw new CoreError('not_found', notFound);
}

/** A team member about to change something; a preview of the portal changes nothing. */
export function writerOf(ctx: Ctx, notFound = TASK_NOT_FOUND): TeamPerson {
  if (ctx.previewBy) throw new CoreError('forbidden', PREVIEW_IS_READ_ONLY);
  return teamOf(ctx, notFound);
}

// ---- inputs -------------------------------------------------------------------------------------

/** An optional id from a select: '' or null for none (null), undefined to leave it as it is. */
export const nullableId = (what: string) =>
  z
    .union([z.literal(''), z.null(), id(what)])
    .optional()
    .transform((value) => (value === undefined ? undefined : value || null));

/** A checkbox or a boolean: true, 'true', 'on', 'yes', '1' are yes. */
export const flag = z
  .union([z.boolean(), z.enum(['true', 'false', 'on', 'off', 'yes', 'no', '1', '0', ''])])
  .transform(
    (value) => value === true || value === 'true' || value === 'on' || value === 'yes' || value === '1',
  );

/** One id or several (a query string repeats the key), as a list. */
export const idList = (what: string, max = 200) =>
  z
    .union([id(what), z.array(id(what)).max(max, 'Choose fewer at once.')])
    .transform((value) => (Array.isArray(value) ? [...new Set(value)] : [value]));

export const priorityInput = z.enum(schema.taskPriorities, 'Choose a priority from the list.');

// ---- the database -------------------------------------------------------------------------------

/** `execute` answers with an array (postgres.js) or `{ rows }` (PGlite). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export async function rows<T>(tx: Tx, query: SQL): Promise<T[]> {
  return rowsOf<T>(await tx.execute(query));
}

/** JSON from the database: postgres.js and PGlite parse it, a text column would not. */
export function json<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value === 'string') return JSON.parse(value) as T;
  return value as T;
}

/**
 * Serialises every change to a project's board order until the transaction ends: moves, new
 * cards, archiving, deleting and bulk status changes of one project take turns, so two people
 * moving cards at once cannot both number a column from the same snapshot. After the lock, each
 * statement reads what the previous holder committed (READ COMMITTED).
 */
export async function lockBoard(tx: Tx, projectId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`tasks-board:${projectId}`}, 0))`);
}

/**
 * Numbers a column's unarchived tasks 0..n-1 in their present order, in one statement; only rows
 * whose place changes are written.
 */
export async function renumberColumn(tx: Tx, projectId: string, statusId: string): Promise<void> {
  await tx.execute(sql`update app.tasks t set position = r.n
    from (select c.tenant_id, c.id, (row_number() over (order by c.position, c.created_at, c.id) - 1)::int as n
            from app.tasks c
           where c.project_id = ${projectId}::uuid and c.status_id = ${statusId}::uuid and c.archived_at is null) r
   where t.tenant_id = r.tenant_id and t.id = r.id and t.position <> r.n`);
}

/** The next free place at the end of a column. */
export async function endOfColumn(tx: Tx, projectId: string, statusId: string): Promise<number> {
  const [row] = await rows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from app.tasks
         where project_id = ${projectId}::uuid and status_id = ${statusId}::uuid and archived_at is null`,
  );
  return Number(row?.n ?? 0);
}

// ---- the client feed and notices ----------------------------------------------------------------

/** The name clients see on the team's feed entries: the agency's display name. */
export async function agencyName(ctx: TxCtx): Promise<string> {
  if (ctx.site) return ctx.site.branding.displayName;
  const [row] = await ctx.tx.select({ name: branding.displayName }).from(branding).limit(1);
  return row?.name ?? '';
}

export const portalProjectLink = (projectId: string) => `/projects/${projectId}`;
export const teamTaskLink = (taskId: string) => `/admin/tasks/${taskId}`;

/**
 * Tasks of one project that just became client-visible: a `task.shared` feed entry for each,
 * and one notice per client who can now see them (all of them listed in it). Clients still
 * invited hear of it in the bell only; nobody hears of tasks on an archived project.
 */
export async function announceShared(
  ctx: TxCtx,
  actor: TeamPerson,
  projectId: string,
  shared: { id: string; title: string }[],
): Promise<void> {
  if (shared.length === 0) return;
  const { tx } = ctx;
  const agency = await agencyName(ctx);
  await tx.insert(projectFeed).values(
    shared.map((task) => ({
      tenantId: actor.tenantId,
      projectId,
      kind: 'task.shared',
      actorName: agency,
      taskId: task.id,
      data: { title: task.title },
    })),
  );
  const first = shared[0]?.title ?? '';
  await notifySharedToClients(tx, {
    tenantId: actor.tenantId,
    projectId,
    permission: 'tasks.view',
    event: 'tasks-shared',
    link: portalProjectLink(projectId),
    notice: (projectName) => ({
      title:
        shared.length === 1
          ? `New task on ${projectName}: ${first}`
          : `${shared.length} new tasks on ${projectName}`,
      body:
        shared.length === 1
          ? `${agency} shared a task with you.`
          : `${agency} shared ${shared.length} tasks with you.`,
      vars: {
        projectName,
        sharedByName: agency,
        count: shared.length,
        several: shared.length > 1,
        tasks: shared.map((task) => ({ title: task.title })),
        projectUrl: portalProjectLink(projectId),
      },
    }),
  });
}

/**
 * Tells the clients of a project who can see newly shared items of an area (`permission` on,
 * with Projects, active, the project not archived): the bell for those still invited, the bell and
 * the email (by their preference) for the others. The notice is built from the project's name;
 * returns false when nobody is told.
 */
export async function notifySharedToClients(
  tx: Tx,
  options: {
    tenantId: string;
    projectId: string;
    permission: 'tasks.view' | 'files.download';
    event: 'tasks-shared' | 'file-shared';
    link: string;
    notice: (projectName: string) => { title: string; body: string; vars: Record<string, unknown> };
  },
): Promise<boolean> {
  const audience = await rows<{ id: string; invited: boolean; project_name: string }>(
    tx,
    sql`select u.id::text as id, (u.password_hash is null) as invited, p.name as project_name
          from app.project_clients pc
          join app.projects p on p.tenant_id = pc.tenant_id and p.id = pc.project_id
          join app.users u on u.tenant_id = pc.tenant_id and u.id = pc.user_id
         where pc.project_id = ${options.projectId}::uuid and p.status <> 'archived'
           and u.role = 'client' and u.status = 'active'
           and 'projects' = any(u.permissions) and ${options.permission} = any(u.permissions)`,
  );
  if (audience.length === 0) return false;
  const { title, body, vars } = options.notice(audience[0]?.project_name ?? '');
  const notice = { tenantId: options.tenantId, event: options.event, title, body, link: options.link };
  await notifyInApp(tx, { ...notice, userIds: audience.filter((a) => a.invited).map((a) => a.id) });
  await notify(tx, { ...notice, userIds: audience.filter((a) => !a.invited).map((a) => a.id), vars });
  return true;
}

/** The acting team member's name, as an assignment notice says who assigned. */
export async function actorName(tx: Tx, actor: TeamPerson): Promise<string> {
  const [row] = await rows<{ name: string }>(
    tx,
    sql`select name from app.users where id = ${actor.userId}::uuid`,
  );
  return row?.name ?? '';
}

/**
 * Team members newly assigned to tasks in one action: one notice each (bell, and email unless
 * they turned it off), never to the person who assigned themselves.
 */
export async function announceAssigned(
  ctx: TxCtx,
  actor: TeamPerson,
  assigned: Map<string, { id: string; title: string; projectName: string }[]>,
): Promise<void> {
  const people = [...assigned.entries()].filter(
    ([userId, list]) => userId !== actor.userId && list.length > 0,
  );
  if (people.length === 0) return;
  const by = await actorName(ctx.tx, actor);
  for (const [userId, list] of people) {
    const only = list.length === 1 ? list[0] : undefined;
    const link = only ? teamTaskLink(only.id) : '/admin/tasks';
    await notify(ctx.tx, {
      tenantId: actor.tenantId,
      event: 'task-assigned',
      userIds: [userId],
      title: only ? `You’re assigned to ${only.title}` : `You’re assigned to ${list.length} tasks`,
      body: only ? `${by} assigned you on ${only.projectName}.` : `${by} assigned you.`,
      link,
      vars: {
        taskTitle: only?.title ?? `${list.length} tasks`,
        projectName: only?.projectName ?? '',
        assignedByName: by,
        count: list.length,
        several: list.length > 1,
        tasks: list.map((task) => ({ title: task.title, projectName: task.projectName })),
        taskUrl: link,
      },
    });
  }
}
