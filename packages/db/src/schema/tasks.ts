import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { app } from './app';
import { createdAt, idColumn, tenantIdColumn, tenantWall } from './columns';
import { tenants } from './platform';
import { projects } from './projects';

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
    ...tenantWall('task_statuses', t.tenantId),
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
    ...tenantWall('tasks', t.tenantId),
  ],
);
