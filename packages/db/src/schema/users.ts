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
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.clientId], foreignColumns: [clients.tenantId, clients.id] }),
    uniqueIndex('users_tenant_email_idx').on(t.tenantId, sql`lower(${t.email})`),
    index('users_tenant_client_idx').on(t.tenantId, t.clientId),
    check('users_role_known', sql`${t.role} in ('admin', 'staff', 'client')`),
    check('users_status_known', sql`${t.status} in ('active', 'deactivated')`),
    check('users_client_iff_client_role', sql`(${t.role} = 'client') = (${t.clientId} is not null)`),
    // The team reads its whole tenant's people; only admins add or remove them, and a member
    // changes only their own row unless they are an admin. Their own row keeps the role they act
    // with (the check applies to the new row too), so staff cannot make themselves admins.
    ...walledPolicies('users', 'team', teamRole, t.tenantId, {
      select: true,
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
