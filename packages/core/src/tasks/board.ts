import { eq, schema, sql } from '@foyer/db';
import { z } from 'zod';
import { type Ctx, record, transact } from '../ctx';
import { CoreError } from '../errors';
import { id, parseInput } from '../input';
import { PROJECT_NOT_FOUND, renumberColumn, type StatusKind, type TaskRow, teamOf, writerOf } from './common';
import { checkStatus, readableProject, taskRows } from './rows';
import { lockedTask, taskProjectInput } from './tasks';

const { taskStatuses, tasks } = schema;

export const moveTaskInput = z.object({
  id: id('task'),
  statusId: id('column'),
  index: z.coerce
    .number('Choose a place in the column.')
    .int('Choose a place in the column.')
    .min(0, 'Choose a place in the column.')
    .max(100_000, 'Choose a place in the column.'),
});

export interface BoardColumn {
  id: string;
  name: string;
  kind: StatusKind;
  tasks: TaskRow[];
}

export interface TaskBoard {
  columns: BoardColumn[];
}

/** A project's board: every column of the tenant in order, each with its unarchived tasks in order. */
export async function taskBoard({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { projectId: string };
}): Promise<TaskBoard> {
  teamOf(ctx, PROJECT_NOT_FOUND);
  const { projectId } = parseInput(taskProjectInput, input);
  return transact(ctx, async ({ tx }) => {
    await readableProject(tx, projectId);
    const columns = await tx
      .select({ id: taskStatuses.id, name: taskStatuses.name, kind: taskStatuses.kind })
      .from(taskStatuses)
      .orderBy(taskStatuses.position, taskStatuses.id);
    const cards = await taskRows(
      tx,
      sql`${tasks.projectId} = ${projectId}::uuid and ${tasks.archivedAt} is null`,
      [sql`${tasks.statusId}`, sql`${tasks.position}`, sql`${tasks.createdAt}`, sql`${tasks.id}`],
    );
    const byColumn = new Map<string, TaskRow[]>(columns.map((c) => [c.id, []]));
    for (const card of cards) byColumn.get(card.statusId)?.push(card);
    return {
      columns: columns.map((c) => ({ ...c, kind: c.kind as StatusKind, tasks: byColumn.get(c.id) ?? [] })),
    };
  });
}

/**
 * Moves a card to `index` (0-based, after the move) of a column, the same or another. The
 * project's board lock makes moves take turns; the target column is renumbered in one statement
 * and the column it left in another, so both stay 0..n-1 with nobody's card lost or doubled.
 */
export async function moveTask({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof moveTaskInput>;
}): Promise<void> {
  writerOf(ctx);
  const { id: taskId, statusId, index } = parseInput(moveTaskInput, input);
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const task = await lockedTask(tx, taskId);
    if (task.archivedAt)
      throw new CoreError('conflict', 'This task is archived: bring it back before moving it.');
    await checkStatus(tx, statusId);
    await tx.execute(sql`with col as (
        select c.tenant_id, c.id, row_number() over (order by c.position, c.created_at, c.id) - 1 as p
          from app.tasks c
         where c.project_id = ${task.projectId}::uuid and c.status_id = ${statusId}::uuid
           and c.archived_at is null and c.id <> ${taskId}::uuid
      ), placed as (
        select col.tenant_id, col.id, (case when col.p < ${index}::int then col.p else col.p + 1 end)::int as n from col
        union all
        select ${task.tenantId}::uuid, ${taskId}::uuid, least(${index}::int, (select count(*) from col))::int
      )
      update app.tasks t
         set position = placed.n,
             status_id = ${statusId}::uuid,
             updated_at = case when t.id = ${taskId}::uuid then now() else t.updated_at end
        from placed
       where t.tenant_id = placed.tenant_id and t.id = placed.id
         and (t.position <> placed.n or t.id = ${taskId}::uuid)`);
    if (task.statusId !== statusId) await renumberColumn(tx, task.projectId, task.statusId);
    const [after] = await tx.select({ position: tasks.position }).from(tasks).where(eq(tasks.id, taskId));
    await record(ctx, {
      verb: 'task.move',
      subject: { type: 'task', id: taskId },
      projectId: task.projectId,
      data: {
        ...(task.statusId !== statusId ? { statusId: { from: task.statusId, to: statusId } } : { statusId }),
        position: after?.position ?? index,
      },
    });
  });
}
