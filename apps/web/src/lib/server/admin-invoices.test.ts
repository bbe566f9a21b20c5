import { describe, expect, it } from 'vitest';
import { draftForm } from './admin-invoices';

function form(entries: [string, string][]): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

describe('draftForm', () => {
  it('reads the lines in their numbers’ order, with their ticked taxes, and drops blank spare rows', () => {
    const values = draftForm(
      form([
        ['clientId', 'c1'],
        ['currency', ' gbp '],
        ['discountKind', 'percent'],
        ['discount', '10'],
        ['lines.10.description', 'Hosting'],
        ['lines.10.quantity', '1'],
        ['lines.10.unitPrice', '50'],
        ['lines.2.description', 'Design'],
        ['lines.2.quantity', '1.5'],
        ['lines.2.unitPrice', '100.00'],
        ['lines.2.discountKind', 'amount'],
        ['lines.2.discount', '5'],
        ['lines.2.taxRateIds', 'vat'],
        ['lines.2.taxRateIds', 'levy'],
        ['lines.3.description', ''],
        ['lines.3.quantity', '1'],
        ['lines.3.unitPrice', ''],
        ['lines.3.taxRateIds', 'vat'],
      ]),
    );
    expect(values.currency).toBe('GBP');
    expect(values.discountKind).toBe('percent');
    expect(values.contactId).toBe('');
    expect(values.lines).toEqual([
      {
        description: 'Design',
        quantity: '1.5',
        unitPrice: '100.00',
        discountKind: 'amount',
        discount: '5',
        taxRateIds: ['vat', 'levy'],
      },
      {
        description: 'Hosting',
        quantity: '1',
        unitPrice: '50',
        discountKind: '',
        discount: '',
        taxRateIds: [],
      },
    ]);
  });

  it('reads an unknown discount kind as none, and a form with no lines as none', () => {
    const values = draftForm(
      form([
        ['discountKind', 'bogus'],
        ['lines.x.description', 'Not a row'],
      ]),
    );
    expect(values.discountKind).toBe('');
    expect(values.lines).toEqual([]);
  });
});
