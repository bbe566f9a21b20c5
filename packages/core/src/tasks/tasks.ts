import { and, eq, inArray, type SQL, schema, sql, type Tx } from '@foyer/db';
import { z } from 'zod';
import { type Ctx, record, type TxCtx, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { dateField, id, line, lines, parseInput } from '../input';
import { renderMarkdown } from '../text/markdown';
import {
  announceAssigned,
  announceShared,
  endOfColumn,
  flag,
  idList,
  lockBoard,
  nullableId,
  PROJECT_NOT_FOUND,
  priorityInput,
  renumberColumn,
  type StatusKind,
  TASK_DESCRIPTION_MAX,
  TASK_NOT_FOUND,
  TASK_TITLE_MAX,
  TASKS_PAGE_SIZE,
  type TaskDetail,
  type TaskPerson,
  type TaskPriority,
  type TaskRow,
  type TeamPerson,
  teamOf,
  writerOf,
} from './common';
import {
  checkAssignees,
  checkMilestone,
  checkStatus,
  defaultStatus,
  projectOfTask,
  readableProject,
  selectTaskRows,
  toTaskRow,
} from './rows';

const { milestones, projects, taskAssignees, taskStatuses, tasks, threads, users } = schema;

// ---- inputs -------------------------------------------------------------------------------------

const titleInput = line(TASK_TITLE_MAX).min(1, 'Give the task a title.');
const descriptionInput = lines(TASK_DESCRIPTION_MAX)
  .nullable()
  .optional()
  .transform((value) => (value === undefined ? undefined : value?.trim() || null));
const assigneeIdsInput = z
  .array(id('team member'))
  .max(50, 'Assign at most 50 people.')
  .optional()
  .transform((value) => (value ? [...new Set(value)] : undefined));

export const taskIdInput = z.object({ id: id('task') });
export const taskProjectInput = z.object({ projectId: id('project') });

export const createTaskInput = z.object({
  projectId: id('project'),
  title: titleInput,
  description: descriptionInput,
  statusId: nullableId('column'),
  priority: priorityInput.optional(),
  dueDate: dateField('due date'),
  milestoneId: nullableId('milestone'),
  assigneeIds: assigneeIdsInput,
  clientVisible: flag.optional(),
});

export const updateTaskInput = z.object({
  id: id('task'),
  title: titleInput.optional(),
  description: descriptionInput,
  statusId: nullableId('column'),
  priority: priorityInput.optional(),
  dueDate: dateField('due date'),
  milestoneId: nullableId('milestone'),
  assigneeIds: assigneeIdsInput,
  clientVisible: flag.optional(),
});

export const setTaskVisibilityInput = z.object({ id: id('task'), clientVisible: flag });
export const archiveTaskInput = z.object({ id: id('task'), archived: flag });

export const bulkUpdateTasksInput = z.object({
  ids: z
    .array(id('task'))
    .min(1, 'Choose the tasks to change.')
    .max(200, 'Change at most 200 tasks at once.')
    .transform((value) => [...new Set(value)]),
  statusId: nullableId('column'),
  assigneeId: nullableId('team member'),
  clientVisible: flag.optional(),
});

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);

export const taskFiltersInput = z.object({
  projectId: z.preprocess(blankToUndefined, id('project').optional()),
  mine: flag.optional(),
  statusIds: z.preprocess(blankToUndefined, idList('column').optional()),
  assigneeId: z.preprocess(blankToUndefined, z.union([z.literal('none'), id('team member')]).optional()),
  priorities: z.preprocess(
    blankToUndefined,
    z
      .union([priorityInput, z.array(priorityInput).max(5)])
      .transform((value) => (Array.isArray(value) ? value : [value]))
      .optional(),
  ),
  due: z.preprocess(blankToUndefined, z.enum(['overdue', 'today', 'week', 'none']).optional()),
  visibility: z.preprocess(blankToUndefined, z.enum(['client', 'internal']).optional()),
  milestoneId: z.preprocess(blankToUndefined, z.union([z.literal('none'), id('milestone')]).optional()),
  q: line(200).optional().default(''),
  archived: flag.optional().default(false),
  sort: z.preprocess(
    blankToUndefined,
    z.enum(['board', 'due', 'priority', 'title', 'updated']).optional().default('board'),
  ),
  dir: z.preprocess(blankToUndefined, z.enum(['asc', 'desc']).optional()),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_000).optional().default(1)),
});

export type TaskFilters = z.input<typeof taskFiltersInput>;

// ---- reading ------------------------------------------------------------------------------------

export interface TaskPage {
  items: TaskRow[];
  page: number;
  pages: number;
  total: number;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const PRIORITY_RANK = sql`case ${tasks.priority} when 'urgent' then 4 when 'high' then 3 when 'medium' then 2 when 'low' then 1 else 0 end`;

/**
 * The team's task list: one project's, or "my tasks" across projects (`mine`), filtered, sorted
 * and 50 to a page. Staff see only their projects' tasks (the database decides). Archived tasks
 * are listed only when asked for.
 */
export async function listTasks({ ctx, input = {} }: { ctx: Ctx; input?: TaskFilters }): Promise<TaskPage> {
  const actor = teamOf(ctx);
  const f = parseInput(taskFiltersInput, input);
  const today = ctx.deps.now().toISOString().slice(0, 10);
  const conditions: SQL[] = [eq(tasks.tenantId, actor.tenantId)];
  if (f.projectId) conditions.push(eq(tasks.projectId, f.projectId));
  if (f.mine)
    conditions.push(
      sql`exists (select 1 from app.task_assignees ma where ma.tenant_id = ${tasks.tenantId} and ma.task_id = ${tasks.id} and ma.user_id = ${actor.userId}::uuid)`,
    );
  if (f.statusIds && f.statusIds.length > 0) conditions.push(inArray(tasks.statusId, f.statusIds));
  if (f.assigneeId === 'none')
    conditions.push(
      sql`not exists (select 1 from app.task_assignees na where na.tenant_id = ${tasks.tenantId} and na.task_id = ${tasks.id})`,
    );
  else if (f.assigneeId)
    conditions.push(
      sql`exists (select 1 from app.task_assignees fa where fa.tenant_id = ${tasks.tenantId} and fa.task_id = ${tasks.id} and fa.user_id = ${f.assigneeId}::uuid)`,
    );
  if (f.priorities && f.priorities.length > 0) conditions.push(inArray(tasks.priority, f.priorities));
  if (f.due === 'overdue')
    conditions.push(sql`${tasks.dueDate} < ${today}::date and ${taskStatuses.kind} <> 'done'`);
  else if (f.due === 'today') conditions.push(sql`${tasks.dueDate} = ${today}::date`);
  else if (f.due === 'week')
    conditions.push(sql`${tasks.dueDate} between ${today}::date and ${today}::date + 6`);
  else if (f.due === 'none') conditions.push(sql`${tasks.dueDate} is null`);
  if (f.visibility) conditions.push(eq(tasks.clientVisible, f.visibility === 'client'));
  if (f.milestoneId === 'none') conditions.push(sql`${tasks.milestoneId} is null`);
  else if (f.milestoneId) conditions.push(eq(tasks.milestoneId, f.milestoneId));
  if (f.q) conditions.push(sql`${tasks.title} ilike ${`%${escapeLike(f.q)}%`}`);
  conditions.push(f.archived ? sql`${tasks.archivedAt} is not null` : sql`${tasks.archivedAt} is null`);

  const boardOrder = [
    sql`lower(${projects.name})`,
    projects.id,
    taskStatuses.position,
    tasks.position,
    tasks.createdAt,
  ];
  const dir = f.dir ?? (f.sort === 'priority' || f.sort === 'updated' ? 'desc' : 'asc');
  const d = sql.raw(dir);
  const order: SQL[] = (() => {
    switch (f.sort) {
      case 'due':
        return [sql`${tasks.dueDate} ${d} nulls last`];
      case 'priority':
        return [sql`${PRIORITY_RANK} ${d}`];
      case 'title':
        return [sql`lower(${tasks.title}) ${d}`];
      case 'updated':
        return [sql`${tasks.updatedAt} ${d}`];
      default:
        return dir === 'desc'
          ? boardOrder.map((column) => sql`${column} desc`)
          : boardOrder.map((c) => sql`${c}`);
    }
  })();
  if (f.sort !== 'board') order.push(...boardOrder.map((c) => sql`${c}`));
  order.push(sql`${tasks.id}`);

  return transact(ctx, async ({ tx }) => {
    if (f.projectId) await readableProject(tx, f.projectId);
    const found = await selectTaskRows(tx, { total: sql<number>`count(*) over ()` })
      .where(and(...conditions))
      .orderBy(...order)
      .limit(TASKS_PAGE_SIZE)
      .offset((f.page - 1) * TASKS_PAGE_SIZE);
    let total = Number(found[0]?.total ?? 0);
    if (found.length === 0 && f.page > 1) {
      const [count] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(tasks)
        .innerJoin(
          taskStatuses,
          and(eq(taskStatuses.tenantId, tasks.tenantId), eq(taskStatuses.id, tasks.statusId)),
        )
        .where(and(...conditions));
      total = Number(count?.n ?? 0);
    }
    return {
      items: found.map(({ total: _, ...row }) => toTaskRow(row)),
      page: f.page,
      pages: Math.max(1, Math.ceil(total / TASKS_PAGE_SIZE)),
      total,
    };
  });
}

/** One task for the team, with its description rendered; not_found off the actor's projects. */
export async function getTask({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<TaskDetail> {
  teamOf(ctx);
  const { id: taskId } = parseInput(taskIdInput, input);
  return transact(ctx, async ({ tx }) => {
    const [row] = await selectTaskRows(tx, {
      description: tasks.description,
      createdAt: tasks.createdAt,
      createdByName: sql<
        string | null
      >`(select cu.name from app.users cu where cu.tenant_id = ${tasks.tenantId} and cu.id = ${tasks.createdBy})`,
    }).where(eq(tasks.id, taskId));
    if (!row) throw new CoreError('not_found', TASK_NOT_FOUND);
    const { description, createdAt, createdByName, ...rest } = row;
    return {
      ...toTaskRow(rest),
      description,
      descriptionHtml: renderMarkdown(description),
      createdAt,
      createdByName: createdByName ?? null,
    };
  });
}

export interface TaskFormOptions {
  statuses: { id: string; name: string; kind: StatusKind }[];
  milestones: { id: string; name: string }[];
  /** Admins and staff on the project, active. */
  team: TaskPerson[];
  /** The project's tasks_visible_by_default. */
  defaultVisible: boolean;
}

/** What a task's form offers on a project: the board's columns, its milestones, who can be assigned. */
export async function taskFormOptions({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { projectId: string };
}): Promise<TaskFormOptions> {
  teamOf(ctx, PROJECT_NOT_FOUND);
  const { projectId } = parseInput(taskProjectInput, input);
  return transact(ctx, async ({ tx }) => {
    const project = await readableProject(tx, projectId);
    const statuses = await tx
      .select({ id: taskStatuses.id, name: taskStatuses.name, kind: taskStatuses.kind })
      .from(taskStatuses)
      .orderBy(taskStatuses.position, taskStatuses.id);
    const milestoneRows = await tx
      .select({ id: milestones.id, name: milestones.name })
      .from(milestones)
      .where(eq(milestones.projectId, projectId))
      .orderBy(
        milestones.position,
        sql`${milestones.targetDate} nulls last`,
        milestones.createdAt,
        milestones.id,
      );
    const team = await tx
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(
        sql`${users.status} = 'active' and (${users.role} = 'admin' or (${users.role} = 'staff' and exists (select 1 from app.project_staff ps
          where ps.tenant_id = ${users.tenantId} and ps.project_id = ${projectId}::uuid and ps.user_id = ${users.id})))`,
      )
      .orderBy(sql`lower(${users.name})`, users.id);
    return {
      statuses: statuses.map((s) => ({ ...s, kind: s.kind as StatusKind })),
      milestones: milestoneRows,
      team,
      defaultVisible: project.tasksVisibleByDefault,
    };
  });
}

// ---- writing ------------------------------------------------------------------------------------

/** The task's row, locked, after its project's board lock (always in that order: no deadlock). */
export async function lockedTask(tx: Tx, taskId: string) {
  const projectId = await projectOfTask(tx, taskId);
  await lockBoard(tx, projectId);
  const [row] = await tx
    .select({
      id: tasks.id,
      tenantId: tasks.tenantId,
      projectId: tasks.projectId,
      projectName: projectNameOf,
      statusId: tasks.statusId,
      milestoneId: tasks.milestoneId,
      title: tasks.title,
      description: tasks.description,
      priority: tasks.priority,
      dueDate: tasks.dueDate,
      clientVisible: tasks.clientVisible,
      archivedAt: tasks.archivedAt,
      position: tasks.position,
    })
    .from(tasks)
    .where(eq(tasks.id, taskId))
    .for('update');
  if (!row) throw new CoreError('not_found', TASK_NOT_FOUND);
  return row;
}

/** The task's project name, without joining the projects row into a FOR UPDATE. */
const projectNameOf = sql<string>`(select lp.name from app.projects lp where lp.tenant_id = ${tasks.tenantId} and lp.id = ${tasks.projectId})`;

async function assigneeIdsOf(tx: Tx, taskId: string): Promise<string[]> {
  const found = await tx
    .select({ userId: taskAssignees.userId })
    .from(taskAssignees)
    .where(eq(taskAssignees.taskId, taskId));
  return found.map((r) => r.userId);
}

/** A task and its comment thread, at the end of its column. */
async function insertTask(
  ctx: TxCtx,
  actor: TeamPerson,
  values: {
    projectId: string;
    statusId: string;
    milestoneId: string | null;
    title: string;
    description: string | null;
    priority: TaskPriority;
    dueDate: string | null;
    clientVisible: boolean;
  },
  assignees: TaskPerson[],
): Promise<string> {
  const { tx } = ctx;
  const position = await endOfColumn(tx, values.projectId, values.statusId);
  const [row] = await tx
    .insert(tasks)
    .values({ tenantId: actor.tenantId, ...values, position, createdBy: actor.userId })
    .returning({ id: tasks.id });
  if (!row) throw new Error('task insert returned no row');
  await tx
    .insert(threads)
    .values({ tenantId: actor.tenantId, kind: 'task', projectId: values.projectId, taskId: row.id });
  if (assignees.length > 0)
    await tx
      .insert(taskAssignees)
      .values(
        assignees.map((p) => ({ tenantId: actor.tenantId, taskId: row.id, userId: p.id, name: p.name })),
      );
  return row.id;
}

/**
 * A new task, at the end of its column (the first `todo` column unless one is chosen), with its
 * comment thread. It is client-visible when asked, or when the project shares new tasks by
 * default; clients who can then see it are told, and so is each assignee (not oneself).
 */
export async function createTask({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof createTaskInput>;
}): Promise<{ id: string }> {
  const actor = writerOf(ctx, PROJECT_NOT_FOUND);
  const data = parseInput(createTaskInput, input);
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const project = await readableProject(tx, data.projectId);
    const statusId = data.statusId ? (await checkStatus(tx, data.statusId)).id : await defaultStatus(tx);
    if (data.milestoneId) await checkMilestone(tx, project.id, data.milestoneId);
    const assignees = await checkAssignees(tx, project.id, data.assigneeIds ?? []);
    const clientVisible = data.clientVisible ?? project.tasksVisibleByDefault;
    await lockBoard(tx, project.id);
    const taskId = await insertTask(
      ctx,
      actor,
      {
        projectId: project.id,
        statusId,
        milestoneId: data.milestoneId ?? null,
        title: data.title,
        description: data.description ?? null,
        priority: data.priority ?? 'none',
        dueDate: data.dueDate ?? null,
        clientVisible,
      },
      assignees,
    );
    if (clientVisible) await announceShared(ctx, actor, project.id, [{ id: taskId, title: data.title }]);
    await announceAssigned(
      ctx,
      actor,
      new Map(assignees.map((p) => [p.id, [{ id: taskId, title: data.title, projectName: project.name }]])),
    );
    await record(ctx, {
      verb: 'task.create',
      subject: { type: 'task', id: taskId },
      projectId: project.id,
      data: { title: data.title, statusId, clientVisible, assigneeIds: assignees.map((p) => p.id) },
    });
    return { id: taskId };
  });
}

/**
 * Changes a task; a field left out stays as it is. A new column puts the task at its end. Newly
 * assigned people are told (not oneself); a task made client-visible is announced to clients.
 */
export async function updateTask({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof updateTaskInput>;
}): Promise<void> {
  const actor = writerOf(ctx);
  const data = parseInput(updateTaskInput, input);
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const before = await lockedTask(tx, data.id);
    const changes: Partial<typeof tasks.$inferInsert> = {};
    const changed: string[] = [];
    const set = <K extends keyof typeof tasks.$inferInsert>(
      key: K,
      value: (typeof tasks.$inferInsert)[K] | undefined,
    ) => {
      if (value === undefined || value === (before as Record<string, unknown>)[key]) return;
      changes[key] = value;
      changed.push(key);
    };
    set('title', data.title);
    set('description', data.description);
    set('priority', data.priority);
    set('dueDate', data.dueDate);
    set('clientVisible', data.clientVisible);
    if (data.milestoneId !== undefined && data.milestoneId !== before.milestoneId) {
      if (data.milestoneId) await checkMilestone(tx, before.projectId, data.milestoneId);
      set('milestoneId', data.milestoneId);
    }
    const moving = Boolean(data.statusId && data.statusId !== before.statusId);
    if (data.statusId && moving) {
      await checkStatus(tx, data.statusId);
      set('statusId', data.statusId);
      if (!before.archivedAt) changes.position = await endOfColumn(tx, before.projectId, data.statusId);
    }
    let added: TaskPerson[] = [];
    if (data.assigneeIds) {
      const current = new Set(await assigneeIdsOf(tx, before.id));
      // Only people newly named must qualify: someone since deactivated stays until taken off.
      added = await checkAssignees(
        tx,
        before.projectId,
        data.assigneeIds.filter((userId) => !current.has(userId)),
      );
      const keep = new Set(data.assigneeIds);
      const removed = [...current].filter((userId) => !keep.has(userId));
      if (removed.length > 0)
        await tx
          .delete(taskAssignees)
          .where(and(eq(taskAssignees.taskId, before.id), inArray(taskAssignees.userId, removed)));
      if (added.length > 0)
        await tx
          .insert(taskAssignees)
          .values(
            added.map((p) => ({ tenantId: actor.tenantId, taskId: before.id, userId: p.id, name: p.name })),
          );
      if (added.length > 0 || removed.length > 0) changed.push('assignees');
    }
    if (changed.length > 0)
      await tx
        .update(tasks)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(eq(tasks.id, before.id));
    if (moving && !before.archivedAt) await renumberColumn(tx, before.projectId, before.statusId);
    const title = data.title ?? before.title;
    if (data.clientVisible === true && !before.clientVisible && !before.archivedAt)
      await announceShared(ctx, actor, before.projectId, [{ id: before.id, title }]);
    await announceAssigned(
      ctx,
      actor,
      new Map(added.map((p) => [p.id, [{ id: before.id, title, projectName: before.projectName }]])),
    );
    await record(ctx, {
      verb: 'task.update',
      subject: { type: 'task', id: before.id },
      projectId: before.projectId,
      data: {
        changed,
        ...(moving ? { statusId: { from: before.statusId, to: data.statusId } } : {}),
        ...(added.length > 0 ? { assigned: added.map((p) => p.id) } : {}),
      },
    });
  });
}

/** Makes a task client-visible (clients who can see it are told) or internal (gone for them at once). */
export async function setTaskVisibility({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof setTaskVisibilityInput>;
}): Promise<void> {
  const actor = writerOf(ctx);
  const { id: taskId, clientVisible } = parseInput(setTaskVisibilityInput, input);
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const before = await lockedTask(tx, taskId);
    if (before.clientVisible !== clientVisible) {
      await tx.update(tasks).set({ clientVisible, updatedAt: sql`now()` }).where(eq(tasks.id, taskId));
      if (clientVisible && !before.archivedAt)
        await announceShared(ctx, actor, before.projectId, [{ id: taskId, title: before.title }]);
    }
    await record(ctx, {
      verb: clientVisible ? 'task.share' : 'task.unshare',
      subject: { type: 'task', id: taskId },
      projectId: before.projectId,
      data: { changed: before.clientVisible !== clientVisible },
    });
  });
}

/** "Copy of …": the same fields and assignees, internal, at the end of the same column, no comments. */
export async function duplicateTask({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof taskIdInput>;
}): Promise<{ id: string }> {
  const actor = writerOf(ctx);
  const { id: taskId } = parseInput(taskIdInput, input);
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const source = await lockedTask(tx, taskId);
    const title = `Copy of ${source.title}`.slice(0, TASK_TITLE_MAX);
    const current = await tx
      .select({ id: taskAssignees.userId, name: taskAssignees.name })
      .from(taskAssignees)
      .where(eq(taskAssignees.taskId, taskId));
    // Only people who may still be assigned come along (someone since deactivated does not).
    const allowed = new Set(
      (
        await tx
          .select({ id: users.id })
          .from(users)
          .where(
            and(
              inArray(users.id, current.length > 0 ? current.map((p) => p.id) : [taskId]),
              sql`${users.status} = 'active' and (${users.role} = 'admin' or exists (select 1 from app.project_staff ps
                where ps.tenant_id = ${users.tenantId} and ps.project_id = ${source.projectId}::uuid and ps.user_id = ${users.id}))`,
            ),
          )
      ).map((r) => r.id),
    );
    const assignees = current.filter((p) => allowed.has(p.id));
    const copyId = await insertTask(
      ctx,
      actor,
      {
        projectId: source.projectId,
        statusId: source.statusId,
        milestoneId: source.milestoneId,
        title,
        description: source.description,
        priority: source.priority,
        dueDate: source.dueDate,
        clientVisible: false,
      },
      assignees,
    );
    await announceAssigned(
      ctx,
      actor,
      new Map(assignees.map((p) => [p.id, [{ id: copyId, title, projectName: source.projectName }]])),
    );
    await record(ctx, {
      verb: 'task.duplicate',
      subject: { type: 'task', id: copyId },
      projectId: source.projectId,
      data: { from: taskId, title },
    });
    return { id: copyId };
  });
}

/**
 * Archives a task (off the board and out of clients' view, kept with its comments) or brings it
 * back at the end of its column.
 */
export async function archiveTask({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof archiveTaskInput>;
}): Promise<void> {
  writerOf(ctx);
  const { id: taskId, archived } = parseInput(archiveTaskInput, input);
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const before = await lockedTask(tx, taskId);
    if (archived && !before.archivedAt) {
      await tx
        .update(tasks)
        .set({ archivedAt: sql`now()`, updatedAt: sql`now()` })
        .where(eq(tasks.id, taskId));
      await renumberColumn(tx, before.projectId, before.statusId);
    } else if (!archived && before.archivedAt) {
      const position = await endOfColumn(tx, before.projectId, before.statusId);
      await tx
        .update(tasks)
        .set({ archivedAt: null, position, updatedAt: sql`now()` })
        .where(eq(tasks.id, taskId));
    }
    await record(ctx, {
      verb: archived ? 'task.archive' : 'task.unarchive',
      subject: { type: 'task', id: taskId },
      projectId: before.projectId,
      data: { title: before.title },
    });
  });
}

/** Deletes a task with its comments, assignments and feed entries; its column closes the gap. */
export async function deleteTask({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof taskIdInput>;
}): Promise<void> {
  writerOf(ctx);
  const { id: taskId } = parseInput(taskIdInput, input);
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const before = await lockedTask(tx, taskId);
    await tx.delete(tasks).where(eq(tasks.id, taskId));
    if (!before.archivedAt) await renumberColumn(tx, before.projectId, before.statusId);
    await record(ctx, {
      verb: 'task.delete',
      subject: { type: 'task', id: taskId },
      projectId: before.projectId,
      data: { title: before.title },
    });
  });
}

/**
 * Changes several tasks at once, from the list: their column (each goes to the end of it, in
 * board order), their assignee (one person, or nobody with null) and their visibility. Clients
 * hear once per project of the tasks made visible to them; a newly assigned person once.
 */
export async function bulkUpdateTasks({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof bulkUpdateTasksInput>;
}): Promise<{ updated: number }> {
  const actor = writerOf(ctx);
  const data = parseInput(bulkUpdateTasksInput, input);
  if (data.statusId === undefined && data.assigneeId === undefined && data.clientVisible === undefined)
    throw invalid({ ids: 'Choose what to change.' });
  if (data.statusId === null) throw invalid({ statusId: 'Choose a column from the board.' });
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const owners = await tx
      .select({ id: tasks.id, projectId: tasks.projectId })
      .from(tasks)
      .where(inArray(tasks.id, data.ids));
    if (owners.length !== data.ids.length)
      throw new CoreError('not_found', 'Some of those tasks don’t exist.');
    const projectIds = [...new Set(owners.map((o) => o.projectId))].sort();
    for (const projectId of projectIds) await lockBoard(tx, projectId);
    const selected = await tx
      .select({
        id: tasks.id,
        projectId: tasks.projectId,
        projectName: projectNameOf,
        title: tasks.title,
        statusId: tasks.statusId,
        clientVisible: tasks.clientVisible,
        archivedAt: tasks.archivedAt,
      })
      .from(tasks)
      .where(inArray(tasks.id, data.ids))
      .orderBy(
        tasks.projectId,
        sql`(select bs.position from app.task_statuses bs where bs.tenant_id = ${tasks.tenantId} and bs.id = ${tasks.statusId})`,
        tasks.position,
        tasks.createdAt,
        tasks.id,
      )
      .for('update');
    const touched = new Set<string>();

    if (data.statusId) {
      const statusId = (await checkStatus(tx, data.statusId)).id;
      for (const projectId of projectIds) {
        const moving = selected.filter((t) => t.projectId === projectId && t.statusId !== statusId);
        if (moving.length === 0) continue;
        const live = moving.filter((t) => !t.archivedAt);
        const base = await endOfColumn(tx, projectId, statusId);
        const list = sql.join(
          live.map((t) => sql`${t.id}::uuid`),
          sql`, `,
        );
        if (live.length > 0)
          await tx.execute(sql`update app.tasks t set status_id = ${statusId}::uuid, position = ${base}::int + o.n::int - 1, updated_at = now()
            from unnest(array[${list}]) with ordinality as o(id, n)
            where t.tenant_id = ${actor.tenantId}::uuid and t.id = o.id`);
        const archivedIds = moving.filter((t) => t.archivedAt).map((t) => t.id);
        if (archivedIds.length > 0)
          await tx
            .update(tasks)
            .set({ statusId, updatedAt: sql`now()` })
            .where(inArray(tasks.id, archivedIds));
        for (const column of new Set(live.map((t) => t.statusId)))
          await renumberColumn(tx, projectId, column);
        for (const t of moving) touched.add(t.id);
      }
    }

    const assigned = new Map<string, { id: string; title: string; projectName: string }[]>();
    if (data.assigneeId !== undefined) {
      const ids = selected.map((t) => t.id);
      const current = await tx
        .select({ taskId: taskAssignees.taskId, userId: taskAssignees.userId })
        .from(taskAssignees)
        .where(inArray(taskAssignees.taskId, ids));
      if (data.assigneeId === null) {
        if (current.length > 0) await tx.delete(taskAssignees).where(inArray(taskAssignees.taskId, ids));
        for (const row of current) touched.add(row.taskId);
      } else {
        const personId = data.assigneeId;
        let person: TaskPerson | undefined;
        for (const projectId of projectIds)
          [person] = await checkAssignees(tx, projectId, [personId], 'assigneeId');
        if (!person) throw invalid({ assigneeId: 'Only team members on this project can be assigned.' });
        const others = current.filter((row) => row.userId !== personId);
        if (others.length > 0)
          await tx
            .delete(taskAssignees)
            .where(
              and(inArray(taskAssignees.taskId, ids), sql`${taskAssignees.userId} <> ${personId}::uuid`),
            );
        for (const row of others) touched.add(row.taskId);
        const has = new Set(current.filter((row) => row.userId === personId).map((row) => row.taskId));
        const gaining = selected.filter((t) => !has.has(t.id));
        if (gaining.length > 0) {
          const name = person.name;
          await tx
            .insert(taskAssignees)
            .values(gaining.map((t) => ({ tenantId: actor.tenantId, taskId: t.id, userId: personId, name })));
          assigned.set(
            personId,
            gaining.map((t) => ({ id: t.id, title: t.title, projectName: t.projectName })),
          );
        }
        for (const t of gaining) touched.add(t.id);
      }
      const assigneeChanged = [...touched].filter((taskId) => ids.includes(taskId));
      if (assigneeChanged.length > 0)
        await tx.update(tasks).set({ updatedAt: sql`now()` }).where(inArray(tasks.id, assigneeChanged));
    }

    if (data.clientVisible !== undefined) {
      const flipping = selected.filter((t) => t.clientVisible !== data.clientVisible);
      if (flipping.length > 0) {
        await tx
          .update(tasks)
          .set({ clientVisible: data.clientVisible, updatedAt: sql`now()` })
          .where(
            inArray(
              tasks.id,
              flipping.map((t) => t.id),
            ),
          );
        for (const t of flipping) touched.add(t.id);
        if (data.clientVisible)
          for (const projectId of projectIds)
            await announceShared(
              ctx,
              actor,
              projectId,
              flipping
                .filter((t) => t.projectId === projectId && !t.archivedAt)
                .map((t) => ({ id: t.id, title: t.title })),
            );
      }
    }

    await announceAssigned(ctx, actor, assigned);
    await record(ctx, {
      verb: 'task.bulk_update',
      subject: null,
      projectId: projectIds.length === 1 ? projectIds[0] : null,
      data: {
        ids: data.ids,
        updated: [...touched],
        ...(data.statusId ? { statusId: data.statusId } : {}),
        ...(data.assigneeId !== undefined ? { assigneeId: data.assigneeId } : {}),
        ...(data.clientVisible !== undefined ? { clientVisible: data.clientVisible } : {}),
      },
    });
    return { updated: touched.size };
  });
}
