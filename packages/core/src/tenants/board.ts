import { schema, type Tx } from '@foyer/db';

const { taskStatuses } = schema;

/** Every new agency's board: one column of each kind, which admins may rename and extend. */
export const DEFAULT_BOARD = [
  { name: 'To do', kind: 'todo' },
  { name: 'In progress', kind: 'in_progress' },
  { name: 'In review', kind: 'review' },
  { name: 'Done', kind: 'done' },
] as const;

/** The tenant's board columns by kind, creating the default board the first time. */
export async function ensureBoard(tx: Tx, tenantId: string): Promise<Map<string, string>> {
  let rows = await tx
    .select({ id: taskStatuses.id, kind: taskStatuses.kind })
    .from(taskStatuses)
    .orderBy(taskStatuses.position);
  if (rows.length === 0) {
    rows = await tx
      .insert(taskStatuses)
      .values(DEFAULT_BOARD.map((column, position) => ({ tenantId, ...column, position })))
      .returning({ id: taskStatuses.id, kind: taskStatuses.kind });
  }
  const byKind = new Map<string, string>();
  for (const row of rows) if (!byKind.has(row.kind)) byKind.set(row.kind, row.id);
  return byKind;
}
