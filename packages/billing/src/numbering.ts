import { BillingError } from './errors';

/**
 * An invoice-number prefix: 1 to 20 letters, digits, "-", "_" or "/". The database can check the
 * same pattern.
 */
export const INVOICE_PREFIX_PATTERN = '^[A-Za-z0-9_/-]{1,20}$';
const INVOICE_PREFIX = new RegExp(INVOICE_PREFIX_PATTERN);

/** What is wrong with a prefix, in words fit for the settings form, or null when it is fine. */
export function invoicePrefixProblem(prefix: string): string | null {
  if (prefix.length === 0) return 'Enter a prefix, such as INV-.';
  if (prefix.length > 20) return 'Use at most 20 characters.';
  if (!INVOICE_PREFIX.test(prefix)) return 'Use letters, digits, dashes, underscores and slashes.';
  return null;
}

/** Whether `prefix` is a valid invoice-number prefix. */
export function isInvoicePrefix(prefix: string): boolean {
  return invoicePrefixProblem(prefix) === null;
}

/**
 * An invoice number: the prefix as written, then the sequence padded with zeros to `width`
 * digits: ("INV-", 42) → "INV-0042", ("2026/", 7, 3) → "2026/007". The prefix carries its own
 * separator, so a tenant can choose "INV-", "A/" or none. A sequence longer than `width` is
 * written in full ("INV-12345"). Throws `BillingError('invalid_number')`.
 */
export function formatInvoiceNumber(prefix: string, sequence: number, width = 4): string {
  const problem = invoicePrefixProblem(prefix);
  if (problem) throw new BillingError('invalid_number', problem);
  if (!Number.isSafeInteger(sequence) || sequence < 1) {
    throw new BillingError('invalid_number', 'The sequence must be a whole number from 1.');
  }
  if (!Number.isInteger(width) || width < 1 || width > 12) {
    throw new BillingError('invalid_number', 'The width must be from 1 to 12 digits.');
  }
  return prefix + String(sequence).padStart(width, '0');
}
