import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  type PgColumn,
  pgPolicy,
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
  clientMay,
  createdAt,
  currentTenant,
  currentUser,
  idColumn,
  tenantIdColumn,
  updatedAt,
  walledPolicies,
} from './columns';
import { tenants } from './platform';
import { projects } from './projects';
import { clientRole, teamRole } from './roles';
import { users } from './users';

/** What only admins see and change: invoicing is the agency's business, not its staff's or clients'. */
const adminOnly = { select: actorIsAdmin, insert: actorIsAdmin, update: actorIsAdmin, delete: actorIsAdmin };

/**
 * A tenant's invoicing settings: one row per tenant, made when first saved. Invoice numbers are
 * the prefix and the next number of the sequence, taken when an invoice is issued (drafts have
 * none). Reminders follow the schedule: days before the due date, on it, and every N days after.
 */
export const invoiceSettings = app.table(
  'invoice_settings',
  {
    tenantId: tenantIdColumn().primaryKey(),
    numberPrefix: text('number_prefix').notNull().default('INV-'),
    /** Digits the sequence is padded to (INV-0042 with 4). */
    numberWidth: integer('number_width').notNull().default(4),
    /** The sequence number the next issued invoice takes. */
    nextNumber: integer('next_number').notNull().default(1),
    /** ISO 4217 code new invoices start in. */
    defaultCurrency: text('default_currency').notNull().default('USD'),
    /** Days from the issue date to the due date of new invoices. */
    defaultDueDays: integer('default_due_days').notNull().default(30),
    /** Reminders: this many days before the due date (0 for none)… */
    remindDaysBefore: integer('remind_days_before').notNull().default(3),
    /** …on the due date… */
    remindOnDueDate: boolean('remind_on_due_date').notNull().default(true),
    /** …and every this many days after it until paid (0 for never). */
    remindEveryDaysAfter: integer('remind_every_days_after').notNull().default(7),
    /** Clients paying online may pay part of the balance (otherwise Pay Now asks for all of it). */
    partialPayments: boolean('partial_payments').notNull().default(false),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    check('invoice_settings_prefix_shape', sql`${t.numberPrefix} ~ '^[A-Za-z0-9/_-]{1,20}$'`),
    check('invoice_settings_number_width_range', sql`${t.numberWidth} between 1 and 10`),
    check('invoice_settings_next_number_positive', sql`${t.nextNumber} >= 1`),
    check('invoice_settings_currency_shape', sql`${t.defaultCurrency} ~ '^[A-Z]{3}$'`),
    check('invoice_settings_due_days_range', sql`${t.defaultDueDays} between 0 and 365`),
    check(
      'invoice_settings_reminders_range',
      sql`${t.remindDaysBefore} between 0 and 60 and ${t.remindEveryDaysAfter} between 0 and 60`,
    ),
    // The worker takes the next number when it sends a retainer's copy.
    ...walledPolicies('invoice_settings', 'team', teamRole, t.tenantId, {
      ...adminOnly,
      select: sql`(${actorIsAdmin} or ${actorIsWorker})`,
      insert: sql`(${actorIsAdmin} or ${actorIsWorker})`,
      update: sql`(${actorIsAdmin} or ${actorIsWorker})`,
    }),
    // A client paying online learns whether part of the balance will do (one column is granted).
    ...walledPolicies('invoice_settings', 'client', clientRole, t.tenantId, {
      select: clientMay('invoices'),
    }),
  ],
);

/**
 * A tenant's tax rates (VAT 20 %, GST 10 % inclusive…). An invoice line keeps the name and rate
 * it was taxed at, so changing or archiving a rate never changes an issued invoice.
 */
export const taxRates = app.table(
  'tax_rates',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    /** 20 % is 2000. */
    rateBasisPoints: integer('rate_basis_points').notNull(),
    /** Prices already contain the tax (inclusive) or it is added to them (exclusive). */
    inclusive: boolean('inclusive').notNull().default(false),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    index('tax_rates_tenant_name_idx').on(t.tenantId, t.name),
    check('tax_rates_name_length', sql`length(btrim(${t.name})) between 1 and 100`),
    check('tax_rates_rate_range', sql`${t.rateBasisPoints} between 0 and 100000`),
    ...walledPolicies('tax_rates', 'team', teamRole, t.tenantId, adminOnly),
  ],
);

export const invoiceDiscountKinds = ['percent', 'amount'] as const;
export const invoiceRepeats = ['month', 'quarter'] as const;
export type InvoiceRepeat = (typeof invoiceRepeats)[number];
export type InvoiceDiscountKind = (typeof invoiceDiscountKinds)[number];

/** A line's tax as it was applied: the rate's name and size are kept with the line. */
export interface InvoiceLineTax {
  taxRateId: string;
  name: string;
  rateBasisPoints: number;
  inclusive: boolean;
  minor: number;
}

/** One rate's tax over a whole invoice, as stored with it. */
export interface InvoiceTaxTotal {
  taxRateId: string;
  name: string;
  rateBasisPoints: number;
  inclusive: boolean;
  minor: number;
}

/** A discount is none, a percentage in basis points (0–100 %), or an amount of minor units. */
const discountShape = (kind: PgColumn, value: PgColumn) =>
  sql`(${kind} is null and ${value} is null) or (${kind} = 'percent' and ${value} between 0 and 10000) or (${kind} = 'amount' and ${value} >= 0)`;

/** Addressed to the signed-in client: to their company, or to them by name. */
const addressedToClient = (clientId: PgColumn, contactId: PgColumn) =>
  sql`(${clientId} = (select u.client_id from app.users u where u.tenant_id = ${currentTenant} and u.id = ${currentUser}) or ${contactId} = ${currentUser})`;

/**
 * An invoice, addressed to a client company and optionally one of its contacts, optionally for a
 * project. Its figures (`subtotal_minor` … `total_minor`, the lines' and `taxes`) are computed by
 * `@foyer/billing` when the draft is saved and stored, so the screen, the PDF and the database
 * show the same numbers. A draft has no number; issuing takes the next one from
 * `invoice_settings` under its row lock, so two issues at once never share or skip a number.
 * The status is derived (`app.invoice_status`), from the facts stored here: issued, voided,
 * viewed, the due date and the payments' sums.
 */
export const invoices = app.table(
  'invoices',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    clientId: uuid('client_id').notNull(),
    /** The contact it is addressed to, when one; every contact of the company with `invoices` sees it. */
    contactId: uuid('contact_id'),
    projectId: uuid('project_id'),
    /** Null while a draft. */
    number: text('number'),
    currency: text('currency').notNull(),
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    /** Who it is addressed to as printed: the company (and contact), kept with the invoice. */
    buyerName: text('buyer_name').notNull(),
    /** Their address and tax id, as printed. */
    buyerDetails: text('buyer_details').notNull().default(''),
    discountKind: text('discount_kind', { enum: invoiceDiscountKinds }),
    /** Basis points for a percentage (10 % is 1000), minor units for an amount. */
    discountValue: bigint('discount_value', { mode: 'number' }),
    notes: text('notes').notNull().default(''),
    terms: text('terms').notNull().default(''),
    subtotalMinor: bigint('subtotal_minor', { mode: 'number' }).notNull().default(0),
    discountMinor: bigint('discount_minor', { mode: 'number' }).notNull().default(0),
    taxMinor: bigint('tax_minor', { mode: 'number' }).notNull().default(0),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull().default(0),
    taxes: jsonb('taxes').$type<InvoiceTaxTotal[]>().notNull().default(sql`'[]'::jsonb`),
    /** Sums of the recorded payments and refunds, kept with each one recorded. */
    paidMinor: bigint('paid_minor', { mode: 'number' }).notNull().default(0),
    refundedMinor: bigint('refunded_minor', { mode: 'number' }).notNull().default(0),
    issuedAt: timestamp('issued_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** The first time an addressed client opened it (their one column grant). */
    viewedAt: timestamp('viewed_at', { withTimezone: true }),
    /** When the overdue job first found it past due and unpaid. */
    overdueAt: timestamp('overdue_at', { withTimezone: true }),
    /** When the payments first reached the total. */
    paidAt: timestamp('paid_at', { withTimezone: true }),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidReason: text('void_reason'),
    /**
     * A retainer: a copy of this invoice is made every month or quarter on `repeat_next`, sent at
     * once (`repeat_send`) or left as a draft for an admin to check. Team-only columns.
     */
    repeatEvery: text('repeat_every', { enum: invoiceRepeats }),
    repeatNext: date('repeat_next', { mode: 'string' }),
    repeatSend: boolean('repeat_send').notNull().default(false),
    /** The retainer invoice this one was copied from. Team-only. */
    repeatedFrom: uuid('repeated_from'),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.clientId], foreignColumns: [clients.tenantId, clients.id] }),
    check(
      'invoices_repeat_shape',
      sql`(${t.repeatEvery} is null) = (${t.repeatNext} is null) and (${t.repeatEvery} is null or ${t.repeatEvery} in ('month', 'quarter'))`,
    ),
    // The retainers the repeat job looks through, by their next date.
    index('invoices_repeat_next_idx').on(t.tenantId, t.repeatNext).where(sql`${t.repeatNext} is not null`),
    foreignKey({ columns: [t.tenantId, t.contactId], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.projectId], foreignColumns: [projects.tenantId, projects.id] }),
    // Never a duplicate number within a tenant.
    uniqueIndex('invoices_tenant_number_idx').on(t.tenantId, t.number).where(sql`${t.number} is not null`),
    // The client's list: their company's issued invoices, newest first.
    index('invoices_tenant_client_idx').on(t.tenantId, t.clientId, t.issueDate),
    index('invoices_tenant_due_idx')
      .on(t.tenantId, t.dueDate)
      .where(sql`${t.issuedAt} is not null and ${t.voidedAt} is null`),
    check('invoices_currency_shape', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('invoices_dates_ordered', sql`${t.dueDate} >= ${t.issueDate}`),
    check('invoices_number_when_issued', sql`(${t.number} is null) = (${t.issuedAt} is null)`),
    check('invoices_number_length', sql`length(${t.number}) <= 40`),
    check('invoices_discount_shape', discountShape(t.discountKind, t.discountValue)),
    check(
      'invoices_amounts',
      sql`${t.totalMinor} >= 0 and ${t.paidMinor} >= 0 and ${t.refundedMinor} between 0 and ${t.paidMinor} and ${t.totalMinor} <= 10000000000000`,
    ),
    check(
      'invoices_text_lengths',
      sql`length(${t.buyerName}) <= 300 and length(${t.buyerDetails}) <= 2000 and length(${t.notes}) <= 5000 and length(${t.terms}) <= 5000 and length(${t.voidReason}) <= 500`,
    ),
    // A draft is not viewed, paid or overdue; a void invoice was issued first.
    check(
      'invoices_draft_facts',
      sql`${t.issuedAt} is not null or (${t.viewedAt} is null and ${t.paidAt} is null and ${t.overdueAt} is null and ${t.voidedAt} is null and ${t.paidMinor} = 0)`,
    ),
    // Invoicing is the admins'; the worker marks overdue invoices, sends reminders and makes the
    // retainers' copies.
    ...walledPolicies('invoices', 'team', teamRole, t.tenantId, {
      ...adminOnly,
      select: sql`(${actorIsAdmin} or ${actorIsWorker})`,
      insert: sql`(${actorIsAdmin} or ${actorIsWorker})`,
      update: sql`(${actorIsAdmin} or ${actorIsWorker})`,
    }),
    // A client with `invoices` reads the issued invoices addressed to them or their company, and
    // marks one viewed: only `viewed_at` is granted, only while unset, only to this moment.
    ...walledPolicies('invoices', 'client', clientRole, t.tenantId, {
      select: sql`${t.issuedAt} is not null and ${addressedToClient(t.clientId, t.contactId)} and ${clientMay('invoices')}`,
    }),
    pgPolicy('invoices_client_update', {
      for: 'update',
      to: clientRole,
      using: sql`${t.tenantId} = ${currentTenant} and ${t.viewedAt} is null and ${t.issuedAt} is not null and ${addressedToClient(t.clientId, t.contactId)} and ${clientMay('invoices')}`,
      withCheck: sql`${t.tenantId} = ${currentTenant} and ${t.viewedAt} = now()`,
    }),
  ],
);

/**
 * An invoice's lines in order, each with its figures as computed when the draft was last saved
 * (minor units; quantity in thousandths) and the taxes it carries, named as they were.
 */
export const invoiceLines = app.table(
  'invoice_lines',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    invoiceId: uuid('invoice_id').notNull(),
    position: integer('position').notNull(),
    description: text('description').notNull(),
    quantityMilli: bigint('quantity_milli', { mode: 'number' }).notNull(),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }).notNull(),
    discountKind: text('discount_kind', { enum: invoiceDiscountKinds }),
    discountValue: bigint('discount_value', { mode: 'number' }),
    grossMinor: bigint('gross_minor', { mode: 'number' }).notNull(),
    /** The line's own discount and its share of the invoice's, together. */
    discountMinor: bigint('discount_minor', { mode: 'number' }).notNull(),
    netMinor: bigint('net_minor', { mode: 'number' }).notNull(),
    taxMinor: bigint('tax_minor', { mode: 'number' }).notNull(),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    taxes: jsonb('taxes').$type<InvoiceLineTax[]>().notNull().default(sql`'[]'::jsonb`),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.invoiceId],
      foreignColumns: [invoices.tenantId, invoices.id],
    }).onDelete('cascade'),
    uniqueIndex('invoice_lines_position_idx').on(t.tenantId, t.invoiceId, t.position),
    check('invoice_lines_description_length', sql`length(btrim(${t.description})) between 1 and 2000`),
    check('invoice_lines_position_range', sql`${t.position} between 0 and 499`),
    check('invoice_lines_discount_shape', discountShape(t.discountKind, t.discountValue)),
    ...walledPolicies('invoice_lines', 'team', teamRole, t.tenantId, {
      ...adminOnly,
      select: sql`(${actorIsAdmin} or ${actorIsWorker})`,
      insert: sql`(${actorIsAdmin} or ${actorIsWorker})`,
    }),
    // The lines of the invoices the client reads (the invoices' own client policy applies).
    ...walledPolicies('invoice_lines', 'client', clientRole, t.tenantId, {
      select: sql`${t.invoiceId} in (select i.id from app.invoices i)`,
    }),
  ],
);

/**
 * `payment` and `refund` as recorded by an admin or a gateway; `dispute` is money a gateway holds back
 * while a payer disputes a payment, `reinstatement` is that money returned when the dispute is won.
 */
export const invoicePaymentKinds = ['payment', 'refund', 'dispute', 'reinstatement'] as const;
export type InvoicePaymentKind = (typeof invoicePaymentKinds)[number];

/**
 * Money recorded against an invoice: payments and refunds (amount, date, method, reference).
 * Their sums are kept on the invoice in the same transaction.
 */
export const invoicePayments = app.table(
  'invoice_payments',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    invoiceId: uuid('invoice_id').notNull(),
    kind: text('kind', { enum: invoicePaymentKinds }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    /** The day the money moved. */
    paidOn: date('paid_on', { mode: 'string' }).notNull(),
    /** Bank transfer, card, cash, cheque… as the admin wrote it. */
    method: text('method').notNull(),
    reference: text('reference').notNull().default(''),
    /** Team-only: who recorded it (null for a payment gateway). Clients are not granted it. */
    recordedBy: uuid('recorded_by'),
    /** The gateway that reported it, and its id for the payment (or dispute); null when recorded by hand. */
    gatewayId: uuid('gateway_id'),
    externalRef: text('external_ref'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.invoiceId],
      foreignColumns: [invoices.tenantId, invoices.id],
    }).onDelete('cascade'),
    index('invoice_payments_invoice_idx').on(t.tenantId, t.invoiceId, t.paidOn),
    // "Paid this month" and the revenue chart read payments by date.
    index('invoice_payments_tenant_date_idx').on(t.tenantId, t.paidOn),
    check('invoice_payments_kind_known', sql`${t.kind} in ('payment', 'refund', 'dispute', 'reinstatement')`),
    // A gateway's payment, dispute or reinstatement is recorded once, however often it is reported.
    uniqueIndex('invoice_payments_external_idx')
      .on(t.tenantId, t.gatewayId, t.kind, t.externalRef)
      .where(sql`${t.externalRef} is not null and ${t.kind} <> 'refund'`),
    check('invoice_payments_external_length', sql`length(${t.externalRef}) <= 255`),
    check(
      'invoice_payments_amount_positive',
      sql`${t.amountMinor} > 0 and ${t.amountMinor} <= 10000000000000`,
    ),
    check(
      'invoice_payments_text_lengths',
      sql`length(btrim(${t.method})) between 1 and 100 and length(${t.reference}) <= 200`,
    ),
    ...walledPolicies('invoice_payments', 'team', teamRole, t.tenantId, {
      ...adminOnly,
      select: sql`(${actorIsAdmin} or ${actorIsWorker})`,
      insert: sql`(${actorIsAdmin} or ${actorIsWorker})`,
    }),
    ...walledPolicies('invoice_payments', 'client', clientRole, t.tenantId, {
      select: sql`${t.invoiceId} in (select i.id from app.invoices i)`,
    }),
  ],
);

export const invoiceReminderKinds = ['before', 'due', 'after', 'overdue', 'manual'] as const;
export type InvoiceReminderKind = (typeof invoiceReminderKinds)[number];

/**
 * The reminders sent for an invoice (by the schedule, or by an admin), one row each: what the
 * invoice's history shows, and what keeps two workers from sending the same one twice (one per
 * invoice, kind and day).
 */
export const invoiceReminders = app.table(
  'invoice_reminders',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    invoiceId: uuid('invoice_id').notNull(),
    kind: text('kind', { enum: invoiceReminderKinds }).notNull(),
    /** The day it was sent for (UTC). */
    onDate: date('on_date', { mode: 'string' }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
    sentBy: uuid('sent_by'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.invoiceId],
      foreignColumns: [invoices.tenantId, invoices.id],
    }).onDelete('cascade'),
    uniqueIndex('invoice_reminders_once_idx')
      .on(t.tenantId, t.invoiceId, t.kind, t.onDate)
      .where(sql`${t.kind} <> 'manual'`),
    check('invoice_reminders_kind_known', sql`${t.kind} in ('before', 'due', 'after', 'overdue', 'manual')`),
    ...walledPolicies('invoice_reminders', 'team', teamRole, t.tenantId, {
      select: sql`(${actorIsAdmin} or ${actorIsWorker})`,
      insert: sql`(${actorIsAdmin} or ${actorIsWorker})`,
    }),
  ],
);
