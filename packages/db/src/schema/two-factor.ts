import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { app } from './app';
import { actorIsAdmin, createdAt, isCurrentUser, tenantIdColumn, updatedAt, walledPolicies } from './columns';
import { clientRole, teamRole } from './roles';
import { users } from './users';

/** How a pending sign-in proved its first factor. */
export const firstFactorMethods = ['password', 'google'] as const;

/**
 * A person's two-factor sign-in (TOTP). Made when set-up starts (`enabled_at` null) and on from
 * the moment a first code confirms it. The secret is sealed with FOYER_SECRET_KEY; recovery codes
 * are kept as SHA-256 hashes and removed from the array as they are used (one UPDATE, so two
 * uses of one code cannot both pass). `last_step` is the TOTP step of the last code accepted: a
 * code of that step or an earlier one is refused. `remember_epoch` is signed into each "remember
 * this browser" cookie; raising it (turning two-factor on or off, a new secret, a password change,
 * "forget remembered browsers") ends every remembered browser at once.
 *
 * People read and change their own row; admins see the team's rows (whether each has it on).
 */
export const twoFactor = app.table(
  'two_factor',
  {
    tenantId: tenantIdColumn(),
    userId: uuid('user_id').notNull(),
    secretSealed: text('secret_sealed').notNull(),
    enabledAt: timestamp('enabled_at', { withTimezone: true }),
    lastStep: bigint('last_step', { mode: 'number' }).notNull().default(0),
    recoveryCodes: text('recovery_codes').array().notNull().default(sql`'{}'::text[]`),
    rememberEpoch: integer('remember_epoch').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    check('two_factor_recovery_codes_count', sql`cardinality(${t.recoveryCodes}) <= 10`),
    ...walledPolicies('two_factor', 'own', [teamRole, clientRole], t.tenantId, {
      select: isCurrentUser(t.userId),
      insert: isCurrentUser(t.userId),
      update: isCurrentUser(t.userId),
      delete: isCurrentUser(t.userId),
    }),
    ...walledPolicies('two_factor', 'admin', teamRole, t.tenantId, { select: actorIsAdmin }),
  ],
);

/**
 * A sign-in whose first factor passed and whose second is awaited: not a session (every row of
 * `app.sessions` is fully signed in). `id` is the SHA-256 of the token in the browser's cookie;
 * it lives ten minutes and is deleted when the second factor passes. Made and redeemed by
 * `app_system` functions, or by the person themself after a first factor proven elsewhere
 * (Google); nobody updates it.
 */
export const pendingSignIns = app.table(
  'pending_sign_ins',
  {
    tenantId: tenantIdColumn(),
    id: text('id').notNull(),
    userId: uuid('user_id').notNull(),
    method: text('method', { enum: firstFactorMethods }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    index('pending_sign_ins_tenant_user_idx').on(t.tenantId, t.userId),
    check('pending_sign_ins_method_known', sql`${t.method} in ('password', 'google')`),
    ...walledPolicies('pending_sign_ins', 'own', [teamRole, clientRole], t.tenantId, {
      select: isCurrentUser(t.userId),
      insert: isCurrentUser(t.userId),
      update: sql`false`,
      delete: isCurrentUser(t.userId),
    }),
  ],
);
