import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BillingError,
  balanceDue,
  formatInvoiceNumber,
  type InvoiceStatusInput,
  invoicePrefixProblem,
  invoiceStatus,
  isInvoicePrefix,
  MAX_MINOR,
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

const amounts = (list: number[]) => list.map((minor) => ({ minor }));

describe('balanceDue', () => {
  it('is the total less payments plus refunds', () => {
    expect(balanceDue(10000, [], [])).toBe(10000);
    expect(balanceDue(10000, amounts([2500, 2500]), [])).toBe(5000);
    expect(balanceDue(10000, amounts([10000]), [])).toBe(0);
    expect(balanceDue(10000, amounts([10000]), amounts([3000]))).toBe(3000);
  });

  it('goes below zero when the client paid too much: a credit', () => {
    expect(balanceDue(10000, amounts([6000, 6000]), [])).toBe(-2000);
    expect(balanceDue(10000, amounts([12000]), amounts([2000]))).toBe(0);
  });

  it('refuses refunds over the payments, and amounts that are negative or not whole', () => {
    expect(codeOf(() => balanceDue(10000, amounts([100]), amounts([200])))).toBe('invalid_payment');
    expect(codeOf(() => balanceDue(10000, amounts([-100]), []))).toBe('invalid_payment');
    expect(codeOf(() => balanceDue(10000, amounts([1.5]), []))).toBe('invalid_payment');
    expect(codeOf(() => balanceDue(-1, [], []))).toBe('invalid_payment');
    expect(codeOf(() => balanceDue(1, amounts([MAX_MINOR, 1]), []))).toBe('too_large');
  });

  it('adds up for any partial payments and refunds', () => {
    const money = fc.integer({ min: 0, max: 1_000_000_000 });
    fc.assert(
      fc.property(
        money,
        fc.array(money, { maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 1_000 }), { maxLength: 20 }),
        (total, payments, refundShares) => {
          const paid = payments.reduce((acc, minor) => acc + minor, 0);
          // Refunds drawn as thousandths of what was paid, so they never exceed it.
          const refunds = refundShares.map((share) =>
            Math.floor((paid * share) / 1000 / Math.max(1, refundShares.length)),
          );
          const refunded = refunds.reduce((acc, minor) => acc + minor, 0);
          const balance = balanceDue(total, amounts(payments), amounts(refunds));
          expect(Number.isSafeInteger(balance)).toBe(true);
          expect(balance).toBe(total - paid + refunded);
          expect(balance < 0).toBe(paid - refunded > total);
          expect(balance).toBeLessThanOrEqual(total);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('invoiceStatus', () => {
  const sent: InvoiceStatusInput = {
    issued: true,
    voided: false,
    dueDate: '2026-03-31',
    viewed: false,
    totalMinor: 10000,
    paidMinor: 0,
    refundedMinor: 0,
    today: '2026-03-15',
  };

  it.each<[string, Partial<InvoiceStatusInput>, string]>([
    ['a draft', { issued: false }, 'draft'],
    [
      'a draft past its due date with money on it',
      { issued: false, today: '2026-05-01', paidMinor: 100 },
      'draft',
    ],
    ['a void invoice, whatever else', { voided: true, paidMinor: 10000, refundedMinor: 10000 }, 'void'],
    ['a voided draft', { voided: true, issued: false }, 'void'],
    ['sent', {}, 'sent'],
    ['viewed', { viewed: true }, 'viewed'],
    ['partly paid', { viewed: true, paidMinor: 4000 }, 'partially_paid'],
    ['paid', { paidMinor: 10000 }, 'paid'],
    ['overpaid', { paidMinor: 12000 }, 'paid'],
    ['paid after its due date', { paidMinor: 10000, today: '2026-04-10' }, 'paid'],
    ['a zero total, once issued', { totalMinor: 0 }, 'paid'],
    ['due today', { today: '2026-03-31' }, 'sent'],
    ['a day late', { today: '2026-04-01' }, 'overdue'],
    ['late and viewed', { today: '2026-04-01', viewed: true }, 'overdue'],
    ['late and partly paid: overdue comes first', { today: '2026-04-01', paidMinor: 4000 }, 'overdue'],
    ['with no due date, never late', { dueDate: null, today: '2030-01-01' }, 'sent'],
    ['fully refunded', { paidMinor: 10000, refundedMinor: 10000 }, 'refunded'],
    ['refunded after being late', { paidMinor: 4000, refundedMinor: 4000, today: '2026-05-01' }, 'refunded'],
    ['partly refunded', { paidMinor: 10000, refundedMinor: 2500 }, 'partially_refunded'],
    [
      'partly refunded and late',
      { paidMinor: 4000, refundedMinor: 1000, today: '2026-05-01' },
      'partially_refunded',
    ],
  ])('%s → %s', (_, changes, status) => {
    expect(invoiceStatus({ ...sent, ...changes })).toBe(status);
  });

  it('refuses impossible inputs', () => {
    expect(codeOf(() => invoiceStatus({ ...sent, paidMinor: 100, refundedMinor: 200 }))).toBe(
      'invalid_payment',
    );
    expect(codeOf(() => invoiceStatus({ ...sent, paidMinor: -1 }))).toBe('invalid_payment');
    expect(codeOf(() => invoiceStatus({ ...sent, totalMinor: Number.NaN }))).toBe('invalid_payment');
    for (const date of ['2026-02-30', '2026-13-01', '26-03-01', '2026-3-1', '2026-03-01T00:00', '']) {
      expect(
        codeOf(() => invoiceStatus({ ...sent, today: date })),
        date,
      ).toBe('invalid_date');
      expect(
        codeOf(() => invoiceStatus({ ...sent, dueDate: date })),
        date,
      ).toBe('invalid_date');
    }
    expect(invoiceStatus({ ...sent, today: '2028-02-29' })).toBe('overdue');
  });

  it('follows the precedence for any input', () => {
    const date = fc
      .date({
        min: new Date('2020-01-01T00:00:00Z'),
        max: new Date('2030-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    const money = fc.integer({ min: 0, max: 100_000 });
    const input = fc
      .record({
        issued: fc.boolean(),
        voided: fc.boolean(),
        dueDate: fc.option(date),
        viewed: fc.boolean(),
        totalMinor: money,
        paidMinor: money,
        refundShare: fc.integer({ min: 0, max: 100 }),
        today: date,
      })
      .map(({ refundShare, ...rest }): InvoiceStatusInput => {
        // Most draws have no refund, so the statuses below refunds are reached too.
        const refundedMinor = refundShare > 60 ? Math.floor((rest.paidMinor * (refundShare - 60)) / 40) : 0;
        return { ...rest, refundedMinor };
      });
    fc.assert(
      fc.property(input, (each) => {
        const status = invoiceStatus(each);
        const owed = each.totalMinor - each.paidMinor + each.refundedMinor;
        const late = each.dueDate !== null && each.dueDate < each.today;
        let expected: string;
        if (each.voided) expected = 'void';
        else if (!each.issued) expected = 'draft';
        else if (each.refundedMinor > 0)
          expected = each.refundedMinor === each.paidMinor ? 'refunded' : 'partially_refunded';
        else if (owed <= 0) expected = 'paid';
        else if (late) expected = 'overdue';
        else if (each.paidMinor > 0) expected = 'partially_paid';
        else expected = each.viewed ? 'viewed' : 'sent';
        expect(status).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('invoice numbers', () => {
  it.each<[string, number, number | undefined, string]>([
    ['INV-', 42, undefined, 'INV-0042'],
    ['INV-', 1, undefined, 'INV-0001'],
    ['INV-', 12345, undefined, 'INV-12345'],
    ['2026/', 7, 3, '2026/007'],
    ['A', 9, 1, 'A9'],
    ['north_wind-', 100, 6, 'north_wind-000100'],
  ])('%s, %i, width %s → %s', (prefix, sequence, width, number) => {
    expect(formatInvoiceNumber(prefix, sequence, width)).toBe(number);
  });

  it('refuses bad prefixes, sequences and widths', () => {
    for (const prefix of ['', 'INV 1', 'INV.', 'FACTURÉ', 'A'.repeat(21), 'INV-\n']) {
      expect(isInvoicePrefix(prefix), prefix).toBe(false);
      expect(
        codeOf(() => formatInvoiceNumber(prefix, 1)),
        prefix,
      ).toBe('invalid_number');
    }
    expect(isInvoicePrefix('A'.repeat(20))).toBe(true);
    expect(invoicePrefixProblem('A'.repeat(21))).toBe('Use at most 20 characters.');
    for (const sequence of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
      expect(
        codeOf(() => formatInvoiceNumber('INV-', sequence)),
        String(sequence),
      ).toBe('invalid_number');
    }
    for (const width of [0, 13, 2.5]) {
      expect(
        codeOf(() => formatInvoiceNumber('INV-', 1, width)),
        String(width),
      ).toBe('invalid_number');
    }
  });
});
