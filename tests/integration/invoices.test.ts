import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeInvoice } from '@foyer/billing';
import {
  clientInvoice,
  clientInvoiceSummary,
  clientInvoices,
  createCtx,
  createInvoice,
  deleteDraft,
  duplicateInvoice,
  financialOverview,
  financialOverviewCsv,
  getInvoice,
  invoicePdf,
  listInvoices,
  recordPayment,
  runInvoiceRepeats,
  runInvoiceSchedule,
  sendInvoice,
  sendInvoiceReminder,
  setInvoiceRepeat,
  updateInvoice,
  voidInvoice,
} from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activityOf,
  addUser,
  deliverQueued,
  expectCoreError,
  siteOf,
  type TestCore,
  testCore,
} from '../support/auth';
import { drivers, itOnPostgres, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * Invoices through the verbs, as the pages call them: drafts computed by @foyer/billing and
 * stored with their figures; sending issues the next number and emails the client; the client
 * reads only what is addressed to them, and their first look marks it viewed (never a preview);
 * payments and refunds add up and move the status; the schedule marks overdue invoices once and
 * sends reminders once a day; the overview and the CSV add up per currency; the PDF says the same.
 */

const dir = mkdtempSync(join(tmpdir(), 'invoice-pdfs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pdfText(pdf: Buffer): string {
  const path = join(dir, `${randomUUID()}.pdf`);
  writeFileSync(path, pdf);
  const read = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
  expect(read.status, read.stderr).toBe(0);
  return read.stdout;
}

const today = () => new Date().toISOString().slice(0, 10);
const addDays = (day: string, days: number) => {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
};

describe.each(drivers)('invoices on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  /** A tenant whose client can sign in (so emails go out) and holds `invoices`. */
  async function setup(core: TestCore, name = 'Zoë Café') {
    const tenant = await createTenant(t);
    await t.superuser('update app.clients set name = $3 where tenant_id = $1 and id = $2', [
      tenant.id,
      tenant.clientId,
      name,
    ]);
    const reader = await addUser(t, tenant, { role: 'client', clientId: tenant.clientId, name: 'Ana Núñez' });
    await t.superuser(`update app.users set permissions = '{invoices}' where tenant_id = $1 and id = $2`, [
      tenant.id,
      reader.id,
    ]);
    const admin = core.as(tenant.admin, siteOf(tenant));
    return { tenant, reader, admin, client: core.as(reader.actor, siteOf(tenant)) };
  }

  const draft = (tenant: TenantFixture, overrides: Record<string, unknown> = {}) => ({
    clientId: tenant.clientId,
    contactId: '',
    projectId: tenant.projectId,
    currency: 'EUR',
    issueDate: today(),
    dueDate: addDays(today(), 14),
    buyerDetails: '1 Rue de la Paix\nParis',
    discountKind: 'percent' as const,
    discount: '10',
    notes: 'Thank you.',
    terms: 'Net 14',
    lines: [
      {
        description: 'Design',
        quantity: '1.5',
        unitPrice: '1,200.00',
        discountKind: '' as const,
        discount: '',
        taxRateIds: [tenant.taxRateId],
      },
      {
        description: 'Hosting',
        quantity: '3',
        unitPrice: '19.99',
        discountKind: 'amount' as const,
        discount: '5',
        taxRateIds: [],
      },
    ],
    ...overrides,
  });

  it('stores a draft with the figures @foyer/billing computes, and shows it to admins only', async () => {
    const core = testCore(t);
    const { tenant, admin, client } = await setup(core);
    const { id } = await createInvoice({ ctx: admin, input: draft(tenant) });
    const detail = await getInvoice({ ctx: admin, input: { id } });
    const expected = computeInvoice({
      currency: 'EUR',
      lines: [
        { quantityMilli: 1500, unitPriceMinor: 120000, taxRateIds: [tenant.taxRateId] },
        {
          quantityMilli: 3000,
          unitPriceMinor: 1999,
          discount: { kind: 'amount', minor: 500 },
          taxRateIds: [],
        },
      ],
      discount: { kind: 'percent', basisPoints: 1000 },
      taxRates: [{ id: tenant.taxRateId, name: 'VAT', rateBasisPoints: 2000, inclusive: false }],
    });
    expect(detail).toMatchObject({
      number: null,
      status: 'draft',
      totalMinor: expected.totalMinor,
      subtotalMinor: expected.subtotalMinor,
      discountMinor: expected.discountMinor,
      taxMinor: expected.taxMinor,
      buyerName: 'Zoë Café',
      can: { edit: true, send: true, void: false, pay: false, delete: true },
    });
    expect(detail.lines.map((line) => line.totalMinor)).toEqual(
      expected.lines.map((line) => line.totalMinor),
    );
    expect(detail.totals.map((total) => total.label)).toEqual(['Subtotal', 'Discount', 'VAT 20%', 'Total']);
    // Staff see no invoices; the client sees no draft.
    const staff = await addUser(t, tenant, { role: 'staff' });
    await expectCoreError(getInvoice({ ctx: core.as(staff.actor), input: { id } }), 'forbidden');
    await expectCoreError(clientInvoice({ ctx: client, input: { id } }), 'not_found');
    expect((await clientInvoices({ ctx: client, input: {} })).total).toBe(0);
    expect(await activityOf(t, tenant.id, 'invoice.create')).toHaveLength(1);
  });

  it('refuses bad lines next to each field and stores nothing', async () => {
    const core = testCore(t);
    const { tenant, admin } = await setup(core);
    const base = draft(tenant);
    for (const [input, field] of [
      [{ ...base, lines: [{ ...base.lines[0], unitPrice: '12.345' }] }, 'lines.0.unitPrice'],
      [{ ...base, lines: [base.lines[0], { ...base.lines[1], description: '  ' }] }, 'lines.1.description'],
      [{ ...base, lines: [{ ...base.lines[0], quantity: 'lots' }] }, 'lines.0.quantity'],
      [{ ...base, lines: [{ ...base.lines[0], taxRateIds: [randomUUID()] }] }, 'lines.0.taxRateIds'],
      [{ ...base, currency: 'XYZ' }, 'currency'],
      [{ ...base, dueDate: addDays(today(), -1) }, 'dueDate'],
      [{ ...base, discountKind: 'percent', discount: '120' }, 'discount'],
      [{ ...base, lines: [] }, 'lines'],
      [{ ...base, clientId: randomUUID() }, 'clientId'],
    ] as const) {
      await expectCoreError(createInvoice({ ctx: admin, input: input as never }), 'validation', field);
    }
    expect((await listInvoices({ ctx: admin, input: {} })).total).toBe(0);
  });

  it('issues the next number when sent, emails the client, and the first look marks it viewed, never a preview', async () => {
    const core = testCore(t);
    const { tenant, reader, admin, client } = await setup(core);
    const first = await createInvoice({ ctx: admin, input: draft(tenant) });
    const second = await createInvoice({ ctx: admin, input: draft(tenant) });
    expect(await sendInvoice({ ctx: admin, input: { id: second.id } })).toEqual({
      number: 'INV-0001',
      recipients: 2,
    });
    expect(await sendInvoice({ ctx: admin, input: { id: first.id } })).toMatchObject({ number: 'INV-0002' });
    await expectCoreError(
      updateInvoice({ ctx: admin, input: { ...draft(tenant), id: first.id } }),
      'conflict',
    );
    await deliverQueued(core, [tenant.id]);
    const sent = core.mail.filter((mail) => mail.to === reader.email);
    expect(sent.map((mail) => mail.subject).sort()).toEqual(
      [`Invoice INV-0001 from ${tenant.name}`, `Invoice INV-0002 from ${tenant.name}`].sort(),
    );
    // createTenant's client has not accepted their invitation: the bell only.
    expect(core.mail.filter((mail) => mail.subject.startsWith('Invoice INV'))).toHaveLength(2);

    const preview = createCtx(core.deps, {
      actor: reader.actor,
      site: siteOf(tenant),
      previewBy: tenant.admin.userId,
    });
    expect((await clientInvoice({ ctx: preview, input: { id: first.id } })).status).toBe('sent');
    expect((await getInvoice({ ctx: admin, input: { id: first.id } })).viewedAt).toBeNull();

    const seen = await clientInvoice({ ctx: client, input: { id: first.id } });
    expect(seen.status).toBe('viewed');
    const viewedAt = (await getInvoice({ ctx: admin, input: { id: first.id } })).viewedAt;
    expect(viewedAt).not.toBeNull();
    await clientInvoice({ ctx: client, input: { id: first.id } });
    expect((await getInvoice({ ctx: admin, input: { id: first.id } })).viewedAt).toBe(viewedAt);
    expect(await activityOf(t, tenant.id, 'invoice.view')).toHaveLength(1);
    const list = await clientInvoices({ ctx: client, input: {} });
    expect(list.items.map((row) => row.number)).toEqual(expect.arrayContaining(['INV-0001', 'INV-0002']));
    // The client's copy has no reminders and no actions.
    expect(seen.can).toEqual({
      edit: false,
      send: false,
      resend: false,
      void: false,
      pay: false,
      refund: false,
      remind: false,
      delete: false,
      repeat: false,
    });
  });

  it('adds payments and refunds up, moves the status and sends a receipt', async () => {
    const core = testCore(t);
    const { tenant, reader, admin, client } = await setup(core);
    const { id } = await createInvoice({
      ctx: admin,
      input: draft(tenant, {
        discountKind: '',
        discount: '',
        lines: [{ description: 'Retainer', quantity: '1', unitPrice: '1000', taxRateIds: [] }],
      }),
    });
    await sendInvoice({ ctx: admin, input: { id } });
    const pay = (amount: string, kind: 'payment' | 'refund' = 'payment') =>
      recordPayment({
        ctx: admin,
        input: { id, kind, amount, paidOn: today(), method: 'Bank transfer', reference: 'ref' },
      });
    await pay('400');
    expect(await getInvoice({ ctx: admin, input: { id } })).toMatchObject({
      status: 'partially_paid',
      balanceMinor: 60000,
    });
    await expectCoreError(pay('600.01'), 'validation', 'amount');
    await expectCoreError(pay('0'), 'validation', 'amount');
    await expectCoreError(
      recordPayment({
        ctx: admin,
        input: {
          id,
          kind: 'payment',
          amount: '1',
          paidOn: addDays(today(), 2),
          method: 'Cash',
          reference: '',
        },
      }),
      'validation',
      'paidOn',
    );
    await pay('600');
    const paid = await getInvoice({ ctx: admin, input: { id } });
    expect(paid).toMatchObject({
      status: 'paid',
      balanceMinor: 0,
      paidMinor: 100000,
      can: { pay: false, refund: true, void: false },
    });
    expect(paid.paidAt).not.toBeNull();
    await expectCoreError(pay('1'), 'conflict');
    await deliverQueued(core, [tenant.id]);
    expect(
      core.mail.filter((mail) => mail.to === reader.email && mail.subject.startsWith('Payment received')),
    ).toHaveLength(2);

    await expectCoreError(pay('1000.01', 'refund'), 'validation', 'amount');
    await pay('100', 'refund');
    expect(await getInvoice({ ctx: admin, input: { id } })).toMatchObject({
      status: 'partially_refunded',
      refundedMinor: 10000,
    });
    await pay('900', 'refund');
    const refunded = await clientInvoice({ ctx: client, input: { id } });
    expect(refunded.status).toBe('refunded');
    expect(refunded.payments.map((p) => [p.kind, p.amountMinor])).toEqual([
      ['payment', 40000],
      ['payment', 60000],
      ['refund', 10000],
      ['refund', 90000],
    ]);
    // Nothing kept: it may now be voided.
    await voidInvoice({ ctx: admin, input: { id, reason: 'Cancelled' } });
    expect((await clientInvoice({ ctx: client, input: { id } })).status).toBe('void');
  });

  it('voids only issued invoices nothing is paid on; deletes only drafts; duplicates as a new draft', async () => {
    const core = testCore(t);
    const { tenant, admin } = await setup(core);
    const { id } = await createInvoice({ ctx: admin, input: draft(tenant) });
    await expectCoreError(voidInvoice({ ctx: admin, input: { id, reason: 'x' } }), 'conflict');
    await sendInvoice({ ctx: admin, input: { id } });
    await expectCoreError(deleteDraft({ ctx: admin, input: { id } }), 'conflict');
    await expectCoreError(voidInvoice({ ctx: admin, input: { id, reason: '' } }), 'validation', 'reason');
    await recordPayment({
      ctx: admin,
      input: { id, kind: 'payment', amount: '10', paidOn: today(), method: 'Card', reference: '' },
    });
    await expectCoreError(voidInvoice({ ctx: admin, input: { id, reason: 'Wrong client' } }), 'conflict');
    const copy = await duplicateInvoice({ ctx: admin, input: { id } });
    const duplicated = await getInvoice({ ctx: admin, input: { id: copy.id } });
    const source = await getInvoice({ ctx: admin, input: { id } });
    expect(duplicated).toMatchObject({
      status: 'draft',
      number: null,
      totalMinor: source.totalMinor,
      paidMinor: 0,
    });
    expect(duplicated.lines.map((line) => line.description)).toEqual(
      source.lines.map((line) => line.description),
    );
    await deleteDraft({ ctx: admin, input: { id: copy.id } });
    await expectCoreError(getInvoice({ ctx: admin, input: { id: copy.id } }), 'not_found');
  });

  it('marks an invoice overdue once and sends the schedule’s reminders once a day', async () => {
    const core = testCore(t);
    const { tenant, reader, admin, client } = await setup(core);
    // Due in 3 days: the "3 days before" reminder is due today.
    const soon = await createInvoice({ ctx: admin, input: draft(tenant, { dueDate: addDays(today(), 3) }) });
    await sendInvoice({ ctx: admin, input: { id: soon.id } });
    // Issued and due in the past: written as the database would hold an invoice sent weeks ago.
    const late = await createInvoice({ ctx: admin, input: draft(tenant) });
    await sendInvoice({ ctx: admin, input: { id: late.id } });
    await t.superuser(
      `update app.invoices set issue_date = current_date - 30, due_date = current_date - 14 where tenant_id = $1 and id = $2`,
      [tenant.id, late.id],
    );
    expect((await clientInvoice({ ctx: client, input: { id: late.id } })).status).toBe('overdue');

    const first = await runInvoiceSchedule(core.deps, { tenantIds: [tenant.id] });
    // Overdue: marked, with the overdue notice; 14 days late: the every-7-days reminder; soon: before.
    expect(first).toEqual({ overdue: 1, reminders: 3 });
    expect(await runInvoiceSchedule(core.deps, { tenantIds: [tenant.id] })).toEqual({
      overdue: 0,
      reminders: 0,
    });
    const lateDetail = await getInvoice({ ctx: admin, input: { id: late.id } });
    expect(lateDetail.overdueAt).not.toBeNull();
    expect(lateDetail.reminders.map((r) => r.kind).sort()).toEqual(['after', 'overdue']);
    expect((await getInvoice({ ctx: admin, input: { id: soon.id } })).reminders.map((r) => r.kind)).toEqual([
      'before',
    ]);
    const bell = await t.superuser<{ title: string }>(
      `select title from app.notifications where tenant_id = $1 and user_id = $2 and event = 'payment-overdue'`,
      [tenant.id, tenant.admin.userId],
    );
    expect(bell).toHaveLength(1);
    await deliverQueued(core, [tenant.id]);
    const subjects = core.mail.filter((mail) => mail.to === reader.email).map((mail) => mail.subject);
    expect(subjects.filter((subject) => subject.endsWith('is overdue'))).toHaveLength(2);
    expect(subjects.filter((subject) => subject.startsWith('Reminder:'))).toHaveLength(1);

    // An admin's reminder goes out whenever asked, and is recorded.
    await sendInvoiceReminder({ ctx: admin, input: { id: soon.id } });
    expect((await getInvoice({ ctx: admin, input: { id: soon.id } })).reminders.map((r) => r.kind)).toEqual([
      'before',
      'manual',
    ]);
  });

  it('copies a retainer on its day, as a draft or sent at once, and moves its next date on', async () => {
    const core = testCore(t);
    const { tenant, reader, admin, client } = await setup(core);
    const { id } = await createInvoice({ ctx: admin, input: draft(tenant) });
    await sendInvoice({ ctx: admin, input: { id } });
    await expectCoreError(
      setInvoiceRepeat({
        ctx: admin,
        input: { id, every: 'month', next: addDays(today(), -1), send: false },
      }),
      'validation',
      'next',
    );
    await setInvoiceRepeat({ ctx: admin, input: { id, every: 'month', next: today(), send: false } });
    expect((await getInvoice({ ctx: admin, input: { id } })).repeat).toEqual({
      every: 'month',
      next: today(),
      send: false,
    });
    // The client sees no schedule.
    expect((await clientInvoice({ ctx: client, input: { id } })).repeat).toBeNull();

    expect(await runInvoiceRepeats(core.deps, { tenantIds: [tenant.id] })).toEqual({ drafts: 1, sent: 0 });
    expect(await runInvoiceRepeats(core.deps, { tenantIds: [tenant.id] })).toEqual({ drafts: 0, sent: 0 });
    const drafts = await listInvoices({ ctx: admin, input: { status: 'draft' } });
    expect(drafts.total).toBe(1);
    const copyId = drafts.items[0]?.id ?? '';
    const copy = await getInvoice({ ctx: admin, input: { id: copyId } });
    const source = await getInvoice({ ctx: admin, input: { id } });
    expect(copy).toMatchObject({
      issueDate: today(),
      totalMinor: source.totalMinor,
      repeatedFrom: { id, number: 'INV-0001' },
    });
    expect(copy.lines.map((line) => line.description)).toEqual(source.lines.map((line) => line.description));
    expect(source.repeat?.next).toBe(
      new Date(Date.UTC(Number(today().slice(0, 4)), Number(today().slice(5, 7)), 1))
        .toISOString()
        .slice(0, 7) + source.repeat?.next.slice(7),
    );

    // Sent at once: numbered and emailed by the worker.
    await setInvoiceRepeat({ ctx: admin, input: { id, every: 'quarter', next: today(), send: true } });
    expect(await runInvoiceRepeats(core.deps, { tenantIds: [tenant.id] })).toEqual({ drafts: 0, sent: 1 });
    const issued = await clientInvoices({ ctx: client, input: {} });
    expect(issued.items.map((row) => row.number).sort()).toEqual(['INV-0001', 'INV-0002']);
    await deliverQueued(core, [tenant.id]);
    expect(
      core.mail.filter((mail) => mail.to === reader.email && mail.subject.startsWith('Invoice INV-0002')),
    ).toHaveLength(1);

    // Stopped: no more copies; a void invoice can't repeat.
    await setInvoiceRepeat({ ctx: admin, input: { id, every: '', next: '', send: false } });
    expect((await getInvoice({ ctx: admin, input: { id } })).repeat).toBeNull();
    await voidInvoice({ ctx: admin, input: { id: issued.items[0]?.id ?? '', reason: 'Replaced' } });
    await expectCoreError(
      setInvoiceRepeat({
        ctx: admin,
        input: { id: issued.items[0]?.id ?? '', every: 'month', next: today(), send: false },
      }),
      'conflict',
    );
    expect(await activityOf(t, tenant.id, 'invoice.repeat')).toHaveLength(3);
  });

  it('sums the overview per currency, exports CSV and gives the client a summary', async () => {
    const core = testCore(t);
    const { tenant, admin, client } = await setup(core, '=HYPERLINK("x")');
    const one = (currency: string, price: string) =>
      createInvoice({
        ctx: admin,
        input: draft(tenant, {
          currency,
          discountKind: '',
          discount: '',
          lines: [{ description: 'Work', quantity: '1', unitPrice: price, taxRateIds: [] }],
        }),
      });
    const eur = await one('EUR', '100');
    const jpy = await one('JPY', '5000');
    await one('EUR', '999'); // a draft: in no figure
    await sendInvoice({ ctx: admin, input: { id: eur.id } });
    await sendInvoice({ ctx: admin, input: { id: jpy.id } });
    await recordPayment({
      ctx: admin,
      input: { id: eur.id, kind: 'payment', amount: '40', paidOn: today(), method: 'Card', reference: '' },
    });
    const overview = await financialOverview({ ctx: admin });
    expect(overview.currencies).toEqual(['EUR', 'JPY']);
    const [euros, yen] = overview.byCurrency;
    expect(euros).toMatchObject({ outstanding: { minor: 6000, count: 1 }, paidThisMonth: { minor: 4000 } });
    expect(euros?.revenueByMonth).toHaveLength(12);
    expect(euros?.revenueByMonth.at(-1)?.minor).toBe(4000);
    expect(euros?.ageing[0]).toMatchObject({ key: 'current', minor: 6000, count: 1 });
    expect(yen).toMatchObject({
      outstanding: { minor: 5000, amount: 'JP¥5,000' },
      paidThisMonth: { minor: 0 },
    });
    expect(yen?.byClient).toEqual([expect.objectContaining({ clientId: tenant.clientId, minor: 5000 })]);

    const csv = await financialOverviewCsv({ ctx: admin });
    const rowsOut = csv.body.trim().split('\r\n');
    expect(rowsOut[0]).toBe('Number,Client,Project,Currency,Issued,Due,Status,Total,Paid,Refunded,Balance');
    expect(rowsOut).toHaveLength(3);
    // A name that looks like a formula is kept as text.
    expect(csv.body).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv.body).toContain(',JPY,');
    expect(csv.body).toContain(',5000,0,0,5000');

    const summary = await clientInvoiceSummary({ ctx: client });
    expect(summary).toMatchObject({
      outstandingCount: 2,
      outstanding: [
        { currency: 'EUR', minor: 6000 },
        { currency: 'JPY', minor: 5000 },
      ],
      overdueCount: 0,
      recentPayments: [expect.objectContaining({ invoiceId: eur.id })],
    });
    await expectCoreError(financialOverview({ ctx: client }), 'forbidden');
  });

  it('prints the same figures in the PDF, accents included, for the admin and the client', async () => {
    const core = testCore(t);
    const { tenant, admin, client } = await setup(core);
    const { id } = await createInvoice({ ctx: admin, input: draft(tenant) });
    const draftText = pdfText((await invoicePdf({ ctx: admin, input: { id } })).body);
    expect(draftText).toContain('DRAFT');
    await expectCoreError(invoicePdf({ ctx: client, input: { id } }), 'not_found');
    await sendInvoice({ ctx: admin, input: { id } });
    const detail = await getInvoice({ ctx: admin, input: { id } });
    const { filename, body } = await invoicePdf({ ctx: client, input: { id } });
    expect(filename).toBe('invoice-INV-0001.pdf');
    const text = pdfText(body);
    expect(text).toContain('INV-0001');
    expect(text).toContain('Zoë Café');
    for (const line of detail.lines) expect(text).toContain(line.amount);
    for (const total of detail.totals) expect(text).toContain(total.amount);
  });

  itOnPostgres(driver, 'gives 50 invoices sent at once 50 distinct consecutive numbers', async () => {
    const core = testCore(t);
    const { tenant, admin } = await setup(core);
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await createInvoice({ ctx: admin, input: draft(tenant) })).id);
    const results = await Promise.all(ids.map((id) => sendInvoice({ ctx: admin, input: { id } })));
    const numbers = results.map((r) => r.number).sort();
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => `INV-${String(i + 1).padStart(4, '0')}`));
    const [next] = await t.superuser<{ next_number: number }>(
      'select next_number from app.invoice_settings where tenant_id = $1',
      [tenant.id],
    );
    expect(Number(next?.next_number)).toBe(51);
  });
});
