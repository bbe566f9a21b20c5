import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { required } from '../../../tests/support/assert';
import {
  drivers,
  loginUrlOf,
  openTestDatabase,
  type TestDatabase,
  txRows,
} from '../../../tests/support/databases';
import { createTenant, type TenantFixture } from '../../../tests/support/tenants';
import { type DatabaseHandle, openPostgres } from './client';
import * as schema from './schema/index';
import { startWireCounter, type WireCounter } from './test-support/wire';
import type { Tx } from './with-actor';
import { SessionInvalid, withSession } from './with-session';

const DAY = 86_400_000;

/** What the work's first statement sees of its context. */
const context = async (tx: Tx) =>
  required(
    (
      await txRows<Record<string, string>>(
        tx,
        sql`select current_user as "user", current_setting('app.tenant_id', true) as tenant,
          current_setting('app.user_id', true) as person, current_setting('app.role', true) as kind`,
      )
    )[0],
    'a row',
  );

/** A session row for `userId`, as sign-in stores it; returns the stored id (the token's hash). */
async function addSession(
  t: TestDatabase,
  tenantId: string,
  userId: string,
  expiresIn = 30 * DAY,
): Promise<string> {
  const tokenHash = randomBytes(32).toString('hex');
  await t.superuser(
    `insert into app.sessions (tenant_id, id, user_id, expires_at, last_seen_at)
     values ($1, $2, $3, now() + make_interval(secs => $4), now() - interval '1 hour')`,
    [tenantId, tokenHash, userId, expiresIn / 1000],
  );
  return tokenHash;
}

describe.each(drivers)('withSession on %s', (driver) => {
  let t: TestDatabase;
  let a: TenantFixture;
  let b: TenantFixture;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    a = await createTenant(t);
    b = await createTenant(t);
  });
  afterAll(() => t.close());

  it('resolves a live session and runs the work as its person', async () => {
    const tokenHash = await addSession(t, a.id, a.admin.userId);
    const { seen, session } = await withSession(
      t.handle.db,
      { tenantId: a.id, tokenHash },
      async (tx, session) => ({
        seen: await context(tx),
        session,
      }),
    );
    expect(seen).toEqual({ user: 'foyer_team', tenant: a.id, person: a.admin.userId, kind: 'admin' });
    expect(session).toMatchObject({
      tenantId: a.id,
      userId: a.admin.userId,
      role: 'admin',
      clientId: null,
      name: 'Admin',
      email: `admin@${a.slug}.test`,
      actor: a.admin,
    });
    expect(session.expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * DAY);
    expect(Date.now() - session.lastSeenAt.getTime()).toBeGreaterThan(59 * 60_000);
  });

  it('runs a client as foyer_client, which may renew its own session in the same transaction', async () => {
    const tokenHash = await addSession(t, b.id, b.client.userId, 10 * DAY);
    const renewed = new Date(Date.now() + 30 * DAY);
    const seen = await withSession(t.handle.db, { tenantId: b.id, tokenHash }, async (tx, session) => {
      expect(session.actor).toEqual(b.client);
      await tx
        .update(schema.sessions)
        .set({ lastSeenAt: new Date(), expiresAt: renewed })
        .where(and(eq(schema.sessions.tenantId, b.id), eq(schema.sessions.id, tokenHash)));
      await tx
        .update(schema.users)
        .set({ lastSeenAt: new Date() })
        .where(and(eq(schema.users.tenantId, b.id), eq(schema.users.id, session.userId)));
      return context(tx);
    });
    expect(seen).toEqual({ user: 'foyer_client', tenant: b.id, person: b.client.userId, kind: 'client' });
    const [row] = await t.superuser<{ expires_at: Date | string }>(
      'select expires_at from app.sessions where tenant_id = $1 and id = $2',
      [b.id, tokenHash],
    );
    expect(
      Math.abs(new Date(required(row, 'the session').expires_at).getTime() - renewed.getTime()),
    ).toBeLessThan(1000);
  });

  it('refuses unknown, expired, other tenants’ and deactivated people’s sessions, and never runs the work', async () => {
    const expired = await addSession(t, a.id, a.admin.userId, -60_000);
    const ofB = await addSession(t, b.id, b.admin.userId);
    const deactivated = await createTenant(t);
    const ofDeactivated = await addSession(t, deactivated.id, deactivated.client.userId);
    await t.superuser(`update app.users set status = 'deactivated' where tenant_id = $1 and id = $2`, [
      deactivated.id,
      deactivated.client.userId,
    ]);
    const lookups = [
      { tenantId: a.id, tokenHash: randomBytes(32).toString('hex') },
      { tenantId: a.id, tokenHash: expired },
      { tenantId: a.id, tokenHash: ofB },
      { tenantId: deactivated.id, tokenHash: ofDeactivated },
    ];
    let ran = 0;
    for (const lookup of lookups) {
      await expect(
        withSession(t.handle.db, lookup, async () => {
          ran++;
        }),
      ).rejects.toBeInstanceOf(SessionInvalid);
    }
    expect(ran).toBe(0);
    // B's session is fine on B's host.
    expect(await withSession(t.handle.db, { tenantId: b.id, tokenHash: ofB }, context)).toMatchObject({
      tenant: b.id,
    });
  });

  it('rolls back what the work wrote when it throws', async () => {
    const tokenHash = await addSession(t, a.id, a.admin.userId);
    await expect(
      withSession(t.handle.db, { tenantId: a.id, tokenHash }, async (tx) => {
        await tx.insert(schema.clients).values({ tenantId: a.id, name: 'Rolled back' });
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(
      await t.superuser(`select 1 from app.clients where tenant_id = $1 and name = 'Rolled back'`, [a.id]),
    ).toEqual([]);
  });
});

describe('withSession on PostgreSQL, on the wire', () => {
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

  it('costs BEGIN, the session-and-context statement, the work and COMMIT: four statements', async () => {
    const tokenHash = await addSession(t, a.id, a.admin.userId);
    const read = (tx: Tx, userId: string) =>
      tx.select({ name: schema.users.name }).from(schema.users).where(eq(schema.users.id, userId));
    const once = () => withSession(handle.db, { tenantId: a.id, tokenHash }, (tx, s) => read(tx, s.userId));
    for (let i = 0; i < 3; i++) await once();
    wire.reset();
    for (let i = 0; i < 10; i++) expect(await once()).toEqual([{ name: 'Admin' }]);
    expect(wire.statements()).toBe(40);
    // BEGIN and the context statement together; the read, which needs the session; COMMIT.
    expect(wire.roundTrips()).toBe(30);

    wire.reset();
    await expect(
      withSession(handle.db, { tenantId: a.id, tokenHash: 'nothing' }, async () => 'never'),
    ).rejects.toBeInstanceOf(SessionInvalid);
    // BEGIN + the statement, then ROLLBACK.
    expect(wire.statements()).toBe(3);
    expect(wire.roundTrips()).toBe(2);
  });
});
