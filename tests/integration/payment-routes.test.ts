import { randomBytes, randomUUID } from 'node:crypto';
import { schema, sql, system, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, pgFailure, SqlState } from '../support/assert';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * platform.payment_routes, kept by the trigger on app.payment_gateways, and
 * app_system.payment_route, which finds a notification's tenant before anything in it is trusted:
 * by the endpoint it arrived at, or (Connect) by the gateway kind and connected account.
 */

const account = () => `acct_${randomBytes(8).toString('hex')}`;

describe.each(drivers)('payment routes on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  /** A gateway of `tenant`, connected by its admin as the server does. */
  async function connect(
    tenant: TenantFixture,
    gateway: { kind: 'stripe' | 'paypal'; accountRef?: string; credentials?: string },
  ): Promise<{ id: string; endpointId: string }> {
    const [made] = await withActor(t.handle.db, tenant.admin, (tx) =>
      tx
        .insert(schema.paymentGateways)
        .values({
          tenantId: tenant.id,
          kind: gateway.kind,
          connection: gateway.accountRef ? 'connect' : 'keys',
          mode: 'test',
          accountRef: gateway.accountRef ?? null,
          credentials: gateway.credentials ?? null,
        })
        .returning({ id: schema.paymentGateways.id, endpointId: schema.paymentGateways.endpointId }),
    );
    if (!made) throw new Error('no gateway inserted');
    return made;
  }

  const byEndpoint = (endpointId: string) => system.payments.route(t.handle, { endpointId });
  const byAccount = (kind: string, accountRef: string) =>
    system.payments.route(t.handle, { kind, account: accountRef });

  it('a Connect gateway is found by its endpoint and by its account; deleting it removes the route', async () => {
    const tenant = await createTenant(t);
    const accountRef = account();
    expect(await byAccount('stripe', accountRef)).toBeNull();
    const gateway = await connect(tenant, { kind: 'stripe', accountRef });
    const route = { tenantId: tenant.id, gatewayId: gateway.id, kind: 'stripe' };
    expect(await byEndpoint(gateway.endpointId)).toEqual(route);
    expect(await byAccount('stripe', accountRef)).toEqual(route);
    // The account is a Stripe one: another kind does not find it.
    expect(await byAccount('paypal', accountRef)).toBeNull();
    expect(await byEndpoint(randomUUID())).toBeNull();

    await withActor(t.handle.db, tenant.admin, (tx) =>
      tx.execute(sql`delete from app.payment_gateways where id = ${gateway.id}`),
    );
    expect(await byEndpoint(gateway.endpointId)).toBeNull();
    expect(await byAccount('stripe', accountRef)).toBeNull();
    const left = await t.superuser('select 1 from platform.payment_routes where tenant_id = $1', [tenant.id]);
    expect(left).toEqual([]);
  });

  it("a gateway on the agency's own keys is found by its endpoint only", async () => {
    const tenant = await createTenant(t);
    const gateway = await connect(tenant, { kind: 'paypal', credentials: 'sealed:probe' });
    expect(await byEndpoint(gateway.endpointId)).toEqual({
      tenantId: tenant.id,
      gatewayId: gateway.id,
      kind: 'paypal',
    });
    const [row] = await t.superuser<{ account_ref: string | null }>(
      'select account_ref from platform.payment_routes where endpoint_id = $1',
      [gateway.endpointId],
    );
    expect(row).toEqual({ account_ref: null });
  });

  it('a new endpoint or account moves the route with it', async () => {
    const tenant = await createTenant(t);
    const first = account();
    const gateway = await connect(tenant, { kind: 'stripe', accountRef: first });
    const second = account();
    const endpointId = randomUUID();
    await withActor(t.handle.db, tenant.admin, (tx) =>
      tx.execute(
        sql`update app.payment_gateways set endpoint_id = ${endpointId}, account_ref = ${second} where id = ${gateway.id}`,
      ),
    );
    const route = { tenantId: tenant.id, gatewayId: gateway.id, kind: 'stripe' };
    expect(await byEndpoint(gateway.endpointId)).toBeNull();
    expect(await byAccount('stripe', first)).toBeNull();
    expect(await byEndpoint(endpointId)).toEqual(route);
    expect(await byAccount('stripe', second)).toEqual(route);
  });

  it('a second agency cannot route the same connected account: a unique violation, and the first keeps it', async () => {
    const [a, b] = [await createTenant(t), await createTenant(t)];
    const accountRef = account();
    const ofA = await connect(a, { kind: 'stripe', accountRef });
    const failure = await pgFailure(connect(b, { kind: 'stripe', accountRef }));
    expect(failure.code).toBe(SqlState.uniqueViolation);
    expect(failure.message).toContain('payment_routes_account_idx');
    // The gateway went with its route: B has none.
    const ofB = await withActor(t.handle.db, b.admin, (tx) => tx.select().from(schema.paymentGateways));
    expect(ofB).toEqual([]);
    expect(await byAccount('stripe', accountRef)).toEqual({
      tenantId: a.id,
      gatewayId: ofA.id,
      kind: 'stripe',
    });
    // Nor can B take it over later by renaming a gateway of its own.
    const own = await connect(b, { kind: 'stripe', accountRef: account() });
    const moved = await pgFailure(
      withActor(t.handle.db, b.admin, (tx) =>
        tx.execute(sql`update app.payment_gateways set account_ref = ${accountRef} where id = ${own.id}`),
      ),
    );
    expect(moved.code).toBe(SqlState.uniqueViolation);
    expect(await byAccount('stripe', accountRef)).toEqual({
      tenantId: a.id,
      gatewayId: ofA.id,
      kind: 'stripe',
    });
  });

  it("a suspended agency's gateways are not found", async () => {
    const tenant = await createTenant(t);
    const accountRef = account();
    const gateway = await connect(tenant, { kind: 'stripe', accountRef });
    expect(await byEndpoint(gateway.endpointId)).not.toBeNull();
    await t.superuser(
      `update platform.tenants set status = 'suspended', suspended_at = now() where id = $1`,
      [tenant.id],
    );
    expect(await byEndpoint(gateway.endpointId)).toBeNull();
    expect(await byAccount('stripe', accountRef)).toBeNull();
  });

  it('the runtime roles read no route themselves, only through the function', async () => {
    const tenant = await createTenant(t);
    await connect(tenant, { kind: 'stripe', accountRef: account() });
    await expectPermissionDenied(t.handle.rows(sql`select * from platform.payment_routes`));
    for (const actor of [tenant.admin, tenant.client, { kind: 'worker' as const, tenantId: tenant.id }])
      await expectPermissionDenied(
        withActor(t.handle.db, actor, (tx) => tx.execute(sql`select * from platform.payment_routes`)),
      );
    // Nor do they write one: a route to a tenant is the trigger's alone.
    await expectPermissionDenied(
      withActor(t.handle.db, tenant.admin, (tx) =>
        tx.execute(
          sql`insert into platform.payment_routes (endpoint_id, kind, account_ref, tenant_id, gateway_id)
              values (${randomUUID()}, 'stripe', ${account()}, ${tenant.id}, ${randomUUID()})`,
        ),
      ),
    );
  });
});
