import { formatInvoiceNumber, invoicePrefixProblem, isCurrency, parsePercent } from '@foyer/billing';
import { eq, schema, sql } from '@foyer/db';
import { z } from 'zod';
import { adminOf, type Ctx, PREVIEW_IS_READ_ONLY, record, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { id, line, parseInput } from '../input';
import { flag } from '../tasks/common';

const { invoiceSettings, taxRates } = schema;

const ADMINS_ONLY = 'Only admins see and change invoicing.';
const TAX_RATE_NOT_FOUND = 'That tax rate doesn’t exist.';

export interface TaxRateItem {
  id: string;
  name: string;
  rateBasisPoints: number;
  /** "20%", "7.5%". */
  rateLabel: string;
  inclusive: boolean;
  archived: boolean;
}

export interface InvoiceSettings {
  numberPrefix: string;
  numberWidth: number;
  nextNumber: number;
  /** The number the next issued invoice takes, e.g. INV-0042. */
  nextNumberPreview: string;
  defaultCurrency: string;
  defaultDueDays: number;
  remindDaysBefore: number;
  remindOnDueDate: boolean;
  remindEveryDaysAfter: number;
  /** Active rates first, then archived ones, each by name. */
  taxRates: TaxRateItem[];
}

const DEFAULTS = {
  numberPrefix: 'INV-',
  numberWidth: 4,
  nextNumber: 1,
  defaultCurrency: 'USD',
  defaultDueDays: 30,
  remindDaysBefore: 3,
  remindOnDueDate: true,
  remindEveryDaysAfter: 7,
};

const wholeNumber = (what: string, min: number, max: number) =>
  z.coerce
    .number(`Enter ${what}.`)
    .int(`Enter ${what} as a whole number.`)
    .min(min, `Enter ${min} or more.`)
    .max(max, `Enter at most ${max}.`);

export const invoiceSettingsInput = z.object({
  numberPrefix: line(20),
  numberWidth: wholeNumber('how many digits', 1, 10),
  nextNumber: wholeNumber('the next number', 1, 1_000_000_000),
  defaultCurrency: line(3),
  defaultDueDays: wholeNumber('a number of days', 0, 365),
  remindDaysBefore: wholeNumber('a number of days', 0, 60),
  remindOnDueDate: flag,
  remindEveryDaysAfter: wholeNumber('a number of days', 0, 60),
});

/** A percentage as typed ("20", "7.5", "12.25 %") in basis points; at most two decimals. */
const ratePercent = line(12).transform((value, context) => {
  const basisPoints = parsePercent(value, 100_000);
  if (basisPoints === null) {
    context.addIssue({ code: 'custom', message: 'Enter a rate between 0 and 1000, such as 20 or 7.5.' });
    return z.NEVER;
  }
  return basisPoints;
});

export const taxRateInput = z.object({
  name: line(100).refine((value) => value.trim().length > 0, 'Give the rate a name, such as VAT.'),
  rate: ratePercent,
  inclusive: flag,
});
export const updateTaxRateInput = taxRateInput.extend({ id: id('tax rate') });
export const archiveTaxRateInput = z.object({ id: id('tax rate'), archived: flag });

/** "20%", "7.5%", "12.25%". */
export function rateLabel(basisPoints: number): string {
  return `${(basisPoints / 100).toFixed(2).replace(/\.?0+$/, '')}%`;
}

function writer(ctx: Ctx) {
  const me = adminOf(ctx, ADMINS_ONLY);
  if (ctx.previewBy) throw new CoreError('forbidden', PREVIEW_IS_READ_ONLY);
  return me;
}

/** The tenant's invoicing settings and tax rates (the defaults until an admin first saves). */
export async function getInvoiceSettings({ ctx }: { ctx: Ctx }): Promise<InvoiceSettings> {
  adminOf(ctx, ADMINS_ONLY);
  return transact(ctx, async ({ tx }) => {
    const [row] = await tx.select().from(invoiceSettings).limit(1);
    const rates = await tx
      .select()
      .from(taxRates)
      .orderBy(sql`${taxRates.archivedAt} is not null`, sql`lower(${taxRates.name})`, taxRates.id);
    const settings = { ...DEFAULTS, ...(row ?? {}) };
    return {
      numberPrefix: settings.numberPrefix,
      numberWidth: settings.numberWidth,
      nextNumber: settings.nextNumber,
      nextNumberPreview: formatInvoiceNumber(
        settings.numberPrefix,
        settings.nextNumber,
        settings.numberWidth,
      ),
      defaultCurrency: settings.defaultCurrency,
      defaultDueDays: settings.defaultDueDays,
      remindDaysBefore: settings.remindDaysBefore,
      remindOnDueDate: settings.remindOnDueDate,
      remindEveryDaysAfter: settings.remindEveryDaysAfter,
      taxRates: rates.map((rate) => ({
        id: rate.id,
        name: rate.name,
        rateBasisPoints: rate.rateBasisPoints,
        rateLabel: rateLabel(rate.rateBasisPoints),
        inclusive: rate.inclusive,
        archived: rate.archivedAt !== null,
      })),
    };
  });
}

/** Saves the invoicing settings; the currency must be an ISO 4217 code with minor units. */
export async function updateInvoiceSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof invoiceSettingsInput>;
}): Promise<void> {
  const me = writer(ctx);
  const data = parseInput(invoiceSettingsInput, input);
  const numberPrefix = data.numberPrefix.trim();
  const defaultCurrency = data.defaultCurrency.trim().toUpperCase();
  const prefixProblem = invoicePrefixProblem(numberPrefix);
  const fields: Record<string, string> = {};
  if (prefixProblem) fields.numberPrefix = prefixProblem;
  if (!isCurrency(defaultCurrency))
    fields.defaultCurrency = 'Enter a currency code, such as USD, EUR or GBP.';
  if (Object.keys(fields).length > 0) throw invalid(fields);
  const values = { ...data, numberPrefix, defaultCurrency };
  await transact(ctx, async (ctx) => {
    await ctx.tx
      .insert(invoiceSettings)
      .values({ tenantId: me.tenantId, ...values })
      .onConflictDoUpdate({ target: invoiceSettings.tenantId, set: { ...values, updatedAt: sql`now()` } });
    await record(ctx, {
      verb: 'invoice_settings.update',
      subject: { type: 'invoice_settings', id: null },
      data: values,
    });
  });
}

export async function createTaxRate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof taxRateInput>;
}): Promise<{ id: string }> {
  const me = writer(ctx);
  const data = parseInput(taxRateInput, input);
  return transact(ctx, async (ctx) => {
    const [row] = await ctx.tx
      .insert(taxRates)
      .values({
        tenantId: me.tenantId,
        name: data.name.trim(),
        rateBasisPoints: data.rate,
        inclusive: data.inclusive,
      })
      .returning({ id: taxRates.id });
    if (!row) throw new Error('tax rate insert returned no row');
    await record(ctx, {
      verb: 'tax_rate.create',
      subject: { type: 'tax_rate', id: row.id },
      data: { name: data.name.trim(), rateBasisPoints: data.rate, inclusive: data.inclusive },
    });
    return { id: row.id };
  });
}

/** Renames or changes a rate: invoices keep the rate they were taxed at. */
export async function updateTaxRate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof updateTaxRateInput>;
}): Promise<void> {
  writer(ctx);
  const data = parseInput(updateTaxRateInput, input);
  await transact(ctx, async (ctx) => {
    const [row] = await ctx.tx
      .update(taxRates)
      .set({ name: data.name.trim(), rateBasisPoints: data.rate, inclusive: data.inclusive })
      .where(eq(taxRates.id, data.id))
      .returning({ id: taxRates.id });
    if (!row) throw new CoreError('not_found', TAX_RATE_NOT_FOUND);
    await record(ctx, {
      verb: 'tax_rate.update',
      subject: { type: 'tax_rate', id: data.id },
      data: { name: data.name.trim(), rateBasisPoints: data.rate, inclusive: data.inclusive },
    });
  });
}

/** Archives a rate (no longer offered for new lines) or brings it back. */
export async function archiveTaxRate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof archiveTaxRateInput>;
}): Promise<void> {
  writer(ctx);
  const data = parseInput(archiveTaxRateInput, input);
  await transact(ctx, async (ctx) => {
    const [row] = await ctx.tx
      .update(taxRates)
      .set({ archivedAt: data.archived ? sql`coalesce(${taxRates.archivedAt}, now())` : null })
      .where(eq(taxRates.id, data.id))
      .returning({ id: taxRates.id });
    if (!row) throw new CoreError('not_found', TAX_RATE_NOT_FOUND);
    await record(ctx, {
      verb: data.archived ? 'tax_rate.archive' : 'tax_rate.restore',
      subject: { type: 'tax_rate', id: data.id },
      data: {},
    });
  });
}
