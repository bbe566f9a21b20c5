import { and, eq, isNull, schema, sql, type Tx } from '@foyer/db';
import { z } from 'zod';
import { type Ctx, personOf, record, type TxCtx, teamMemberOf, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { dateField, id, line, lines, parseInput } from '../input';

const { branding, milestones, projectFeed, projects, taskStatuses, tasks } = schema;

type StatusKind = (typeof schema.statusKinds)[number];

const TEAM_ONLY = 'Only the team manages milestones.';
const PROJECT_NOT_FOUND = 'That project doesn’t exist.';
const NOT_FOUND = 'That milestone doesn’t exist.';

// ---- inputs -------------------------------------------------------------------------------------

/** A calendar date as a form sends it: 'YYYY-MM-DD' naming a real day; '' or null for none. */
const targetDateInput = dateField('target date');

const nameInput = line(200).min(1, 'Give the milestone a name.');
const descriptionInput = lines(5000)
  .nullable()
  .optional()
  .transform((value) => (value === undefined ? undefined : value?.trim() || null));
const flag = (message: string) => z.boolean(message);

export const milestoneProjectInput = z.object({ projectId: id('project') });

export const createMilestoneInput = z.object({
  projectId: id('project'),
  name: nameInput,
  description: descriptionInput,
  targetDate: targetDateInput,
  /** Left out: the project's default for new tasks and milestones. */
  clientVisible: flag('Choose whether clients see it.').optional(),
});

/** A field left out stays as it is. */
export const updateMilestoneInput = z.object({
  id: id('milestone'),
  name: nameInput.optional(),
  description: descriptionInput,
  targetDate: targetDateInput,
  clientVisible: flag('Choose whether clients see it.').optional(),
});

export const completeMilestoneInput = z.object({
  id: id('milestone'),
  completed: flag('Choose complete or not.'),
});

export const milestoneIdInput = z.object({ id: id('milestone') });

export const moveMilestoneInput = z.object({
  id: id('milestone'),
  index: z
    .number('Give the new place as a number.')
    .int('Give the new place as a whole number.')
    .min(0)
    .max(10_000),
});

// ---- reading ------------------------------------------------------------------------------------

export interface MilestoneTask {
  id: string;
  title: string;
  statusName: string;
  statusKind: StatusKind;
}

export interface MilestoneRow {
  id: string;
  projectId: string;
  name: string;
  description: string | null;
  /** 'YYYY-MM-DD' or null. */
  targetDate: string | null;
  completedAt: Date | null;
  clientVisible: boolean;
  position: number;
  /** Unarchived tasks of the milestone this person can see, and how many of them are done. */
  taskCount: number;
  doneCount: number;
  /** doneCount / taskCount as a whole percentage; 0 without tasks. */
  progress: number;
  /** Those tasks, in board order. */
  tasks: MilestoneTask[];
}

export interface ProjectMilestones {
  project: { id: string; name: string; tasksVisibleByDefault: boolean };
  milestones: MilestoneRow[];
  /** The project's unarchived tasks in no milestone (that this person can see). */
  unassigned: MilestoneTask[];
}

/** At most this many tasks are listed per project (progress counts all of them). */
export const MILESTONE_TASKS_LIMIT = 1000;

/**
 * A project's milestones in their order, each with its progress (done tasks out of its unarchived
 * tasks, "done" being a column of kind `done`) and its tasks. The database decides what is there:
 * a client reads only client-visible milestones and counts only the tasks they can see; staff
 * reach only their projects' (others are not_found).
 */
export async function listMilestones({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof milestoneProjectInput>;
}): Promise<ProjectMilestones> {
  personOf(ctx);
  const { projectId } = parseInput(milestoneProjectInput, input);
  return transact(ctx, async ({ tx }) => {
    const [project] = await tx
      .select({ id: projects.id, name: projects.name, tasksVisibleByDefault: projects.tasksVisibleByDefault })
      .from(projects)
      .where(eq(projects.id, projectId));
    if (!project) throw new CoreError('not_found', PROJECT_NOT_FOUND);
    const rows = await tx
      .select({
        id: milestones.id,
        projectId: milestones.projectId,
        name: milestones.name,
        description: milestones.description,
        targetDate: milestones.targetDate,
        completedAt: milestones.completedAt,
        clientVisible: milestones.clientVisible,
        position: milestones.position,
        taskCount: sql<number>`(select count(*)::int from app.tasks mt where mt.tenant_id = app.milestones.tenant_id and mt.milestone_id = app.milestones.id and mt.archived_at is null)`,
        doneCount: sql<number>`(select count(*)::int from app.tasks mt join app.task_statuses ms on ms.tenant_id = mt.tenant_id and ms.id = mt.status_id where mt.tenant_id = app.milestones.tenant_id and mt.milestone_id = app.milestones.id and mt.archived_at is null and ms.kind = 'done')`,
      })
      .from(milestones)
      .where(eq(milestones.projectId, projectId))
      .orderBy(
        milestones.position,
        sql`${milestones.targetDate} nulls last`,
        milestones.createdAt,
        milestones.id,
      );
    const taskRows = await tx
      .select({
        id: tasks.id,
        title: tasks.title,
        milestoneId: tasks.milestoneId,
        statusName: taskStatuses.name,
        statusKind: taskStatuses.kind,
      })
      .from(tasks)
      .innerJoin(
        taskStatuses,
        and(eq(taskStatuses.tenantId, tasks.tenantId), eq(taskStatuses.id, tasks.statusId)),
      )
      .where(and(eq(tasks.projectId, projectId), isNull(tasks.archivedAt)))
      .orderBy(taskStatuses.position, tasks.position, tasks.id)
      .limit(MILESTONE_TASKS_LIMIT);
    const byMilestone = new Map<string | null, MilestoneTask[]>();
    for (const { milestoneId, ...task } of taskRows) {
      const list = byMilestone.get(milestoneId) ?? [];
      list.push(task);
      byMilestone.set(milestoneId, list);
    }
    return {
      project,
      milestones: rows.map((row) => {
        const taskCount = Number(row.taskCount);
        const doneCount = Number(row.doneCount);
        return {
          ...row,
          taskCount,
          doneCount,
          progress: taskCount === 0 ? 0 : Math.round((doneCount / taskCount) * 100),
          tasks: byMilestone.get(row.id) ?? [],
        };
      }),
      unassigned: byMilestone.get(null) ?? [],
    };
  });
}

// ---- writing ------------------------------------------------------------------------------------

/** The name clients see on the team's feed entries: the agency's display name. */
async function agencyName(ctx: TxCtx): Promise<string> {
  if (ctx.site) return ctx.site.branding.displayName;
  const [row] = await ctx.tx.select({ name: branding.displayName }).from(branding).limit(1);
  return row?.name ?? '';
}

/** Tells the project's clients (in their recent activity) that a milestone is now visible to them. */
async function feedShared(ctx: TxCtx, milestone: { id: string; projectId: string; name: string }) {
  const actor = teamMemberOf(ctx);
  await ctx.tx.insert(projectFeed).values({
    tenantId: actor.tenantId,
    projectId: milestone.projectId,
    kind: 'milestone.shared',
    milestoneId: milestone.id,
    actorName: await agencyName(ctx),
    data: { name: milestone.name },
  });
}

/**
 * Serialises changes to the order of one project's milestones (staff may not lock the project's
 * row, so a transaction-scoped advisory lock stands in for it).
 */
async function lockList(tx: Tx, projectId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`milestones:${projectId}`}, 0))`);
}

async function lockedMilestone(tx: Tx, milestoneId: string) {
  const [row] = await tx.select().from(milestones).where(eq(milestones.id, milestoneId)).for('update');
  if (!row) throw new CoreError('not_found', NOT_FOUND);
  return row;
}

/** Keeps a project's milestones numbered 0..n-1 in their current order. */
async function renumber(tx: Tx, projectId: string, order?: string[]) {
  const ids =
    order ??
    (
      await tx
        .select({ id: milestones.id })
        .from(milestones)
        .where(eq(milestones.projectId, projectId))
        .orderBy(
          milestones.position,
          sql`${milestones.targetDate} nulls last`,
          milestones.createdAt,
          milestones.id,
        )
    ).map((row) => row.id);
  for (const [position, milestoneId] of ids.entries()) {
    await tx
      .update(milestones)
      .set({ position })
      .where(and(eq(milestones.id, milestoneId), sql`${milestones.position} <> ${position}`));
  }
}

export interface CreatedMilestone {
  id: string;
}

/**
 * Adds a milestone at the end of the project's list. It is client-visible when asked, or else as
 * the project's default for new tasks and milestones; a visible one shows in the clients' feed.
 */
export async function createMilestone({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof createMilestoneInput>;
}): Promise<CreatedMilestone> {
  const actor = teamMemberOf(ctx, TEAM_ONLY);
  const data = parseInput(createMilestoneInput, input);
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const [project] = await tx
      .select({ id: projects.id, visible: projects.tasksVisibleByDefault })
      .from(projects)
      .where(eq(projects.id, data.projectId));
    if (!project) throw new CoreError('not_found', PROJECT_NOT_FOUND);
    await lockList(tx, data.projectId);
    const [last] = await tx
      .select({ top: sql<number>`coalesce(max(${milestones.position}), -1)::int` })
      .from(milestones)
      .where(eq(milestones.projectId, data.projectId));
    const clientVisible = data.clientVisible ?? project.visible;
    const [row] = await tx
      .insert(milestones)
      .values({
        tenantId: actor.tenantId,
        projectId: data.projectId,
        name: data.name,
        description: data.description ?? null,
        targetDate: data.targetDate ?? null,
        clientVisible,
        position: Number(last?.top ?? -1) + 1,
      })
      .returning({ id: milestones.id });
    if (!row) throw new Error('milestone insert returned no row');
    if (clientVisible) await feedShared(ctx, { id: row.id, projectId: data.projectId, name: data.name });
    await record(ctx, {
      verb: 'milestone.create',
      subject: { type: 'milestone', id: row.id },
      projectId: data.projectId,
      data: { name: data.name, targetDate: data.targetDate ?? null, clientVisible },
    });
    return row;
  });
}

/** Changes a milestone's name, description, target date or visibility; sharing it tells the clients. */
export async function updateMilestone({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof updateMilestoneInput>;
}): Promise<void> {
  teamMemberOf(ctx, TEAM_ONLY);
  const data = parseInput(updateMilestoneInput, input);
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const before = await lockedMilestone(tx, data.id);
    const next = {
      name: data.name ?? before.name,
      description: data.description === undefined ? before.description : data.description,
      targetDate: data.targetDate === undefined ? before.targetDate : data.targetDate,
      clientVisible: data.clientVisible ?? before.clientVisible,
    };
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((key) => next[key] !== before[key]);
    if (changed.length > 0) {
      await tx
        .update(milestones)
        .set({ ...next, updatedAt: sql`now()` })
        .where(eq(milestones.id, data.id));
    }
    if (next.clientVisible && !before.clientVisible)
      await feedShared(ctx, { id: before.id, projectId: before.projectId, name: next.name });
    await record(ctx, {
      verb: 'milestone.update',
      subject: { type: 'milestone', id: data.id },
      projectId: before.projectId,
      data: {
        changed,
        ...(next.clientVisible !== before.clientVisible ? { clientVisible: next.clientVisible } : {}),
      },
    });
  });
}

/** Marks a milestone complete (now) or open again. */
export async function completeMilestone({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof completeMilestoneInput>;
}): Promise<void> {
  teamMemberOf(ctx, TEAM_ONLY);
  const { id: milestoneId, completed } = parseInput(completeMilestoneInput, input);
  await transact(ctx, async (ctx) => {
    const before = await lockedMilestone(ctx.tx, milestoneId);
    if (completed !== (before.completedAt !== null)) {
      await ctx.tx
        .update(milestones)
        .set({ completedAt: completed ? sql`now()` : null, updatedAt: sql`now()` })
        .where(eq(milestones.id, milestoneId));
    }
    await record(ctx, {
      verb: completed ? 'milestone.complete' : 'milestone.reopen',
      subject: { type: 'milestone', id: milestoneId },
      projectId: before.projectId,
      data: { name: before.name },
    });
  });
}

/** Deletes a milestone; its tasks stay, in no milestone. Its feed entries go with it. */
export async function deleteMilestone({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof milestoneIdInput>;
}): Promise<void> {
  teamMemberOf(ctx, TEAM_ONLY);
  const { id: milestoneId } = parseInput(milestoneIdInput, input);
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    // The list's lock first, as moves take it, then the row.
    const [found] = await tx
      .select({ projectId: milestones.projectId })
      .from(milestones)
      .where(eq(milestones.id, milestoneId));
    if (!found) throw new CoreError('not_found', NOT_FOUND);
    await lockList(tx, found.projectId);
    const before = await lockedMilestone(tx, milestoneId);
    const [count] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(tasks)
      .where(eq(tasks.milestoneId, milestoneId));
    await tx.delete(milestones).where(eq(milestones.id, milestoneId));
    await renumber(tx, before.projectId);
    await record(ctx, {
      verb: 'milestone.delete',
      subject: { type: 'milestone', id: milestoneId },
      projectId: before.projectId,
      data: { name: before.name, tasks: Number(count?.n ?? 0) },
    });
  });
}

/** Moves a milestone to `index` (0-based) in its project's list; the others close up around it. */
export async function moveMilestone({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof moveMilestoneInput>;
}): Promise<void> {
  teamMemberOf(ctx, TEAM_ONLY);
  const { id: milestoneId, index } = parseInput(moveMilestoneInput, input);
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const [found] = await tx
      .select({ projectId: milestones.projectId })
      .from(milestones)
      .where(eq(milestones.id, milestoneId));
    if (!found) throw new CoreError('not_found', NOT_FOUND);
    await lockList(tx, found.projectId);
    const all = await tx
      .select({ id: milestones.id })
      .from(milestones)
      .where(eq(milestones.projectId, found.projectId))
      .orderBy(
        milestones.position,
        sql`${milestones.targetDate} nulls last`,
        milestones.createdAt,
        milestones.id,
      );
    const from = all.findIndex((row) => row.id === milestoneId);
    if (from < 0) throw new CoreError('not_found', NOT_FOUND);
    if (index >= all.length) throw invalid({ index: 'That place is past the end of the list.' });
    const order = all.map((row) => row.id);
    order.splice(from, 1);
    order.splice(index, 0, milestoneId);
    await renumber(tx, found.projectId, order);
    await record(ctx, {
      verb: 'milestone.move',
      subject: { type: 'milestone', id: milestoneId },
      projectId: found.projectId,
      data: { from, to: index },
    });
  });
}
