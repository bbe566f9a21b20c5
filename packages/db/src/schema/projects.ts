import { sql } from 'drizzle-orm';
import { boolean, check, date, foreignKey, index, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { app } from './app';
import { clients } from './clients';
import {
  actorIsAdmin,
  actorIsWorker,
  clientMay,
  clientProjectIds,
  createdAt,
  idColumn,
  isCurrentUser,
  staffProjectIds,
  tenantIdColumn,
  updatedAt,
  walledPolicies,
} from './columns';
import { tenants } from './platform';
import { clientRole, teamRole } from './roles';
import { users } from './users';

/** `archived` projects are hidden from clients; the others are shown with their status. */
export const projectStatuses = ['active', 'on_hold', 'completed', 'archived'] as const;
export type ProjectStatus = (typeof projectStatuses)[number];

export const projects = app.table(
  'projects',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    /** The owning company, if any; who sees the project is decided per person (project_clients). */
    clientId: uuid('client_id'),
    name: text('name').notNull(),
    description: text('description'),
    status: text('status', { enum: projectStatuses }).notNull().default('active'),
    startDate: date('start_date', { mode: 'string' }),
    deadline: date('deadline', { mode: 'string' }),
    /** Whether new tasks and milestones start client-visible (the team can still flip each). */
    tasksVisibleByDefault: boolean('tasks_visible_by_default').notNull().default(false),
    /** Whether the team's new uploads start client-visible (the team can still flip each file). */
    filesVisibleByDefault: boolean('files_visible_by_default').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.clientId], foreignColumns: [clients.tenantId, clients.id] }),
    index('projects_tenant_client_idx').on(t.tenantId, t.clientId),
    index('projects_tenant_name_idx').on(t.tenantId, sql`lower(${t.name})`, t.id),
    check('projects_status_known', sql`${t.status} in ('active', 'on_hold', 'completed', 'archived')`),
    check('projects_name_length', sql`length(${t.name}) between 1 and 200`),
    check(
      'projects_dates_ordered',
      sql`${t.deadline} is null or ${t.startDate} is null or ${t.deadline} >= ${t.startDate}`,
    ),
    // Admins see and run every project; staff see the projects they are assigned to.
    // The worker, acting for one tenant, reads its projects (for notices such as "files shared").
    ...walledPolicies('projects', 'team', teamRole, t.tenantId, {
      select: sql`(${actorIsAdmin} or ${actorIsWorker} or ${t.id} in ${staffProjectIds})`,
      insert: actorIsAdmin,
      update: actorIsAdmin,
      delete: actorIsAdmin,
    }),
    // A client sees the projects they are assigned to, while `projects` is on and the project is
    // not archived.
    ...walledPolicies('projects', 'client', clientRole, t.tenantId, {
      select: sql`${t.id} in ${clientProjectIds} and ${t.status} <> 'archived' and ${clientMay('projects')}`,
    }),
  ],
);

/** Who of the client side is on a project: one row per person, never per company. */
export const projectClients = app.table(
  'project_clients',
  {
    tenantId: tenantIdColumn(),
    projectId: uuid('project_id').notNull(),
    userId: uuid('user_id').notNull(),
    addedBy: uuid('added_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.projectId, t.userId] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ columns: [t.tenantId, t.addedBy], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'set null',
    ),
    // The policies' lookup: a person's projects.
    index('project_clients_tenant_user_idx').on(t.tenantId, t.userId, t.projectId),
    ...walledPolicies('project_clients', 'team', teamRole, t.tenantId, {
      select: sql`(${actorIsAdmin} or ${actorIsWorker} or ${t.projectId} in ${staffProjectIds})`,
      insert: actorIsAdmin,
      update: actorIsAdmin,
      delete: actorIsAdmin,
    }),
    // A client reads their own assignments only: never who else is on a project.
    ...walledPolicies('project_clients', 'client', clientRole, t.tenantId, {
      select: isCurrentUser(t.userId),
    }),
  ],
);

/** Who of the team is on a project. The team knows who works on what; clients never read it. */
export const projectStaff = app.table(
  'project_staff',
  {
    tenantId: tenantIdColumn(),
    projectId: uuid('project_id').notNull(),
    userId: uuid('user_id').notNull(),
    addedBy: uuid('added_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.projectId, t.userId] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ columns: [t.tenantId, t.addedBy], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'set null',
    ),
    index('project_staff_tenant_user_idx').on(t.tenantId, t.userId, t.projectId),
    // Read by the other policies as the team role; it must not itself read project tables.
    ...walledPolicies('project_staff', 'team', teamRole, t.tenantId, {
      select: true,
      insert: actorIsAdmin,
      update: actorIsAdmin,
      delete: actorIsAdmin,
    }),
  ],
);
