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

/** The projects the signed-in client is assigned to (their own assignment rows only). */
export const clientProjectIds = sql`(select pc.project_id from app.project_clients pc where pc.tenant_id = ${currentTenant} and pc.user_id = ${currentUser})`;

/** The projects the signed-in staff member is assigned to. */
export const staffProjectIds = sql`(select ps.project_id from app.project_staff ps where ps.tenant_id = ${currentTenant} and ps.user_id = ${currentUser})`;

/** The client permissions, exactly those of the client wall (ARCHITECTURE.md). */
export const clientPermissions = [
  'projects',
  'tasks.view',
  'tasks.comment',
  'review',
  'files.download',
  'files.upload',
  'invoices',
  'messages',
] as const;
export type ClientPermission = (typeof clientPermissions)[number];

/**
 * True when the signed-in client is active and holds `permission`. Read from their own row of
 * `app.users` on every statement (an initplan, once), so a change applies on the next request.
 */
export const clientMay = (permission: ClientPermission) =>
  sql`coalesce((select ${sql.raw(`'${permission}'`)} = any(u.permissions) from app.users u where u.tenant_id = ${currentTenant} and u.id = ${currentUser} and u.status = 'active'), false)`;

/** The team's projects: admins reach every one, staff the projects they are assigned to. */
export const teamReaches = (projectId: PgColumn) =>
  sql`(${actorIsAdmin} or ${projectId} in ${staffProjectIds})`;

/** The team reads and writes a project's rows where it reaches the project. */
export const teamRules = (projectId: PgColumn) => {
  const rule = teamReaches(projectId);
  return { select: rule, insert: rule, update: rule, delete: rule };
};

/** The projects a client's policies let them read (the projects table's own client policy applies). */
export const readableProjectIds = sql`(select p.id from app.projects p)`;
