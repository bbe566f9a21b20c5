import {
  BillingError,
  computeInvoice,
  type Discount,
  formatInvoiceNumber,
  formatMoney,
  formatQuantity,
  type InvoiceStatus,
  invoiceStatus,
  isCurrency,
  minorToDecimal,
  parseMoney,
  parsePercent,
  parseQuantity,
} from '@foyer/billing';
import { type SQL, schema, sql, type Tx } from '@foyer/db';
import type { z } from 'zod';
import { adminOf, type Ctx, PREVIEW_IS_READ_ONLY, personOf, record, type TxCtx, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { isCalendarDate, parseInput } from '../input';
import { notify } from '../mail/outbox';
import { notifyInApp } from '../notifications/in-app';
import { refundedOfPaymentSql } from '../payments/gateways';
import { json, rows } from '../tasks/common';
import {
  clientInvoicesInput,
  draftInput,
  invoiceIdInput,
  listInvoicesInput,
  paymentInput,
  repeatInput,
  updateDraftInput,
  voidInvoiceInput,
} from './inputs';
import { rateLabel } from './settings';
import {
  INVOICE_NOT_FOUND,
  INVOICE_STATUS_LABELS,
  INVOICES_PAGE_SIZE,
  type InvoiceDetail,
  type InvoiceFormOptions,
  type InvoiceLineView,
  type InvoicePage,
  type InvoicePaymentView,
  type InvoiceReminderView,
  type InvoiceRow,
  type InvoiceTotalLine,
} from './types';

const { invoices, invoiceLines, invoicePayments } = schema;

const ADMINS_ONLY = 'Only admins see and change invoices.';

/** The statuses that still ask for money: what reminders, Pay Now and "outstanding" mean. */
export const PAYABLE_STATUSES: readonly InvoiceStatus[] = ['sent', 'viewed', 'partially_paid', 'overdue'];

/** `i`'s status on `today` is one that asks for money. */
export const payableSql = (today: string): SQL =>
  sql`${statusSql(today)} in (${sql.raw(PAYABLE_STATUSES.map((status) => `'${status}'`).join(', '))})`;

/** Today as the invoices count days: the UTC calendar date (ADR 0018). */
export function todayOf(ctx: { deps: { now(): Date } }): string {
  return ctx.deps.now().toISOString().slice(0, 10);
}

/** The admin acting; in a preview (read-only) nothing can be changed. */
function admin(ctx: Ctx) {
  return adminOf(ctx, ADMINS_ONLY);
}

function adminWriter(ctx: Ctx) {
  const me = admin(ctx);
  if (ctx.previewBy) throw new CoreError('forbidden', PREVIEW_IS_READ_ONLY);
  return me;
}

// ---- reading -------------------------------------------------------------------------------------

/** An invoice's row as the queries below select it. */
interface InvoiceRecord {
  id: string;
  number: string | null;
  client_id: string;
  contact_id: string | null;
  project_id: string | null;
  project_name: string | null;
  currency: string;
  issue_date: string;
  due_date: string;
  buyer_name: string;
  buyer_details: string;
  discount_kind: 'percent' | 'amount' | null;
  discount_value: number | string | null;
  notes: string;
  terms: string;
  subtotal_minor: number | string;
  discount_minor: number | string;
  tax_minor: number | string;
  total_minor: number | string;
  taxes: unknown;
  paid_minor: number | string;
  refunded_minor: number | string;
  issued_at: Date | string | null;
  sent_at: Date | string | null;
  viewed_at: Date | string | null;
  overdue_at: Date | string | null;
  paid_at: Date | string | null;
  voided_at: Date | string | null;
  void_reason: string | null;
}

/** The columns every invoice query selects (all granted to clients). */
const INVOICE_COLUMNS = sql`i.id::text as id, i.number, i.client_id::text as client_id, i.contact_id::text as contact_id,
  i.project_id::text as project_id, p.name as project_name, i.currency, i.issue_date::text as issue_date,
  i.due_date::text as due_date, i.buyer_name, i.buyer_details, i.discount_kind, i.discount_value, i.notes, i.terms,
  i.subtotal_minor, i.discount_minor, i.tax_minor, i.total_minor, i.taxes, i.paid_minor, i.refunded_minor,
  i.issued_at, i.sent_at, i.viewed_at, i.overdue_at, i.paid_at, i.voided_at, i.void_reason`;

const FROM_INVOICES = sql`app.invoices i left join app.projects p on p.tenant_id = i.tenant_id and p.id = i.project_id`;

/** `app.invoice_status` of `i` on `today`: the SQL twin of billing's invoiceStatus. */
export const statusSql = (today: string): SQL =>
  sql`app.invoice_status(i.issued_at is not null, i.voided_at is not null, i.due_date, i.viewed_at is not null, i.total_minor, i.paid_minor, i.refunded_minor, ${today}::date)`;

const num = (value: number | string | null | undefined): number => Number(value ?? 0);
const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

function statusOf(row: InvoiceRecord, today: string): InvoiceStatus {
  return invoiceStatus({
    issued: row.issued_at !== null,
    voided: row.voided_at !== null,
    dueDate: row.due_date,
    viewed: row.viewed_at !== null,
    totalMinor: num(row.total_minor),
    paidMinor: num(row.paid_minor),
    refundedMinor: num(row.refunded_minor),
    today,
  });
}

/** What is still owed while the invoice asks for money; nothing otherwise. */
function balanceOf(row: InvoiceRecord, status: InvoiceStatus): number {
  if (!PAYABLE_STATUSES.includes(status)) return 0;
  return Math.max(0, num(row.total_minor) - num(row.paid_minor) + num(row.refunded_minor));
}

function toRow(row: InvoiceRecord, today: string): InvoiceRow {
  const status = statusOf(row, today);
  const balanceMinor = balanceOf(row, status);
  const totalMinor = num(row.total_minor);
  return {
    id: row.id,
    number: row.number,
    status,
    statusLabel: INVOICE_STATUS_LABELS[status],
    clientId: row.client_id,
    buyerName: row.buyer_name,
    projectId: row.project_id,
    projectName: row.project_name,
    currency: row.currency,
    issueDate: row.issue_date,
    dueDate: row.due_date,
    totalMinor,
    balanceMinor,
    total: formatMoney(totalMinor, row.currency),
    balance: formatMoney(balanceMinor, row.currency),
  };
}

async function invoicePage(
  tx: Tx,
  where: SQL,
  order: SQL,
  page: number,
  today: string,
): Promise<InvoicePage> {
  // The page and the count in one statement; only a page past the end needs the count alone.
  const found = await rows<InvoiceRecord & { full_count: number | string }>(
    tx,
    sql`select ${INVOICE_COLUMNS}, count(*) over () as full_count from ${FROM_INVOICES} where ${where}
         order by ${order} limit ${INVOICES_PAGE_SIZE} offset ${(page - 1) * INVOICES_PAGE_SIZE}`,
  );
  let total = Number(found[0]?.full_count ?? 0);
  if (found.length === 0 && page > 1) {
    const [count] = await rows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from ${FROM_INVOICES} where ${where}`,
    );
    total = Number(count?.n ?? 0);
  }
  return { items: found.map((row) => toRow(row, today)), total, page, pageSize: INVOICES_PAGE_SIZE };
}

/** A status filter as SQL: one status, or `outstanding` (every status that asks for money). */
function statusWhere(status: string, today: string): SQL {
  if (status === '') return sql`true`;
  if (status === 'outstanding') return payableSql(today);
  return sql`${statusSql(today)} = ${status}`;
}

/** The admins' list: drafts first, then the newest issued. */
export async function listInvoices({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof listInvoicesInput>;
}): Promise<InvoicePage> {
  admin(ctx);
  const data = parseInput(listInvoicesInput, input);
  const today = todayOf(ctx);
  const where = sql`${statusWhere(data.status, today)} and ${
    data.clientId ? sql`i.client_id = ${data.clientId}::uuid` : sql`true`
  }`;
  return transact(ctx, ({ tx }) =>
    invoicePage(
      tx,
      where,
      sql`(i.issued_at is null) desc, i.issue_date desc, i.number desc nulls last, i.created_at desc`,
      data.page,
      today,
    ),
  );
}

/**
 * The client's list: what the database lets them read (addressed to them or their company, with
 * `invoices` on). One statement on the way there; only an empty list asks whether the area is
 * theirs at all, so a client without `invoices` is refused rather than shown nothing.
 */
export async function clientInvoices({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof clientInvoicesInput>;
}): Promise<InvoicePage> {
  const me = personOf(ctx);
  if (me.kind !== 'client') throw new CoreError('forbidden', 'Invoices are in the client portal.');
  const data = parseInput(clientInvoicesInput, input);
  const today = todayOf(ctx);
  const page = await transact(ctx, ({ tx }) =>
    invoicePage(tx, sql`true`, sql`i.issue_date desc, i.number desc`, data.page, today),
  );
  if (page.items.length === 0) await clientWithInvoices(ctx);
  return page;
}

/** Whether the client `userId` is active and holds `invoices` (read from their own row). */
export async function holdsInvoices(tx: Tx, userId: string): Promise<boolean> {
  const [row] = await rows<{ ok: boolean }>(
    tx,
    sql`select 'invoices' = any(permissions) as ok from app.users where id = ${userId}::uuid and status = 'active'`,
  );
  return row?.ok === true;
}

/** A client holding `invoices`; anyone else is told the area isn't theirs. */
async function clientWithInvoices(ctx: Ctx) {
  const me = personOf(ctx);
  if (me.kind !== 'client') throw new CoreError('forbidden', 'Invoices are in the client portal.');
  const allowed = await transact(ctx, ({ tx }) => holdsInvoices(tx, me.userId));
  if (!allowed) throw new CoreError('forbidden', 'Your access doesn’t include invoices.');
  return me;
}

async function readInvoice(tx: Tx, id: string): Promise<InvoiceRecord> {
  const [row] = await rows<InvoiceRecord>(
    tx,
    sql`select ${INVOICE_COLUMNS} from ${FROM_INVOICES} where i.id = ${id}::uuid`,
  );
  if (!row) throw new CoreError('not_found', INVOICE_NOT_FOUND);
  return row;
}

/** Locks an invoice for a change (its payments and state move together). */
async function lockInvoice(tx: Tx, id: string): Promise<InvoiceRecord> {
  const [locked] = await rows<{ id: string }>(
    tx,
    sql`select id::text as id from app.invoices where id = ${id}::uuid for update`,
  );
  if (!locked) throw new CoreError('not_found', INVOICE_NOT_FOUND);
  return readInvoice(tx, id);
}

function discountText(kind: 'percent' | 'amount' | null, value: number | null, currency: string) {
  if (kind === null || value === null) return { label: null, input: '' };
  if (kind === 'percent') {
    const percent = rateLabel(value);
    return { label: percent, input: percent.replace('%', '') };
  }
  return { label: formatMoney(value, currency), input: minorToDecimal(value, currency) };
}

const REMINDER_LABELS: Record<InvoiceReminderView['kind'], string> = {
  before: 'Before the due date',
  due: 'On the due date',
  after: 'After the due date',
  overdue: 'Overdue notice',
  manual: 'Sent by an admin',
};

async function detailOf(
  tx: Tx,
  row: InvoiceRecord,
  today: string,
  team: boolean,
  ctx: Ctx,
): Promise<InvoiceDetail> {
  const base = toRow(row, today);
  const money = (minor: number) => formatMoney(minor, row.currency);
  const lineRows = await rows<{
    id: string;
    description: string;
    quantity_milli: number | string;
    unit_price_minor: number | string;
    discount_kind: 'percent' | 'amount' | null;
    discount_value: number | string | null;
    discount_minor: number | string;
    net_minor: number | string;
    tax_minor: number | string;
    total_minor: number | string;
    gross_minor: number | string;
    taxes: unknown;
  }>(
    tx,
    sql`select id::text as id, description, quantity_milli, unit_price_minor, discount_kind, discount_value,
               discount_minor, net_minor, tax_minor, total_minor, gross_minor, taxes
          from app.invoice_lines where invoice_id = ${row.id}::uuid order by position`,
  );
  const lines: InvoiceLineView[] = lineRows.map((line) => {
    const taxes = json<{ taxRateId: string; name: string; rateBasisPoints: number; inclusive: boolean }[]>(
      line.taxes,
      [],
    );
    const discount = discountText(
      line.discount_kind,
      line.discount_value === null ? null : num(line.discount_value),
      row.currency,
    );
    // The amount column: after discounts, as entered (inclusive taxes stay in it).
    const inclusiveTax = num(line.gross_minor) - num(line.discount_minor) - num(line.net_minor);
    return {
      id: line.id,
      description: line.description,
      quantityMilli: num(line.quantity_milli),
      quantity: formatQuantity(num(line.quantity_milli)),
      unitPriceMinor: num(line.unit_price_minor),
      unitPrice: money(num(line.unit_price_minor)),
      discountLabel: discount.label,
      discountKind: line.discount_kind,
      discountInput: discount.input,
      discountMinor: num(line.discount_minor),
      netMinor: num(line.net_minor),
      taxMinor: num(line.tax_minor),
      totalMinor: num(line.total_minor),
      amount: money(num(line.net_minor) + inclusiveTax),
      taxRateIds: taxes.map((tax) => tax.taxRateId),
      taxLabel: taxes
        .map((tax) => `${tax.name} ${rateLabel(tax.rateBasisPoints)}${tax.inclusive ? ' incl.' : ''}`)
        .join(', '),
    };
  });
  const paymentRows = await rows<{
    id: string;
    kind: InvoicePaymentView['kind'];
    amount_minor: number | string;
    paid_on: string;
    method: string;
    reference: string;
  }>(
    tx,
    sql`select id::text as id, kind, amount_minor, paid_on::text as paid_on, method, reference
          from app.invoice_payments where invoice_id = ${row.id}::uuid order by paid_on, created_at`,
  );
  // The team also learns what of each gateway payment can still be refunded through the gateway
  // (clients are granted neither column these read).
  const refundable = team
    ? new Map(
        (
          await rows<{ id: string; left: number | string }>(
            tx,
            sql`select p.id::text as id, p.amount_minor - ${refundedOfPaymentSql} as left
                  from app.invoice_payments p
                 where p.invoice_id = ${row.id}::uuid and p.kind = 'payment' and p.gateway_id is not null`,
          )
        ).map((r) => [r.id, Math.max(0, num(r.left))]),
      )
    : new Map<string, number>();
  const payments: InvoicePaymentView[] = paymentRows.map((p) => ({
    id: p.id,
    kind: p.kind,
    takesBack: p.kind === 'refund' || p.kind === 'dispute',
    amountMinor: num(p.amount_minor),
    amount: money(num(p.amount_minor)),
    paidOn: p.paid_on,
    method: p.method,
    reference: p.reference,
    refundableOnlineMinor: refundable.get(p.id) ?? null,
  }));
  const reminders: InvoiceReminderView[] = team
    ? (
        await rows<{ kind: InvoiceReminderView['kind']; sent_at: Date | string }>(
          tx,
          sql`select kind, sent_at from app.invoice_reminders where invoice_id = ${row.id}::uuid order by sent_at`,
        )
      ).map((r) => ({ kind: r.kind, label: REMINDER_LABELS[r.kind], sentAt: iso(r.sent_at) ?? '' }))
    : [];
  const taxes = json<{ name: string; rateBasisPoints: number; inclusive: boolean; minor: number }[]>(
    row.taxes,
    [],
  );
  const subtotal = num(row.subtotal_minor);
  const discountMinor = num(row.discount_minor);
  const totalMinor = num(row.total_minor);
  const paid = num(row.paid_minor);
  const refunded = num(row.refunded_minor);
  // Amounts taken off read with a true minus sign (−£5.00), as a printed invoice shows them.
  const less = (minor: number) => `\u2212${money(minor)}`;
  const totals: InvoiceTotalLine[] = [{ label: 'Subtotal', minor: subtotal, amount: money(subtotal) }];
  if (discountMinor > 0)
    totals.push({ label: 'Discount', minor: -discountMinor, amount: less(discountMinor) });
  for (const tax of taxes) {
    totals.push({
      label: `${tax.name} ${rateLabel(tax.rateBasisPoints)}${tax.inclusive ? ' (included)' : ''}`,
      minor: tax.minor,
      amount: money(tax.minor),
    });
  }
  totals.push({ label: 'Total', minor: totalMinor, amount: money(totalMinor), strong: true });
  if (paid > 0) totals.push({ label: 'Paid', minor: -paid, amount: less(paid) });
  if (refunded > 0) totals.push({ label: 'Refunded', minor: refunded, amount: money(refunded) });
  if (
    row.issued_at !== null &&
    row.voided_at === null &&
    (paid > 0 || PAYABLE_STATUSES.includes(base.status))
  )
    totals.push({ label: 'Balance due', minor: base.balanceMinor, amount: base.balance, strong: true });
  const discount = discountText(
    row.discount_kind,
    row.discount_value === null ? null : num(row.discount_value),
    row.currency,
  );
  const draft = row.issued_at === null;
  const voided = row.voided_at !== null;
  const payable = PAYABLE_STATUSES.includes(base.status);
  const document = ctx.site?.branding.document;
  // A retainer's schedule is the team's: clients are not granted its columns.
  const [repeat] = team
    ? await rows<{
        every: 'month' | 'quarter' | null;
        next: string | null;
        send: boolean;
        from_id: string | null;
        from_number: string | null;
      }>(
        tx,
        sql`select i.repeat_every as every, i.repeat_next::text as next, i.repeat_send as send,
                   i.repeated_from::text as from_id, src.number as from_number
              from app.invoices i left join app.invoices src on src.tenant_id = i.tenant_id and src.id = i.repeated_from
             where i.id = ${row.id}::uuid`,
      )
    : [];
  return {
    repeat:
      repeat?.every && repeat.next ? { every: repeat.every, next: repeat.next, send: repeat.send } : null,
    repeatedFrom: repeat?.from_id ? { id: repeat.from_id, number: repeat.from_number } : null,
    ...base,
    contactId: row.contact_id,
    buyerDetails: row.buyer_details,
    discountKind: row.discount_kind,
    discountInput: discount.input,
    discountLabel: discount.label,
    notes: row.notes,
    terms: row.terms,
    lines,
    totals,
    subtotalMinor: subtotal,
    discountMinor,
    taxMinor: num(row.tax_minor),
    paidMinor: paid,
    refundedMinor: refunded,
    payments,
    reminders,
    issuedAt: iso(row.issued_at),
    sentAt: iso(row.sent_at),
    viewedAt: iso(row.viewed_at),
    overdueAt: iso(row.overdue_at),
    paidAt: iso(row.paid_at),
    voidedAt: iso(row.voided_at),
    voidReason: row.void_reason,
    can: {
      edit: team && draft,
      send: team && draft,
      resend: team && !draft && !voided,
      void: team && !draft && !voided && paid - refunded === 0,
      pay: team && payable,
      refund: team && !voided && paid - refunded > 0,
      remind: team && payable,
      delete: team && draft,
      repeat: team && !voided,
    },
    seller: {
      name: document?.businessName ?? ctx.site?.branding.displayName ?? '',
      details: [document?.address ?? '', document?.taxId ? `Tax ID: ${document.taxId}` : '']
        .flatMap((part) => part.split('\n'))
        .map((part) => part.trim())
        .filter(Boolean),
    },
  };
}

/** An invoice as the admins' page shows it (drafts included). */
export async function getInvoice({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof invoiceIdInput>;
}): Promise<InvoiceDetail> {
  admin(ctx);
  const { id } = parseInput(invoiceIdInput, input);
  const today = todayOf(ctx);
  return transact(ctx, async ({ tx }) => detailOf(tx, await readInvoice(tx, id), today, true, ctx));
}

/**
 * An invoice as its client reads it. The first time an addressed client opens it, it is marked
 * viewed (their one column grant, only while unset, only to now()); an admin previewing the portal
 * as the client leaves it as it was.
 */
export async function clientInvoice({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof invoiceIdInput>;
}): Promise<InvoiceDetail> {
  const me = await clientWithInvoices(ctx);
  const { id } = parseInput(invoiceIdInput, input);
  const today = todayOf(ctx);
  return transact(ctx, async (tctx) => {
    const { tx } = tctx;
    const row = await readInvoice(tx, id);
    let first = false;
    if (row.viewed_at === null && !ctx.previewBy) {
      const marked = await rows<{ viewed_at: Date | string }>(
        tx,
        sql`update app.invoices set viewed_at = now() where id = ${id}::uuid and viewed_at is null returning viewed_at`,
      );
      if (marked[0]) {
        row.viewed_at = marked[0].viewed_at;
        first = true;
      }
    }
    // Every opening is the client's action (admins follow it in their activity); the first one,
    // which marked the invoice viewed, keeps its own verb. A preview records nothing.
    await record(tctx, {
      verb: first ? 'invoice.view' : 'invoice.viewed_again',
      subject: { type: 'invoice', id },
      data: { number: row.number, by: me.userId },
    });
    return detailOf(tx, row, today, false, ctx);
  });
}

/** What the editor offers: every company, its contacts and projects, the tax rates, the defaults. */
export async function invoiceFormOptions({ ctx }: { ctx: Ctx }): Promise<InvoiceFormOptions> {
  admin(ctx);
  const today = todayOf(ctx);
  return transact(ctx, async ({ tx }) => {
    const companies = await rows<{ id: string; name: string }>(
      tx,
      sql`select id::text as id, name from app.clients order by lower(name), id`,
    );
    const contacts = await rows<{ id: string; name: string; email: string; client_id: string }>(
      tx,
      sql`select id::text as id, name, email, client_id::text as client_id from app.users
           where role = 'client' and status = 'active' order by lower(name), id`,
    );
    const projects = await rows<{ id: string; name: string; client_id: string | null }>(
      tx,
      sql`select id::text as id, name, client_id::text as client_id from app.projects
           where status <> 'archived' order by lower(name), id`,
    );
    const rates = await rows<{
      id: string;
      name: string;
      rate_basis_points: number;
      inclusive: boolean;
      archived: boolean;
    }>(
      tx,
      sql`select id::text as id, name, rate_basis_points, inclusive, archived_at is not null as archived
            from app.tax_rates order by archived_at is not null, lower(name), id`,
    );
    const [settings] = await rows<{ default_currency: string; default_due_days: number }>(
      tx,
      sql`select default_currency, default_due_days from app.invoice_settings`,
    );
    const [terms] = await rows<{ terms: string | null }>(
      tx,
      sql`select document_payment_terms as terms from app.branding`,
    );
    const dueDays = settings?.default_due_days ?? 30;
    const active = rates.filter((rate) => !rate.archived);
    return {
      companies,
      contacts: contacts.map((c) => ({ id: c.id, name: c.name, email: c.email, clientId: c.client_id })),
      projects: projects.map((p) => ({ id: p.id, name: p.name, clientId: p.client_id })),
      taxRates: rates.map((rate) => ({
        id: rate.id,
        name: rate.name,
        rateBasisPoints: rate.rate_basis_points,
        rateLabel: rateLabel(rate.rate_basis_points),
        inclusive: rate.inclusive,
        archived: rate.archived,
      })),
      defaults: {
        currency: settings?.default_currency ?? 'USD',
        issueDate: today,
        dueDate: addDays(today, dueDays),
        terms: terms?.terms ?? '',
        // A tenant with one rate charges it by default; with several, the admin chooses.
        taxRateIds: active.length === 1 && active[0] ? [active[0].id] : [],
      },
    };
  });
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

// ---- drafts --------------------------------------------------------------------------------------

type DraftData = z.output<typeof draftInput>;

interface ComputedDraft {
  values: Omit<typeof invoices.$inferInsert, 'tenantId' | 'id'>;
  lines: Omit<typeof invoiceLines.$inferInsert, 'tenantId' | 'invoiceId'>[];
}

/** A discount as typed, in the invoice's currency; a bad one is a field error at `path`. */
function parseDiscount(
  kind: '' | 'percent' | 'amount',
  text: string,
  currency: string,
  path: string,
  fields: Record<string, string>,
): Discount | null {
  if (kind === '' || text.trim() === '') return null;
  if (kind === 'percent') {
    const basisPoints = parsePercent(text, 10_000);
    if (basisPoints === null) {
      fields[path] = 'Enter a percentage between 0 and 100, such as 10 or 12.5.';
      return null;
    }
    return { kind: 'percent', basisPoints };
  }
  try {
    return { kind: 'amount', minor: parseMoney(text, currency) };
  } catch (error) {
    if (!(error instanceof BillingError)) throw error;
    fields[path] = error.message;
    return null;
  }
}

/**
 * Checks a draft as the editor sent it and computes its figures with @foyer/billing: every field
 * error at once, keyed by its path (`lines.2.unitPrice`), so the editor shows each beside its field.
 */
export async function computeDraft(tx: Tx, data: DraftData): Promise<ComputedDraft> {
  const fields: Record<string, string> = {};
  const currency = data.currency.trim().toUpperCase();
  if (!isCurrency(currency)) fields.currency = 'Enter a currency code, such as USD, EUR or GBP.';
  if (data.dueDate < data.issueDate) fields.dueDate = 'The due date can’t be before the issue date.';

  const [company] = await rows<{ name: string }>(
    tx,
    sql`select name from app.clients where id = ${data.clientId}::uuid`,
  );
  if (!company) fields.clientId = 'Choose a client from the list.';
  let contactName: string | null = null;
  if (data.contactId) {
    const [contact] = await rows<{ name: string }>(
      tx,
      sql`select name from app.users where id = ${data.contactId}::uuid and role = 'client' and client_id = ${data.clientId}::uuid`,
    );
    if (contact) contactName = contact.name;
    else fields.contactId = 'Choose a contact of this client, or the whole company.';
  }
  if (data.projectId) {
    const [project] = await rows<{ ok: boolean }>(
      tx,
      sql`select true as ok from app.projects where id = ${data.projectId}::uuid`,
    );
    if (!project) fields.projectId = 'Choose a project from the list.';
  }
  const rateIds = [...new Set(data.lines.flatMap((line) => line.taxRateIds))];
  const rates = rateIds.length
    ? await rows<{ id: string; name: string; rate_basis_points: number; inclusive: boolean }>(
        tx,
        sql`select id::text as id, name, rate_basis_points, inclusive from app.tax_rates
             where id in (${sql.join(
               rateIds.map((rateId) => sql`${rateId}::uuid`),
               sql`, `,
             )})`,
      )
    : [];
  const rateById = new Map(rates.map((rate) => [rate.id, rate]));
  const money = isCurrency(currency) ? currency : 'USD';
  const parsedLines = data.lines.map((line, index) => {
    const at = (name: string) => `lines.${index}.${name}`;
    if (line.description.trim() === '') fields[at('description')] = 'Describe what this line is for.';
    let quantityMilli = 0;
    let unitPriceMinor = 0;
    try {
      quantityMilli = parseQuantity(line.quantity);
    } catch (error) {
      if (!(error instanceof BillingError)) throw error;
      fields[at('quantity')] = error.message;
    }
    try {
      unitPriceMinor = parseMoney(line.unitPrice, money);
    } catch (error) {
      if (!(error instanceof BillingError)) throw error;
      fields[at('unitPrice')] = error.message;
    }
    const discount = parseDiscount(line.discountKind, line.discount, money, at('discount'), fields);
    const taxRateIds = [...new Set(line.taxRateIds)];
    if (taxRateIds.some((rateId) => !rateById.has(rateId)))
      fields[at('taxRateIds')] = 'Choose rates from the list.';
    return { description: line.description.trim(), quantityMilli, unitPriceMinor, discount, taxRateIds };
  });
  const discount = parseDiscount(data.discountKind, data.discount, money, 'discount', fields);
  if (Object.keys(fields).length > 0) throw invalid(fields);

  let totals: ReturnType<typeof computeInvoice>;
  try {
    totals = computeInvoice({
      currency,
      lines: parsedLines.map((line) => ({
        quantityMilli: line.quantityMilli,
        unitPriceMinor: line.unitPriceMinor,
        discount: line.discount,
        taxRateIds: line.taxRateIds,
      })),
      discount,
      taxRates: rates.map((rate) => ({
        id: rate.id,
        name: rate.name,
        rateBasisPoints: rate.rate_basis_points,
        inclusive: rate.inclusive,
      })),
    });
  } catch (error) {
    if (!(error instanceof BillingError)) throw error;
    // The arithmetic's refusals are about the discounts or the sizes of the whole invoice.
    throw invalid({ [error.code === 'invalid_discount' ? 'discount' : 'form']: error.message });
  }
  return {
    values: {
      clientId: data.clientId,
      contactId: data.contactId || null,
      projectId: data.projectId || null,
      currency,
      issueDate: data.issueDate,
      dueDate: data.dueDate,
      buyerName: contactName ? `${company?.name ?? ''} (${contactName})` : (company?.name ?? ''),
      buyerDetails: data.buyerDetails.trim(),
      discountKind: discount?.kind ?? null,
      discountValue: discount ? (discount.kind === 'percent' ? discount.basisPoints : discount.minor) : null,
      notes: data.notes.trim(),
      terms: data.terms.trim(),
      subtotalMinor: totals.subtotalMinor,
      discountMinor: totals.discountMinor,
      taxMinor: totals.taxMinor,
      totalMinor: totals.totalMinor,
      taxes: totals.taxes,
    },
    lines: parsedLines.map((line, position) => {
      const figures = totals.lines[position];
      if (!figures) throw new Error('computeInvoice returned fewer lines than it was given');
      return {
        position,
        description: line.description,
        quantityMilli: line.quantityMilli,
        unitPriceMinor: line.unitPriceMinor,
        discountKind: line.discount?.kind ?? null,
        discountValue: line.discount
          ? line.discount.kind === 'percent'
            ? line.discount.basisPoints
            : line.discount.minor
          : null,
        grossMinor: figures.grossMinor,
        discountMinor: figures.lineDiscountMinor + figures.invoiceDiscountMinor,
        netMinor: figures.netMinor,
        taxMinor: figures.taxMinor,
        totalMinor: figures.totalMinor,
        taxes: figures.taxes.map((tax) => {
          const rate = rateById.get(tax.taxRateId);
          return {
            taxRateId: tax.taxRateId,
            name: rate?.name ?? '',
            rateBasisPoints: rate?.rate_basis_points ?? 0,
            inclusive: rate?.inclusive ?? false,
            minor: tax.minor,
          };
        }),
      };
    }),
  };
}

async function writeLines(ctx: TxCtx, tenantId: string, invoiceId: string, draft: ComputedDraft) {
  await ctx.tx.delete(invoiceLines).where(sql`${invoiceLines.invoiceId} = ${invoiceId}::uuid`);
  await ctx.tx.insert(invoiceLines).values(draft.lines.map((line) => ({ ...line, tenantId, invoiceId })));
}

/** Creates a draft: no number until it is sent. */
export async function createInvoice({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof draftInput>;
}): Promise<{ id: string }> {
  const me = adminWriter(ctx);
  const data = parseInput(draftInput, input);
  return transact(ctx, async (tctx) => {
    const draft = await computeDraft(tctx.tx, data);
    const [row] = await tctx.tx
      .insert(invoices)
      .values({ ...draft.values, tenantId: me.tenantId, createdBy: me.userId })
      .returning({ id: invoices.id });
    if (!row) throw new Error('invoice insert returned no row');
    await writeLines(tctx, me.tenantId, row.id, draft);
    await record(tctx, {
      verb: 'invoice.create',
      subject: { type: 'invoice', id: row.id },
      projectId: draft.values.projectId ?? null,
      data: { clientId: data.clientId, totalMinor: draft.values.totalMinor, currency: draft.values.currency },
    });
    return { id: row.id };
  });
}

/** Saves a draft's changes; an issued invoice can't change (void it and issue another). */
export async function updateInvoice({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof updateDraftInput>;
}): Promise<void> {
  const me = adminWriter(ctx);
  const data = parseInput(updateDraftInput, input);
  await transact(ctx, async (tctx) => {
    const current = await lockInvoice(tctx.tx, data.id);
    if (current.issued_at !== null)
      throw new CoreError(
        'conflict',
        'This invoice has been sent: it can’t be changed. Void it and send a new one.',
      );
    const draft = await computeDraft(tctx.tx, data);
    await tctx.tx
      .update(invoices)
      .set({ ...draft.values, updatedAt: sql`now()` })
      .where(sql`${invoices.id} = ${data.id}::uuid`);
    await writeLines(tctx, me.tenantId, data.id, draft);
    await record(tctx, {
      verb: 'invoice.update',
      subject: { type: 'invoice', id: data.id },
      projectId: draft.values.projectId ?? null,
      data: { totalMinor: draft.values.totalMinor, currency: draft.values.currency },
    });
  });
}

export async function deleteDraft({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof invoiceIdInput>;
}): Promise<void> {
  adminWriter(ctx);
  const { id } = parseInput(invoiceIdInput, input);
  await transact(ctx, async (tctx) => {
    const current = await lockInvoice(tctx.tx, id);
    if (current.issued_at !== null)
      throw new CoreError('conflict', 'Only drafts can be deleted. Void a sent invoice instead.');
    await tctx.tx.delete(invoices).where(sql`${invoices.id} = ${id}::uuid`);
    await record(tctx, { verb: 'invoice.delete', subject: { type: 'invoice', id }, data: {} });
  });
}

/**
 * A new draft with `source`'s client, lines, figures and terms, dated `issueDate` and due as many
 * days later as the source was. Its figures are the source's: each line keeps the rates it was
 * taxed at.
 */
export async function copyInvoice(
  tx: Tx,
  source: InvoiceRecord,
  issueDate: string,
  options: { createdBy: string | null; repeatedFrom: string | null },
): Promise<{ id: string }> {
  const days = Math.max(0, daysBetween(source.issue_date, source.due_date));
  const [copy] = await rows<{ id: string }>(
    tx,
    sql`insert into app.invoices (tenant_id, client_id, contact_id, project_id, currency, issue_date, due_date,
          buyer_name, buyer_details, discount_kind, discount_value, notes, terms, subtotal_minor, discount_minor,
          tax_minor, total_minor, taxes, created_by, repeated_from)
        select tenant_id, client_id, contact_id, project_id, currency, ${issueDate}::date, ${addDays(issueDate, days)}::date,
          buyer_name, buyer_details, discount_kind, discount_value, notes, terms, subtotal_minor, discount_minor,
          tax_minor, total_minor, taxes, ${options.createdBy}::uuid, ${options.repeatedFrom}::uuid
          from app.invoices where id = ${source.id}::uuid
        returning id::text as id`,
  );
  if (!copy) throw new CoreError('not_found', INVOICE_NOT_FOUND);
  await tx.execute(
    sql`insert into app.invoice_lines (tenant_id, invoice_id, position, description, quantity_milli, unit_price_minor,
          discount_kind, discount_value, gross_minor, discount_minor, net_minor, tax_minor, total_minor, taxes)
        select tenant_id, ${copy.id}::uuid, position, description, quantity_milli, unit_price_minor,
          discount_kind, discount_value, gross_minor, discount_minor, net_minor, tax_minor, total_minor, taxes
          from app.invoice_lines where invoice_id = ${source.id}::uuid`,
  );
  return copy;
}

/** A new draft with the same client, lines and terms, dated today. */
export async function duplicateInvoice({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof invoiceIdInput>;
}): Promise<{ id: string }> {
  const me = adminWriter(ctx);
  const { id } = parseInput(invoiceIdInput, input);
  const today = todayOf(ctx);
  return transact(ctx, async (tctx) => {
    const source = await readInvoice(tctx.tx, id);
    const copy = await copyInvoice(tctx.tx, source, today, { createdBy: me.userId, repeatedFrom: null });
    await record(tctx, {
      verb: 'invoice.duplicate',
      subject: { type: 'invoice', id: copy.id },
      data: { from: id, number: source.number },
    });
    return { id: copy.id };
  });
}

// ---- sending -------------------------------------------------------------------------------------

/** The client's page of an invoice: what emails and notices link to. */
export const portalInvoiceLink = (invoiceId: string) => `/invoices/${invoiceId}`;

/**
 * Who hears about an invoice: its named contact, or every contact of its company, holding
 * `invoices` and not deactivated. Those still to accept their invitation get the bell only.
 */
async function invoiceAudience(tx: Tx, row: InvoiceRecord): Promise<{ userId: string; invited: boolean }[]> {
  const found = await rows<{ id: string; invited: boolean }>(
    tx,
    sql`select id::text as id, password_hash is null as invited from app.users
         where role = 'client' and status = 'active' and 'invoices' = any(permissions)
           and client_id = ${row.client_id}::uuid
           and (${row.contact_id}::uuid is null or id = ${row.contact_id}::uuid)`,
  );
  return found.map((person) => ({ userId: person.id, invited: person.invited }));
}

interface InvoiceNotice {
  event: 'invoice-sent' | 'payment-received' | 'payment-reminder' | 'payment-overdue';
  title: string;
  body: string;
  vars: Record<string, unknown>;
}

/** Tells an invoice's audience: bell and email (by their choice), the bell only while invited. */
async function tellAudience(
  tx: Tx,
  tenantId: string,
  row: InvoiceRecord,
  notice: InvoiceNotice,
): Promise<number> {
  const audience = await invoiceAudience(tx, row);
  const link = portalInvoiceLink(row.id);
  const invited = audience.filter((person) => person.invited).map((person) => person.userId);
  const active = audience.filter((person) => !person.invited).map((person) => person.userId);
  const base = { tenantId, event: notice.event, title: notice.title, body: notice.body, link };
  await notifyInApp(tx, { ...base, userIds: invited });
  await notify(tx, { ...base, userIds: active, vars: { ...notice.vars, invoiceUrl: link } });
  return audience.length;
}

/** Takes the next number of the tenant's sequence, under the settings row's lock. */
export async function takeNumber(tx: Tx, tenantId: string): Promise<string> {
  await tx.execute(
    sql`insert into app.invoice_settings (tenant_id) values (${tenantId}::uuid) on conflict (tenant_id) do nothing`,
  );
  const [taken] = await rows<{ seq: number; prefix: string; width: number }>(
    tx,
    sql`update app.invoice_settings set next_number = next_number + 1, updated_at = now()
         returning next_number - 1 as seq, number_prefix as prefix, number_width as width`,
  );
  if (!taken) throw new Error('invoice settings row missing after insert');
  return formatInvoiceNumber(taken.prefix, Number(taken.seq), taken.width);
}

/**
 * Sends an invoice: a draft is issued first (the next number, dated today if its dates have
 * passed, the due date moved with it), then its client's contacts get the branded email with a
 * link. An issued invoice is sent again.
 */
export async function sendInvoice({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof invoiceIdInput>;
}): Promise<{ number: string; recipients: number }> {
  const me = adminWriter(ctx);
  const { id } = parseInput(invoiceIdInput, input);
  const today = todayOf(ctx);
  return transact(ctx, async (tctx) => {
    const sent = await deliverInvoice(tctx.tx, me.tenantId, id, today);
    await record(tctx, {
      verb: sent.issued ? 'invoice.issue' : 'invoice.resend',
      subject: { type: 'invoice', id },
      projectId: sent.row.project_id,
      data: {
        number: sent.number,
        totalMinor: num(sent.row.total_minor),
        currency: sent.row.currency,
        recipients: sent.recipients,
      },
    });
    return { number: sent.number, recipients: sent.recipients };
  });
}

/**
 * Issues a draft (the next number; its dates moved to today if they have passed) or marks an
 * issued invoice sent again, and tells its client's contacts. In the caller's transaction, as an
 * admin or the worker (a retainer's copy sent on its own).
 */
export async function deliverInvoice(
  tx: Tx,
  tenantId: string,
  id: string,
  today: string,
): Promise<{ row: InvoiceRecord; number: string; recipients: number; issued: boolean }> {
  let row = await lockInvoice(tx, id);
  if (row.voided_at !== null) throw new CoreError('conflict', 'This invoice is void: it can’t be sent.');
  const issuing = row.issued_at === null;
  if (issuing) {
    const [lines] = await rows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from app.invoice_lines where invoice_id = ${id}::uuid`,
    );
    if (Number(lines?.n ?? 0) === 0)
      throw new CoreError('conflict', 'Add a line before sending the invoice.');
    const number = await takeNumber(tx, tenantId);
    const shift = Math.max(0, daysBetween(row.issue_date, today));
    // Issues are serialised by the settings row's lock, so this check can't race another issue.
    const [taken] = await rows<{ ok: boolean }>(
      tx,
      sql`select true as ok from app.invoices where number = ${number}`,
    );
    if (taken)
      throw new CoreError(
        'conflict',
        `The number ${number} is already taken: raise the next number in Settings → Invoicing.`,
      );
    await tx.execute(
      sql`update app.invoices set number = ${number}, issued_at = now(), sent_at = now(), updated_at = now(),
            issue_date = issue_date + ${shift}::int, due_date = due_date + ${shift}::int
           where id = ${id}::uuid`,
    );
  } else {
    await tx.execute(sql`update app.invoices set sent_at = now() where id = ${id}::uuid`);
  }
  row = await readInvoice(tx, id);
  const number = row.number ?? '';
  const balance = balanceOf(row, statusOf(row, today));
  const recipients = await tellAudience(tx, tenantId, row, {
    event: 'invoice-sent',
    title: `Invoice ${number}`,
    body: `${formatMoney(balance, row.currency)} due ${row.due_date}.`,
    vars: { invoiceNumber: number, amountMinor: balance, currency: row.currency, dueDate: row.due_date },
  });
  return { row, number, recipients, issued: issuing };
}

/** Voids an issued invoice nothing is paid on: it keeps its number, and the client sees why. */
export async function voidInvoice({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof voidInvoiceInput>;
}): Promise<void> {
  adminWriter(ctx);
  const data = parseInput(voidInvoiceInput, input);
  await transact(ctx, async (tctx) => {
    const row = await lockInvoice(tctx.tx, data.id);
    if (row.issued_at === null) throw new CoreError('conflict', 'A draft isn’t void: delete it instead.');
    if (row.voided_at !== null) throw new CoreError('conflict', 'This invoice is already void.');
    if (num(row.paid_minor) - num(row.refunded_minor) > 0)
      throw new CoreError('conflict', 'Refund the payments before voiding this invoice.');
    await tctx.tx.execute(
      sql`update app.invoices set voided_at = now(), void_reason = ${data.reason}, updated_at = now() where id = ${data.id}::uuid`,
    );
    await record(tctx, {
      verb: 'invoice.void',
      subject: { type: 'invoice', id: data.id },
      projectId: row.project_id,
      data: { number: row.number, reason: data.reason },
    });
  });
}

// ---- money ---------------------------------------------------------------------------------------

/**
 * Records a payment (at most the balance due) or a refund (at most what was paid and kept), and
 * keeps the invoice's sums; a payment sends the client a receipt.
 */
export async function recordPayment({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof paymentInput>;
}): Promise<void> {
  const me = adminWriter(ctx);
  const data = parseInput(paymentInput, input);
  const today = todayOf(ctx);
  await transact(ctx, async (tctx) => {
    const { tx } = tctx;
    const row = await lockInvoice(tx, data.id);
    const status = statusOf(row, today);
    let amountMinor: number;
    try {
      amountMinor = parseMoney(data.amount, row.currency);
    } catch (error) {
      if (!(error instanceof BillingError)) throw error;
      throw invalid({ amount: error.message });
    }
    if (amountMinor <= 0) throw invalid({ amount: 'Enter an amount above zero.' });
    if (data.paidOn > today) throw invalid({ paidOn: 'The date can’t be in the future.' });
    const kept = num(row.paid_minor) - num(row.refunded_minor);
    if (data.kind === 'payment') {
      if (!PAYABLE_STATUSES.includes(status))
        throw new CoreError('conflict', 'This invoice isn’t waiting for a payment.');
      const balance = balanceOf(row, status);
      if (amountMinor > balance)
        throw invalid({ amount: `Enter at most the balance due, ${formatMoney(balance, row.currency)}.` });
    } else {
      if (row.voided_at !== null || row.issued_at === null)
        throw new CoreError('conflict', 'There is nothing to refund on this invoice.');
      if (amountMinor > kept)
        throw invalid({ amount: `Enter at most what was paid, ${formatMoney(kept, row.currency)}.` });
    }
    await tx.insert(invoicePayments).values({
      tenantId: me.tenantId,
      invoiceId: data.id,
      kind: data.kind,
      amountMinor,
      paidOn: data.paidOn,
      method: data.method,
      reference: data.reference,
      recordedBy: me.userId,
    });
    const paid = num(row.paid_minor) + (data.kind === 'payment' ? amountMinor : 0);
    const refunded = num(row.refunded_minor) + (data.kind === 'refund' ? amountMinor : 0);
    await tx.execute(
      sql`update app.invoices set paid_minor = ${paid}, refunded_minor = ${refunded}, updated_at = now(),
            paid_at = case when ${paid - refunded} >= total_minor then coalesce(paid_at, now()) else null end
           where id = ${data.id}::uuid`,
    );
    if (data.kind === 'payment') {
      await tellAudience(tx, me.tenantId, row, {
        event: 'payment-received',
        title: `Payment received for invoice ${row.number}`,
        body: `${formatMoney(amountMinor, row.currency)} on ${data.paidOn}. Thank you!`,
        vars: { invoiceNumber: row.number, amountMinor, currency: row.currency, paidAt: data.paidOn },
      });
    }
    await record(tctx, {
      verb: data.kind === 'payment' ? 'invoice.payment' : 'invoice.refund',
      subject: { type: 'invoice', id: data.id },
      projectId: row.project_id,
      data: { number: row.number, amountMinor, currency: row.currency, method: data.method },
    });
  });
}

// ---- retainers ----------------------------------------------------------------------------------

/**
 * Makes an invoice a retainer (a copy every month or quarter from `next`, sent at once or left as
 * a draft), changes its schedule, or stops it (`every` empty). Any invoice but a void one.
 */
export async function setInvoiceRepeat({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof repeatInput>;
}): Promise<void> {
  adminWriter(ctx);
  const data = parseInput(repeatInput, input);
  const today = todayOf(ctx);
  if (data.every !== '' && !isCalendarDate(data.next))
    throw invalid({ next: 'Enter the date of the next invoice.' });
  if (data.every !== '' && data.next < today)
    throw invalid({ next: 'The next invoice can’t be in the past.' });
  await transact(ctx, async (tctx) => {
    const row = await lockInvoice(tctx.tx, data.id);
    if (row.voided_at !== null) throw new CoreError('conflict', 'This invoice is void: it can’t repeat.');
    await tctx.tx.execute(
      data.every === ''
        ? sql`update app.invoices set repeat_every = null, repeat_next = null, repeat_send = false, updated_at = now()
               where id = ${data.id}::uuid`
        : sql`update app.invoices set repeat_every = ${data.every}, repeat_next = ${data.next}::date,
                 repeat_send = ${data.send}, updated_at = now()
               where id = ${data.id}::uuid`,
    );
    await record(tctx, {
      verb: 'invoice.repeat',
      subject: { type: 'invoice', id: data.id },
      projectId: row.project_id,
      data: data.every === '' ? { every: null } : { every: data.every, next: data.next, send: data.send },
    });
  });
}

// ---- reminders -----------------------------------------------------------------------------------

export type ReminderKind = InvoiceReminderView['kind'];

/** Sends one reminder for an invoice in `tx` and records it; false when it was already sent. */
export async function sendReminder(
  tx: Tx,
  tenantId: string,
  row: InvoiceRecord,
  kind: ReminderKind,
  today: string,
  sentBy: string | null,
): Promise<boolean> {
  const status = statusOf(row, today);
  if (!PAYABLE_STATUSES.includes(status)) return false;
  const inserted = await rows<{ id: string }>(
    tx,
    sql`insert into app.invoice_reminders (tenant_id, invoice_id, kind, on_date, sent_by)
        values (${tenantId}::uuid, ${row.id}::uuid, ${kind}, ${today}::date, ${sentBy}::uuid)
        on conflict do nothing returning id::text as id`,
  );
  if (inserted.length === 0) return false;
  const balance = balanceOf(row, status);
  const overdue = status === 'overdue';
  await tellAudience(tx, tenantId, row, {
    event: overdue ? 'payment-overdue' : 'payment-reminder',
    title: overdue ? `Invoice ${row.number} is overdue` : `Invoice ${row.number} is due ${row.due_date}`,
    body: `${formatMoney(balance, row.currency)} ${overdue ? 'was due' : 'is due'} on ${row.due_date}.`,
    vars: { invoiceNumber: row.number, amountMinor: balance, currency: row.currency, dueDate: row.due_date },
  });
  return true;
}

/** An admin's reminder, now: the overdue notice for a late invoice, else the friendly one. */
export async function sendInvoiceReminder({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof invoiceIdInput>;
}): Promise<void> {
  const me = adminWriter(ctx);
  const { id } = parseInput(invoiceIdInput, input);
  const today = todayOf(ctx);
  await transact(ctx, async (tctx) => {
    const row = await lockInvoice(tctx.tx, id);
    const sent = await sendReminder(tctx.tx, me.tenantId, row, 'manual', today, me.userId);
    if (!sent) throw new CoreError('conflict', 'This invoice isn’t waiting for a payment.');
    await record(tctx, {
      verb: 'invoice.remind',
      subject: { type: 'invoice', id },
      projectId: row.project_id,
      data: { number: row.number },
    });
  });
}

export { balanceOf, detailOf, type InvoiceRecord, lockInvoice, num, readInvoice, statusOf, tellAudience };
