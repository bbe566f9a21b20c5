import { foreignKey, index, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { app } from './app';
import { actorIsAdmin, createdAt, isCurrentUser, tenantIdColumn, walledPolicies } from './columns';
import { clientRole, teamRole } from './roles';
import { users } from './users';

/**
 * Signed-in sessions. `id` is the SHA-256 (hex) of the token in the cookie: the token itself is
 * never stored. People see and end their own sessions; admins may end anyone's in their tenant.
 */
export const sessions = app.table(
  'sessions',
  {
    tenantId: tenantIdColumn(),
    id: text('id').notNull(),
    userId: uuid('user_id').notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    index('sessions_tenant_user_idx').on(t.tenantId, t.userId),
    ...walledPolicies('sessions', 'own', [teamRole, clientRole], t.tenantId, {
      select: isCurrentUser(t.userId),
      insert: isCurrentUser(t.userId),
      update: isCurrentUser(t.userId),
      delete: isCurrentUser(t.userId),
    }),
    ...walledPolicies('sessions', 'admin', teamRole, t.tenantId, {
      select: actorIsAdmin,
      delete: actorIsAdmin,
    }),
  ],
);
