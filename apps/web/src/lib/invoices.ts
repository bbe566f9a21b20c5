import {
  BillingError,
  computeInvoice,
  type Discount,
  formatMoney,
  isCurrency,
  type LineInput,
  minorToDecimal,
  parseMoney,
  parsePercent,
  parseQuantity,
  type TaxRate,
} from '@foyer/billing';
import type { InvoiceDetail, InvoiceFilter, InvoiceFormOptions } from '@foyer/core';

/*
 * The invoice pages' shared pieces, safe in the browser: the editor's values, its live totals
 * (by the same arithmetic as the saved invoice, from @foyer/billing), and the list's filters.
 */

/** How a discount is given: none, a percentage ("10") or an amount ("50.00"). */
export type DiscountKind = '' | 'percent' | 'amount';

/** One line of the editor, as typed. */
export interface EditorLine {
  description: string;
  quantity: string;
  unitPrice: string;
  discountKind: DiscountKind;
  discount: string;
  taxRateIds: string[];
}

/** The editor's fields, as typed: the shape createInvoice and updateInvoice take. */
export interface EditorValues {
  clientId: string;
  contactId: string;
  projectId: string;
  currency: string;
  issueDate: string;
  dueDate: string;
  buyerDetails: string;
  discountKind: DiscountKind;
  discount: string;
  notes: string;
  terms: string;
  lines: EditorLine[];
}

/** Rows the editor renders empty beyond the invoice's lines, for a browser without JavaScript. */
export const SPARE_LINES = 3;

export function blankLine(taxRateIds: readonly string[] = []): EditorLine {
  return {
    description: '',
    quantity: '1',
    unitPrice: '',
    discountKind: '',
    discount: '',
    taxRateIds: [...taxRateIds],
  };
}

/** A row left as it was rendered: not a line of the invoice (its quantity and taxes start filled). */
export function isBlankLine(line: EditorLine): boolean {
  return line.description.trim() === '' && line.unitPrice.trim() === '' && line.discount.trim() === '';
}

/** A new invoice's values, for the company chosen beforehand if any. */
export function newInvoiceValues(options: InvoiceFormOptions, clientId = ''): EditorValues {
  const known = options.companies.some((company) => company.id === clientId);
  return {
    clientId: known ? clientId : '',
    contactId: '',
    projectId: '',
    currency: options.defaults.currency,
    issueDate: options.defaults.issueDate,
    dueDate: options.defaults.dueDate,
    buyerDetails: '',
    discountKind: '',
    discount: '',
    notes: '',
    terms: options.defaults.terms,
    lines: [],
  };
}

/** A draft's values, to edit it. */
export function draftValues(invoice: InvoiceDetail): EditorValues {
  return {
    clientId: invoice.clientId,
    contactId: invoice.contactId ?? '',
    projectId: invoice.projectId ?? '',
    currency: invoice.currency,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    buyerDetails: invoice.buyerDetails,
    discountKind: invoice.discountKind ?? '',
    discount: invoice.discountInput,
    notes: invoice.notes,
    terms: invoice.terms,
    lines: invoice.lines.map((line) => ({
      description: line.description,
      quantity: line.quantity,
      // The view's price is formatted ("£1,200.00"); the editor takes the plain amount.
      unitPrice: amountInput(line.unitPriceMinor, invoice.currency),
      discountKind: line.discountKind ?? '',
      discount: line.discountInput,
      taxRateIds: [...line.taxRateIds],
    })),
  };
}

/** The amount to type for `minor` in `currency`, without grouping: 125000 GBP → "1250.00". */
export function amountInput(minor: number, currency: string): string {
  try {
    return minorToDecimal(minor, currency);
  } catch {
    return '';
  }
}

/** A discount as typed, or null when there is none; throws BillingError when it cannot be read. */
function discountOf(kind: DiscountKind, text: string, currency: string): Discount | null {
  if (kind === '' || text.trim() === '') return null;
  if (kind === 'amount') return { kind, minor: parseMoney(text, currency) };
  const basisPoints = parsePercent(text, 10_000);
  if (basisPoints === null)
    throw new BillingError('invalid_discount', 'Enter a percentage between 0 and 100.');
  return { kind, basisPoints };
}

/** One line of the totals block. */
export interface TotalRow {
  label: string;
  amount: string;
  strong?: boolean;
}

export interface LiveTotals {
  rows: TotalRow[];
  /**
   * Each line's amount (by the editor's row) as the invoice prints it: after both discounts, before
   * exclusive tax; null when it has none yet.
   */
  lineAmounts: (string | null)[];
  /** Lines left out because a figure cannot be read yet (1-based), and whether the invoice discount was. */
  skippedLines: number[];
  discountSkipped: boolean;
}

/**
 * The totals of what is typed so far, as the saved invoice will have them; null until the currency
 * is one. Lines with a figure that cannot be read yet are left out and named, not refused: the
 * server does that, field by field, on saving.
 */
export function liveTotals(
  values: EditorValues,
  taxRates: InvoiceFormOptions['taxRates'],
): LiveTotals | null {
  const currency = values.currency.trim().toUpperCase();
  if (!isCurrency(currency)) return null;
  const rates: TaxRate[] = taxRates.map((rate) => ({
    id: rate.id,
    name: `${rate.name} ${rate.rateLabel}`,
    rateBasisPoints: rate.rateBasisPoints,
    inclusive: rate.inclusive,
  }));
  const known = new Set(rates.map((rate) => rate.id));
  const lines: LineInput[] = [];
  /** For each line computed, the editor row it came from. */
  const rowOf: number[] = [];
  const skippedLines: number[] = [];
  values.lines.forEach((line, index) => {
    if (isBlankLine(line)) return;
    let input: LineInput;
    try {
      input = {
        quantityMilli: parseQuantity(line.quantity),
        unitPriceMinor: parseMoney(line.unitPrice, currency),
        discount: discountOf(line.discountKind, line.discount, currency),
        taxRateIds: line.taxRateIds.filter((id) => known.has(id)),
      };
    } catch (cause) {
      if (!(cause instanceof BillingError)) throw cause;
      skippedLines.push(index + 1);
      return;
    }
    lines.push(input);
    rowOf.push(index);
  });
  let discount: Discount | null = null;
  let discountSkipped = false;
  try {
    discount = discountOf(values.discountKind, values.discount, currency);
  } catch (cause) {
    if (!(cause instanceof BillingError)) throw cause;
    discountSkipped = true;
  }
  // A discount larger than what it applies to, or a sum past the largest amount, is refused by the
  // arithmetic: the totals then leave out the discount, or failing that the lines, and the server
  // names the field on saving.
  const attempts: [LineInput[], Discount | null][] = [
    [lines, discount],
    [lines, null],
    [[], null],
  ];
  let totals: ReturnType<typeof computeInvoice> | null = null;
  for (const [tried, triedDiscount] of attempts) {
    try {
      totals = computeInvoice({ currency, lines: tried, discount: triedDiscount, taxRates: rates });
    } catch (cause) {
      if (!(cause instanceof BillingError)) throw cause;
      continue;
    }
    if (triedDiscount === null && discount !== null) discountSkipped = true;
    if (tried.length < lines.length) skippedLines.push(...rowOf.map((row) => row + 1));
    break;
  }
  if (totals === null) return null;
  const money = (minor: number) => formatMoney(minor, currency);
  const lineAmounts: (string | null)[] = values.lines.map(() => null);
  totals.lines.forEach((line, index) => {
    const row = rowOf[index];
    if (row !== undefined)
      lineAmounts[row] = money(line.grossMinor - line.lineDiscountMinor - line.invoiceDiscountMinor);
  });
  const rows: TotalRow[] = [{ label: 'Subtotal', amount: money(totals.subtotalMinor) }];
  if (totals.discountMinor > 0) rows.push({ label: 'Discount', amount: `−${money(totals.discountMinor)}` });
  for (const tax of totals.taxes) {
    rows.push({ label: tax.inclusive ? `${tax.name} (included)` : tax.name, amount: money(tax.minor) });
  }
  rows.push({ label: 'Total', amount: money(totals.totalMinor), strong: true });
  return { rows, lineAmounts, skippedLines, discountSkipped };
}

/** The list's filters, as the status tabs name them. */
export const INVOICE_FILTERS: readonly { value: InvoiceFilter | ''; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'draft', label: 'Drafts' },
  { value: 'outstanding', label: 'Outstanding' },
  { value: 'overdue', label: 'Overdue' },
  { value: 'paid', label: 'Paid' },
  { value: 'void', label: 'Void' },
];

export interface InvoiceQuery {
  status: string;
  client: string;
}

/** The list's address for a filter and page, leaving defaults out so that a plain list is /admin/invoices. */
export function invoicesHref(query: InvoiceQuery, page = 1): string {
  const params = new URLSearchParams();
  if (query.status) params.set('status', query.status);
  if (query.client) params.set('client', query.client);
  if (page > 1) params.set('page', String(page));
  const search = params.toString();
  return search ? `/admin/invoices?${search}` : '/admin/invoices';
}

/** After "Invoice INV-0042 sent: ": who got it, or why nobody did. */
export function sentToText(recipients: number): string {
  if (recipients === 0) return 'no email went, as no contact of this client has “Invoices” on.';
  return `it went to ${recipients} ${recipients === 1 ? 'contact' : 'contacts'} by email.`;
}

/** How a payment was made, as the payment form offers it. */
export const PAYMENT_METHODS = ['Bank transfer', 'Card', 'Cash', 'Cheque', 'Other'] as const;

/** How a money row of an invoice is named (whether it takes money back is the row's `takesBack`). */
export const PAYMENT_KINDS = {
  payment: 'Payment',
  refund: 'Refund',
  dispute: 'Disputed',
  reinstatement: 'Dispute won',
} as const;
