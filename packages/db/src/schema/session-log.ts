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
import { actorIsAdmin, idColumn, tenantIdColumn, walledPolicies } from './columns';
import { teamRole } from './roles';
import { users } from './users';

/** Why a session ended, as the DELETE trigger on app.sessions could tell. */
export const sessionEndReasons = [
  'signed_out',
  'expired',
  'ended_by_admin',
  'password_change',
  'password_reset',
  'ended',
] as const;
export type SessionEndReason = (typeof sessionEndReasons)[number];

/**
 * The history of signed-in sessions, for admins watching client activity: a row per session,
 * kept by AFTER triggers on app.sessions (opened, seen, ended), since a session row is deleted
 * when it ends. `session_key` is the SHA-256 of the session's id (itself a token hash), so the
 * log never holds what names a live session. Only admins read it; nobody writes it but the
 * triggers (no grant), and the retention job clears `ip` and `user_agent` of old rows.
 */
export const sessionLog = app.table(
  'session_log',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    sessionKey: text('session_key').notNull(),
    userId: uuid('user_id').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endReason: text('end_reason', { enum: sessionEndReasons }),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    uniqueIndex('session_log_tenant_key_idx').on(t.tenantId, t.sessionKey),
    index('session_log_tenant_user_started_idx').on(t.tenantId, t.userId, t.startedAt.desc()),
    check(
      'session_log_end_reason',
      sql`${t.endReason} is null or ${t.endReason} in ('signed_out', 'expired', 'ended_by_admin', 'password_change', 'password_reset', 'ended')`,
    ),
    ...walledPolicies('session_log', 'admin', teamRole, t.tenantId, { select: actorIsAdmin }),
  ],
);
