import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { app } from './app';
import {
  actorIsAdmin,
  clientMay,
  createdAt,
  idColumn,
  readableProjectIds,
  staffProjectIds,
  tenantIdColumn,
  walledPolicies,
} from './columns';
import { tenants } from './platform';
import { projects } from './projects';
import { clientRole, teamRole } from './roles';

export const statusKinds = ['todo', 'in_progress', 'review', 'done'] as const;

/** A tenant's board columns. Workflows use `kind`, never the name an admin gave the column. */
export const taskStatuses = app.table(
  'task_statuses',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    kind: text('kind', { enum: statusKinds }).notNull(),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    index('task_statuses_tenant_position_idx').on(t.tenantId, t.position),
    check('task_statuses_kind_known', sql`${t.kind} in ('todo', 'in_progress', 'review', 'done')`),
    // The team reads the board's columns; admins shape them. Clients read a task's column name.
    ...walledPolicies('task_statuses', 'team', teamRole, t.tenantId, {
      select: true,
      insert: actorIsAdmin,
      update: actorIsAdmin,
      delete: actorIsAdmin,
    }),
    ...walledPolicies('task_statuses', 'client', clientRole, t.tenantId, { select: true }),
  ],
);

export const tasks = app.table(
  'tasks',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    projectId: uuid('project_id').notNull(),
    statusId: uuid('status_id').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    clientVisible: boolean('client_visible').notNull().default(false),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.statusId],
      foreignColumns: [taskStatuses.tenantId, taskStatuses.id],
    }),
    index('tasks_tenant_project_idx').on(t.tenantId, t.projectId, t.position),
    // Admins reach every task; staff the tasks of their projects.
    ...walledPolicies('tasks', 'team', teamRole, t.tenantId, {
      select: sql`(${actorIsAdmin} or ${t.projectId} in ${staffProjectIds})`,
      insert: sql`(${actorIsAdmin} or ${t.projectId} in ${staffProjectIds})`,
      update: sql`(${actorIsAdmin} or ${t.projectId} in ${staffProjectIds})`,
      delete: sql`(${actorIsAdmin} or ${t.projectId} in ${staffProjectIds})`,
    }),
    // A client reads client-visible tasks of the projects they can read, with `tasks.view` on.
    ...walledPolicies('tasks', 'client', clientRole, t.tenantId, {
      select: sql`${t.clientVisible} and ${t.projectId} in ${readableProjectIds} and ${clientMay('tasks.view')}`,
    }),
  ],
);
