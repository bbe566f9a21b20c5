import { randomUUID } from 'node:crypto';
import { type ActingAs, type SQL, schema, sql, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, expectRlsViolation, pgFailure, SqlState } from '../support/assert';
import { drivers, openTestDatabase, type TestDatabase, txRows } from '../support/databases';
import { createMatrixFixture, type MatrixFixture, rolledBack } from '../support/matrix';
import type { ClientActor } from '../support/tenants';

/**
 * Online payments' walls beyond the actor matrix's one statement per case: what a client may put
 * in a checkout they start (only an invoice they read, only in their own name, only through the
 * columns granted: never a status or a gateway's reference), a client without `invoices`, the
 * worker's hand on a checkout's outcome, the append-only event log, and the other tenant. The
 * fixture is the matrix's (tests/support/matrix.ts), plus client G of company X, active, without
 * `invoices`.
 */

describe.each(drivers)('payment walls on %s', (driver) => {
  let t: TestDatabase;
  let f: MatrixFixture;
  let G: ClientActor;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    f = await createMatrixFixture(t);
    G = { kind: 'client', tenantId: f.T.id, userId: randomUUID(), clientId: f.id.X as string };
    await withActor(t.handle.db, f.actors.admin, (tx) =>
      tx.insert(schema.users).values({
        tenantId: f.T.id,
        id: G.userId,
        email: `g-${randomUUID()}@${f.T.slug}.test`,
        name: 'G',
        role: 'client',
        clientId: G.clientId,
        permissions: ['projects', 'messages'],
      }),
    );
  });
  afterAll(() => t.close());

  const rows = <T extends Record<string, unknown>>(actor: ActingAs, query: SQL) =>
    withActor(t.handle.db, actor, (tx) => txRows<T>(tx, query));

  /** Labels of the ids `actor` reads from `query`, sorted. */
  const labels = async (actor: ActingAs, query: SQL) =>
    (await rows<{ id: string }>(actor, query)).map((row) => f.name(row.id)).sort();

  interface Checkout {
    invoice: string;
    createdBy: string;
    /** Further columns by name, beyond the ones a client is granted. */
    extra?: Record<string, string>;
  }

  /** A checkout of the balance through gw:stripe, with the columns `extra` adds or replaces. */
  const checkoutInsert = (tenantId: string, { invoice, createdBy, extra = {} }: Checkout) => {
    const values: Record<string, unknown> = {
      tenant_id: tenantId,
      invoice_id: f.id[invoice] ?? invoice,
      gateway_id: f.id['gw:stripe'],
      amount_minor: 7000,
      currency: 'GBP',
      created_by: createdBy,
      ...extra,
    };
    return sql`insert into app.payment_checkouts (${sql.join(
      Object.keys(values).map((column) => sql.identifier(column)),
      sql`, `,
    )}) values (${sql.join(
      Object.values(values).map((value) => sql`${value}`),
      sql`, `,
    )}) returning id::text`;
  };

  /** Starts the checkout as `actor` and rolls it back: the ids it inserted. */
  const startCheckout = (actor: ActingAs, checkout: Checkout, tenantId = f.T.id) =>
    rolledBack(t.handle.db, actor, (tx) => txRows<{ id: string }>(tx, checkoutInsert(tenantId, checkout)));

  /** The same, where it must fail: not rolled back by hand, the failure does it. */
  const tryCheckout = (actor: ActingAs, checkout: Checkout, tenantId = f.T.id) =>
    rows(actor, checkoutInsert(tenantId, checkout));

  const checkoutsOfT = () => labels(f.actors.admin, sql`select id::text from app.payment_checkouts`);

  it('client D starts a checkout of inv:X in their own name, and reads it back (the control below)', async () => {
    const made = await rolledBack(t.handle.db, f.actors.clientD, async (tx) => {
      const [row] = await txRows<{ id: string }>(
        tx,
        checkoutInsert(f.T.id, { invoice: 'inv:X', createdBy: f.id.D as string }),
      );
      return txRows<{ id: string; status: string }>(
        tx,
        sql`select id::text, status from app.payment_checkouts where id = ${row?.id}`,
      );
    });
    expect(made).toEqual([{ id: expect.any(String), status: 'open' }]);
    expect(await checkoutsOfT()).toEqual(['co:X/A', 'co:X/D', 'co:Y-B/B']);
  });

  it("client D starts none of Y's or Z's invoice, nor of X's draft, nor in A's name", async () => {
    const D = f.id.D as string;
    for (const invoice of ['inv:Y-B', 'inv:Z', 'inv:X-draft'])
      await expectRlsViolation(tryCheckout(f.actors.clientD, { invoice, createdBy: D }), 'payment_checkouts');
    await expectRlsViolation(
      tryCheckout(f.actors.clientD, { invoice: 'inv:X', createdBy: f.id.A as string }),
      'payment_checkouts',
    );
    // The draft is refused for A as well, who reads X's issued invoice as D does.
    await expectRlsViolation(
      tryCheckout(f.actors.clientA, { invoice: 'inv:X-draft', createdBy: f.id.A as string }),
      'payment_checkouts',
    );
    expect(await checkoutsOfT()).toEqual(['co:X/A', 'co:X/D', 'co:Y-B/B']);
  });

  it('client D pays only through an offered gateway, in the invoice’s currency, at most its balance', async () => {
    const D = f.id.D as string;
    const refused: Record<string, string>[] = [
      // gw:paypal is connected but not ready: the client reads no such gateway.
      { gateway_id: f.id['gw:paypal'] as string },
      { currency: 'USD' },
      { amount_minor: '999999999' },
    ];
    for (const extra of refused) {
      await expectRlsViolation(
        tryCheckout(f.actors.clientD, { invoice: 'inv:X', createdBy: D, extra }),
        'payment_checkouts',
      );
    }
    expect(await checkoutsOfT()).toEqual(['co:X/A', 'co:X/D', 'co:Y-B/B']);
  });

  it("client D sets no status and none of the gateway's references: those columns are not granted", async () => {
    const D = f.id.D as string;
    const forged: Record<string, string>[] = [
      { status: 'paid' },
      // Not even the status a checkout starts with: the database sets it.
      { status: 'open' },
      { external_ref: 'cs_test_forged' },
      { payment_ref: 'pi_forged' },
    ];
    for (const extra of forged) {
      await expectPermissionDenied(
        tryCheckout(f.actors.clientD, { invoice: 'inv:X', createdBy: D, extra }),
        /^permission denied for table payment_checkouts/,
      );
    }
    expect(await checkoutsOfT()).toEqual(['co:X/A', 'co:X/D', 'co:Y-B/B']);
  });

  it('client G, of X but without invoices, starts no checkout, and reads no gateway nor the partial-payment choice', async () => {
    // G reads X's invoice no more than it may pay it.
    expect(await labels(G, sql`select id::text from app.invoices`)).toEqual([]);
    await expectRlsViolation(tryCheckout(G, { invoice: 'inv:X', createdBy: G.userId }), 'payment_checkouts');
    expect(await labels(G, sql`select id::text from app.payment_gateways`)).toEqual([]);
    expect(await rows(G, sql`select partial_payments from app.invoice_settings`)).toEqual([]);
    // D, of the same company with invoices, does both.
    expect(
      await startCheckout(f.actors.clientD, { invoice: 'inv:X', createdBy: f.id.D as string }),
    ).toHaveLength(1);
    expect(await labels(f.actors.clientD, sql`select id::text from app.payment_gateways`)).toEqual([
      'gw:stripe',
    ]);
  });

  it('the team starts no checkout, not even the admin, in any name', async () => {
    for (const actor of ['admin', 'staffS1', 'worker'] as const) {
      for (const createdBy of [f.id.D as string, f.id.admin as string])
        await expectRlsViolation(
          tryCheckout(f.actors[actor], { invoice: 'inv:X', createdBy }),
          'payment_checkouts',
        );
    }
    expect(await checkoutsOfT()).toEqual(['co:X/A', 'co:X/D', 'co:Y-B/B']);
  });

  it("the worker records a checkout's outcome; the admin and the client who started it do not", async () => {
    const markPaid = (actor: ActingAs) =>
      rows<{ id: string }>(
        actor,
        sql`update app.payment_checkouts set status = 'paid', payment_ref = 'pi_matrix', updated_at = now()
            where id = ${f.id['co:X/D']} returning id::text`,
      );
    const statusOf = async () =>
      (
        await rows<{ status: string; payment_ref: string | null }>(
          f.actors.admin,
          sql`select status, payment_ref from app.payment_checkouts where id = ${f.id['co:X/D']}`,
        )
      )[0];
    expect(await markPaid(f.actors.admin)).toEqual([]);
    await expectPermissionDenied(
      markPaid(f.actors.clientD),
      /^permission denied for table payment_checkouts/,
    );
    await expectPermissionDenied(
      rows(
        f.actors.clientD,
        sql`update app.payment_checkouts set amount_minor = 1 where id = ${f.id['co:X/D']} returning id`,
      ),
    );
    expect(await statusOf()).toEqual({ status: 'open', payment_ref: null });
    try {
      expect(await markPaid(f.actors.worker)).toEqual([{ id: f.id['co:X/D'] }]);
      expect(await statusOf()).toEqual({ status: 'paid', payment_ref: 'pi_matrix' });
      // The client who started it reads how it stands (not the gateway's reference).
      expect(
        await rows(
          f.actors.clientD,
          sql`select status from app.payment_checkouts where id = ${f.id['co:X/D']}`,
        ),
      ).toEqual([{ status: 'paid' }]);
    } finally {
      await rows(
        f.actors.worker,
        sql`update app.payment_checkouts set status = 'open', payment_ref = null where id = ${f.id['co:X/D']}`,
      );
    }
  });

  it('the worker records a notification once and the admin reads it; nobody rewrites or removes one', async () => {
    const eventId = `evt_${randomUUID()}`;
    const record = () =>
      rows<{ id: string }>(
        f.actors.worker,
        sql`insert into app.gateway_events (tenant_id, gateway_id, event_id, type, outcome, invoice_id, amount_minor, currency)
            values (${f.T.id}, ${f.id['gw:stripe']}, ${eventId}, 'checkout.session.completed', 'flagged',
                    ${f.id['inv:X']}, 7000, 'GBP') returning id::text`,
      );
    const [made] = await record();
    const flagged = sql`select event_id from app.gateway_events where outcome = 'flagged'`;
    expect(await rows(f.actors.admin, flagged)).toEqual([{ event_id: eventId }]);
    expect(await rows(f.actors.adminU, flagged)).toEqual([]);
    expect(await rows(f.actors.staffS1, flagged)).toEqual([]);
    // A replay of the same event changes nothing.
    expect((await pgFailure(record())).code).toBe(SqlState.uniqueViolation);
    for (const actor of ['admin', 'worker'] as const) {
      await expectPermissionDenied(
        rows(f.actors[actor], sql`update app.gateway_events set outcome = 'applied' where id = ${made?.id}`),
        /^permission denied for table gateway_events/,
      );
      await expectPermissionDenied(
        rows(f.actors[actor], sql`delete from app.gateway_events where id = ${made?.id}`),
        /^permission denied for table gateway_events/,
      );
    }
    await expectPermissionDenied(
      rows(f.actors.clientA, sql`select id from app.gateway_events`),
      /^permission denied for table gateway_events/,
    );
    expect(await rows(f.actors.admin, flagged)).toEqual([{ event_id: eventId }]);
  });

  it("a client reads no gateway's secrets, no gateway reference of a payment, only the partial-payment choice", async () => {
    for (const actor of ['clientA', 'clientD'] as const) {
      const client = f.actors[actor];
      for (const column of ['credentials', 'account_ref', 'endpoint_id', 'label'])
        await expectPermissionDenied(
          rows(client, sql`select ${sql.identifier(column)} from app.payment_gateways`),
          /^permission denied for table payment_gateways/,
        );
      for (const column of ['external_ref', 'gateway_id'])
        await expectPermissionDenied(
          rows(client, sql`select ${sql.identifier(column)} from app.invoice_payments`),
          /^permission denied for table invoice_payments/,
        );
      await expectPermissionDenied(
        rows(client, sql`select * from app.invoice_settings`),
        /^permission denied for table invoice_settings/,
      );
      expect(await rows(client, sql`select kind, mode from app.payment_gateways`)).toEqual([
        { kind: 'stripe', mode: 'test' },
      ]);
    }
    await rows(f.actors.admin, sql`update app.invoice_settings set partial_payments = true`);
    try {
      expect(await rows(f.actors.clientD, sql`select partial_payments from app.invoice_settings`)).toEqual([
        { partial_payments: true },
      ]);
    } finally {
      await rows(f.actors.admin, sql`update app.invoice_settings set partial_payments = false`);
    }
  });

  it("nobody of tenant U reads T's gateways, checkouts or events, nor starts a checkout of T's invoice", async () => {
    const ofT = sql`select id::text from app.payment_gateways
                    union all select id::text from app.payment_checkouts`;
    expect(await labels(f.actors.adminU, ofT)).toEqual(['U:co:X/A', 'U:gw:stripe']);
    expect(await labels(f.actors.adminU, sql`select id::text from app.gateway_events`)).toEqual([
      'U:ev:stripe',
    ]);
    expect(await labels(f.U.client, ofT)).toEqual(['U:co:X/A', 'U:gw:stripe']);
    // U's client, with every permission, for T's invoice: in T's name or in U's.
    const asU = { invoice: 'inv:X', createdBy: f.U.client.userId };
    await expectRlsViolation(tryCheckout(f.U.client, asU, f.T.id), 'payment_checkouts');
    await expectRlsViolation(tryCheckout(f.U.client, asU, f.U.id), 'payment_checkouts');
    // The admin of U starts none either, and changes none of T's.
    await expectRlsViolation(tryCheckout(f.actors.adminU, asU, f.U.id), 'payment_checkouts');
    expect(
      await rows(
        f.actors.adminU,
        sql`delete from app.payment_checkouts where id = ${f.id['co:X/D']} returning id`,
      ),
    ).toEqual([]);
    // An update of every gateway reaches U's own only (rolled back).
    const touched = await rolledBack(t.handle.db, f.actors.adminU, (tx) =>
      txRows<{ id: string }>(tx, sql`update app.payment_gateways set offered = false returning id::text`),
    );
    expect(touched.map((row) => f.name(row.id))).toEqual(['U:gw:stripe']);
    expect(await checkoutsOfT()).toEqual(['co:X/A', 'co:X/D', 'co:Y-B/B']);
    expect(await labels(f.actors.clientD, sql`select id::text from app.payment_gateways`)).toEqual([
      'gw:stripe',
    ]);
  });
});
