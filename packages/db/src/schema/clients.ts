import { sql } from 'drizzle-orm';
import { foreignKey, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { app } from './app';
import {
  actorIsAdmin,
  createdAt,
  currentTenant,
  currentUser,
  idColumn,
  tenantIdColumn,
  walledPolicies,
} from './columns';
import { tenants } from './platform';
import { clientRole, teamRole } from './roles';

/**
 * A client company of an agency. Its people (contacts) are `users` with role `client` and this
 * `client_id`; each has their own account and permissions. A person added without a company
 * gets one in their own name.
 */
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
    // One company per name, so "Acme" typed twice finds the same company.
    uniqueIndex('clients_tenant_name_idx').on(t.tenantId, sql`lower(${t.name})`),
    // Admins run companies. Staff see the companies of their projects and of the clients on them.
    ...walledPolicies('clients', 'team', teamRole, t.tenantId, {
      select: sql`(${actorIsAdmin} or ${t.id} in (select p.client_id from app.projects p) or ${t.id} in (select u.client_id from app.users u))`,
      insert: actorIsAdmin,
      update: actorIsAdmin,
      delete: actorIsAdmin,
    }),
    // A client sees their own company and no other.
    ...walledPolicies('clients', 'client', clientRole, t.tenantId, {
      select: sql`${t.id} = (select u.client_id from app.users u where u.tenant_id = ${currentTenant} and u.id = ${currentUser})`,
    }),
  ],
);
