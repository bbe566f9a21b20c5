import { foreignKey, index, primaryKey, text } from 'drizzle-orm/pg-core';
import { app } from './app';
import { createdAt, idColumn, tenantIdColumn, tenantWall } from './columns';
import { tenants } from './platform';

/** A client organisation of an agency. Its people are `users` with role `client`. */
export const clients = app.table(
  'clients',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    index('clients_tenant_name_idx').on(t.tenantId, t.name),
    ...tenantWall('clients', t.tenantId),
  ],
);
