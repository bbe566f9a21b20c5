import type { InvoiceFormOptions } from '@foyer/core';
import { describe, expect, it } from 'vitest';
import { blankLine, type EditorValues, invoicesHref, liveTotals } from './invoices';

const VAT: InvoiceFormOptions['taxRates'][number] = {
  id: 'vat',
  name: 'VAT',
  rateBasisPoints: 2000,
  rateLabel: '20%',
  inclusive: false,
  archived: false,
};
const GST: InvoiceFormOptions['taxRates'][number] = {
  id: 'gst',
  name: 'GST',
  rateBasisPoints: 1000,
  rateLabel: '10%',
  inclusive: true,
  archived: false,
};

function values(overrides: Partial<EditorValues> = {}): EditorValues {
  return {
    clientId: '',
    contactId: '',
    projectId: '',
    currency: 'GBP',
    issueDate: '2026-03-01',
    dueDate: '2026-03-31',
    buyerDetails: '',
    discountKind: '',
    discount: '',
    notes: '',
    terms: '',
    lines: [],
    ...overrides,
  };
}

const line = (description: string, quantity: string, unitPrice: string, taxRateIds: string[] = []) => ({
  ...blankLine(taxRateIds),
  description,
  quantity,
  unitPrice,
});

describe('liveTotals', () => {
  it('adds the lines, takes off the discount, then adds each tax, as the saved invoice will', () => {
    const totals = liveTotals(
      values({
        discountKind: 'percent',
        discount: '10',
        lines: [line('Design', '1.5', '100.00', ['vat']), line('Hosting', '1', '50', ['vat'])],
      }),
      [VAT],
    );
    expect(totals?.rows).toEqual([
      { label: 'Subtotal', amount: '£200.00' },
      { label: 'Discount', amount: '−£20.00' },
      { label: 'VAT 20%', amount: '£36.00' },
      { label: 'Total', amount: '£216.00', strong: true },
    ]);
    expect(totals?.lineAmounts).toEqual(['£135.00', '£45.00']);
    expect(totals?.skippedLines).toEqual([]);
  });

  it('names an inclusive tax as included and does not add it', () => {
    const totals = liveTotals(values({ lines: [line('Workshop', '1', '110.00', ['gst'])] }), [GST]);
    expect(totals?.rows.map((row) => [row.label, row.amount])).toEqual([
      ['Subtotal', '£110.00'],
      ['GST 10% (included)', '£10.00'],
      ['Total', '£110.00'],
    ]);
  });

  it('leaves out lines it cannot read yet, and names them, rather than failing', () => {
    const totals = liveTotals(
      values({
        lines: [
          line('Design', '1', '12.345'),
          blankLine(),
          line('Copy', 'two', '10'),
          line('Photos', '2', '5'),
        ],
      }),
      [],
    );
    expect(totals?.skippedLines).toEqual([1, 3]);
    expect(totals?.lineAmounts).toEqual([null, null, null, '£10.00']);
    expect(totals?.rows.at(-1)?.amount).toBe('£10.00');
  });

  it('drops an invoice discount larger than the lines and says so', () => {
    const totals = liveTotals(
      values({ discountKind: 'amount', discount: '500', lines: [line('Design', '1', '100')] }),
      [],
    );
    expect(totals?.discountSkipped).toBe(true);
    expect(totals?.rows.at(-1)?.amount).toBe('£100.00');
  });

  it('respects the currency’s decimals and waits for a known currency', () => {
    expect(
      liveTotals(values({ currency: 'JPY', lines: [line('Design', '3', '1000')] }), [])?.rows.at(-1)?.amount,
    ).toBe('JP¥3,000');
    expect(
      liveTotals(values({ currency: 'JPY', lines: [line('Design', '1', '10.5')] }), [])?.skippedLines,
    ).toEqual([1]);
    expect(liveTotals(values({ currency: 'QQ' }), [])).toBeNull();
  });
});

describe('the live totals’ percentages', () => {
  it('take a rate by its basis points and read a typed discount as the server does', () => {
    const seven = { ...VAT, id: 'seven', rateBasisPoints: 750, rateLabel: '7.5%' };
    const taxed = liveTotals(values({ lines: [line('Design', '1', '100', ['seven'])] }), [seven]);
    expect(taxed?.rows.map((row) => row.amount)).toContain('£7.50');
    const discounted = (discount: string) =>
      liveTotals(values({ discountKind: 'percent', discount, lines: [line('Design', '1', '100')] }), []);
    expect(discounted('12.25 %')?.rows.map((row) => row.amount)).toContain('£87.75');
    // More than two decimals, over 100 % or a whole part longer than "100": left out, as refused.
    for (const bad of ['7.125', '100.5', '0100']) expect(discounted(bad)?.discountSkipped, bad).toBe(true);
  });
});

describe('invoicesHref', () => {
  it('keeps the filters and leaves defaults out', () => {
    expect(invoicesHref({ status: '', client: '' })).toBe('/admin/invoices');
    expect(invoicesHref({ status: 'overdue', client: 'c1' }, 2)).toBe(
      '/admin/invoices?status=overdue&client=c1&page=2',
    );
  });
});
