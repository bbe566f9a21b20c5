import { type SQL, sql } from 'drizzle-orm';
import { type PgColumn, pgPolicy, timestamp, uuid } from 'drizzle-orm/pg-core';
import { teamRole } from './roles';

/** The tenant of the current transaction, or NULL (which matches no row) when none is set. */
export const currentTenant = sql`(select nullif(current_setting('app.tenant_id', true), '')::uuid)`;

/** The signed-in user of the current transaction, or NULL. */
export const currentUser = sql`(select nullif(current_setting('app.user_id', true), '')::uuid)`;

/** The actor kind of the current transaction (`admin`, `staff`, `client`, `apikey`, `worker`), or ''. */
export const currentActorKind = sql`(select current_setting('app.role', true))`;

export const tenantIdColumn = () => uuid('tenant_id').notNull();
export const idColumn = () => uuid('id').notNull().defaultRandom();
export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

type PolicyRole = typeof teamRole;

/** Extra conditions per command, each ANDed with the tenant check; a missing command gets no policy. */
export interface PolicyRules {
  select?: SQL | true;
  insert?: SQL | true;
  update?: SQL | true;
  delete?: SQL | true;
}

/**
 * Policies for one audience of a table. Every policy starts from the tenant wall, so a rule can
 * only narrow what the tenant may see, never widen it.
 */
export function walledPolicies(
  table: string,
  audience: string,
  to: PolicyRole | PolicyRole[],
  tenantId: PgColumn,
  rules: PolicyRules,
) {
  const condition = (extra: SQL | true) => {
    const own = sql`${tenantId} = ${currentTenant}`;
    return extra === true ? own : sql`${own} and ${extra}`;
  };
  const name = (command: string) => `${table}_${audience}_${command}`;
  const policies = [];
  if (rules.select)
    policies.push(pgPolicy(name('select'), { for: 'select', to, using: condition(rules.select) }));
  if (rules.insert)
    policies.push(pgPolicy(name('insert'), { for: 'insert', to, withCheck: condition(rules.insert) }));
  if (rules.update) {
    const c = condition(rules.update);
    policies.push(pgPolicy(name('update'), { for: 'update', to, using: c, withCheck: c }));
  }
  if (rules.delete)
    policies.push(pgPolicy(name('delete'), { for: 'delete', to, using: condition(rules.delete) }));
  return policies;
}

/** The tenant wall alone: the team role may do anything within its tenant. */
export function tenantWall(table: string, tenantId: PgColumn) {
  return walledPolicies(table, 'team', teamRole, tenantId, {
    select: true,
    insert: true,
    update: true,
    delete: true,
  });
}

/** `<column> = the signed-in user`. */
export const isCurrentUser = (column: PgColumn) => sql`${column} = ${currentUser}`;

/** True when the actor of the transaction is an agency admin. */
export const actorIsAdmin = sql`${currentActorKind} = 'admin'`;

/** True when the transaction is the worker delivering mail or running jobs for one tenant. */
export const actorIsWorker = sql`${currentActorKind} = 'worker'`;
