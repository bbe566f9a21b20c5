import { openSession } from '@foyer/core';
import { eq, schema, type TenantActor, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, expectRlsViolation } from '../support/assert';
import { addUser, clientInfo, sha256Hex, type TestUser, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * Row-level rules of the account tables, below the application: whatever `core` asks, the
 * database lets people read and change only what is theirs (admins: their tenant's people).
 */

const { sessions, userTokens, users } = schema;

describe.each(drivers)('account rows on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  interface Cast {
    tenant: TenantFixture;
    staff: TestUser;
    /** One session id per person, opened the way sign-in opens them. */
    sessionOf: Map<string, string>;
  }

  async function cast(): Promise<Cast> {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const staff = await addUser(t, tenant, { role: 'staff' });
    const sessionOf = new Map<string, string>();
    for (const actor of [tenant.admin, staff.actor, tenant.client] as const) {
      const { token } = await openSession({ ctx: core.as(actor, null, clientInfo()) });
      sessionOf.set(actor.userId, sha256Hex(token));
    }
    return { tenant, staff, sessionOf };
  }

  const as = <T>(actor: TenantActor, work: Parameters<typeof withActor<T>>[2]) =>
    withActor(t.handle.db, actor, work);

  const renameAs = (actor: TenantActor, userId: string, name: string) =>
    as(actor, (tx) => tx.update(users).set({ name }).where(eq(users.id, userId)).returning({ id: users.id }));

  it('let staff read the team and the clients of their projects but change only their own row; an admin changes anyone’s', async () => {
    const { tenant, staff } = await cast();
    const other = await createTenant(t);
    const seen = await as(staff.actor, (tx) => tx.select({ id: users.id }).from(users));
    // Not on the client's project: the client stays out of sight.
    expect(seen.map((u) => u.id).sort()).toEqual([tenant.admin.userId, staff.id].sort());
    expect(seen.map((u) => u.id)).not.toContain(other.admin.userId);
    await as(tenant.admin, (tx) =>
      tx
        .insert(schema.projectStaff)
        .values({ tenantId: tenant.id, projectId: tenant.projectId, userId: staff.id }),
    );
    const onProject = await as(staff.actor, (tx) => tx.select({ id: users.id }).from(users));
    expect(onProject.map((u) => u.id).sort()).toEqual(
      [tenant.admin.userId, tenant.client.userId, staff.id].sort(),
    );

    expect(await renameAs(staff.actor, tenant.admin.userId, 'Hijacked')).toEqual([]);
    expect(await renameAs(staff.actor, tenant.client.userId, 'Hijacked')).toEqual([]);
    expect(await renameAs(staff.actor, staff.id, 'Sam Reyes')).toEqual([{ id: staff.id }]);
    expect(await renameAs(tenant.admin, staff.id, 'Samuel Reyes')).toEqual([{ id: staff.id }]);
    expect(await renameAs(tenant.admin, other.admin.userId, 'Hijacked')).toEqual([]);
    const names = await t.superuser<{ name: string }>(
      'select name from app.users where id = any($1) order by name',
      [[tenant.admin.userId, tenant.client.userId, other.admin.userId]],
    );
    expect(names.map((n) => n.name)).not.toContain('Hijacked');
  });

  it('do not let staff make themselves admins; an admin may promote them', async () => {
    const { tenant, staff } = await cast();
    await expectRlsViolation(
      as(staff.actor, (tx) => tx.update(users).set({ role: 'admin' }).where(eq(users.id, staff.id))),
      'users',
    );
    const [row] = await t.superuser<{ role: string }>('select role from app.users where id = $1', [staff.id]);
    expect(row?.role).toBe('staff');

    await as(tenant.admin, (tx) => tx.update(users).set({ role: 'admin' }).where(eq(users.id, staff.id)));
    const [promoted] = await t.superuser<{ role: string }>('select role from app.users where id = $1', [
      staff.id,
    ]);
    expect(promoted?.role).toBe('admin');
  });

  it('show a client only its own account row, which it may rename but not re-role', async () => {
    const { tenant, staff } = await cast();
    const seen = await as(tenant.client, (tx) => tx.select({ id: users.id }).from(users));
    expect(seen).toEqual([{ id: tenant.client.userId }]);
    expect(await renameAs(tenant.client, staff.id, 'Hijacked')).toEqual([]);
    expect(await renameAs(tenant.client, tenant.client.userId, 'Clara Client')).toEqual([
      { id: tenant.client.userId },
    ]);
    await expectPermissionDenied(
      as(tenant.client, (tx) =>
        tx.update(users).set({ role: 'admin' }).where(eq(users.id, tenant.client.userId)),
      ),
    );
  });

  it('show people only their own sessions, and an admin everyone’s', async () => {
    const { tenant, staff, sessionOf } = await cast();
    const other = await createTenant(t);
    const sessionIds = (actor: TenantActor) =>
      as(actor, (tx) => tx.select({ id: sessions.id, userId: sessions.userId }).from(sessions));

    for (const actor of [staff.actor, tenant.client] as const) {
      const own = await sessionIds(actor);
      expect(own.map((s) => s.id)).toEqual([sessionOf.get(actor.userId)]);
    }
    // The admin sees all of this tenant's sessions (createTenant's own included), none of another's.
    const all = await sessionIds(tenant.admin);
    expect(new Set(all.map((s) => s.userId))).toEqual(
      new Set([tenant.admin.userId, staff.id, tenant.client.userId]),
    );
    const foreign = await t.superuser<{ id: string }>('select id from app.sessions where tenant_id = $1', [
      other.id,
    ]);
    expect(all.map((s) => s.id)).not.toContain(foreign[0]?.id);

    // Ending: staff cannot end the admin's session, the admin can end staff's.
    const adminSession = sessionOf.get(tenant.admin.userId) ?? '';
    const staffSession = sessionOf.get(staff.id) ?? '';
    const end = (actor: TenantActor, id: string) =>
      as(actor, (tx) => tx.delete(sessions).where(eq(sessions.id, id)).returning({ id: sessions.id }));
    expect(await end(staff.actor, adminSession)).toEqual([]);
    expect(await end(tenant.client, staffSession)).toEqual([]);
    expect(await end(tenant.admin, staffSession)).toEqual([{ id: staffSession }]);
  });

  it('keep a person’s tokens from everyone else, admins included', async () => {
    const { tenant, staff } = await cast();
    // createTenant gave the admin a reset token; give staff and the client one each.
    for (const userId of [staff.id, tenant.client.userId]) {
      await t.superuser(
        `insert into app.user_tokens (tenant_id, user_id, purpose, token_hash, expires_at)
         values ($1, $2, 'password_reset', md5(random()::text), now() + interval '1 hour')`,
        [tenant.id, userId],
      );
    }
    for (const actor of [tenant.admin, staff.actor, tenant.client] as const) {
      const seen = await as(actor, (tx) => tx.select({ userId: userTokens.userId }).from(userTokens));
      expect(seen, actor.kind).toEqual([{ userId: actor.userId }]);
      const removed = await as(actor, (tx) =>
        tx
          .delete(userTokens)
          .where(eq(userTokens.tenantId, tenant.id))
          .returning({ userId: userTokens.userId }),
      );
      expect(removed, actor.kind).toEqual([{ userId: actor.userId }]);
    }
  });
});
