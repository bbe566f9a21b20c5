import { randomBytes, randomUUID } from 'node:crypto';
import { listTenants, resolveOperator, SIGN_IN_LIMITS, signInOperator, signOutOperator } from '@foyer/core';
import { sql } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, required } from '../support/assert';
import {
  activityOf,
  clientInfo,
  coreError,
  countAs,
  expectCoreError,
  randomIp,
  sha256Hex,
  TEST_PASSWORD,
  TEST_PASSWORD_HASH,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, insertTenant } from '../support/tenants';

/**
 * Platform operators live in `platform`, outside every tenant: created from the command line
 * (here: as the superuser), signed in on the platform host, and the only ones who list tenants.
 */

const DAY = 86_400_000;

describe.each(drivers)('operators on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  async function createOperator(): Promise<{ id: string; email: string }> {
    const email = `ops-${randomBytes(4).toString('hex')}@foyer.test`;
    const [row] = await t.superuser<{ id: string }>(
      'insert into platform.operators (email, name, password_hash) values ($1, $2, $3) returning id::text',
      [email, 'Olive Operator', TEST_PASSWORD_HASH],
    );
    return { id: required(row, 'the operator').id, email };
  }

  const operatorTenantsFor = (sessionId: string) =>
    t.handle.rows(sql`select * from app_system.operator_tenants(${sessionId}::text)`);

  it('sign in, are resolved from their token, list tenants with user counts, and sign out', async () => {
    const core = testCore(t);
    const operator = await createOperator();
    const busy = await createTenant(t);
    const quiet = await insertTenant(t);
    const ip = randomIp();
    // Activity is when the agency's people were last seen, whether or not they are still signed in.
    await t.superuser(`update app.users set last_seen_at = now() - interval '3 days' where id = $1`, [
      busy.admin.userId,
    ]);
    await t.superuser(`delete from app.sessions where tenant_id = $1`, [busy.id]);

    const { token, expiresAt } = await signInOperator({
      ctx: core.visitor(null, { ip, userAgent: 'ops-browser' }),
      input: { email: ` ${operator.email.toUpperCase()} `, password: TEST_PASSWORD },
    });
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * DAY);
    const [row] = await t.superuser<{ id: string; ip: string; user_agent: string }>(
      'select id, ip, user_agent from platform.operator_sessions where operator_id = $1',
      [operator.id],
    );
    expect(row).toEqual({ id: sha256Hex(token), ip, user_agent: 'ops-browser' });

    const signedIn = required(
      await resolveOperator({ ctx: core.visitor(null), input: { token } }),
      'the operator',
    );
    expect(signedIn).toEqual({
      id: operator.id,
      name: 'Olive Operator',
      email: operator.email,
      sessionId: sha256Hex(token),
    });

    const tenants = await listTenants({ ctx: core.visitor(null), operator: signedIn });
    const byId = new Map(tenants.map((tenant) => [tenant.tenantId, tenant]));
    expect(byId.get(busy.id)).toMatchObject({ slug: busy.slug, name: busy.name, status: 'active', users: 2 });
    const lastActivity = byId.get(busy.id)?.lastActivity?.getTime() ?? 0;
    expect(Math.abs(Date.now() - 3 * DAY - lastActivity)).toBeLessThan(60_000);
    expect(byId.get(busy.id)?.createdAt).toBeInstanceOf(Date);
    expect(byId.get(quiet.id)).toMatchObject({ slug: quiet.slug, users: 0, lastActivity: null });

    await signOutOperator({ ctx: core.visitor(null), operator: signedIn });
    expect(await resolveOperator({ ctx: core.visitor(null), input: { token } })).toBeNull();
    await expectPermissionDenied(
      listTenants({ ctx: core.visitor(null), operator: signedIn }),
      /operator session required/,
    );
  });

  it('refuse the tenant list to a bogus, ended, expired or tenant session', async () => {
    const core = testCore(t);
    const operator = await createOperator();
    const tenant = await createTenant(t);
    const { token } = await signInOperator({
      ctx: core.visitor(null, clientInfo()),
      input: { email: operator.email, password: TEST_PASSWORD },
    });
    const sessionId = sha256Hex(token);
    expect((await operatorTenantsFor(sessionId)).length).toBeGreaterThan(0);

    await expectPermissionDenied(operatorTenantsFor('bogus'), /operator session required/);
    await expectPermissionDenied(operatorTenantsFor(''), /operator session required/);
    const [tenantSession] = await t.superuser<{ id: string }>(
      'select id from app.sessions where tenant_id = $1',
      [tenant.id],
    );
    await expectPermissionDenied(
      operatorTenantsFor(required(tenantSession, 'a tenant session').id),
      /operator session required/,
    );

    await t.superuser(
      `update platform.operator_sessions set expires_at = now() - interval '1 second' where id = $1`,
      [sessionId],
    );
    await expectPermissionDenied(operatorTenantsFor(sessionId), /operator session required/);
    expect(await resolveOperator({ ctx: core.visitor(null), input: { token } })).toBeNull();
    // Nor can the login role read the operator tables itself.
    await expectPermissionDenied(t.handle.rows(sql`select * from platform.operators`));
    await expectPermissionDenied(t.handle.rows(sql`select * from platform.operator_sessions`));
  });

  it('slide their session on use', async () => {
    const core = testCore(t);
    const operator = await createOperator();
    const { token } = await signInOperator({
      ctx: core.visitor(null, clientInfo()),
      input: { email: operator.email, password: TEST_PASSWORD },
    });
    await t.superuser(
      `update platform.operator_sessions set expires_at = now() + interval '1 day' where id = $1`,
      [sha256Hex(token)],
    );
    expect(await resolveOperator({ ctx: core.visitor(null), input: { token } })).not.toBeNull();
    const [row] = await t.superuser<{ expires_at: Date | string }>(
      'select expires_at from platform.operator_sessions where id = $1',
      [sha256Hex(token)],
    );
    expect(new Date(required(row, 'the session').expires_at).getTime() - Date.now()).toBeGreaterThan(
      29 * DAY,
    );
  });

  it('get the same answer for a wrong password, an unknown operator and a tenant admin', async () => {
    const core = testCore(t);
    const operator = await createOperator();
    const tenant = await createTenant(t);
    await t.superuser('update app.users set password_hash = $2 where id = $1', [
      tenant.admin.userId,
      TEST_PASSWORD_HASH,
    ]);
    const attempts = [
      { email: operator.email, password: 'not the password' },
      { email: `nobody-${randomUUID()}@foyer.test`, password: TEST_PASSWORD },
      { email: `admin@${tenant.slug}.test`, password: TEST_PASSWORD },
      { email: `${randomBytes(3000).toString('hex')}@foyer.test`, password: TEST_PASSWORD },
      { email: operator.email, password: 'x'.repeat(100_000) },
    ];
    const messages = new Set<string>();
    for (const attempt of attempts) {
      const error = await coreError(
        signInOperator({ ctx: core.visitor(null, clientInfo()), input: attempt }),
      );
      expect(error.code).toBe('invalid_credentials');
      messages.add(error.message);
    }
    expect(messages.size).toBe(1);
    // Operators act on the platform, not in a tenant: no tenant's activity log hears of them,
    // not even the one whose admin's address was tried here.
    expect(await activityOf(t, tenant.id)).toEqual([]);
    expect(await countAs(t, `select 1 from app.activity where data->>'email' = $1`, [operator.email])).toBe(
      0,
    );
    expect(await resolveOperator({ ctx: core.visitor(null), input: { token: 'not-a-token' } })).toBeNull();

    await expectCoreError(
      signInOperator({
        ctx: core.visitor(null, clientInfo()),
        input: { email: operator.email, password: 'still wrong' },
      }),
      'invalid_credentials',
    );
    await signInOperator({
      ctx: core.visitor(null, clientInfo()),
      input: { email: operator.email, password: TEST_PASSWORD },
    });
  });

  it('are throttled per account like tenant users, even with the right password', async () => {
    const core = testCore(t);
    const operator = await createOperator();
    const other = await createOperator();
    await t.superuser('insert into platform.throttle (key, window_start, hits) values ($1, now(), $2)', [
      `operator-sign-in:${operator.email}`,
      SIGN_IN_LIMITS.perAccount.limit,
    ]);
    await expectCoreError(
      signInOperator({
        ctx: core.visitor(null, clientInfo()),
        input: { email: operator.email, password: TEST_PASSWORD },
      }),
      'throttled',
    );
    await signInOperator({
      ctx: core.visitor(null, clientInfo()),
      input: { email: other.email, password: TEST_PASSWORD },
    });
  });
});
