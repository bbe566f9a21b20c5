import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { app } from './app';
import {
  actorIsAdmin,
  actorIsWorker,
  createdAt,
  idColumn,
  isCurrentUser,
  tenantIdColumn,
  updatedAt,
  walledPolicies,
} from './columns';
import { tenants } from './platform';
import { clientRole, teamRole } from './roles';
import { users } from './users';

export const emailDeliveries = ['platform', 'smtp'] as const;
export const smtpSecurities = ['tls', 'starttls', 'none'] as const;

/**
 * How an agency's email goes out: its sender name and reply-to, and either the platform's
 * sending or its own SMTP server. The SMTP password is sealed with FOYER_SECRET_KEY.
 */
export const emailSettings = app.table(
  'email_settings',
  {
    tenantId: tenantIdColumn(),
    senderName: text('sender_name'),
    replyTo: text('reply_to'),
    /** From: address for the agency's own SMTP server (the platform's sending uses its own). */
    fromAddress: text('from_address'),
    delivery: text('delivery', { enum: emailDeliveries }).notNull().default('platform'),
    smtpHost: text('smtp_host'),
    smtpPort: integer('smtp_port'),
    smtpSecurity: text('smtp_security', { enum: smtpSecurities }),
    smtpUsername: text('smtp_username'),
    /** `v1:<base64 iv|tag|ciphertext>`; never shown again once saved. */
    smtpPasswordSealed: text('smtp_password_sealed'),
    /** The agency's own sending domain on the platform's Resend account, once asked for. */
    sendingDomain: text('sending_domain'),
    resendDomainId: text('resend_domain_id'),
    sendingDomainStatus: text('sending_domain_status'),
    /** The DNS records Resend asks for (SPF, DKIM…), as it returned them. */
    sendingDomainRecords: jsonb('sending_domain_records'),
    sendingDomainCheckedAt: timestamp('sending_domain_checked_at', { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    check('email_settings_delivery_known', sql`${t.delivery} in ('platform', 'smtp')`),
    check(
      'email_settings_smtp_security_known',
      sql`${t.smtpSecurity} is null or ${t.smtpSecurity} in ('tls', 'starttls', 'none')`,
    ),
    check(
      'email_settings_smtp_complete',
      sql`${t.delivery} <> 'smtp' or (${t.smtpHost} is not null and ${t.smtpPort} is not null and ${t.smtpSecurity} is not null and ${t.fromAddress} is not null)`,
    ),
    ...walledPolicies('email_settings', 'admin', teamRole, t.tenantId, {
      select: sql`(${actorIsAdmin} or ${actorIsWorker})`,
      insert: actorIsAdmin,
      update: actorIsAdmin,
      delete: actorIsAdmin,
    }),
  ],
);

/** An agency's override of one default template; no row means the default is used. */
export const emailTemplates = app.table(
  'email_templates',
  {
    tenantId: tenantIdColumn(),
    template: text('template').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    updatedBy: uuid('updated_by'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.template] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.updatedBy], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'set null',
    ),
    ...walledPolicies('email_templates', 'admin', teamRole, t.tenantId, {
      select: sql`(${actorIsAdmin} or ${actorIsWorker})`,
      insert: actorIsAdmin,
      update: actorIsAdmin,
      delete: actorIsAdmin,
    }),
  ],
);

export const outboxStatuses = ['queued', 'sending', 'sent', 'failed', 'suppressed'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

/**
 * Every email, written in the same transaction as the change that caused it and delivered by
 * the worker. It doubles as the email log. Rows are claimed across tenants only through
 * `app_system.outbox_claim`, and settled through `app_system.outbox_settle`.
 */
export const outbox = app.table(
  'outbox',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    template: text('template').notNull(),
    /** Recipient: a person of the tenant (address read at send time) or an explicit address. */
    userId: uuid('user_id'),
    toAddress: text('to_address'),
    /** Notification event for preference checks; null for account mail that always goes out. */
    event: text('event'),
    vars: jsonb('vars').notNull().default(sql`'{}'::jsonb`),
    status: text('status', { enum: outboxStatuses }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    claimId: uuid('claim_id'),
    /** Where it went and what the server said, for the log. */
    recipient: text('recipient'),
    transport: text('transport'),
    response: text('response'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    check('outbox_status_known', sql`${t.status} in ('queued', 'sending', 'sent', 'failed', 'suppressed')`),
    check('outbox_has_recipient', sql`${t.userId} is not null or ${t.toAddress} is not null`),
    index('outbox_tenant_created_idx').on(t.tenantId, t.createdAt.desc()),
    // A person's latest email of a kind (a client's invitation and its delivery state).
    index('outbox_tenant_user_idx').on(t.tenantId, t.userId, t.template, t.createdAt.desc()),
    // Only pending rows: small however large the log grows, so the cross-tenant claim scans it whole.
    index('outbox_tenant_pending_idx')
      .on(t.tenantId, t.nextAttemptAt)
      .where(sql`${t.status} in ('queued', 'sending')`),
    // Anyone acting in the tenant may cause an email; only admins read, retry or delete the log.
    ...walledPolicies('outbox', 'team', teamRole, t.tenantId, {
      select: sql`(${actorIsAdmin} or ${actorIsWorker})`,
      insert: true,
      update: actorIsAdmin,
      delete: actorIsAdmin,
    }),
    ...walledPolicies('outbox', 'client', clientRole, t.tenantId, { insert: true }),
  ],
);

/** The bell: one row per person and event. Each person sees only their own. */
export const notifications = app.table(
  'notifications',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    userId: uuid('user_id').notNull(),
    event: text('event').notNull(),
    title: text('title').notNull(),
    body: text('body'),
    /** Same-origin path of the item, e.g. `/projects/…`. */
    link: text('link'),
    readAt: timestamp('read_at', { withTimezone: true }),
    /** When the offline digest carried it (notices whose event the person gets as a digest). */
    digestedAt: timestamp('digested_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    index('notifications_tenant_user_created_idx').on(t.tenantId, t.userId, t.createdAt.desc()),
    index('notifications_tenant_user_unread_idx').on(t.tenantId, t.userId).where(sql`${t.readAt} is null`),
    // What the digest job may still carry, across tenants: unread and not yet in a digest.
    index('notifications_digest_pending_idx')
      .on(t.tenantId, t.createdAt)
      .where(sql`${t.readAt} is null and ${t.digestedAt} is null`),
    check('notifications_link_relative', sql`${t.link} is null or ${t.link} ~ '^/[^/\\\\]'`),
    // Reading and marking are one's own. The team may notify anyone in its tenant; a client only
    // themselves (what a client's act tells others is the database's or the worker's to write).
    ...walledPolicies('notifications', 'own', [teamRole, clientRole], t.tenantId, {
      select: isCurrentUser(t.userId),
      update: isCurrentUser(t.userId),
      delete: isCurrentUser(t.userId),
    }),
    ...walledPolicies('notifications', 'team', teamRole, t.tenantId, { insert: true }),
    ...walledPolicies('notifications', 'client', clientRole, t.tenantId, { insert: isCurrentUser(t.userId) }),
  ],
);

/**
 * How a notification's email reaches a person: at once, in the offline digest of what they
 * missed, or not at all (the bell still shows it).
 */
export const notificationDeliveries = ['instant', 'digest', 'off'] as const;
export type NotificationDelivery = (typeof notificationDeliveries)[number];

/** Per person and event: how its email is delivered (no row: the event's default). */
export const notificationPreferences = app.table(
  'notification_preferences',
  {
    tenantId: tenantIdColumn(),
    userId: uuid('user_id').notNull(),
    event: text('event').notNull(),
    delivery: text('delivery', { enum: notificationDeliveries }).notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId, t.event] }),
    check('notification_preferences_delivery', sql`${t.delivery} in ('instant', 'digest', 'off')`),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    ...walledPolicies('notification_preferences', 'own', [teamRole, clientRole], t.tenantId, {
      select: sql`(${isCurrentUser(t.userId)} or ${actorIsWorker})`,
      insert: isCurrentUser(t.userId),
      update: isCurrentUser(t.userId),
      delete: isCurrentUser(t.userId),
    }),
  ],
);

/** How often a person gets the summary of their projects: never, each morning, each Monday. */
export const summaryFrequencies = ['off', 'daily', 'weekly'] as const;
export type SummaryFrequency = (typeof summaryFrequencies)[number];

/**
 * A person's summary email: how often (no row: weekly) and when the last went out, which the
 * job claims so that two workers send one.
 */
export const emailSummaries = app.table(
  'email_summaries',
  {
    tenantId: tenantIdColumn(),
    userId: uuid('user_id').notNull(),
    frequency: text('frequency', { enum: summaryFrequencies }).notNull(),
    lastSentAt: timestamp('last_sent_at', { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    check('email_summaries_frequency', sql`${t.frequency} in ('off', 'daily', 'weekly')`),
    ...walledPolicies('email_summaries', 'own', [teamRole, clientRole], t.tenantId, {
      select: isCurrentUser(t.userId),
      insert: isCurrentUser(t.userId),
      update: isCurrentUser(t.userId),
      delete: isCurrentUser(t.userId),
    }),
  ],
);
