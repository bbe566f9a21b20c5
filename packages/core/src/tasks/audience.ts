import { and, eq, schema, sql, type Tx } from '@foyer/db';
import { type Ctx, transact } from '../ctx';
import { CoreError } from '../errors';
import { parseInput } from '../input';
import { TASK_NOT_FOUND, teamOf } from './common';
import { taskIdInput } from './tasks';

const { clients, projectClients, projects, tasks, users } = schema;

export type TaskAudienceReason =
  | 'visible'
  | 'internal'
  | 'archived'
  | 'tasks_view_off'
  | 'projects_off'
  | 'deactivated'
  | 'invited';

export interface TaskAudienceClient {
  id: string;
  name: string;
  companyName: string;
  canSee: boolean;
  /** The first reason that keeps them from seeing it ('visible' when they see it). */
  reason: TaskAudienceReason;
  /** Every reason that applies, in the order above (empty when they see it). */
  reasons: Exclude<TaskAudienceReason, 'visible'>[];
}

export interface TaskAudience {
  clients: TaskAudienceClient[];
  /** Whether the project itself is archived, which hides it (and 'archived' is the reason). */
  projectArchived: boolean;
}

/** Sentences for the "who can see this" panel, by reason. */
export const TASK_AUDIENCE_REASONS: Record<TaskAudienceReason, string> = {
  visible: 'Sees this task.',
  internal: 'The task is internal.',
  archived: 'The task (or its project) is archived.',
  tasks_view_off: 'The Tasks permission is off.',
  projects_off: 'The Projects permission is off, so they see no projects at all.',
  deactivated: 'Deactivated: they can’t sign in.',
  invited: 'Hasn’t accepted the invitation yet (will see it once they do).',
};

/** A client on a project, as the "who can see this" panels weigh them. */
export interface ProjectClientPerson {
  id: string;
  name: string;
  companyName: string | null;
  status: string;
  /** Not yet accepted their invitation (no password). */
  invited: boolean;
  permissions: string[];
}

/** Every client person on a project (the team reads them), by company and name. */
export function clientsOnProject(tx: Tx, projectId: string): Promise<ProjectClientPerson[]> {
  return tx
    .select({
      id: users.id,
      name: users.name,
      companyName: clients.name,
      status: users.status,
      invited: sql<boolean>`${users.passwordHash} is null`,
      permissions: users.permissions,
    })
    .from(projectClients)
    .innerJoin(users, and(eq(users.tenantId, projectClients.tenantId), eq(users.id, projectClients.userId)))
    .leftJoin(clients, and(eq(clients.tenantId, users.tenantId), eq(clients.id, users.clientId)))
    .where(eq(projectClients.projectId, projectId))
    .orderBy(sql`lower(${clients.name})`, sql`lower(${users.name})`, users.id);
}

/** What keeps a person from seeing anything of a project, whatever the item: their account first. */
export function accountReasons(person: ProjectClientPerson): ('deactivated' | 'invited' | 'projects_off')[] {
  const reasons: ('deactivated' | 'invited' | 'projects_off')[] = [];
  if (person.status === 'deactivated') reasons.push('deactivated');
  else if (person.invited) reasons.push('invited');
  if (!person.permissions.includes('projects')) reasons.push('projects_off');
  return reasons;
}

/**
 * "Who can see this task": each client on the task's project, whether they see it now, and if
 * not why (the rules the database's policies apply): the person first (deactivated, invited),
 * then their permissions, then the task (archived, internal).
 */
export async function taskAudience({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<TaskAudience> {
  teamOf(ctx);
  const { id: taskId } = parseInput(taskIdInput, input);
  return transact(ctx, async ({ tx }) => {
    const [task] = await tx
      .select({
        projectId: tasks.projectId,
        clientVisible: tasks.clientVisible,
        archivedAt: tasks.archivedAt,
        projectStatus: projects.status,
      })
      .from(tasks)
      .innerJoin(projects, and(eq(projects.tenantId, tasks.tenantId), eq(projects.id, tasks.projectId)))
      .where(eq(tasks.id, taskId));
    if (!task) throw new CoreError('not_found', TASK_NOT_FOUND);
    const people = await clientsOnProject(tx, task.projectId);
    const projectArchived = task.projectStatus === 'archived';
    return {
      projectArchived,
      clients: people.map((person) => {
        const reasons: Exclude<TaskAudienceReason, 'visible'>[] = accountReasons(person);
        if (!person.permissions.includes('tasks.view')) reasons.push('tasks_view_off');
        if (task.archivedAt || projectArchived) reasons.push('archived');
        if (!task.clientVisible) reasons.push('internal');
        return {
          id: person.id,
          name: person.name,
          companyName: person.companyName ?? '',
          canSee: reasons.length === 0,
          reason: reasons[0] ?? 'visible',
          reasons,
        };
      }),
    };
  });
}
