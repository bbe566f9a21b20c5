import { and, eq, inArray, type SQL, schema, sql, type Tx } from '@foyer/db';
import type { SelectedFields } from 'drizzle-orm/pg-core';
import { CoreError, invalid } from '../errors';
import {
  json,
  PROJECT_NOT_FOUND,
  type StatusKind,
  TASK_NOT_FOUND,
  type TaskPerson,
  type TaskRow,
} from './common';

const { milestones, projects, taskStatuses, tasks, users } = schema;

/** A task's assignees as the team sees them: id and the name given when assigned. */
const assigneesColumn = sql<unknown>`coalesce((select json_agg(json_build_object('id', a.user_id, 'name', a.name) order by lower(a.name), a.user_id)
  from app.task_assignees a where a.tenant_id = ${tasks.tenantId} and a.task_id = ${tasks.id}), '[]'::json)`;

/** Comments on the task that are not deleted (internal ones included: this is the team's count). */
const commentCountColumn = sql<number>`(select count(*)::int from app.threads th
  join app.messages msg on msg.tenant_id = th.tenant_id and msg.thread_id = th.id
  where th.tenant_id = ${tasks.tenantId} and th.task_id = ${tasks.id} and msg.deleted_at is null)`;

export const taskRowFields = {
  id: tasks.id,
  projectId: tasks.projectId,
  projectName: projects.name,
  title: tasks.title,
  statusId: tasks.statusId,
  statusName: taskStatuses.name,
  statusKind: taskStatuses.kind,
  priority: tasks.priority,
  dueDate: tasks.dueDate,
  milestoneId: tasks.milestoneId,
  milestoneName: milestones.name,
  clientVisible: tasks.clientVisible,
  archivedAt: tasks.archivedAt,
  position: tasks.position,
  assignees: assigneesColumn,
  commentCount: commentCountColumn,
  updatedAt: tasks.updatedAt,
};

type TaskRowRecord = { [K in keyof typeof taskRowFields]: unknown };

/** Tasks with their project, column and milestone, as the team's lists show them. */
export function selectTaskRows<F extends SelectedFields>(tx: Tx, extra: F = {} as F) {
  return tx
    .select({ ...taskRowFields, ...extra })
    .from(tasks)
    .innerJoin(projects, and(eq(projects.tenantId, tasks.tenantId), eq(projects.id, tasks.projectId)))
    .innerJoin(
      taskStatuses,
      and(eq(taskStatuses.tenantId, tasks.tenantId), eq(taskStatuses.id, tasks.statusId)),
    )
    .leftJoin(milestones, and(eq(milestones.tenantId, tasks.tenantId), eq(milestones.id, tasks.milestoneId)));
}

export function toTaskRow(row: TaskRowRecord): TaskRow {
  return {
    id: row.id as string,
    projectId: row.projectId as string,
    projectName: row.projectName as string,
    title: row.title as string,
    statusId: row.statusId as string,
    statusName: row.statusName as string,
    statusKind: row.statusKind as StatusKind,
    priority: row.priority as TaskRow['priority'],
    dueDate: (row.dueDate as string | null) ?? null,
    milestoneId: (row.milestoneId as string | null) ?? null,
    milestoneName: (row.milestoneName as string | null) ?? null,
    clientVisible: Boolean(row.clientVisible),
    archived: row.archivedAt !== null,
    position: Number(row.position),
    assignees: json<TaskPerson[]>(row.assignees, []),
    commentCount: Number(row.commentCount ?? 0),
    updatedAt: row.updatedAt as Date,
  };
}

/** Task rows matching `where`, in `order`. */
export async function taskRows(tx: Tx, where: SQL | undefined, order: SQL[]): Promise<TaskRow[]> {
  const found = await selectTaskRows(tx)
    .where(where)
    .orderBy(...order);
  return found.map((row) => toTaskRow(row as TaskRowRecord));
}

// ---- what a task's form may name ----------------------------------------------------------------

export interface ProjectRef {
  id: string;
  name: string;
  status: string;
  tasksVisibleByDefault: boolean;
}

/** The project as the actor's policies show it, or not_found. */
export async function readableProject(tx: Tx, projectId: string): Promise<ProjectRef> {
  const [project] = await tx
    .select({
      id: projects.id,
      name: projects.name,
      status: projects.status,
      tasksVisibleByDefault: projects.tasksVisibleByDefault,
    })
    .from(projects)
    .where(eq(projects.id, projectId));
  if (!project) throw new CoreError('not_found', PROJECT_NOT_FOUND);
  return project;
}

/** The project a task belongs to, or not_found when the actor cannot read the task. */
export async function projectOfTask(tx: Tx, taskId: string): Promise<string> {
  const [row] = await tx.select({ projectId: tasks.projectId }).from(tasks).where(eq(tasks.id, taskId));
  if (!row) throw new CoreError('not_found', TASK_NOT_FOUND);
  return row.projectId;
}

/** A board column of the tenant, or a field error. */
export async function checkStatus(
  tx: Tx,
  statusId: string,
  field = 'statusId',
): Promise<{ id: string; kind: StatusKind }> {
  const [row] = await tx
    .select({ id: taskStatuses.id, kind: taskStatuses.kind })
    .from(taskStatuses)
    .where(eq(taskStatuses.id, statusId));
  if (!row) throw invalid({ [field]: 'Choose a column from the board.' });
  return { id: row.id, kind: row.kind as StatusKind };
}

/** The first `todo` column (the first column of all when no column is of that kind). */
export async function defaultStatus(tx: Tx): Promise<string> {
  const [row] = await tx
    .select({ id: taskStatuses.id })
    .from(taskStatuses)
    .orderBy(sql`(${taskStatuses.kind} = 'todo') desc`, taskStatuses.position, taskStatuses.id)
    .limit(1);
  if (!row) throw invalid({ statusId: 'The board has no columns yet. An admin adds them under Settings.' });
  return row.id;
}

/** A milestone of this project, or a field error. */
export async function checkMilestone(tx: Tx, projectId: string, milestoneId: string): Promise<void> {
  const [row] = await tx
    .select({ id: milestones.id })
    .from(milestones)
    .where(and(eq(milestones.id, milestoneId), eq(milestones.projectId, projectId)));
  if (!row) throw invalid({ milestoneId: 'Choose a milestone of this project.' });
}

/**
 * The people who may be assigned on a project: active admins (who reach every project) and
 * active staff on it. Anyone else is a field error naming them where the actor can read them.
 */
export async function checkAssignees(
  tx: Tx,
  projectId: string,
  userIds: readonly string[],
  field = 'assigneeIds',
): Promise<TaskPerson[]> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return [];
  const people = await tx
    .select({
      id: users.id,
      name: users.name,
      role: users.role,
      status: users.status,
      onProject: sql<boolean>`exists (select 1 from app.project_staff ps
        where ps.tenant_id = ${users.tenantId} and ps.project_id = ${projectId}::uuid and ps.user_id = ${users.id})`,
    })
    .from(users)
    .where(inArray(users.id, unique));
  const found = new Map(people.map((p) => [p.id, p]));
  const result: TaskPerson[] = [];
  for (const userId of unique) {
    const person = found.get(userId);
    if (!person || person.role === 'client')
      throw invalid({ [field]: 'Only team members on this project can be assigned.' });
    if (person.status !== 'active')
      throw invalid({ [field]: `${person.name} is deactivated and can’t be assigned.` });
    if (person.role !== 'admin' && !person.onProject)
      throw invalid({ [field]: `${person.name} isn’t on this project. Add them to it first.` });
    result.push({ id: person.id, name: person.name });
  }
  return result;
}
