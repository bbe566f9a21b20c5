import { and, eq, schema, sql } from '@foyer/db';
import type { z } from 'zod';
import { permissionSummary } from '../clients/permissions';
import { clientStateOf, invitedColumn } from '../clients/state';
import { adminOf, type Ctx, transact } from '../ctx';
import { CoreError } from '../errors';
import { parseInput } from '../input';
import { type ClientState, type ProjectStatus, projectIdInput } from './projects';

const { clients, projectClients, projects, users } = schema;

export interface AudienceClient {
  id: string;
  name: string;
  email: string;
  companyId: string | null;
  companyName: string | null;
  state: ClientState;
}

export interface AudienceEntry {
  client: AudienceClient;
  assigned: boolean;
  /** Whether they see the project if they open the portal now. */
  canSee: boolean;
  /** Why not, in plain sentences; empty when they can see it. */
  reasons: string[];
  /** What they see inside, from their permissions (the permission summary's lines). */
  sees: string[];
}

export interface ProjectAudience {
  project: { id: string; name: string; status: ProjectStatus; companyName: string | null };
  /** Assigned clients first, then the owning company's contacts who are not on the project. */
  clients: AudienceEntry[];
}

export const AUDIENCE_REASONS = {
  notAssigned: 'Not assigned to this project.',
  projectsOff: 'The Projects permission is off, so they see no projects at all.',
  deactivated: 'Deactivated: they can’t sign in.',
  invited: 'Hasn’t accepted the invitation yet (will see it once they do).',
  archived: 'The project is archived, which hides it from all clients.',
} as const;

/**
 * "Why can't my client see this?": for each client on the project, and each contact of its owning
 * company who is not, whether they see it now, and if not, every reason why (the same rules the
 * database's policies apply), with what their permissions show them inside.
 */
export async function projectAudience({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof projectIdInput>;
}): Promise<ProjectAudience> {
  adminOf(ctx, 'Only admins see who can see a project.');
  const { projectId } = parseInput(projectIdInput, input);
  return transact(ctx, async ({ tx }) => {
    const [project] = await tx
      .select({
        id: projects.id,
        name: projects.name,
        status: projects.status,
        companyId: projects.clientId,
        companyName: clients.name,
      })
      .from(projects)
      .leftJoin(clients, and(eq(clients.tenantId, projects.tenantId), eq(clients.id, projects.clientId)))
      .where(eq(projects.id, projectId));
    if (!project) throw new CoreError('not_found', 'That project doesn’t exist.');
    const assigned = sql<boolean>`exists (select 1 from ${projectClients} pc where pc.tenant_id = ${users.tenantId} and pc.project_id = ${projectId}::uuid and pc.user_id = ${users.id})`;
    const rows = await tx
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        companyId: users.clientId,
        companyName: clients.name,
        status: users.status,
        invited: invitedColumn,
        permissions: users.permissions,
        assigned,
      })
      .from(users)
      .leftJoin(clients, and(eq(clients.tenantId, users.tenantId), eq(clients.id, users.clientId)))
      .where(
        and(
          sql`${users.role} = 'client'`,
          project.companyId
            ? sql`(${assigned} or ${users.clientId} = ${project.companyId}::uuid)`
            : sql`${assigned}`,
        ),
      )
      .orderBy(sql`${assigned} desc`, sql`lower(${clients.name})`, sql`lower(${users.name})`, users.id)
      .limit(1000);
    const entries = rows.map((row): AudienceEntry => {
      const reasons: string[] = [];
      if (!row.assigned) reasons.push(AUDIENCE_REASONS.notAssigned);
      if (!row.permissions.includes('projects')) reasons.push(AUDIENCE_REASONS.projectsOff);
      if (row.status === 'deactivated') reasons.push(AUDIENCE_REASONS.deactivated);
      else if (row.invited) reasons.push(AUDIENCE_REASONS.invited);
      if (project.status === 'archived') reasons.push(AUDIENCE_REASONS.archived);
      const state = clientStateOf(row);
      return {
        client: {
          id: row.id,
          name: row.name,
          email: row.email,
          companyId: row.companyId,
          companyName: row.companyName,
          state,
        },
        assigned: Boolean(row.assigned),
        canSee: reasons.length === 0,
        reasons,
        sees: permissionSummary(row.permissions),
      };
    });
    const { companyId: _, ...summary } = project;
    return { project: summary, clients: entries };
  });
}
