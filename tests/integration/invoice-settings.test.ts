import {
  archiveTaxRate,
  createTaxRate,
  getInvoiceSettings,
  rateLabel,
  updateInvoiceSettings,
  updateTaxRate,
} from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityOf, addUser, expectCoreError, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant } from '../support/tenants';

/**
 * Invoicing settings and tax rates: admins only. The number preview follows the prefix, digits
 * and next number; the currency must be a real ISO 4217 code; rates are typed as percentages with
 * at most two decimals and kept in basis points; bad input changes nothing.
 */
describe.each(drivers)('invoicing settings on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  const valid = {
    numberPrefix: 'ACME/',
    numberWidth: '5',
    nextNumber: '1042',
    defaultCurrency: 'eur',
    defaultDueDays: '14',
    remindDaysBefore: '2',
    remindOnDueDate: true,
    remindEveryDaysAfter: '10',
  };

  it('saves the numbering, currency and reminders, and previews the next number', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin);
    const before = await getInvoiceSettings({ ctx: admin });
    expect(before).toMatchObject({
      numberPrefix: 'INV-',
      nextNumberPreview: 'INV-0001',
      defaultCurrency: 'USD',
    });

    await updateInvoiceSettings({ ctx: admin, input: valid });
    expect(await getInvoiceSettings({ ctx: admin })).toMatchObject({
      numberPrefix: 'ACME/',
      numberWidth: 5,
      nextNumber: 1042,
      nextNumberPreview: 'ACME/01042',
      defaultCurrency: 'EUR',
      defaultDueDays: 14,
      remindDaysBefore: 2,
      remindOnDueDate: true,
      remindEveryDaysAfter: 10,
    });
    expect((await activityOf(t, tenant.id, 'invoice_settings.update')).length).toBe(1);
  });

  it('refuses a bad prefix, an unknown currency and out-of-range numbers, next to each field, changing nothing', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin);
    const before = await getInvoiceSettings({ ctx: admin });
    for (const [field, value] of [
      ['numberPrefix', 'INV #'],
      ['numberPrefix', ''],
      ['defaultCurrency', 'EUX'],
      ['defaultCurrency', 'XAU'],
      ['numberWidth', '0'],
      ['nextNumber', '1.5'],
      ['defaultDueDays', '400'],
      ['remindEveryDaysAfter', '-1'],
    ] as const) {
      await expectCoreError(
        updateInvoiceSettings({ ctx: admin, input: { ...valid, [field]: value } }),
        'validation',
        field,
      );
    }
    expect(await getInvoiceSettings({ ctx: admin })).toEqual(before);
    expect(await activityOf(t, tenant.id, 'invoice_settings.update')).toEqual([]);
  });

  it('adds, edits, archives and restores tax rates; percentages become basis points', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin);
    const gst = await createTaxRate({ ctx: admin, input: { name: ' GST ', rate: '7.5', inclusive: true } });
    let rates = (await getInvoiceSettings({ ctx: admin })).taxRates;
    expect(rates.map((r) => [r.name, r.rateBasisPoints, r.rateLabel, r.inclusive, r.archived])).toEqual([
      ['GST', 750, '7.5%', true, false],
      ['VAT', 2000, '20%', false, false],
    ]);
    await updateTaxRate({
      ctx: admin,
      input: { id: gst.id, name: 'GST', rate: '12.25 %', inclusive: false },
    });
    await archiveTaxRate({ ctx: admin, input: { id: tenant.taxRateId, archived: true } });
    rates = (await getInvoiceSettings({ ctx: admin })).taxRates;
    // Active rates first, then archived ones.
    expect(rates.map((r) => [r.name, r.rateLabel, r.archived])).toEqual([
      ['GST', '12.25%', false],
      ['VAT', '20%', true],
    ]);
    await archiveTaxRate({ ctx: admin, input: { id: tenant.taxRateId, archived: false } });
    expect((await getInvoiceSettings({ ctx: admin })).taxRates.every((r) => !r.archived)).toBe(true);

    for (const rate of ['', 'twenty', '7.125', '-5', '1000.01']) {
      await expectCoreError(
        createTaxRate({ ctx: admin, input: { name: 'Bad', rate, inclusive: false } }),
        'validation',
        'rate',
      );
    }
    await expectCoreError(
      createTaxRate({ ctx: admin, input: { name: '  ', rate: '5', inclusive: false } }),
      'validation',
      'name',
    );
    expect((await getInvoiceSettings({ ctx: admin })).taxRates).toHaveLength(2);
    expect(rateLabel(0)).toBe('0%');
  });

  it('is for admins only: staff and clients are refused, another tenant’s rate is not found', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const other = await createTenant(t);
    const staff = await addUser(t, tenant, { role: 'staff' });
    for (const ctx of [core.as(staff.actor), core.as(tenant.client)]) {
      await expectCoreError(getInvoiceSettings({ ctx }), 'forbidden');
      await expectCoreError(updateInvoiceSettings({ ctx, input: valid }), 'forbidden');
      await expectCoreError(
        createTaxRate({ ctx, input: { name: 'X', rate: '5', inclusive: false } }),
        'forbidden',
      );
    }
    const admin = core.as(tenant.admin);
    await expectCoreError(
      updateTaxRate({
        ctx: admin,
        input: { id: other.taxRateId, name: 'Mine', rate: '1', inclusive: false },
      }),
      'not_found',
    );
    await expectCoreError(
      archiveTaxRate({ ctx: admin, input: { id: other.taxRateId, archived: true } }),
      'not_found',
    );
    expect((await getInvoiceSettings({ ctx: core.as(other.admin) })).taxRates[0]).toMatchObject({
      name: 'VAT',
      archived: false,
    });
  });
});
