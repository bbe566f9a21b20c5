import { sql } from 'drizzle-orm';
import { check, foreignKey, index, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { app } from './app';
import { clients } from './clients';
import { createdAt, idColumn, tenantIdColumn, tenantWall } from './columns';
import { tenants } from './platform';

export const projectStatuses = ['active', 'completed', 'archived'] as const;

export const projects = app.table(
  'projects',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    clientId: uuid('client_id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    status: text('status', { enum: projectStatuses }).notNull().default('active'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.clientId], foreignColumns: [clients.tenantId, clients.id] }),
    index('projects_tenant_client_idx').on(t.tenantId, t.clientId),
    check('projects_status_known', sql`${t.status} in ('active', 'completed', 'archived')`),
    ...tenantWall('projects', t.tenantId),
  ],
);
