import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { app } from './app';
import { clients } from './clients';
import {
  actorIsAdmin,
  actorIsWorker,
  createdAt,
  currentActorKind,
  idColumn,
  isCurrentUser,
  tenantIdColumn,
  walledPolicies,
} from './columns';
import { tenants } from './platform';
import { clientRole, teamRole } from './roles';

export const userRoles = ['admin', 'staff', 'client'] as const;
export const userStatuses = ['active', 'deactivated'] as const;

/** A person in one tenant: email is unique per tenant, case-insensitively. */
export const users = app.table(
  'users',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: userRoles }).notNull(),
    /** Set exactly when role is `client`. */
    clientId: uuid('client_id'),
    /** argon2id PHC string; null until the person sets a password. */
    passwordHash: text('password_hash'),
    status: text('status', { enum: userStatuses }).notNull().default('active'),
    createdAt: createdAt(),
    /** Last sign-in or signed-in request (written at most every few minutes). */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    /** When the person confirmed their address from the verification email. */
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    phone: text('phone'),
    address: text('address'),
    /** The agency's own notes about a client: the client role has no grant on this column. */
    notes: text('notes'),
    /** A client's permissions, exactly those of the client wall; empty for the team. */
    permissions: text('permissions').array().notNull().default(sql`'{}'::text[]`),
    /** When a client dismissed the portal's first-sign-in welcome. */
    welcomeDismissedAt: timestamp('welcome_dismissed_at', { withTimezone: true }),
    /** IANA time zone the person chose; null follows their browser. */
    timeZone: text('time_zone'),
    /** Light, dark or system; null follows the agency's theme. */
    theme: text('theme', { enum: ['light', 'dark', 'system'] }),
    /** The Google account (its `sub`) this person signs in with; set on their first Google sign-in. */
    googleSub: text('google_sub'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.clientId], foreignColumns: [clients.tenantId, clients.id] }),
    uniqueIndex('users_tenant_email_idx').on(t.tenantId, sql`lower(${t.email})`),
    index('users_tenant_client_idx').on(t.tenantId, t.clientId),
    // The admin's client list: keyset pages in name order.
    index('users_tenant_client_name_idx')
      .on(t.tenantId, sql`lower(${t.name})`, t.id)
      .where(sql`${t.role} = 'client'`),
    // One person per Google account in a tenant (the same account may sign in at several agencies).
    uniqueIndex('users_tenant_google_sub_idx')
      .on(t.tenantId, t.googleSub)
      .where(sql`${t.googleSub} is not null`),
    check('users_role_known', sql`${t.role} in ('admin', 'staff', 'client')`),
    check('users_status_known', sql`${t.status} in ('active', 'deactivated')`),
    check('users_client_iff_client_role', sql`(${t.role} = 'client') = (${t.clientId} is not null)`),
    check(
      'users_permissions_known',
      sql`${t.permissions} <@ array['projects', 'tasks.view', 'tasks.comment', 'review', 'files.download', 'files.upload', 'invoices', 'messages']::text[] and (${t.role} = 'client' or ${t.permissions} = '{}'::text[])`,
    ),
    check('users_theme_known', sql`${t.theme} is null or ${t.theme} in ('light', 'dark', 'system')`),
    check('users_time_zone_length', sql`${t.timeZone} is null or length(${t.timeZone}) <= 64`),
    // Admins and the worker (addressing mail) read everyone; staff read the team and the clients on their projects. Only admins add
    // or remove people, and a member changes only their own row unless they are an admin. Their
    // own row keeps the role they act with (the check applies to the new row too), so staff
    // cannot make themselves admins.
    ...walledPolicies('users', 'team', teamRole, t.tenantId, {
      select: sql`(${actorIsAdmin} or ${actorIsWorker} or ${t.role} <> 'client' or ${t.id} in (select pc.user_id from app.project_clients pc))`,
      insert: actorIsAdmin,
      update: sql`((${isCurrentUser(t.id)} and ${t.role} = ${currentActorKind}) or ${actorIsAdmin})`,
      delete: actorIsAdmin,
    }),
    // A client sees and edits only their own account (column grants narrow the edit further).
    ...walledPolicies('users', 'client', clientRole, t.tenantId, {
      select: isCurrentUser(t.id),
      update: isCurrentUser(t.id),
    }),
  ],
);
