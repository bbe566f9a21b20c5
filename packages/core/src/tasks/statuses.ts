import { eq, schema, sql, type Tx } from '@foyer/db';
import { z } from 'zod';
import { adminOf, type Ctx, record, transact } from '../ctx';
import { CoreError, invalid, sqlState } from '../errors';
import { id, line, parseInput } from '../input';
import { ensureBoard } from '../tenants/board';
import { lockBoard } from './common';

const { taskStatuses, tasks } = schema;

export type StatusKind = (typeof schema.statusKinds)[number];

/** The kinds in the order a board runs through them. */
export const STATUS_KINDS: readonly StatusKind[] = schema.statusKinds;

const FOREIGN_KEY_VIOLATION = '23503';

const ADMINS_ONLY = 'Only admins change the board’s columns.';
const NOT_FOUND = 'That column doesn’t exist.';

export const STATUS_NAME_MAX = 40;

// ---- inputs -------------------------------------------------------------------------------------

const nameInput = line(STATUS_NAME_MAX).min(1, 'Give the column a name.');
const kindInput = z.enum(schema.statusKinds, 'Choose what kind of column it is.');

export const renameStatusInput = z.object({ id: id('column'), name: nameInput });
export const addStatusInput = z.object({ name: nameInput, kind: kindInput });
export const moveStatusInput = z.object({
  id: id('column'),
  index: z
    .number('Give the new place as a number.')
    .int('Give the new place as a whole number.')
    .min(0, 'Give a place from the first onwards.')
    .max(1000),
});
export const deleteStatusInput = z.object({
  id: id('column'),
  /** Where the column's tasks go; needed only when it has any. */
  moveTo: z
    .union([z.literal(''), id('column')])
    .nullable()
    .optional()
    .transform((value) => value || null),
});

// ---- reading ------------------------------------------------------------------------------------

export interface BoardStatus {
  id: string;
  name: string;
  kind: StatusKind;
  position: number;
  /** Tasks in the column across all projects, archived ones included. */
  taskCount: number;
}

/** The tenant's board columns in order, each with how many tasks it holds. */
export async function listStatuses({ ctx }: { ctx: Ctx }): Promise<BoardStatus[]> {
  const actor = adminOf(ctx, ADMINS_ONLY);
  return transact(ctx, async ({ tx }) => {
    await ensureBoard(tx, actor.tenantId);
    const rows = await tx
      .select({
        id: taskStatuses.id,
        name: taskStatuses.name,
        kind: taskStatuses.kind,
        position: taskStatuses.position,
        taskCount: sql<number>`(select count(*)::int from app.tasks st where st.tenant_id = app.task_statuses.tenant_id and st.status_id = app.task_statuses.id)`,
      })
      .from(taskStatuses)
      .orderBy(taskStatuses.position, taskStatuses.id);
    return rows.map((row) => ({ ...row, taskCount: Number(row.taskCount) }));
  });
}

// ---- writing ------------------------------------------------------------------------------------

/**
 * Every column of the tenant, locked in order: column changes run one at a time. NO KEY UPDATE,
 * so tasks moving between columns meanwhile (whose foreign key checks share-lock the key) go on.
 */
async function lockColumns(tx: Tx) {
  return tx
    .select({ id: taskStatuses.id, name: taskStatuses.name, kind: taskStatuses.kind })
    .from(taskStatuses)
    .orderBy(taskStatuses.position, taskStatuses.id)
    .for('no key update');
}

function checkName(columns: { id: string; name: string }[], name: string, except?: string) {
  const taken = columns.find((c) => c.id !== except && c.name.toLowerCase() === name.toLowerCase());
  if (taken) throw invalid({ name: `There is already a column called “${taken.name}”.` });
}

/** Numbers the columns 0..n-1 in the given order. */
async function renumber(tx: Tx, order: string[]) {
  for (const [position, statusId] of order.entries()) {
    await tx
      .update(taskStatuses)
      .set({ position })
      .where(sql`${taskStatuses.id} = ${statusId} and ${taskStatuses.position} <> ${position}`);
  }
}

/** Renames a column; names are unique on the board, whatever their case. */
export async function renameStatus({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof renameStatusInput>;
}): Promise<void> {
  adminOf(ctx, ADMINS_ONLY);
  const data = parseInput(renameStatusInput, input);
  await transact(ctx, async (ctx) => {
    const columns = await lockColumns(ctx.tx);
    const column = columns.find((c) => c.id === data.id);
    if (!column) throw new CoreError('not_found', NOT_FOUND);
    checkName(columns, data.name, data.id);
    if (column.name !== data.name)
      await ctx.tx.update(taskStatuses).set({ name: data.name }).where(eq(taskStatuses.id, data.id));
    await record(ctx, {
      verb: 'board.rename_column',
      subject: { type: 'task_status', id: data.id },
      data: { from: column.name, to: data.name },
    });
  });
}

/** Adds a column of a kind at the end of the board. */
export async function addStatus({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof addStatusInput>;
}): Promise<{ id: string }> {
  const actor = adminOf(ctx, ADMINS_ONLY);
  const data = parseInput(addStatusInput, input);
  return transact(ctx, async (ctx) => {
    const columns = await lockColumns(ctx.tx);
    checkName(columns, data.name);
    if (columns.length >= 30) throw invalid({ name: 'A board has at most 30 columns.' });
    // Positions are dense, but a board made elsewhere may not be: after the last one, whatever it is.
    const [last] = await ctx.tx
      .select({ top: sql<number>`coalesce(max(${taskStatuses.position}), -1)::int` })
      .from(taskStatuses);
    const [row] = await ctx.tx
      .insert(taskStatuses)
      .values({
        tenantId: actor.tenantId,
        name: data.name,
        kind: data.kind,
        position: Number(last?.top ?? -1) + 1,
      })
      .returning({ id: taskStatuses.id });
    if (!row) throw new Error('column insert returned no row');
    await record(ctx, {
      verb: 'board.add_column',
      subject: { type: 'task_status', id: row.id },
      data: { name: data.name, kind: data.kind },
    });
    return row;
  });
}

/** Moves a column to `index` (0-based); the others close up around it. */
export async function moveStatus({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof moveStatusInput>;
}): Promise<void> {
  adminOf(ctx, ADMINS_ONLY);
  const data = parseInput(moveStatusInput, input);
  await transact(ctx, async (ctx) => {
    const columns = await lockColumns(ctx.tx);
    const from = columns.findIndex((c) => c.id === data.id);
    if (from < 0) throw new CoreError('not_found', NOT_FOUND);
    if (data.index >= columns.length) throw invalid({ index: 'That place is past the end of the board.' });
    const order = columns.map((c) => c.id);
    order.splice(from, 1);
    order.splice(data.index, 0, data.id);
    await renumber(ctx.tx, order);
    await record(ctx, {
      verb: 'board.move_column',
      subject: { type: 'task_status', id: data.id },
      data: { from, to: data.index },
    });
  });
}

/**
 * Deletes a column. Every kind keeps at least one column; a column with tasks goes only by moving
 * them to another column, where they follow its own tasks in their order (per project).
 */
export async function deleteStatus({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof deleteStatusInput>;
}): Promise<{ moved: number }> {
  const actor = adminOf(ctx, ADMINS_ONLY);
  const data = parseInput(deleteStatusInput, input);
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const columns = await lockColumns(tx);
    const column = columns.find((c) => c.id === data.id);
    if (!column) throw new CoreError('not_found', NOT_FOUND);
    if (!columns.some((c) => c.id !== column.id && c.kind === column.kind))
      throw new CoreError(
        'conflict',
        `“${column.name}” is the board’s only column of its kind. Add another one of that kind first, or rename this one.`,
      );
    const [count] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(tasks)
      .where(eq(tasks.statusId, column.id));
    const taskCount = Number(count?.n ?? 0);
    let moved = 0;
    if (taskCount > 0) {
      if (!data.moveTo)
        throw invalid(
          { moveTo: `Choose a column for its ${taskCount === 1 ? 'task' : `${taskCount} tasks`}.` },
          'This column has tasks: choose where they go.',
        );
      const target = columns.find((c) => c.id === data.moveTo);
      if (!target || target.id === column.id)
        throw invalid({ moveTo: 'Choose another column of the board.' });
      // The projects whose tasks move, locked as task moves lock them, so no move interleaves.
      const projectIds = await tx
        .selectDistinct({ projectId: tasks.projectId })
        .from(tasks)
        .where(eq(tasks.statusId, column.id))
        .orderBy(tasks.projectId);
      for (const { projectId } of projectIds) await lockBoard(tx, projectId);
      await tx.execute(sql`
        with moving as (
          select id, project_id,
                 row_number() over (partition by project_id order by position, id) - 1 as rn
            from app.tasks
           where tenant_id = ${actor.tenantId} and status_id = ${column.id}
        ), tops as (
          select project_id, max(position) as top
            from app.tasks
           where tenant_id = ${actor.tenantId} and status_id = ${target.id}
           group by project_id
        )
        update app.tasks t
           set status_id = ${target.id}, position = coalesce(tops.top, -1) + 1 + moving.rn, updated_at = now()
          from moving left join tops on tops.project_id = moving.project_id
         where t.tenant_id = ${actor.tenantId} and t.id = moving.id`);
      moved = taskCount;
    }
    // A task moved into the column by someone else since the count keeps it: try again.
    await tx
      .delete(taskStatuses)
      .where(eq(taskStatuses.id, column.id))
      .catch((error: unknown) => {
        if (sqlState(error) === FOREIGN_KEY_VIOLATION)
          throw new CoreError('conflict', 'A task was just moved into this column. Try again.');
        throw error;
      });
    await renumber(
      tx,
      columns.filter((c) => c.id !== column.id).map((c) => c.id),
    );
    await record(ctx, {
      verb: 'board.delete_column',
      subject: { type: 'task_status', id: column.id },
      data: { name: column.name, kind: column.kind, moved, ...(moved > 0 ? { movedTo: data.moveTo } : {}) },
    });
    return { moved };
  });
}
