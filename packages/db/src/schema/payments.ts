import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
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
import {
  actorIsAdmin,
  actorIsWorker,
  clientMay,
  createdAt,
  currentUser,
  idColumn,
  tenantIdColumn,
  updatedAt,
  walledPolicies,
} from './columns';
import { invoices } from './invoicing';
import { platform, tenants } from './platform';
import { clientRole, teamRole } from './roles';

export const paymentGatewayKinds = ['stripe', 'paypal', 'twocheckout'] as const;
export type PaymentGatewayKind = (typeof paymentGatewayKinds)[number];
/** Through the platform's Stripe Connect, or with the agency's own credentials. */
export const paymentConnections = ['connect', 'keys'] as const;
export type PaymentConnection = (typeof paymentConnections)[number];

/**
 * A payment gateway an agency connected: one per kind. Its credentials are sealed with
 * FOYER_SECRET_KEY (the purpose names the tenant and gateway) and never granted to clients.
 * Notifications arrive at `/webhooks/<kind>/<endpoint_id>` (own credentials) or at the platform's
 * Connect endpoint, whose events name `account_ref`; `platform.payment_routes` (kept by a
 * trigger) finds the tenant from either before anything in the notification is trusted.
 */
export const paymentGateways = app.table(
  'payment_gateways',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    kind: text('kind', { enum: paymentGatewayKinds }).notNull(),
    connection: text('connection', { enum: paymentConnections }).notNull(),
    mode: text('mode', { enum: ['test', 'live'] }).notNull(),
    /** The gateway's id for the agency's account (a Connect account `acct_…`), when it has one. */
    accountRef: text('account_ref'),
    /** Sealed JSON of the agency's own credentials; null through Connect. */
    credentials: text('credentials'),
    endpointId: uuid('endpoint_id').notNull().defaultRandom(),
    /** Can take payments (onboarding finished, the last check passed). */
    ready: boolean('ready').notNull().default(false),
    /** Offered to clients as a way to pay. */
    offered: boolean('offered').notNull().default(true),
    /** The account as the gateway names it, from the last check. */
    label: text('label').notNull().default(''),
    checkedAt: timestamp('checked_at', { withTimezone: true }),
    checkError: text('check_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    uniqueIndex('payment_gateways_kind_idx').on(t.tenantId, t.kind),
    check('payment_gateways_kind_known', sql`${t.kind} in ('stripe', 'paypal', 'twocheckout')`),
    check('payment_gateways_connection_known', sql`${t.connection} in ('connect', 'keys')`),
    check('payment_gateways_mode_known', sql`${t.mode} in ('test', 'live')`),
    check(
      'payment_gateways_credentials_shape',
      sql`(${t.connection} = 'connect' and ${t.accountRef} is not null) or (${t.connection} = 'keys' and ${t.credentials} is not null)`,
    ),
    check(
      'payment_gateways_text_lengths',
      sql`length(${t.accountRef}) <= 200 and length(${t.credentials}) <= 4000 and length(${t.label}) <= 200 and length(${t.checkError}) <= 500`,
    ),
    // The admins connect gateways; the worker reads them to apply notifications and marks an
    // account ready when the gateway says so.
    ...walledPolicies('payment_gateways', 'team', teamRole, t.tenantId, {
      select: sql`(${actorIsAdmin} or ${actorIsWorker})`,
      insert: actorIsAdmin,
      update: sql`(${actorIsAdmin} or ${actorIsWorker})`,
      delete: actorIsAdmin,
    }),
    // A client who may see invoices learns which ways to pay are offered (a few columns only).
    ...walledPolicies('payment_gateways', 'client', clientRole, t.tenantId, {
      select: sql`${t.ready} and ${t.offered} and ${clientMay('invoices')}`,
    }),
  ],
);

export const paymentCheckoutStatuses = ['open', 'paid', 'failed'] as const;

/**
 * A client's attempt to pay (part of) an invoice through a gateway: made before the payer goes to
 * the gateway's hosted page, so the payment that comes back is matched to the invoice, the amount
 * and the person, and the page they return to can say how it stands.
 */
export const paymentCheckouts = app.table(
  'payment_checkouts',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    invoiceId: uuid('invoice_id').notNull(),
    gatewayId: uuid('gateway_id').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    /** The gateway's id for the checkout, once it answered. */
    externalRef: text('external_ref'),
    /** The gateway's id for the payment, once paid. */
    paymentRef: text('payment_ref'),
    status: text('status', { enum: paymentCheckoutStatuses }).notNull().default('open'),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.invoiceId],
      foreignColumns: [invoices.tenantId, invoices.id],
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.gatewayId],
      foreignColumns: [paymentGateways.tenantId, paymentGateways.id],
    }).onDelete('cascade'),
    index('payment_checkouts_invoice_idx').on(t.tenantId, t.invoiceId, t.createdAt),
    index('payment_checkouts_payment_idx').on(t.tenantId, t.gatewayId, t.paymentRef),
    check('payment_checkouts_status_known', sql`${t.status} in ('open', 'paid', 'failed')`),
    check(
      'payment_checkouts_amount_positive',
      sql`${t.amountMinor} > 0 and ${t.amountMinor} <= 10000000000000`,
    ),
    check('payment_checkouts_currency_shape', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check(
      'payment_checkouts_ref_lengths',
      sql`length(${t.externalRef}) <= 255 and length(${t.paymentRef}) <= 255`,
    ),
    ...walledPolicies('payment_checkouts', 'team', teamRole, t.tenantId, {
      select: sql`(${actorIsAdmin} or ${actorIsWorker})`,
      update: actorIsWorker,
      delete: actorIsAdmin,
    }),
    // A client starts a checkout for an invoice they can read, as themselves, and reads their own.
    ...walledPolicies('payment_checkouts', 'client', clientRole, t.tenantId, {
      select: sql`${t.createdBy} = ${currentUser}`,
      // Through a gateway offered to them, in the invoice's currency, for at most its balance.
      insert: sql`${t.createdBy} = ${currentUser} and ${t.status} = 'open' and ${t.externalRef} is null and ${t.paymentRef} is null and ${t.gatewayId} in (select g.id from app.payment_gateways g) and ${t.invoiceId} in (select i.id from app.invoices i where i.currency = ${t.currency} and i.voided_at is null and i.total_minor - i.paid_minor + i.refunded_minor >= ${t.amountMinor})`,
    }),
  ],
);

export const gatewayEventOutcomes = ['applied', 'ignored', 'flagged'] as const;
export type GatewayEventOutcome = (typeof gatewayEventOutcomes)[number];

/**
 * Every verified notification a gateway sent, once: its id is stored in the same transaction as
 * its effect, so a replay finds it and changes nothing. `flagged` is an event that could not be
 * applied as it stands (a payment for a void invoice, a currency that does not match) and waits
 * for an admin; `ignored` is one that concerns nothing of ours.
 */
export const gatewayEvents = app.table(
  'gateway_events',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    gatewayId: uuid('gateway_id').notNull(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    outcome: text('outcome', { enum: gatewayEventOutcomes }).notNull(),
    invoiceId: uuid('invoice_id'),
    amountMinor: bigint('amount_minor', { mode: 'number' }),
    currency: text('currency'),
    detail: text('detail').notNull().default(''),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.gatewayId],
      foreignColumns: [paymentGateways.tenantId, paymentGateways.id],
    }).onDelete('cascade'),
    uniqueIndex('gateway_events_once_idx').on(t.tenantId, t.gatewayId, t.eventId),
    index('gateway_events_invoice_idx').on(t.tenantId, t.invoiceId, t.receivedAt),
    index('gateway_events_flagged_idx').on(t.tenantId, t.receivedAt).where(sql`${t.outcome} = 'flagged'`),
    check('gateway_events_outcome_known', sql`${t.outcome} in ('applied', 'ignored', 'flagged')`),
    check(
      'gateway_events_text_lengths',
      sql`length(${t.eventId}) between 1 and 255 and length(${t.type}) <= 100 and length(${t.detail}) <= 1000`,
    ),
    ...walledPolicies('gateway_events', 'team', teamRole, t.tenantId, {
      select: sql`(${actorIsAdmin} or ${actorIsWorker})`,
      insert: actorIsWorker,
    }),
  ],
);

/**
 * Where a gateway's notification belongs: its endpoint id, or (Connect) its kind and account id,
 * to the tenant and gateway. Kept by `app_system.payment_gateway_routes` on every change to
 * `app.payment_gateways`; read by `app_system.payment_route` before any tenant is known.
 */
export const paymentRoutes = platform.table(
  'payment_routes',
  {
    endpointId: uuid('endpoint_id').primaryKey(),
    kind: text('kind').notNull(),
    accountRef: text('account_ref'),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    gatewayId: uuid('gateway_id').notNull(),
  },
  (t) => [
    // One agency per connected account.
    uniqueIndex('payment_routes_account_idx')
      .on(t.kind, t.accountRef)
      .where(sql`${t.accountRef} is not null`),
    index('payment_routes_tenant_idx').on(t.tenantId),
  ],
);
