import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  inet,
  jsonb,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { app } from './app';
import {
  actorIsAdmin,
  currentActorKind,
  currentUser,
  idColumn,
  tenantIdColumn,
  walledPolicies,
} from './columns';
import { tenants } from './platform';
import { clientRole, teamRole } from './roles';

/** Who can be behind an entry: a person of the tenant, an API key, the worker, or a visitor. */
export const activityActorKinds = ['admin', 'staff', 'client', 'apikey', 'worker', 'visitor'] as const;

/**
 * What happened in a tenant, one row per user action, written in the same transaction as the
 * change it describes. It holds IP addresses, so only admins read it; runtime roles may only add
 * to it (no UPDATE or DELETE is granted, and there is no policy for either).
 */
export const activity = app.table(
  'activity',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorKind: text('actor_kind', { enum: activityActorKinds }).notNull(),
    /** The user (or API key) who acted; null for the worker and for visitors. */
    actorId: uuid('actor_id'),
    /** The operator behind an impersonation, when there is one. */
    operatorId: uuid('operator_id'),
    /** What was done, `area.action`, e.g. `team.invite` or `auth.sign_in_failed`. */
    verb: text('verb').notNull(),
    subjectType: text('subject_type'),
    subjectId: uuid('subject_id'),
    projectId: uuid('project_id'),
    ip: inet('ip'),
    userAgent: text('user_agent'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    index('activity_tenant_at_idx').on(t.tenantId, t.at.desc()),
    index('activity_tenant_actor_at_idx').on(t.tenantId, t.actorId, t.at.desc()),
    check(
      'activity_actor_kind',
      sql`${t.actorKind} in ('admin', 'staff', 'client', 'apikey', 'worker', 'visitor')`,
    ),
    check('activity_verb_shape', sql`${t.verb} ~ '^[a-z_]+\\.[a-z_.]+$' and length(${t.verb}) <= 80`),
    check('activity_user_agent_length', sql`length(${t.userAgent}) <= 512`),
    // Anyone acting in the tenant adds entries, in their own name only (no name only for those who
    // act without one: the worker, an API key, a visitor); only admins read them.
    ...walledPolicies('activity', 'record', [teamRole, clientRole], t.tenantId, {
      insert: sql`${t.actorKind} = ${currentActorKind} and ${t.actorId} is not distinct from ${currentUser}`,
    }),
    ...walledPolicies('activity', 'admin', teamRole, t.tenantId, { select: actorIsAdmin }),
  ],
);
