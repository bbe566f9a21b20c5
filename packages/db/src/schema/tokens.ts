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
import { actorIsAdmin, createdAt, idColumn, isCurrentUser, tenantIdColumn, walledPolicies } from './columns';
import { clientRole, teamRole } from './roles';
import { users } from './users';

export const userTokenPurposes = ['password_reset', 'email_change', 'handoff', 'email_verify'] as const;

/**
 * Single-use, short-lived tokens sent to a person (reset links, email confirmation, the
 * sign-up hand-off). Only the SHA-256 of the token is stored.
 */
export const userTokens = app.table(
  'user_tokens',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    userId: uuid('user_id').notNull(),
    purpose: text('purpose', { enum: userTokenPurposes }).notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The address being confirmed, for `email_change`. */
    newEmail: text('new_email'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    uniqueIndex('user_tokens_tenant_hash_idx').on(t.tenantId, t.tokenHash),
    index('user_tokens_tenant_user_idx').on(t.tenantId, t.userId),
    check(
      'user_tokens_purpose_known',
      sql`${t.purpose} in ('password_reset', 'email_change', 'handoff', 'email_verify')`,
    ),
    ...walledPolicies('user_tokens', 'own', [teamRole, clientRole], t.tenantId, {
      select: isCurrentUser(t.userId),
      insert: isCurrentUser(t.userId),
      update: isCurrentUser(t.userId),
      delete: isCurrentUser(t.userId),
    }),
  ],
);

export const invitationRoles = ['admin', 'staff', 'client'] as const;

/**
 * A pending invitation. To the team: accepting it creates the user. To a client: the person
 * exists already (`user_id`, added by an admin with their permissions and projects), and
 * accepting it sets their password.
 */
export const invitations = app.table(
  'invitations',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    email: text('email').notNull(),
    role: text('role', { enum: invitationRoles }).notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by'),
    /** The client person invited; null for team invitations. */
    userId: uuid('user_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.invitedBy], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'set null',
    ),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    uniqueIndex('invitations_tenant_hash_idx').on(t.tenantId, t.tokenHash),
    index('invitations_tenant_user_idx').on(t.tenantId, t.userId),
    index('invitations_tenant_email_idx').on(t.tenantId, sql`lower(${t.email})`),
    check('invitations_role_known', sql`${t.role} in ('admin', 'staff', 'client')`),
    check('invitations_client_has_person', sql`(${t.role} = 'client') = (${t.userId} is not null)`),
    ...walledPolicies('invitations', 'admin', teamRole, t.tenantId, {
      select: actorIsAdmin,
      insert: actorIsAdmin,
      update: actorIsAdmin,
      delete: actorIsAdmin,
    }),
  ],
);
