import { randomUUID } from 'node:crypto';
import { type InvoiceStatusInput, invoiceStatus, MAX_MINOR } from '@foyer/billing';
import { sql, withActor } from '@foyer/db';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers, openTestDatabase, type TestDatabase, txRows } from '../support/databases';

/**
 * app.invoice_status (migration 0030) is the SQL copy of @foyer/billing's invoiceStatus, for the
 * queries that filter and count by status. Random facts, all sent in one query, must get the
 * same status from both.
 */

const DAY = 86_400_000;
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

/** Facts as the database keeps them: refunds never exceed payments (invoices_amounts). */
const statusInput: fc.Arbitrary<InvoiceStatusInput> = fc
  .record({
    // Mostly issued and not void, where most statuses lie.
    issued: fc.constantFrom(true, true, true, true, false),
    voided: fc.constantFrom(true, false, false, false, false),
    viewed: fc.boolean(),
    // Any day from 1970 to 2099, and the due date near it, so "due today" comes up often.
    today: fc.integer({ min: 0, max: 47_000 }).map((days) => days * DAY),
    dueOffset: fc.option(fc.integer({ min: -3, max: 3 }), { freq: 8 }),
    // Small totals meet their payments exactly often; a few reach the largest amount allowed.
    totalMinor: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 20_000 }), weight: 4 },
      { arbitrary: fc.integer({ min: 0, max: MAX_MINOR }), weight: 1 },
    ),
  })
  .chain(({ today, dueOffset, totalMinor, ...flags }) =>
    fc
      .oneof(
        fc.constant(0),
        fc.constant(totalMinor),
        fc.integer({ min: 0, max: totalMinor + 100 }),
        fc.integer({ min: 0, max: MAX_MINOR }),
      )
      .chain((paidMinor) =>
        fc
          .oneof(fc.constant(0), fc.constant(paidMinor), fc.integer({ min: 0, max: paidMinor }))
          .map((refundedMinor) => ({
            ...flags,
            today: isoDay(today),
            dueDate: dueOffset === null ? null : isoDay(today + dueOffset * DAY),
            totalMinor,
            paidMinor,
            refundedMinor,
          })),
      ),
  );

/** A PostgreSQL array literal, its elements written as text (NULL for null). */
const arrayOf = (values: readonly (string | number | boolean | null)[]) =>
  `{${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`;

describe.each(drivers)('app.invoice_status on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  /** The statuses SQL gives the inputs, in order, in one query run as the team (its grant). */
  const statusesInSql = (inputs: readonly InvoiceStatusInput[]) => {
    const column = <K extends keyof InvoiceStatusInput>(key: K) => arrayOf(inputs.map((input) => input[key]));
    const admin = { kind: 'admin', tenantId: randomUUID(), userId: randomUUID() } as const;
    return withActor(t.handle.db, admin, async (tx) => {
      const rows = await txRows<{ status: string }>(
        tx,
        sql`select app.invoice_status(f.issued, f.voided, f.due, f.viewed, f.total, f.paid, f.refunded, f.today) as status
              from unnest(${column('issued')}::boolean[], ${column('voided')}::boolean[], ${column('dueDate')}::date[],
                          ${column('viewed')}::boolean[], ${column('totalMinor')}::bigint[], ${column('paidMinor')}::bigint[],
                          ${column('refundedMinor')}::bigint[], ${column('today')}::date[])
                   with ordinality as f(issued, voided, due, viewed, total, paid, refunded, today, n)
             order by f.n`,
      );
      return rows.map((row) => row.status);
    });
  };

  it('gives every status invoiceStatus gives, for 300 random invoices in one query', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(statusInput, { minLength: 300, maxLength: 300 }), async (inputs) => {
        const inSql = await statusesInSql(inputs);
        expect(inSql).toHaveLength(inputs.length);
        const differing = inputs.flatMap((input, n) => {
          const status = invoiceStatus(input);
          seen.add(status);
          return inSql[n] === status ? [] : [{ input, billing: status, sql: inSql[n] }];
        });
        expect(differing).toEqual([]);
      }),
      // One query of 300; a failure lists just the invoices that differ (with fast-check's seed),
      // rather than shrinking a list whose length is fixed.
      { numRuns: 1, endOnFailure: true },
    );
    // The sample reached every status, so no branch of either went untried.
    expect([...seen].sort()).toEqual(
      [
        'draft',
        'overdue',
        'paid',
        'partially_paid',
        'partially_refunded',
        'refunded',
        'sent',
        'viewed',
        'void',
      ].sort(),
    );
  });

  it('agrees on each status and its edges: due today is not overdue, a zero total is paid, a full refund is refunded', async () => {
    const base: InvoiceStatusInput = {
      issued: true,
      voided: false,
      dueDate: '2026-03-01',
      viewed: false,
      totalMinor: 12_000,
      paidMinor: 0,
      refundedMinor: 0,
      today: '2026-03-01',
    };
    const edges: [InvoiceStatusInput, string][] = [
      [base, 'sent'],
      [{ ...base, viewed: true }, 'viewed'],
      [{ ...base, issued: false }, 'draft'],
      [{ ...base, voided: true, paidMinor: 12_000 }, 'void'],
      [{ ...base, today: '2026-03-02' }, 'overdue'],
      [{ ...base, dueDate: null, today: '2099-12-31' }, 'sent'],
      [{ ...base, totalMinor: 0 }, 'paid'],
      [{ ...base, paidMinor: 12_000, today: '2026-03-02' }, 'paid'],
      [{ ...base, paidMinor: 12_000, refundedMinor: 12_000 }, 'refunded'],
      [{ ...base, paidMinor: 12_000, refundedMinor: 1 }, 'partially_refunded'],
      [{ ...base, paidMinor: MAX_MINOR, totalMinor: MAX_MINOR }, 'paid'],
      [{ ...base, paidMinor: MAX_MINOR - 1, totalMinor: MAX_MINOR, viewed: true }, 'partially_paid'],
    ];
    const inputs = edges.map(([input]) => input);
    const expected = edges.map(([, status]) => status);
    expect(inputs.map((input) => invoiceStatus(input))).toEqual(expected);
    expect(await statusesInSql(inputs)).toEqual(expected);
  });
});
