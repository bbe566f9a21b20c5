import { randomUUID } from 'node:crypto';
import { system } from '@foyer/db';
import { defaultJobs } from '@foyer/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { startConversation } from '../support/realtime';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * The app_system functions of live delivery, as foyer_login calls them: who may hear a thread's
 * events, a node's presence heartbeat, and the purge of old events and stale presence.
 */
describe.each(drivers)('realtime system functions on %s', (driver) => {
  let t: TestDatabase;
  let tenant: TenantFixture;

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    tenant = await createTenant(t);
  });
  afterAll(() => t?.close());

  const presenceOf = (node: string) =>
    t.superuser<{ user_id: string }>(
      'select user_id::text from platform.presence where node_id = $1 order by user_id',
      [node],
    );

  it("names a conversation's participants and maker, and a task thread's team and clients", async () => {
    const staff = await addUser(t, tenant, { role: 'staff' });
    const conversation = await startConversation(t, tenant.admin, tenant.projectId, [
      { actor: tenant.admin, shownName: 'Admin' },
      { actor: staff.actor, shownName: 'Staff' },
    ]);
    expect(new Set(await system.realtime.audience(t.handle, tenant.id, conversation))).toEqual(
      new Set([tenant.admin.userId, staff.id]),
    );
    // The fixture's task thread: the admin (and project staff) and the project's client.
    const task = await system.realtime.audience(t.handle, tenant.id, tenant.threadId);
    expect(task).toContain(tenant.admin.userId);
    expect(task).toContain(tenant.client.userId);
    expect(task).not.toContain(staff.id);
    // Another tenant's thread, or none at all, has nobody.
    const other = await createTenant(t);
    expect(await system.realtime.audience(t.handle, tenant.id, other.threadId)).toEqual([]);
    expect(await system.realtime.audience(t.handle, tenant.id, randomUUID())).toEqual([]);
  });

  it("keeps a node's presence to the people of its last beat, and an empty beat clears it", async () => {
    const node = randomUUID();
    const otherNode = randomUUID();
    const admin = { tenantId: tenant.id, userId: tenant.admin.userId };
    const client = { tenantId: tenant.id, userId: tenant.client.userId };
    await system.realtime.presenceBeat(t.handle, node, [admin, client]);
    await system.realtime.presenceBeat(t.handle, otherNode, [client]);
    expect((await presenceOf(node)).map((r) => r.user_id).sort()).toEqual(
      [admin.userId, client.userId].sort(),
    );
    await system.realtime.presenceBeat(t.handle, node, [client]);
    expect((await presenceOf(node)).map((r) => r.user_id)).toEqual([client.userId]);
    await system.realtime.presenceBeat(t.handle, node, []);
    expect(await presenceOf(node)).toEqual([]);
    expect((await presenceOf(otherNode)).map((r) => r.user_id)).toEqual([client.userId]);
    await system.realtime.presenceBeat(t.handle, otherNode, []);
  });

  it('purges events older than a day and presence of nodes silent for an hour, and nothing newer', async () => {
    const insertEvent = (age: string) =>
      t.superuser<{ id: string }>(
        `insert into app.realtime_events (tenant_id, kind, user_id, created_at)
         values ($1, 'notification', $2, now() - $3::interval) returning id::text`,
        [tenant.id, tenant.client.userId, age],
      );
    const [old] = await insertEvent('25 hours');
    const [recent] = await insertEvent('23 hours');
    const staleNode = randomUUID();
    await t.superuser(
      `insert into platform.presence (tenant_id, user_id, node_id, seen_at) values ($1, $2, $3, now() - interval '2 hours')`,
      [tenant.id, tenant.client.userId, staleNode],
    );
    const liveNode = randomUUID();
    await system.realtime.presenceBeat(t.handle, liveNode, [
      { tenantId: tenant.id, userId: tenant.client.userId },
    ]);

    expect(await system.realtime.purge(t.handle)).toBeGreaterThanOrEqual(1);
    const left = await t.superuser<{ id: string }>(
      'select id::text from app.realtime_events where id = any($1::bigint[])',
      [[old?.id, recent?.id]],
    );
    expect(left.map((r) => r.id)).toEqual([recent?.id]);
    expect(await presenceOf(staleNode)).toEqual([]);
    expect(await presenceOf(liveNode)).toHaveLength(1);
    await system.realtime.presenceBeat(t.handle, liveNode, []);
  });

  it('is purged hourly by the worker', () => {
    const job = defaultJobs().find((j) => j.name === 'realtime-purge');
    expect(job?.intervalSeconds).toBe(3600);
  });
});
