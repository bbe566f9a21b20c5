import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { app } from './app';
import { actorIsAdmin, createdAt, idColumn, tenantIdColumn, updatedAt, walledPolicies } from './columns';
import { tenants } from './platform';
import { teamRole } from './roles';

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
    ...walledPolicies('invoice_settings', 'team', teamRole, t.tenantId, adminOnly),
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
