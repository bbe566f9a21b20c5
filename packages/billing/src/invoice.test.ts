import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateByLargestRemainder,
  BillingError,
  computeInvoice,
  type Discount,
  divideRounded,
  type InvoiceInput,
  type InvoiceTotals,
  type LineInput,
  MAX_MINOR,
  type TaxRate,
} from './index';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof BillingError) return error.code;
    throw error;
  }
  return 'no error';
};

const vat20: TaxRate = { id: 'vat', name: 'VAT', rateBasisPoints: 2000, inclusive: false };

describe('divideRounded', () => {
  it.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [7n, 2n, 4n],
    [4n, 3n, 1n],
    [-4n, 3n, -1n],
    [5n, 3n, 2n],
    [0n, 7n, 0n],
  ])('%i / %i → %i (half away from zero)', (numerator, denominator, expected) => {
    expect(divideRounded(numerator, denominator)).toBe(expected);
  });
});

describe('allocateByLargestRemainder', () => {
  it('gives the units left over to the largest remainders, ties to the earlier weight', () => {
    expect(allocateByLargestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateByLargestRemainder(10, [1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
    expect(allocateByLargestRemainder(635, [1005, 2010, 3333])).toEqual([101, 201, 333]);
    expect(allocateByLargestRemainder(5, [0, 3, 0, 1])).toEqual([0, 4, 0, 1]);
    expect(allocateByLargestRemainder(0, [0, 0])).toEqual([0, 0]);
    expect(allocateByLargestRemainder(0, [])).toEqual([]);
  });

  it('refuses a total with nothing to spread it over, and negative or fractional inputs', () => {
    expect(codeOf(() => allocateByLargestRemainder(1, [0, 0]))).toBe('invalid_amount');
    expect(codeOf(() => allocateByLargestRemainder(7, []))).toBe('invalid_amount');
    expect(codeOf(() => allocateByLargestRemainder(-1, [1]))).toBe('invalid_amount');
    expect(codeOf(() => allocateByLargestRemainder(1.5, [1]))).toBe('invalid_amount');
    expect(codeOf(() => allocateByLargestRemainder(1, [-1, 2]))).toBe('invalid_amount');
  });

  it('adds up exactly, and each part is within 1 of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_MINOR }),
        fc.array(fc.integer({ min: 0, max: MAX_MINOR }), { minLength: 1, maxLength: 50 }),
        (total, weights) => {
          fc.pre(weights.some((weight) => weight > 0));
          const parts = allocateByLargestRemainder(total, weights);
          const sum = weights.reduce((acc, weight) => acc + BigInt(weight), 0n);
          expect(parts).toHaveLength(weights.length);
          expect(parts.reduce((acc, part) => acc + BigInt(part), 0n)).toBe(BigInt(total));
          parts.forEach((part, index) => {
            expect(Number.isSafeInteger(part) && part >= 0).toBe(true);
            // |part − total × weight / sum| < 1, kept exact by multiplying through by sum.
            const gap = BigInt(part) * sum - BigInt(total) * BigInt(weights[index] ?? 0);
            expect(gap < sum && -gap < sum).toBe(true);
            if (weights[index] === 0) expect(part).toBe(0);
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('computeInvoice: hand-computed invoices', () => {
  it('a UK invoice with 20% VAT added', () => {
    const totals = computeInvoice({
      currency: 'GBP',
      taxRates: [vat20],
      lines: [
        { quantityMilli: 3000, unitPriceMinor: 15000, taxRateIds: ['vat'] }, // 3 × £150.00
        { quantityMilli: 2500, unitPriceMinor: 8000, taxRateIds: ['vat'] }, // 2.5 hours × £80.00
        // £19.99 less 10%: £1.999 rounds to £2.00
        {
          quantityMilli: 1000,
          unitPriceMinor: 1999,
          discount: { kind: 'percent', basisPoints: 1000 },
          taxRateIds: ['vat'],
        },
      ],
    });
    expect(
      totals.lines.map((line) => [
        line.grossMinor,
        line.lineDiscountMinor,
        line.netMinor,
        line.taxMinor,
        line.totalMinor,
      ]),
    ).toEqual([
      [45000, 0, 45000, 9000, 54000],
      [20000, 0, 20000, 4000, 24000],
      [1999, 200, 1799, 360, 2159], // £17.99 × 20% = £3.598 → £3.60
    ]);
    expect(totals).toMatchObject({
      subtotalMinor: 66999,
      lineDiscountMinor: 200,
      invoiceDiscountMinor: 0,
      discountMinor: 200,
      netMinor: 66799,
      taxMinor: 13360,
      totalMinor: 80159,
      taxes: [{ taxRateId: 'vat', name: 'VAT', rateBasisPoints: 2000, inclusive: false, minor: 13360 }],
    });
  });

  it('a 10% invoice discount over three lines, with remainders', () => {
    const totals = computeInvoice({
      currency: 'USD',
      taxRates: [vat20],
      discount: { kind: 'percent', basisPoints: 1000 },
      lines: [
        { quantityMilli: 1000, unitPriceMinor: 1005, taxRateIds: ['vat'] },
        { quantityMilli: 1000, unitPriceMinor: 2010, taxRateIds: ['vat'] },
        { quantityMilli: 1000, unitPriceMinor: 3333, taxRateIds: ['vat'] },
      ],
    });
    // 10% of 63.48 is 6.348 → 6.35, shared 100.53 / 201.07 / 333.39 cents: 100 + 201 + 333 = 634,
    // and the cent left goes to the largest remainder (.53), the first line.
    expect(totals.lines.map((line) => line.invoiceDiscountMinor)).toEqual([101, 201, 333]);
    expect(totals.lines.map((line) => line.netMinor)).toEqual([904, 1809, 3000]);
    // 180.8 → 181, 361.8 → 362, 600
    expect(totals.lines.map((line) => line.taxMinor)).toEqual([181, 362, 600]);
    expect(totals).toMatchObject({
      subtotalMinor: 6348,
      invoiceDiscountMinor: 635,
      discountMinor: 635,
      netMinor: 5713,
      taxMinor: 1143,
      totalMinor: 6856,
    });
  });

  it('an invoice amount discount is spread the same way', () => {
    const totals = computeInvoice({
      currency: 'GBP',
      taxRates: [],
      discount: { kind: 'amount', minor: 100 },
      lines: [1, 1, 1].map(() => ({ quantityMilli: 1000, unitPriceMinor: 1000, taxRateIds: [] })),
    });
    expect(totals.lines.map((line) => line.invoiceDiscountMinor)).toEqual([34, 33, 33]);
    expect(totals.totalMinor).toBe(2900);
  });

  it('a line with 19% VAT included in its price', () => {
    const vat19: TaxRate = { id: 'mwst', name: 'MwSt.', rateBasisPoints: 1900, inclusive: true };
    const totals = computeInvoice({
      currency: 'EUR',
      taxRates: [vat19],
      lines: [
        { quantityMilli: 1000, unitPriceMinor: 11900, taxRateIds: ['mwst'] }, // €119.00 holds €19.00
        // 3 × €9.99 = €29.97, holding 29.97 × 19 / 119 = €4.785… → €4.79
        { quantityMilli: 3000, unitPriceMinor: 999, taxRateIds: ['mwst'] },
      ],
    });
    expect(
      totals.lines.map((line) => [line.grossMinor, line.netMinor, line.taxMinor, line.totalMinor]),
    ).toEqual([
      [11900, 10000, 1900, 11900],
      [2997, 2518, 479, 2997],
    ]);
    expect(totals).toMatchObject({
      subtotalMinor: 14897,
      netMinor: 12518,
      taxMinor: 2379,
      totalMinor: 14897,
    });
    expect(totals.taxes).toEqual([
      { taxRateId: 'mwst', name: 'MwSt.', rateBasisPoints: 1900, inclusive: true, minor: 2379 },
    ]);
  });

  it('a JPY invoice, with no decimals', () => {
    const totals = computeInvoice({
      currency: 'JPY',
      taxRates: [{ id: 'ct', name: 'Consumption tax', rateBasisPoints: 1000, inclusive: false }],
      lines: [
        { quantityMilli: 2500, unitPriceMinor: 1333, taxRateIds: ['ct'] }, // 2.5 × ¥1,333 = ¥3,332.5 → ¥3,333
        { quantityMilli: 1000, unitPriceMinor: 500, taxRateIds: [] },
      ],
    });
    expect(totals.lines.map((line) => [line.grossMinor, line.taxMinor, line.totalMinor])).toEqual([
      [3333, 333, 3666], // ¥333.3 → ¥333
      [500, 0, 500],
    ]);
    expect(totals).toMatchObject({ subtotalMinor: 3833, taxMinor: 333, totalMinor: 4166 });
    expect(totals.lines[1]?.taxes).toEqual([]);
  });

  it('an inclusive and an exclusive rate on one line, and several inclusive rates', () => {
    const totals = computeInvoice({
      currency: 'GBP',
      taxRates: [
        { id: 'in10', name: 'A', rateBasisPoints: 1000, inclusive: true },
        { id: 'in5', name: 'B', rateBasisPoints: 500, inclusive: true },
        { id: 'ex2', name: 'C', rateBasisPoints: 200, inclusive: false },
      ],
      lines: [
        // £115.00 holds 15%: 11500 × 1500 / 11500 = 1500, shared 1000 / 500; net 10000, + 2% = 200.
        { quantityMilli: 1000, unitPriceMinor: 11500, taxRateIds: ['in10', 'in5', 'ex2'] },
      ],
    });
    expect(totals.lines[0]).toMatchObject({
      netMinor: 10000,
      taxes: [
        { taxRateId: 'in10', minor: 1000 },
        { taxRateId: 'in5', minor: 500 },
        { taxRateId: 'ex2', minor: 200 },
      ],
      taxMinor: 1700,
      totalMinor: 11700,
    });
  });

  it('multiplies exactly past 2^53', () => {
    // 999,999,999.999 × 95.01 = 9,500,999,999,990.499 → …990; in floats the product becomes
    // …990,500 and would round up to …991.
    const totals = computeInvoice({
      currency: 'GBP',
      taxRates: [],
      lines: [{ quantityMilli: 999_999_999_999, unitPriceMinor: 9501, taxRateIds: [] }],
    });
    expect(totals.totalMinor).toBe(9_500_999_999_990);
  });

  it('an empty draft adds up to nothing, and only rates in use are totalled', () => {
    const totals = computeInvoice({
      currency: 'GBP',
      taxRates: [vat20],
      lines: [],
      discount: { kind: 'percent', basisPoints: 500 },
    });
    expect(totals).toMatchObject({ subtotalMinor: 0, totalMinor: 0, taxes: [], lines: [] });
  });
});

describe('computeInvoice: refusals', () => {
  const line: LineInput = { quantityMilli: 1000, unitPriceMinor: 1000, taxRateIds: ['vat'] };
  const invoice = (changes: Partial<InvoiceInput>, lineChanges: Partial<LineInput> = {}): InvoiceInput => ({
    currency: 'GBP',
    taxRates: [vat20],
    lines: [{ ...line, ...lineChanges }],
    ...changes,
  });

  it.each<[string, InvoiceInput, string]>([
    ['an unknown currency', invoice({ currency: 'ZZZ' }), 'invalid_currency'],
    ['a negative quantity', invoice({}, { quantityMilli: -1000 }), 'invalid_quantity'],
    ['a fractional quantity', invoice({}, { quantityMilli: 1.5 }), 'invalid_quantity'],
    ['a negative price', invoice({}, { unitPriceMinor: -1 }), 'invalid_amount'],
    ['a fractional price', invoice({}, { unitPriceMinor: 10.5 }), 'invalid_amount'],
    ['a NaN price', invoice({}, { unitPriceMinor: Number.NaN }), 'invalid_amount'],
    [
      'a line discount over 100%',
      invoice({}, { discount: { kind: 'percent', basisPoints: 10001 } }),
      'invalid_discount',
    ],
    [
      'a negative line discount',
      invoice({}, { discount: { kind: 'percent', basisPoints: -1 } }),
      'invalid_discount',
    ],
    [
      'a line discount over the amount',
      invoice({}, { discount: { kind: 'amount', minor: 1001 } }),
      'invalid_discount',
    ],
    [
      'an invoice discount over 100%',
      invoice({ discount: { kind: 'percent', basisPoints: 10001 } }),
      'invalid_discount',
    ],
    [
      'an invoice discount over the amount',
      invoice({ discount: { kind: 'amount', minor: 1001 } }),
      'invalid_discount',
    ],
    [
      'an invoice discount over what the line discounts left',
      invoice({ discount: { kind: 'amount', minor: 600 } }, { discount: { kind: 'amount', minor: 500 } }),
      'invalid_discount',
    ],
    [
      'a discount of an unknown kind',
      invoice({ discount: { kind: 'free' } as unknown as Discount }),
      'invalid_discount',
    ],
    ['an unknown tax rate', invoice({}, { taxRateIds: ['gst'] }), 'unknown_tax_rate'],
    ['a tax rate twice on a line', invoice({}, { taxRateIds: ['vat', 'vat'] }), 'invalid_tax_rate'],
    ['two rates with one id', invoice({ taxRates: [vat20, vat20] }), 'invalid_tax_rate'],
    ['a negative rate', invoice({ taxRates: [{ ...vat20, rateBasisPoints: -1 }] }), 'invalid_tax_rate'],
    ['501 lines', invoice({ lines: Array.from({ length: 501 }, () => line) }), 'too_many_lines'],
    [
      'a line over 10^13',
      invoice({}, { quantityMilli: 1_000_000, unitPriceMinor: 10_000_000_001 }),
      'too_large',
    ],
    ['a price over 10^13', invoice({}, { quantityMilli: 1, unitPriceMinor: MAX_MINOR + 1 }), 'too_large'],
    [
      'lines adding up to over 10^13',
      invoice({ lines: [1, 2].map(() => ({ ...line, unitPriceMinor: MAX_MINOR / 2 + 1 })) }),
      'too_large',
    ],
    ['tax taking the total over 10^13', invoice({}, { unitPriceMinor: MAX_MINOR }), 'too_large'],
  ])('refuses %s', (_, input, code) => {
    expect(codeOf(() => computeInvoice(input))).toBe(code);
  });

  it('accepts exactly 500 lines and exactly 10^13', () => {
    expect(computeInvoice(invoice({ lines: Array.from({ length: 500 }, () => line) })).totalMinor).toBe(
      600_000,
    );
    expect(computeInvoice(invoice({}, { unitPriceMinor: MAX_MINOR, taxRateIds: [] })).totalMinor).toBe(
      MAX_MINOR,
    );
  });

  it('says which line is wrong', () => {
    expect(() => computeInvoice(invoice({ lines: [line, { ...line, quantityMilli: -1 }] }))).toThrow(
      /^Line 2: /,
    );
  });
});

// Random invoices that the arithmetic must accept: every amount discount fits under its amount.
const rates = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 30_000 }), fc.boolean()), { maxLength: 4 })
  .map((list) =>
    list.map(
      ([bp, inclusive], index): TaxRate => ({
        id: `t${index}`,
        name: `Tax ${index}`,
        rateBasisPoints: bp,
        inclusive,
      }),
    ),
  );

const lineArb = (rateIds: string[]) =>
  fc
    .record({
      // Small values find rounding edges; large ones stay under MAX_MINOR even with 25 lines and
      // four 300% taxes.
      quantityMilli: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 1_000_000 })),
      unitPriceMinor: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000_000 })),
      discount: fc.option(
        fc.oneof(
          fc.record({
            kind: fc.constant('percent' as const),
            basisPoints: fc.integer({ min: 0, max: 10_000 }),
          }),
          fc.record({
            kind: fc.constant('share' as const),
            basisPoints: fc.integer({ min: 0, max: 10_000 }),
          }),
        ),
      ),
      taxRateIds: fc.subarray(rateIds),
    })
    .map(({ discount, ...rest }): LineInput => {
      // An amount discount is drawn as a share of the line's smallest possible gross.
      const floorGross = Math.floor((rest.quantityMilli * rest.unitPriceMinor) / 1000);
      const amount = discount && Math.floor((floorGross * discount.basisPoints) / 10_000);
      return {
        ...rest,
        discount: discount?.kind === 'share' ? { kind: 'amount', minor: amount ?? 0 } : discount,
      };
    });

const invoiceArb = rates.chain((taxRates) =>
  fc.record({
    currency: fc.constantFrom('GBP', 'JPY', 'KWD', 'EUR', 'CLF'),
    taxRates: fc.constant(taxRates),
    lines: fc.array(lineArb(taxRates.map((rate) => rate.id)), { maxLength: 25 }),
    discountBasisPoints: fc.option(fc.integer({ min: 0, max: 10_000 })),
    discountAsAmount: fc.boolean(),
  }),
);

type Drawn = typeof invoiceArb extends fc.Arbitrary<infer T> ? T : never;

/** The invoice with its invoice discount, an amount one drawn as a share of what it may take. */
function withDiscount(drawn: Drawn): {
  input: InvoiceInput;
  discountable: number;
} {
  const base: InvoiceInput = { currency: drawn.currency, taxRates: drawn.taxRates, lines: drawn.lines };
  const plain = computeInvoice(base);
  const discountable = plain.subtotalMinor - plain.lineDiscountMinor;
  const bp = drawn.discountBasisPoints;
  if (bp === null) return { input: base, discountable };
  const discount: Discount = drawn.discountAsAmount
    ? { kind: 'amount', minor: Math.floor((discountable * bp) / 10_000) }
    : { kind: 'percent', basisPoints: bp };
  return { input: { ...base, discount }, discountable };
}

const allAmounts = (totals: InvoiceTotals): number[] => [
  totals.subtotalMinor,
  totals.lineDiscountMinor,
  totals.invoiceDiscountMinor,
  totals.discountMinor,
  totals.netMinor,
  totals.taxMinor,
  totals.totalMinor,
  ...totals.taxes.map((tax) => tax.minor),
  ...totals.lines.flatMap((line) => [
    line.grossMinor,
    line.lineDiscountMinor,
    line.invoiceDiscountMinor,
    line.netMinor,
    line.taxMinor,
    line.totalMinor,
    ...line.taxes.map((tax) => tax.minor),
  ]),
];

describe('computeInvoice: properties', () => {
  const runs = { numRuns: 400 };

  it('every amount is a whole number of zero or more', () => {
    fc.assert(
      fc.property(invoiceArb, (drawn) => {
        for (const amount of allAmounts(computeInvoice(withDiscount(drawn).input))) {
          expect(Number.isSafeInteger(amount) && amount >= 0).toBe(true);
        }
      }),
      runs,
    );
  });

  it('the totals are the sums of the lines', () => {
    fc.assert(
      fc.property(invoiceArb, (drawn) => {
        const totals = computeInvoice(withDiscount(drawn).input);
        const sum = (pick: (line: InvoiceTotals['lines'][number]) => number) =>
          totals.lines.reduce((acc, line) => acc + pick(line), 0);
        expect(totals.subtotalMinor).toBe(sum((line) => line.grossMinor));
        expect(totals.lineDiscountMinor).toBe(sum((line) => line.lineDiscountMinor));
        expect(totals.invoiceDiscountMinor).toBe(sum((line) => line.invoiceDiscountMinor));
        expect(totals.discountMinor).toBe(totals.lineDiscountMinor + totals.invoiceDiscountMinor);
        expect(totals.netMinor).toBe(sum((line) => line.netMinor));
        expect(totals.taxMinor).toBe(sum((line) => line.taxMinor));
        expect(totals.totalMinor).toBe(sum((line) => line.totalMinor));
        expect(totals.totalMinor).toBe(totals.netMinor + totals.taxMinor);
        expect(totals.taxMinor).toBe(totals.taxes.reduce((acc, tax) => acc + tax.minor, 0));
        for (const tax of totals.taxes) {
          const parts = totals.lines.flatMap((line) =>
            line.taxes.filter((part) => part.taxRateId === tax.taxRateId),
          );
          expect(parts.length).toBeGreaterThan(0);
          expect(tax.minor).toBe(parts.reduce((acc, part) => acc + part.minor, 0));
        }
      }),
      runs,
    );
  });

  it('the invoice discount is what was asked, and its parts add up to it exactly', () => {
    fc.assert(
      fc.property(invoiceArb, (drawn) => {
        const { input, discountable } = withDiscount(drawn);
        const totals = computeInvoice(input);
        const asked = input.discount;
        if (!asked) expect(totals.invoiceDiscountMinor).toBe(0);
        else if (asked.kind === 'amount') expect(totals.invoiceDiscountMinor).toBe(asked.minor);
        else {
          // Within half a minor unit of the exact percentage: |10000·d − D·bp| ≤ 5000.
          const gap = Math.abs(10_000 * totals.invoiceDiscountMinor - discountable * asked.basisPoints);
          expect(gap).toBeLessThanOrEqual(5_000);
        }
        for (const line of totals.lines) {
          expect(line.lineDiscountMinor + line.invoiceDiscountMinor).toBeLessThanOrEqual(line.grossMinor);
        }
      }),
      runs,
    );
  });

  it('each line: total = net + tax, and the discounted amount = net + the tax it contained', () => {
    fc.assert(
      fc.property(invoiceArb, (drawn) => {
        const { input } = withDiscount(drawn);
        const totals = computeInvoice(input);
        totals.lines.forEach((line, index) => {
          const rateIds = input.lines[index]?.taxRateIds ?? [];
          const rates = rateIds.map((id) => input.taxRates.find((rate) => rate.id === id) as TaxRate);
          const amount = line.grossMinor - line.lineDiscountMinor - line.invoiceDiscountMinor;
          const taxOf = (rate: TaxRate) => line.taxes.find((tax) => tax.taxRateId === rate.id)?.minor ?? -1;
          const contained = rates
            .filter((rate) => rate.inclusive)
            .reduce((acc, rate) => acc + taxOf(rate), 0);
          expect(line.taxes.map((tax) => tax.taxRateId)).toEqual(rateIds);
          expect(line.totalMinor).toBe(line.netMinor + line.taxMinor);
          expect(amount).toBe(line.netMinor + contained);
          if (rates.every((rate) => !rate.inclusive)) expect(line.netMinor).toBe(amount);
          if (rates.every((rate) => rate.inclusive)) {
            expect(line.totalMinor).toBe(amount);
            expect(line.taxMinor).toBeLessThanOrEqual(line.totalMinor);
          }
          for (const rate of rates.filter((each) => !each.inclusive)) {
            // Half a minor unit at most from net × rate.
            expect(Math.abs(10_000 * taxOf(rate) - line.netMinor * rate.rateBasisPoints)).toBeLessThanOrEqual(
              5_000,
            );
          }
          const inclusive = rates.filter((rate) => rate.inclusive);
          if (inclusive.length === 1 && inclusive[0]) {
            const r = inclusive[0].rateBasisPoints;
            expect(Math.abs((10_000 + r) * contained - amount * r)).toBeLessThanOrEqual((10_000 + r) / 2);
          }
        });
      }),
      runs,
    );
  });

  it('gives the same answer twice and leaves its input alone', () => {
    fc.assert(
      fc.property(invoiceArb, (drawn) => {
        const { input } = withDiscount(drawn);
        const copy = structuredClone(input);
        expect(computeInvoice(input)).toEqual(computeInvoice(copy));
        expect(input).toEqual(copy);
      }),
      { numRuns: 100 },
    );
  });
});
