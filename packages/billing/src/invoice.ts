import { currencyExponent, MAX_MINOR } from './currency';
import { BillingError } from './errors';
import { assertQuantityMilli, QUANTITY_SCALE } from './quantity';

/*
 * The one rounding rule (docs/adr/0017-money-and-rounding.md). Every amount is a whole number of
 * minor units. Wherever a division leaves a fraction, the result is rounded half away from zero
 * (`divideRounded`), once, at these points and nowhere else:
 *   1. a line's gross: quantity × unit price;
 *   2. a line's percentage discount, on its gross;
 *   3. an invoice percentage discount, on the sum of the lines after their own discounts; the
 *      invoice discount is then spread over those lines pro rata by the largest remainder
 *      method, so its parts add up to it exactly;
 *   4. each line's tax for each of its rates, on the line after both discounts: exclusive,
 *      amount × rate; inclusive, the tax the amount contains, amount × rate / (1 + rate).
 * Totals are sums of the rounded parts, never rounded again, so the lines always add up to the
 * totals. The arithmetic is done on BigInt: quantity × price can pass 2^53 on the way.
 */

/** The most lines an invoice may have. */
export const MAX_LINES = 500;

/** The highest tax rate accepted, in basis points (1000%). */
export const MAX_TAX_BASIS_POINTS = 100_000;

const BASIS = 10_000n;

/** A tenant's tax rate. `rateBasisPoints` is hundredths of a percent: 20% is 2000. */
export interface TaxRate {
  id: string;
  name: string;
  rateBasisPoints: number;
  /** The line's price already contains this tax (it is taken out, not added on). */
  inclusive: boolean;
}

/** A discount: a percentage in basis points (10% is 1000), or a fixed amount in minor units. */
export type Discount = { kind: 'percent'; basisPoints: number } | { kind: 'amount'; minor: number };

/** One line as entered: quantity in thousandths (1.5 → 1500) and unit price in minor units. */
export interface LineInput {
  quantityMilli: number;
  unitPriceMinor: number;
  discount?: Discount | null;
  /** The ids of the rates (from `InvoiceInput.taxRates`) that apply to this line. */
  taxRateIds: string[];
}

/** Everything the totals depend on. */
export interface InvoiceInput {
  /** ISO 4217 code; amounts are in its minor units. */
  currency: string;
  lines: LineInput[];
  /** A discount on the whole invoice, spread over the lines before tax. */
  discount?: Discount | null;
  taxRates: TaxRate[];
}

/** One rate's tax on one line. */
export interface LineTax {
  taxRateId: string;
  minor: number;
}

/**
 * One line's figures, all in minor units. `netMinor` is the line without any tax (for an
 * inclusive rate, the contained tax taken out), so `totalMinor = netMinor + taxMinor` and
 * `grossMinor − lineDiscountMinor − invoiceDiscountMinor = netMinor + (inclusive tax)`.
 */
export interface LineTotals {
  grossMinor: number;
  lineDiscountMinor: number;
  /** This line's share of the invoice discount. */
  invoiceDiscountMinor: number;
  netMinor: number;
  /** One entry per rate of the line, in the line's order. */
  taxes: LineTax[];
  taxMinor: number;
  totalMinor: number;
}

/** One rate's tax over the whole invoice: the sum of its rounded line parts. */
export interface TaxTotal {
  taxRateId: string;
  name: string;
  rateBasisPoints: number;
  inclusive: boolean;
  minor: number;
}

/** An invoice's figures. Every total is the sum of the same field over the lines. */
export interface InvoiceTotals {
  currency: string;
  lines: LineTotals[];
  /** The sum of the lines' gross amounts, before any discount. */
  subtotalMinor: number;
  lineDiscountMinor: number;
  invoiceDiscountMinor: number;
  /** Both kinds of discount together. */
  discountMinor: number;
  netMinor: number;
  /** One entry per rate used on any line, in the order of `InvoiceInput.taxRates`. */
  taxes: TaxTotal[];
  taxMinor: number;
  totalMinor: number;
}

/**
 * `numerator / denominator` rounded half away from zero: the only rounding the invoice
 * arithmetic uses. `denominator` must be positive.
 */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('The denominator must be positive.');
  const quotient = numerator / denominator; // BigInt division truncates towards zero
  const remainder = numerator % denominator;
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  if (twice < denominator) return quotient;
  return numerator < 0n ? quotient - 1n : quotient + 1n;
}

/**
 * Splits `total` into whole parts proportional to `weights` that add up to `total` exactly (the
 * largest remainder method): each part is its exact share rounded down, and the units left over
 * go one each to the largest remainders (ties to the earlier weight). Every part is within 1 of
 * its exact share, and a zero weight gets nothing. `total` and the weights are whole numbers of
 * zero or more; weights that are all zero take only a zero total.
 */
export function allocateByLargestRemainder(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new BillingError('invalid_amount', 'The amount to spread must be a whole number of zero or more.');
  }
  if (weights.some((weight) => !Number.isSafeInteger(weight) || weight < 0)) {
    throw new BillingError('invalid_amount', 'Each weight must be a whole number of zero or more.');
  }
  const sum = weights.reduce((acc, weight) => acc + BigInt(weight), 0n);
  if (sum === 0n) {
    if (total === 0) return weights.map(() => 0);
    throw new BillingError('invalid_amount', 'There’s nothing to spread the amount over.');
  }
  const shares = weights.map((weight, index) => {
    const exact = BigInt(total) * BigInt(weight);
    return { index, part: exact / sum, remainder: exact % sum };
  });
  let left = BigInt(total) - shares.reduce((acc, share) => acc + share.part, 0n);
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  // Fewer units are left than there are weights, and only shares with a remainder get one.
  for (const share of byRemainder) {
    if (left === 0n) break;
    share.part += 1n;
    left -= 1n;
  }
  return shares.map((share) => Number(share.part));
}

/** The amount `discount` takes off `amount` (both in minor units), refusing one over it. */
function discountOff(discount: Discount | null | undefined, amount: bigint, what: string): bigint {
  if (!discount) return 0n;
  if (discount.kind === 'percent') {
    const { basisPoints } = discount;
    if (!Number.isSafeInteger(basisPoints) || basisPoints < 0 || basisPoints > 10_000) {
      throw new BillingError('invalid_discount', `${what} must be between 0% and 100%.`);
    }
    return divideRounded(amount * BigInt(basisPoints), BASIS);
  }
  if (discount.kind === 'amount') {
    const { minor } = discount;
    if (!Number.isSafeInteger(minor) || minor < 0) {
      throw new BillingError('invalid_discount', `${what} must be an amount of zero or more.`);
    }
    if (BigInt(minor) > amount)
      throw new BillingError('invalid_discount', `${what} is more than the amount it’s taken off.`);
    return BigInt(minor);
  }
  throw new BillingError('invalid_discount', `${what} must be a percentage or an amount.`);
}

/** The tax rates by id, checked. */
function rateTable(taxRates: readonly TaxRate[]): Map<string, TaxRate> {
  const rates = new Map<string, TaxRate>();
  for (const rate of taxRates) {
    if (typeof rate.id !== 'string' || rate.id === '' || rates.has(rate.id)) {
      throw new BillingError('invalid_tax_rate', 'Each tax rate needs its own id.');
    }
    const bp = rate.rateBasisPoints;
    if (!Number.isSafeInteger(bp) || bp < 0 || bp > MAX_TAX_BASIS_POINTS) {
      throw new BillingError('invalid_tax_rate', `The rate of “${rate.name}” must be between 0% and 1000%.`);
    }
    rates.set(rate.id, rate);
  }
  return rates;
}

function assertWithinLimit(amount: bigint, what: string): void {
  if (amount > BigInt(MAX_MINOR)) throw new BillingError('too_large', `${what} is too large.`);
}

/**
 * Tax per rate on one line's amount after discounts (`amount`, in minor units). Inclusive rates
 * take out the tax the amount contains, amount × rate / (1 + rate); when a line has several,
 * the contained tax is worked out once for their sum and spread over them by largest remainder,
 * so it can never exceed the amount. Exclusive rates are then added on the line's tax-free net.
 */
function lineTaxes(amount: bigint, rates: readonly TaxRate[]): { net: bigint; taxes: Map<string, bigint> } {
  const taxes = new Map<string, bigint>();
  const inclusive = rates.filter((rate) => rate.inclusive);
  const inclusiveBasis = inclusive.reduce((acc, rate) => acc + BigInt(rate.rateBasisPoints), 0n);
  const contained = divideRounded(amount * inclusiveBasis, BASIS + inclusiveBasis);
  const parts = allocateByLargestRemainder(
    Number(contained),
    inclusive.map((rate) => rate.rateBasisPoints),
  );
  inclusive.forEach((rate, index) => {
    taxes.set(rate.id, BigInt(parts[index] ?? 0));
  });
  const net = amount - contained;
  for (const rate of rates) {
    if (!rate.inclusive) taxes.set(rate.id, divideRounded(net * BigInt(rate.rateBasisPoints), BASIS));
  }
  return { net, taxes };
}

/**
 * An invoice's figures from its lines, discounts and tax rates, by the rounding rule above: the
 * same numbers for the screen, the PDF and the database. Throws `BillingError` for a negative
 * or fractional quantity or price, a discount over 100% or over its amount, an unknown or
 * repeated tax rate, more than MAX_LINES lines, or any amount over MAX_MINOR.
 */
export function computeInvoice(input: InvoiceInput): InvoiceTotals {
  currencyExponent(input.currency);
  if (input.lines.length > MAX_LINES) {
    throw new BillingError('too_many_lines', `An invoice can have at most ${MAX_LINES} lines.`);
  }
  const rates = rateTable(input.taxRates);

  const lines = input.lines.map((line, index) => {
    const label = `Line ${index + 1}`;
    try {
      assertQuantityMilli(line.quantityMilli);
    } catch (error) {
      if (error instanceof BillingError) throw new BillingError(error.code, `${label}: ${error.message}`);
      throw error;
    }
    const price = line.unitPriceMinor;
    if (!Number.isSafeInteger(price) || price < 0) {
      throw new BillingError('invalid_amount', `${label}: the unit price must be an amount of zero or more.`);
    }
    assertWithinLimit(BigInt(price), `${label}: the unit price`);
    const gross = divideRounded(BigInt(line.quantityMilli) * BigInt(price), BigInt(QUANTITY_SCALE));
    assertWithinLimit(gross, `${label}: the amount`);
    const lineDiscount = discountOff(line.discount, gross, `${label}: the discount`);
    const seen = new Set<string>();
    const lineRates = line.taxRateIds.map((id) => {
      const rate = rates.get(id);
      if (!rate) throw new BillingError('unknown_tax_rate', `${label}: that tax rate no longer exists.`);
      if (seen.has(id))
        throw new BillingError('invalid_tax_rate', `${label}: the same tax rate is there twice.`);
      seen.add(id);
      return rate;
    });
    return { gross, lineDiscount, afterLineDiscount: gross - lineDiscount, rates: lineRates };
  });

  const subtotal = lines.reduce((acc, line) => acc + line.gross, 0n);
  assertWithinLimit(subtotal, 'The invoice');
  const discountable = lines.reduce((acc, line) => acc + line.afterLineDiscount, 0n);
  const invoiceDiscount = discountOff(input.discount, discountable, 'The invoice discount');
  const shares = allocateByLargestRemainder(
    Number(invoiceDiscount),
    lines.map((line) => Number(line.afterLineDiscount)),
  );

  const lineTotals: LineTotals[] = lines.map((line, index) => {
    const share = BigInt(shares[index] ?? 0);
    const { net, taxes } = lineTaxes(line.afterLineDiscount - share, line.rates);
    const tax = [...taxes.values()].reduce((acc, minor) => acc + minor, 0n);
    assertWithinLimit(net + tax, `Line ${index + 1}: the amount with tax`);
    return {
      grossMinor: Number(line.gross),
      lineDiscountMinor: Number(line.lineDiscount),
      invoiceDiscountMinor: Number(share),
      netMinor: Number(net),
      taxes: line.rates.map((rate) => ({ taxRateId: rate.id, minor: Number(taxes.get(rate.id) ?? 0n) })),
      taxMinor: Number(tax),
      totalMinor: Number(net + tax),
    };
  });

  const sum = (pick: (line: LineTotals) => number) => lineTotals.reduce((acc, line) => acc + pick(line), 0);
  const taxByRate = new Map<string, number>();
  for (const line of lineTotals) {
    for (const tax of line.taxes)
      taxByRate.set(tax.taxRateId, (taxByRate.get(tax.taxRateId) ?? 0) + tax.minor);
  }
  const totals: InvoiceTotals = {
    currency: input.currency,
    lines: lineTotals,
    subtotalMinor: sum((line) => line.grossMinor),
    lineDiscountMinor: sum((line) => line.lineDiscountMinor),
    invoiceDiscountMinor: sum((line) => line.invoiceDiscountMinor),
    discountMinor: sum((line) => line.lineDiscountMinor + line.invoiceDiscountMinor),
    netMinor: sum((line) => line.netMinor),
    taxes: input.taxRates
      .filter((rate) => taxByRate.has(rate.id))
      .map((rate) => ({
        taxRateId: rate.id,
        name: rate.name,
        rateBasisPoints: rate.rateBasisPoints,
        inclusive: rate.inclusive,
        minor: taxByRate.get(rate.id) ?? 0,
      })),
    taxMinor: sum((line) => line.taxMinor),
    totalMinor: sum((line) => line.totalMinor),
  };
  assertWithinLimit(BigInt(totals.totalMinor), 'The invoice total');
  return totals;
}
