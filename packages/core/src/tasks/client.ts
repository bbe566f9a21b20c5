import { sql } from '@foyer/db';
import { type Ctx, personOf, transact } from '../ctx';
import { CoreError } from '../errors';
import { parseInput } from '../input';
import { renderMarkdown } from '../text/markdown';
import {
  json,
  KIND_PROGRESS,
  PROJECT_NOT_FOUND,
  rows,
  type StatusKind,
  TASK_NOT_FOUND,
  type TaskPriority,
} from './common';
import { taskIdInput, taskProjectInput } from './tasks';

/** A task as a client sees it (and, through the JSON API, the team in the same shape). */
export interface ClientTask {
  id: string;
  title: string;
  /** The column's name; never the board itself. */
  statusName: string;
  statusKind: StatusKind;
  /** 0, 33, 66 or 100, by the column's kind. */
  progress: number;
  priority: TaskPriority;
  dueDate: string | null;
  milestoneId: string | null;
  milestoneName: string | null;
  /** Names, only when the agency shows assignees to clients; null otherwise. */
  assignees: string[] | null;
}

export interface ClientTaskDetail extends ClientTask {
  projectId: string;
  projectName: string;
  descriptionHtml: string;
}

interface ClientTaskRecord {
  id: string | null;
  title: string;
  status_name: string;
  status_kind: string;
  priority: string;
  due_date: string | null;
  milestone_id: string | null;
  milestone_name: string | null;
  assignees: unknown;
  show_assignees: boolean | null;
}

function toClientTask(row: ClientTaskRecord, team: boolean): ClientTask {
  const kind = row.status_kind as StatusKind;
  return {
    id: row.id as string,
    title: row.title,
    statusName: row.status_name,
    statusKind: kind,
    progress: KIND_PROGRESS[kind] ?? 0,
    priority: row.priority as TaskPriority,
    dueDate: row.due_date ?? null,
    milestoneId: row.milestone_id ?? null,
    milestoneName: row.milestone_name ?? null,
    assignees: team || row.show_assignees ? json<string[]>(row.assignees, []) : null,
  };
}

/*
 * The columns both reads share. The milestone comes through its own policy: a task on an
 * internal milestone shows none. Assignees come through theirs (nothing unless the agency shows
 * them); `show_assignees` tells "none assigned" from "not shown".
 */
const CLIENT_TASK_COLUMNS = sql`t.id::text as id, t.title, s.name as status_name, s.kind as status_kind,
  t.priority, t.due_date::text as due_date, m.id::text as milestone_id, m.name as milestone_name,
  (select json_agg(a.name order by lower(a.name), a.user_id) from app.task_assignees a
    where a.tenant_id = t.tenant_id and a.task_id = t.id) as assignees,
  coalesce((select ws.clients_see_assignees from app.work_settings ws), false) as show_assignees`;

/**
 * A project's tasks as its client sees them: client-visible, unarchived, in board order, with
 * the column's name and a progress figure from its kind. The database's policies decide what is
 * there (nothing without `tasks.view`); a project the person cannot read is not_found. For the
 * team, the project's unarchived tasks in the same shape. One statement.
 */
export async function listClientTasks({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { projectId: string };
}): Promise<ClientTask[]> {
  const me = personOf(ctx);
  const { projectId } = parseInput(taskProjectInput, input);
  const team = me.kind !== 'client';
  return transact(ctx, async ({ tx }) => {
    const found = await rows<ClientTaskRecord>(
      tx,
      sql`select ${CLIENT_TASK_COLUMNS}
            from app.projects p
            left join (app.tasks t
                  join app.task_statuses s on s.tenant_id = t.tenant_id and s.id = t.status_id
                  left join app.milestones m on m.tenant_id = t.tenant_id and m.id = t.milestone_id)
              on t.tenant_id = p.tenant_id and t.project_id = p.id and t.archived_at is null
           where p.id = ${projectId}::uuid
           order by s.position, t.position, t.created_at, t.id`,
    );
    if (found.length === 0) throw new CoreError('not_found', PROJECT_NOT_FOUND);
    return found.filter((row) => row.id !== null).map((row) => toClientTask(row, team));
  });
}

/** One task as its client sees it, with its description; not_found unless they can read it. */
export async function getClientTask({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<ClientTaskDetail> {
  const me = personOf(ctx);
  const { id: taskId } = parseInput(taskIdInput, input);
  const team = me.kind !== 'client';
  return transact(ctx, async ({ tx }) => {
    const [row] = await rows<
      ClientTaskRecord & { project_id: string; project_name: string; description: string | null }
    >(
      tx,
      sql`select ${CLIENT_TASK_COLUMNS}, p.id::text as project_id, p.name as project_name, t.description
            from app.tasks t
            join app.projects p on p.tenant_id = t.tenant_id and p.id = t.project_id
            join app.task_statuses s on s.tenant_id = t.tenant_id and s.id = t.status_id
            left join app.milestones m on m.tenant_id = t.tenant_id and m.id = t.milestone_id
           where t.id = ${taskId}::uuid and t.archived_at is null`,
    );
    if (!row) throw new CoreError('not_found', TASK_NOT_FOUND);
    return {
      ...toClientTask(row, team),
      projectId: row.project_id,
      projectName: row.project_name,
      descriptionHtml: renderMarkdown(row.description),
    };
  });
}
