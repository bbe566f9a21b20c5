import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findPgFailure, required } from '../../../tests/support/assert';
import {
  drivers,
  loginUrlOf,
  openTestDatabase,
  type TestDatabase,
  txRows,
} from '../../../tests/support/databases';
import { createTenant, type TenantFixture } from '../../../tests/support/tenants';
import type { ActingAs } from './actor';
import { type DatabaseHandle, openPostgres } from './client';
import { pipelinedTransaction, postgresDoorOf } from './pipelined';
import * as schema from './schema/index';
import { startWireCounter, type WireCounter } from './test-support/wire';
import { type Tx, withActor } from './with-actor';

interface Seen {
  user: string;
  tenant: string;
  person: string;
  kind: string;
}

/** What the first statement of a transaction sees of its context. */
const whoAmI = async (tx: Tx): Promise<Seen> =>
  required(
    (
      await txRows<Record<string, string>>(
        tx,
        sql`select current_user as "user", current_setting('app.tenant_id', true) as tenant,
          current_setting('app.user_id', true) as person, current_setting('app.role', true) as kind`,
      )
    )[0],
    'a row',
  ) as unknown as Seen;

const expected = (actor: ActingAs): Seen => ({
  user: actor.kind === 'client' ? 'foyer_client' : 'foyer_team',
  tenant: actor.tenantId,
  person: 'userId' in actor ? actor.userId : '',
  kind: actor.kind,
});

const clientCount = async (t: TestDatabase, tenantId: string) =>
  Number(
    required(
      (
        await t.superuser<{ n: string }>('select count(*) as n from app.clients where tenant_id = $1', [
          tenantId,
        ])
      )[0],
      'a count',
    ).n,
  );

describe.each(drivers)('withActor on %s', (driver) => {
  let t: TestDatabase;
  /** One connection only: whatever a transaction leaves behind, the next one meets. */
  let single: TestDatabase;
  let a: TenantFixture;
  let b: TenantFixture;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    single = driver === 'pglite' ? t : await openTestDatabase(driver, { max: 1 });
    a = await createTenant(t);
    b = await createTenant(t);
  });
  afterAll(async () => {
    if (single !== t) await single.close();
    await t.close();
  });

  it('runs the first query of the work with the context already set, under concurrency', async () => {
    const actors: ActingAs[] = [a.admin, b.client, { kind: 'worker', tenantId: a.id }, b.admin];
    const runs = Array.from({ length: 60 }, (_, i) => required(actors[i % actors.length], 'an actor'));
    const seen = await Promise.all(runs.map((actor) => withActor(t.handle.db, actor, whoAmI)));
    expect(seen).toEqual(runs.map(expected));
  });

  it('rolls back when the work throws, and leaves neither role nor context on the connection', async () => {
    const before = await clientCount(t, a.id);
    await expect(
      withActor(single.handle.db, a.admin, async (tx) => {
        await tx.insert(schema.clients).values({ tenantId: a.id, name: 'Never' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await clientCount(t, a.id)).toBe(before);
    const [after] = await single.handle.rows<Record<string, string>>(
      sql`select current_user as "user", current_setting('app.tenant_id', true) as tenant`,
    );
    expect(after).toEqual({ user: 'foyer_login', tenant: '' });
  });

  it('rolls back when a statement fails, and the next transaction starts clean', async () => {
    const id = randomUUID();
    const before = await clientCount(t, a.id);
    const failure = await withActor(single.handle.db, a.admin, async (tx) => {
      await tx.insert(schema.clients).values({ tenantId: a.id, id, name: 'First' });
      await tx.insert(schema.clients).values({ tenantId: a.id, id, name: 'Same id' });
    }).then(
      () => null,
      (error: unknown) => findPgFailure(error),
    );
    expect(failure?.code).toBe('23505');
    expect(await clientCount(t, a.id)).toBe(before);
    expect(await withActor(single.handle.db, b.client, whoAmI)).toEqual(expected(b.client));
  });

  it('commits what the work wrote', async () => {
    const before = await clientCount(t, a.id);
    await withActor(t.handle.db, a.admin, (tx) =>
      tx.insert(schema.clients).values({ tenantId: a.id, name: 'Kept' }),
    );
    expect(await clientCount(t, a.id)).toBe(before + 1);
  });

  it('nests tx.transaction as a savepoint: an inner failure undoes the inner work only', async () => {
    const before = await clientCount(t, a.id);
    await withActor(single.handle.db, a.admin, async (tx) => {
      await tx.insert(schema.clients).values({ tenantId: a.id, name: 'Outer' });
      await expect(
        tx.transaction(async (inner) => {
          await inner.insert(schema.clients).values({ tenantId: a.id, name: 'Inner' });
          expect(await whoAmI(inner)).toEqual(expected(a.admin));
          throw new Error('inner only');
        }),
      ).rejects.toThrow('inner only');
      await tx.transaction((inner) =>
        inner.insert(schema.clients).values({ tenantId: a.id, name: 'Inner 2' }),
      );
    });
    const names = await t.superuser<{ name: string }>(
      `select name from app.clients where tenant_id = $1 and name in ('Outer', 'Inner', 'Inner 2') order by name`,
      [a.id],
    );
    expect(names.map((r) => r.name)).toEqual(['Inner 2', 'Outer']);
    expect(await clientCount(t, a.id)).toBe(before + 2);
  });
});

describe('withActor pipelined on PostgreSQL', () => {
  const superuserUrl = inject('postgresUrl');
  let wire: WireCounter;
  let handle: DatabaseHandle;
  let t: TestDatabase;
  let a: TenantFixture;
  beforeAll(async () => {
    t = await openTestDatabase('postgres');
    a = await createTenant(t);
    wire = await startWireCounter(superuserUrl);
    handle = openPostgres({ url: wire.route(loginUrlOf(superuserUrl)), max: 1 });
  });
  afterAll(async () => {
    await handle.close();
    await wire.close();
    await t.close();
  });

  it('sends BEGIN, the context statement and the first query in one round trip, then COMMIT', async () => {
    // The first transaction on a connection also prepares its statements.
    for (let i = 0; i < 3; i++) await withActor(handle.db, a.admin, whoAmI);
    wire.reset();
    for (let i = 0; i < 10; i++)
      expect(await withActor(handle.db, a.admin, whoAmI)).toEqual(expected(a.admin));
    expect(wire.statements()).toBe(40);
    expect(wire.roundTrips()).toBe(20);
  });

  it('fails the transaction when the context statement fails: the work gets errors, never rows', async () => {
    const door = required(postgresDoorOf(handle.db), 'the postgres door');
    const workSaw: unknown[] = [];
    const outcome = pipelinedTransaction(
      door,
      // foyer_login is no member of foyer_system: the switch is refused.
      { text: "select set_config('role', $1, true)", params: ['foyer_system'] },
      async (tx) => {
        try {
          workSaw.push(await whoAmI(tx));
        } catch (error) {
          workSaw.push(findPgFailure(error)?.code);
        }
        return 'the work finished';
      },
    );
    const failure = await outcome.then(
      () => null,
      (error: unknown) => findPgFailure(error),
    );
    expect(failure?.code).toBe('42501');
    // "current transaction is aborted": the read never ran.
    expect(workSaw).toEqual(['25P02']);
    // The connection went back to the pool clean.
    expect(await withActor(handle.db, a.admin, whoAmI)).toEqual(expected(a.admin));
  });

  it('rejects when the connection is lost mid-transaction, and the pool carries on', async () => {
    const attempt = withActor(handle.db, a.admin, async (tx) => {
      const [self] = await txRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`);
      await t.superuser('select pg_terminate_backend($1)', [required(self, 'a pid').pid]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return whoAmI(tx);
    });
    await expect(attempt).rejects.toThrow();
    expect(await withActor(handle.db, a.admin, whoAmI)).toEqual(expected(a.admin));
    expect(await withActor(handle.db, a.admin, whoAmI)).toEqual(expected(a.admin));
  });
});
