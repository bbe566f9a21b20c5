import { sql } from 'drizzle-orm';
import { type PgColumn, pgPolicy, timestamp, uuid } from 'drizzle-orm/pg-core';
import { teamRole } from './roles';

/** The tenant of the current transaction, or NULL (which matches no row) when none is set. */
export const currentTenant = sql`(select nullif(current_setting('app.tenant_id', true), '')::uuid)`;

export const tenantIdColumn = () => uuid('tenant_id').notNull();
export const idColumn = () => uuid('id').notNull().defaultRandom();
export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/**
 * The tenant wall: one policy per command for the team role. The client wall adds its own,
 * narrower policies per table; rows of another tenant match neither.
 */
export function tenantWall(table: string, tenantId: PgColumn) {
  const own = sql`${tenantId} = ${currentTenant}`;
  return [
    pgPolicy(`${table}_team_select`, { for: 'select', to: teamRole, using: own }),
    pgPolicy(`${table}_team_insert`, { for: 'insert', to: teamRole, withCheck: own }),
    pgPolicy(`${table}_team_update`, { for: 'update', to: teamRole, using: own, withCheck: own }),
    pgPolicy(`${table}_team_delete`, { for: 'delete', to: teamRole, using: own }),
  ];
}
