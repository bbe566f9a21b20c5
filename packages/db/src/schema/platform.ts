import { SLUG_PATTERN } from '@foyer/names';
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  index,
  integer,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt } from './columns';

/** Global tables. Runtime roles cannot read this schema; only app_system functions can. */
export const platform = pgSchema('platform');

export const tenantStatus = ['active', 'suspended'] as const;

export const tenants = platform.table(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    status: text('status', { enum: tenantStatus }).notNull().default('active'),
    createdAt: createdAt(),
    suspendedAt: timestamp('suspended_at', { withTimezone: true }),
    /**
     * Emails the tenant may send per UTC day, counted in `email_usage` when the worker sends.
     * Operators raise it (or set 0 to pause a tenant's email); see mail/policy.ts.
     */
    emailDailyLimit: integer('email_daily_limit').notNull().default(200),
  },
  (t) => [
    check('tenants_slug_format', sql`${t.slug} ~ ${sql.raw(`'${SLUG_PATTERN}'`)}`),
    check('tenants_status_known', sql`${t.status} in ('active', 'suspended')`),
    check('tenants_email_daily_limit_range', sql`${t.emailDailyLimit} between 0 and 1000000`),
  ],
);

/**
 * Emails sent per tenant and UTC day, counted by `app_system.email_quota_take` in one statement
 * that cannot pass the limit however many workers send at once.
 */
export const emailUsage = platform.table(
  'email_usage',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    sent: integer('sent').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day] })],
);

/**
 * Custom domains. A domain is routed only once `verified_at` is set. Several tenants may claim
 * one hostname, each with its own token, so nobody can take another's claim away by claiming
 * it again; the first to verify owns it (one verified row per hostname) and the others lapse.
 */
export const domains = platform.table(
  'domains',
  {
    hostname: text('hostname').notNull(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    verificationToken: text('verification_token').notNull(),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    createdAt: createdAt(),
    /** Last DNS check (the admin's "Verify" or the periodic re-verification) and what it found. */
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
    lastError: text('last_error'),
  },
  (t) => [
    primaryKey({ columns: [t.hostname, t.tenantId] }),
    uniqueIndex('domains_verified_hostname_idx').on(t.hostname).where(sql`${t.verifiedAt} is not null`),
    index('domains_tenant_idx').on(t.tenantId),
    check('domains_hostname_lowercase', sql`${t.hostname} = lower(${t.hostname})`),
  ],
);

/** People who run the platform. They belong to no tenant. */
export const operators = platform.table(
  'operators',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: createdAt(),
    /** Set by `foyer operators disable`: no sign-in, and every session ended with it. */
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    /** The latest sign-in; `operators list` shows it, as sessions are deleted on sign-out. */
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('operators_email_idx').on(sql`lower(${t.email})`)],
);

export const operatorSessions = platform.table(
  'operator_sessions',
  {
    /** SHA-256 (hex) of the cookie's token. */
    id: text('id').primaryKey(),
    operatorId: uuid('operator_id')
      .notNull()
      .references(() => operators.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('operator_sessions_operator_idx').on(t.operatorId)],
);

/**
 * An operator's two-factor sign-in (issue #19), as `app.two_factor` is a tenant person's: the TOTP
 * secret sealed with FOYER_SECRET_KEY, the last step used, hashed recovery codes and the remember
 * epoch. Reached only through `app_system` functions that name the operator's session.
 */
export const operatorTwoFactor = platform.table('operator_two_factor', {
  operatorId: uuid('operator_id')
    .primaryKey()
    .references(() => operators.id, { onDelete: 'cascade' }),
  secretSealed: text('secret_sealed').notNull(),
  enabledAt: timestamp('enabled_at', { withTimezone: true }),
  lastStep: bigint('last_step', { mode: 'number' }).notNull().default(0),
  recoveryCodes: text('recovery_codes').array().notNull().default(sql`'{}'::text[]`),
  rememberEpoch: integer('remember_epoch').notNull().default(0),
  createdAt: createdAt(),
});

/** An operator's sign-in waiting for its second factor: ten minutes, single use, not a session. */
export const operatorPendingSignIns = platform.table(
  'operator_pending_sign_ins',
  {
    /** SHA-256 (hex) of the cookie's token. */
    id: text('id').primaryKey(),
    operatorId: uuid('operator_id')
      .notNull()
      .references(() => operators.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('operator_pending_sign_ins_operator_idx').on(t.operatorId)],
);

/** Fixed-window counters for throttling sign-ins and reset requests, by account and by IP. */
export const throttle = platform.table(
  'throttle',
  {
    key: text('key').primaryKey(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    hits: integer('hits').notNull(),
  },
  // The purge job deletes by window start; keys are attacker-chosen, so the table must not grow forever.
  (t) => [index('throttle_window_start_idx').on(t.windowStart)],
);

/**
 * Periodic jobs (overdue invoices, reminders, domain re-verification, digests). A tick is
 * claimed with one conditional UPDATE, so across nodes at most one runner gets each tick.
 */
export const scheduledJobs = platform.table('scheduled_jobs', {
  name: text('name').primaryKey(),
  nextRunAt: timestamp('next_run_at', { withTimezone: true }).notNull(),
  lastStartedAt: timestamp('last_started_at', { withTimezone: true }),
  lastFinishedAt: timestamp('last_finished_at', { withTimezone: true }),
  lastError: text('last_error'),
});
