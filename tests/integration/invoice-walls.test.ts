import { type ActingAs, type SQL, sql, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, expectRlsViolation, required } from '../support/assert';
import { insertableColumns } from '../support/catalog';
import { drivers, openTestDatabase, type TestDatabase, txRows } from '../support/databases';
import { createMatrixFixture, type MatrixFixture } from '../support/matrix';

/**
 * The invoices' walls beyond the actor matrix's one statement per case: a client's single column
 * grant (`viewed_at`, to this moment, once), what a client of another company, staff and another
 * tenant's admin reach. The fixture is the matrix's (tests/support/matrix.ts).
 */

const invoiceTables = ['invoices', 'invoice_lines', 'invoice_payments', 'invoice_reminders'] as const;
/** No row of any of them. */
const none = Object.fromEntries(invoiceTables.map((table) => [table, 0]));

describe.each(drivers)('invoice walls on %s', (driver) => {
  let t: TestDatabase;
  let f: MatrixFixture;
  /** Every column of app.invoices but `viewed_at`, read from the catalog. */
  let otherColumns: string[];
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    f = await createMatrixFixture(t);
    const columns = await insertableColumns(t.superuser, 'app', 'invoices');
    otherColumns = columns.map((column) => column.name).filter((name) => name !== 'viewed_at');
  });
  afterAll(() => t.close());

  const rows = <T extends Record<string, unknown>>(actor: ActingAs, query: SQL) =>
    withActor(t.handle.db, actor, (tx) => txRows<T>(tx, query));

  /** Ids of the invoices `actor` marked viewed by this statement (none when out of reach). */
  const markViewed = (actor: ActingAs, invoice: string, at: SQL = sql`now()`) =>
    rows<{ id: string }>(
      actor,
      sql`update app.invoices set viewed_at = ${at} where id = ${f.id[invoice]} returning id`,
    );

  /** The invoices of T with viewed_at set, as the admin reads them. */
  const viewed = async () =>
    (
      await rows<{ id: string }>(
        f.actors.admin,
        sql`select id::text from app.invoices where viewed_at is not null order by id`,
      )
    ).map((row) => f.name(row.id));

  /** Counts of T's rows in each invoice table that `actor` reads. */
  const counts = (actor: ActingAs) =>
    withActor(t.handle.db, actor, async (tx) => {
      const seen: Record<string, number> = {};
      for (const table of invoiceTables) {
        const [row] = await txRows<{ n: number }>(
          tx,
          sql`select count(*)::int as n from ${sql.identifier('app')}.${sql.identifier(table)} where tenant_id = ${f.T.id}`,
        );
        seen[table] = required(row, 'a count').n;
      }
      return seen;
    });

  it('the admin reads all of T’s invoices, lines, payments and reminders (what the others below do not)', async () => {
    expect(await counts(f.actors.admin)).toEqual({
      invoices: 4,
      invoice_lines: 4,
      invoice_payments: 1,
      invoice_reminders: 1,
    });
  });

  it('client A may not set viewed_at to any moment but this one, nor clear it', async () => {
    for (const at of [sql`now() - interval '1 day'`, sql`now() + interval '1 minute'`, sql`null`]) {
      await expectRlsViolation(markViewed(f.actors.clientA, 'inv:X', at), 'invoices');
    }
    expect(await viewed()).toEqual([]);
  });

  it('client A may update no column of an invoice but viewed_at', async () => {
    expect(otherColumns).toContain('paid_minor');
    for (const column of otherColumns) {
      const name = sql.identifier(column);
      await expectPermissionDenied(
        rows(
          f.actors.clientA,
          sql`update app.invoices set ${name} = ${name} where id = ${f.id['inv:X']} returning id`,
        ),
        /^permission denied for table invoices/,
      );
      // Not even beside the column it may write.
      await expectPermissionDenied(
        rows(
          f.actors.clientA,
          sql`update app.invoices set viewed_at = now(), ${name} = ${name} where id = ${f.id['inv:X']}`,
        ),
        /^permission denied for table invoices/,
      );
    }
    expect(await viewed()).toEqual([]);
  });

  it('client A marks no invoice of another company, nor a draft of their own; F, deactivated, not even theirs', async () => {
    for (const invoice of ['inv:Z', 'inv:Y-B', 'inv:X-draft']) {
      expect(await markViewed(f.actors.clientA, invoice), invoice).toEqual([]);
    }
    expect(await markViewed(f.actors.clientF, 'inv:X')).toEqual([]);
    expect(await viewed()).toEqual([]);
  });

  it('client A marks inv:X viewed at this moment exactly once; a second update affects nothing', async () => {
    try {
      const [first] = await rows<{ id: string; exact: boolean }>(
        f.actors.clientA,
        sql`update app.invoices set viewed_at = now() where id = ${f.id['inv:X']}
            returning id::text, viewed_at = now() as exact`,
      );
      expect(first).toEqual({ id: f.id['inv:X'], exact: true });
      expect(await markViewed(f.actors.clientA, 'inv:X')).toEqual([]);
      // Nor does another contact of the company move it.
      expect(await markViewed(f.actors.clientD, 'inv:X')).toEqual([]);
      expect(await viewed()).toEqual(['inv:X']);
    } finally {
      await rows(f.actors.admin, sql`update app.invoices set viewed_at = null where id = ${f.id['inv:X']}`);
    }
  });

  it('a client reads and marks an invoice addressed to them by name, of another company', async () => {
    const addressTo = (contact: string | null) =>
      rows(f.actors.admin, sql`update app.invoices set contact_id = ${contact} where id = ${f.id['inv:Z']}`);
    const invoicesOfA = async () =>
      (await rows<{ id: string }>(f.actors.clientA, sql`select id::text from app.invoices`))
        .map((row) => f.name(row.id))
        .sort();
    expect(await invoicesOfA()).toEqual(['inv:X']);
    await addressTo(f.id.A as string);
    try {
      expect(await invoicesOfA()).toEqual(['inv:X', 'inv:Z']);
      const lines = await rows<{ id: string }>(f.actors.clientA, sql`select id::text from app.invoice_lines`);
      expect(lines.map((row) => f.name(row.id)).sort()).toEqual(['line:X', 'line:Z']);
      expect(await markViewed(f.actors.clientA, 'inv:Z')).toEqual([{ id: f.id['inv:Z'] }]);
    } finally {
      await rows(f.actors.admin, sql`update app.invoices set viewed_at = null where id = ${f.id['inv:Z']}`);
      await addressTo(null);
    }
    expect(await invoicesOfA()).toEqual(['inv:X']);
  });

  it('no client reads the reminders: the role holds no grant', async () => {
    for (const actor of ['clientA', 'clientB', 'clientC'] as const) {
      await expectPermissionDenied(
        rows(f.actors[actor], sql`select id from app.invoice_reminders`),
        /^permission denied for table invoice_reminders/,
      );
    }
  });

  it('staff S1, on P with X, reads no invoice, line, payment or reminder and marks nothing', async () => {
    expect(await counts(f.actors.staffS1)).toEqual(none);
    expect(await markViewed(f.actors.staffS1, 'inv:X')).toEqual([]);
  });

  it('the other tenant’s admin reads none of T’s invoicing and changes none of it', async () => {
    expect(await counts(f.actors.adminU)).toEqual(none);
    expect(await markViewed(f.actors.adminU, 'inv:X')).toEqual([]);
    expect(
      await rows(
        f.actors.adminU,
        sql`delete from app.invoices where id = ${f.id['inv:X-draft']} returning id`,
      ),
    ).toEqual([]);
    expect((await counts(f.actors.admin)).invoices).toBe(4);
    expect(await viewed()).toEqual([]);
  });
});
