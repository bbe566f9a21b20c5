import { MAX_MINOR } from './currency';
import { BillingError } from './errors';

/** Every status an invoice can show. Only `draft`, `sent` and `void` are stored facts; the rest follow from payments, refunds and dates. */
export type InvoiceStatus =
  | 'draft'
  | 'sent'
  | 'viewed'
  | 'partially_paid'
  | 'paid'
  | 'overdue'
  | 'refunded'
  | 'partially_refunded'
  | 'void';

function assertAmount(minor: number, what: string): void {
  if (!Number.isSafeInteger(minor) || minor < 0) {
    throw new BillingError('invalid_payment', `${what} must be a whole number of minor units, zero or more.`);
  }
}

function sumOf(amounts: readonly { minor: number }[], what: string): number {
  let total = 0;
  for (const { minor } of amounts) {
    assertAmount(minor, what);
    total += minor;
  }
  // Past MAX_MINOR the sum of a few hundred amounts could stop being exact.
  if (total > MAX_MINOR)
    throw new BillingError('too_large', `The ${what.toLowerCase()}s add up to too much.`);
  return total;
}

/**
 * What is still owed: total − payments + refunds, in minor units. A negative balance is a
 * credit (the client paid more than the total); it is returned as it is, never clamped to zero,
 * so an overpayment is visible and can be refunded. Refunds can't exceed the payments.
 */
export function balanceDue(
  totalMinor: number,
  payments: readonly { minor: number }[],
  refunds: readonly { minor: number }[],
): number {
  assertAmount(totalMinor, 'The total');
  const paid = sumOf(payments, 'Payment');
  const refunded = sumOf(refunds, 'Refund');
  if (refunded > paid) throw new BillingError('invalid_payment', 'Refunds can’t be more than the payments.');
  return totalMinor - paid + refunded;
}

/** What `invoiceStatus` needs to know about an invoice. Amounts are in minor units. */
export interface InvoiceStatusInput {
  /** A number has been assigned and the invoice sent. */
  issued: boolean;
  voided: boolean;
  /** `YYYY-MM-DD`, or null for an invoice with no due date (never overdue). */
  dueDate: string | null;
  /** An addressed client has opened it. */
  viewed: boolean;
  totalMinor: number;
  /** The sum of recorded payments (before refunds). */
  paidMinor: number;
  /** The sum of recorded refunds. */
  refundedMinor: number;
  /** Today in the tenant's time zone, `YYYY-MM-DD`. */
  today: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function assertDate(date: string, what: string): void {
  const match = DATE.exec(date);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const real = new Date(Date.UTC(year, month - 1, day));
  if (
    !match ||
    real.getUTCFullYear() !== year ||
    real.getUTCMonth() !== month - 1 ||
    real.getUTCDate() !== day
  ) {
    throw new BillingError('invalid_date', `${what} must be a date written YYYY-MM-DD.`);
  }
}

/**
 * The status to show, the first that applies in this order:
 *   void > draft > refunded / partially_refunded > paid > overdue > partially_paid > viewed > sent.
 * `refunded` when the refunds equal the payments, `partially_refunded` when some money was
 * refunded and some kept. `paid` when the payments reach the total (a zero total is paid once
 * issued). `overdue` when the due date is before today (due today is not yet overdue) and
 * something is still owed, whether or not part of it has been paid: what matters first to both
 * sides is that it is late, and the payments stay on the invoice for anyone who looks.
 */
export function invoiceStatus(input: InvoiceStatusInput): InvoiceStatus {
  const { totalMinor, paidMinor, refundedMinor } = input;
  assertAmount(totalMinor, 'The total');
  assertAmount(paidMinor, 'The amount paid');
  assertAmount(refundedMinor, 'The amount refunded');
  if (refundedMinor > paidMinor)
    throw new BillingError('invalid_payment', 'Refunds can’t be more than the payments.');
  assertDate(input.today, 'Today');
  if (input.dueDate !== null) assertDate(input.dueDate, 'The due date');

  if (input.voided) return 'void';
  if (!input.issued) return 'draft';
  if (refundedMinor > 0) return refundedMinor === paidMinor ? 'refunded' : 'partially_refunded';
  if (paidMinor >= totalMinor) return 'paid';
  // ISO dates compare correctly as strings.
  if (input.dueDate !== null && input.dueDate < input.today) return 'overdue';
  if (paidMinor > 0) return 'partially_paid';
  return input.viewed ? 'viewed' : 'sent';
}
