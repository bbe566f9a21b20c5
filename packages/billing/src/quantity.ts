import { BillingError } from './errors';

/** Quantities are stored in thousandths: 1.5 hours is 1500, a quarter is 250. */
export const QUANTITY_SCALE = 1000;

/** The largest quantity a line may have, in thousandths (one thousand million units). */
export const MAX_QUANTITY_MILLI = 1_000_000_000_000;

/**
 * A quantity in thousandths from what a person typed: "2", "1.5", "0.25", "1,000.125". At most
 * three decimals; "." is the decimal mark and "," only groups thousands; no minus sign.
 * Throws `BillingError('invalid_quantity')`.
 */
export function parseQuantity(text: string): number {
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (!match) {
    const tooPrecise = /^[\d,]+\.\d{4,}$/.test(text.trim());
    throw new BillingError(
      'invalid_quantity',
      tooPrecise ? 'Use at most three decimals in a quantity.' : 'Enter a quantity such as 2 or 1.5.',
    );
  }
  const milli = BigInt((match[1] ?? '').replace(/,/g, '') + (match[2] ?? '').padEnd(3, '0'));
  if (milli > BigInt(MAX_QUANTITY_MILLI))
    throw new BillingError('invalid_quantity', 'That quantity is too large.');
  return Number(milli);
}

/**
 * A quantity in thousandths for people to read, with no trailing zeros: 1500 → "1.5",
 * 2000 → "2", 1234500 → "1,234.5" (in `locale`, en-GB unless told).
 */
export function formatQuantity(quantityMilli: number, locale = 'en-GB'): string {
  assertQuantityMilli(quantityMilli);
  const digits = quantityMilli.toString().padStart(4, '0');
  const decimal = `${digits.slice(0, -3)}.${digits.slice(-3)}` as Intl.StringNumericLiteral;
  let format = quantityFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { minimumFractionDigits: 0, maximumFractionDigits: 3 });
    quantityFormats.set(locale, format);
  }
  return format.format(decimal);
}

/** One formatter per locale: building one costs far more than using it. */
const quantityFormats = new Map<string, Intl.NumberFormat>();

/** Throws unless `quantityMilli` is a whole number of thousandths from 0 to MAX_QUANTITY_MILLI. */
export function assertQuantityMilli(quantityMilli: number): void {
  if (!Number.isSafeInteger(quantityMilli) || quantityMilli < 0) {
    throw new BillingError(
      'invalid_quantity',
      'A quantity must be zero or more, with at most three decimals.',
    );
  }
  if (quantityMilli > MAX_QUANTITY_MILLI)
    throw new BillingError('invalid_quantity', 'That quantity is too large.');
}
