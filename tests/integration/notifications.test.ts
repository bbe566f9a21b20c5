import { randomBytes, randomUUID } from 'node:crypto';
import {
  acceptInvitation,
  emailEventsFor,
  getPreferences,
  inviteMember,
  listNotifications,
  markAllRead,
  markRead,
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  notifyInApp,
  pageChrome,
  savePreferences,
  unreadCount,
} from '@foyer/core';
import { eq, schema, type TenantActor, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectForeignKeyViolation,
  expectPermissionDenied,
  expectRlsViolation,
  required,
} from '../support/assert';
import {
  activityOf,
  addUser,
  clientInfo,
  countAs,
  expectCoreError,
  siteOf,
  TEST_PASSWORD,
  type TestUser,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * The bell: each person reads and marks only their own notifications (the database says so, not
 * only core), chooses which events also email them, and hears when someone joins the team.
 */

const { notificationPreferences, notifications } = schema;

describe.each(drivers)('notifications on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  const as = <T>(actor: TenantActor, work: Parameters<typeof withActor<T>>[2]) =>
    withActor(t.handle.db, actor, work);

  /** Notifies `userIds` as `actor` would, in the bell only. */
  const notifyAs = (
    actor: TenantActor,
    userIds: string[],
    title: string,
    options: { event?: NotificationEvent; link?: string | null } = {},
  ) =>
    as(actor, (tx) =>
      notifyInApp(tx, {
        tenantId: actor.tenantId,
        event: options.event ?? 'mention',
        userIds,
        title,
        link: options.link ?? null,
      }),
    );

  const idsOf = async (actor: TenantActor) =>
    (await listNotifications({ ctx: testCore(t).as(actor), input: { limit: 100 } })).items.map((n) => n.id);

  /** createTenant gives its people a notification and a preference; these tests start without. */
  async function freshTenant(): Promise<TenantFixture> {
    const tenant = await createTenant(t);
    await t.superuser('delete from app.notifications where tenant_id = $1', [tenant.id]);
    await t.superuser('delete from app.notification_preferences where tenant_id = $1', [tenant.id]);
    return tenant;
  }

  interface Cast {
    tenant: TenantFixture;
    staff: TestUser;
    other: TenantFixture;
  }

  async function cast(): Promise<Cast> {
    const tenant = await freshTenant();
    const staff = await addUser(t, tenant, { role: 'staff' });
    const other = await freshTenant();
    return { tenant, staff, other };
  }

  it('show each person only their own, in core and in the database', async () => {
    const core = testCore(t);
    const { tenant, staff, other } = await cast();
    await notifyAs(staff.actor, [tenant.admin.userId], 'For the admin', { link: '/admin/team' });
    await notifyAs(tenant.admin, [staff.id], 'For staff');
    await notifyAs(tenant.admin, [tenant.client.userId], 'For the client');

    const adminPage = await listNotifications({ ctx: core.as(tenant.admin), input: { limit: 10 } });
    expect(adminPage.items).toEqual([
      expect.objectContaining({
        title: 'For the admin',
        event: 'mention',
        link: '/admin/team',
        readAt: null,
      }),
    ]);
    expect(adminPage.next).toBeNull();
    const [forAdmin] = adminPage.items.map((n) => n.id);
    const adminNote = required(forAdmin, 'the admin’s notification');
    expect(
      (await listNotifications({ ctx: core.as(staff.actor), input: { limit: 10 } })).items.map(
        (n) => n.title,
      ),
    ).toEqual(['For staff']);
    expect(
      (await listNotifications({ ctx: core.as(tenant.client), input: { limit: 10 } })).items.map(
        (n) => n.title,
      ),
    ).toEqual(['For the client']);
    expect(await idsOf(other.admin)).toEqual([]);
    expect(await unreadCount({ ctx: core.as(tenant.admin) })).toBe(1);
    expect(await unreadCount({ ctx: core.as(other.admin) })).toBe(0);

    // Below core: reads see only one's own rows; updates and deletes of others' change nothing.
    for (const actor of [staff.actor, tenant.client, other.admin] as const) {
      const seen = await as(actor, (tx) => tx.select({ id: notifications.id }).from(notifications));
      expect(seen.map((n) => n.id)).not.toContain(adminNote);
      const updated = await as(actor, (tx) =>
        tx
          .update(notifications)
          .set({ readAt: new Date() })
          .where(eq(notifications.id, adminNote))
          .returning({ id: notifications.id }),
      );
      expect(updated).toEqual([]);
      const deleted = await as(actor, (tx) =>
        tx.delete(notifications).where(eq(notifications.id, adminNote)).returning({ id: notifications.id }),
      );
      expect(deleted).toEqual([]);
      await expectCoreError(markRead({ ctx: core.as(actor), input: { id: adminNote } }), 'not_found');
    }
    const [row] = await t.superuser<{ read_at: Date | null }>(
      'select read_at from app.notifications where id = $1',
      [adminNote],
    );
    expect(row).toEqual({ read_at: null });

    // Anyone in a tenant may notify anyone in it, but never across the wall.
    await expectRlsViolation(
      as(other.admin, (tx) =>
        tx
          .insert(notifications)
          .values({ tenantId: tenant.id, userId: tenant.admin.userId, event: 'mention', title: 'x' }),
      ),
      'notifications',
    );
    await expectForeignKeyViolation(
      as(other.admin, (tx) =>
        tx
          .insert(notifications)
          .values({ tenantId: other.id, userId: tenant.admin.userId, event: 'mention', title: 'x' }),
      ),
    );
    // A client may mark its own read, and change nothing else about it.
    const [clientNote] = await idsOf(tenant.client);
    await expectPermissionDenied(
      as(tenant.client, (tx) =>
        tx
          .update(notifications)
          .set({ title: 'Edited' })
          .where(eq(notifications.id, required(clientNote, 'the client’s notification'))),
      ),
    );
    // Links are paths on the same host, whoever writes them.
    await expect(notifyAs(tenant.admin, [staff.id], 'Away', { link: '//evil.example/x' })).rejects.toThrow();
    await expect(
      as(tenant.admin, (tx) =>
        tx.insert(notifications).values({
          tenantId: tenant.id,
          userId: staff.id,
          event: 'mention',
          title: 'x',
          link: '/\\evil.example',
        }),
      ),
    ).rejects.toThrow();
  });

  it('mark one or all read, and count what is left', async () => {
    const core = testCore(t);
    const { tenant, staff } = await cast();
    await notifyAs(tenant.admin, [staff.id], 'First', { link: '/admin' });
    await notifyAs(tenant.admin, [staff.id], 'Second');
    await notifyAs(tenant.admin, [staff.id], 'Third');
    // A second apart, as they would be: PGlite's clock can give three quick transactions one time.
    await t.superuser(
      `update app.notifications set created_at = now() - make_interval(secs =>
         case title when 'First' then 3 when 'Second' then 2 else 1 end) where user_id = $1`,
      [staff.id],
    );
    await notifyAs(staff.actor, [tenant.admin.userId], 'Not staff’s');
    expect(await unreadCount({ ctx: core.as(staff.actor) })).toBe(3);
    // The page frame's count is the same, and only the person's own.
    expect((await pageChrome({ ctx: core.as(staff.actor) })).unread).toBe(3);

    const { items } = await listNotifications({ ctx: core.as(staff.actor), input: { limit: 10 } });
    expect(items.map((n) => n.title)).toEqual(['Third', 'Second', 'First']);
    const first = required(items[2], 'the first notification');
    expect(await markRead({ ctx: core.as(staff.actor), input: { id: first.id } })).toEqual({
      link: '/admin',
    });
    expect(await unreadCount({ ctx: core.as(staff.actor) })).toBe(2);
    expect((await pageChrome({ ctx: core.as(staff.actor) })).unread).toBe(2);
    const [readOnce] = await t.superuser<{ read_at: Date }>(
      'select read_at from app.notifications where id = $1',
      [first.id],
    );
    // Opening it again changes nothing, not even when it was read.
    expect(await markRead({ ctx: core.as(staff.actor), input: { id: first.id } })).toEqual({
      link: '/admin',
    });
    const [readTwice] = await t.superuser<{ read_at: Date }>(
      'select read_at from app.notifications where id = $1',
      [first.id],
    );
    expect(readTwice?.read_at).toEqual(readOnce?.read_at);
    const second = required(items[1], 'the second notification');
    expect(await markRead({ ctx: core.as(staff.actor), input: { id: second.id } })).toEqual({ link: null });

    await expectCoreError(markRead({ ctx: core.as(staff.actor), input: { id: 'not-a-uuid' } }), 'not_found');
    await expectCoreError(markRead({ ctx: core.as(staff.actor), input: { id: randomUUID() } }), 'not_found');

    expect(await markAllRead({ ctx: core.as(staff.actor) })).toBe(1);
    expect(await unreadCount({ ctx: core.as(staff.actor) })).toBe(0);
    expect(await markAllRead({ ctx: core.as(staff.actor) })).toBe(0);
    const after = await listNotifications({ ctx: core.as(staff.actor), input: { limit: 10 } });
    expect(after.items.every((n) => n.readAt instanceof Date)).toBe(true);
    // Someone else's stay unread.
    expect(await unreadCount({ ctx: core.as(tenant.admin) })).toBe(1);
    // Reading one's own notifications is not activity.
    expect(await activityOf(t, tenant.id)).toEqual([]);
  });

  it('page through notifications made in the same instant without skipping or repeating', async () => {
    const core = testCore(t);
    const { tenant, staff } = await cast();
    // One transaction: every row has the same created_at.
    await notifyAs(
      tenant.admin,
      Array.from({ length: 12 }, () => staff.id),
      'Same instant',
    );
    await as(tenant.admin, async (tx) => {
      for (let i = 0; i < 12; i++)
        await notifyInApp(tx, {
          tenantId: tenant.id,
          event: 'mention',
          userIds: [staff.id],
          title: `Burst ${i}`,
        });
    });
    await notifyAs(tenant.admin, [staff.id], 'Later');
    // notifyAs de-duplicates recipients: the first call made one row.
    expect(await countAs(t, 'select 1 from app.notifications where user_id = $1', [staff.id])).toBe(14);

    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const page = await listNotifications({ ctx: core.as(staff.actor), input: { before, limit: 5 } });
      seen.push(...page.items.map((n) => n.id));
      before = page.next;
      pages++;
    } while (before !== null && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(14);
    const all = await listNotifications({ ctx: core.as(staff.actor), input: { limit: 100 } });
    expect(seen).toEqual(all.items.map((n) => n.id));
    expect(all.items[0]?.title).toBe('Later');

    await expectCoreError(
      listNotifications({ ctx: core.as(staff.actor), input: { before: 'nonsense', limit: 5 } }),
      'validation',
      'before',
    );
    await expectCoreError(
      listNotifications({ ctx: core.as(staff.actor), input: { limit: 0 } }),
      'validation',
      'limit',
    );
    await expectCoreError(
      listNotifications({ ctx: core.as(staff.actor), input: { limit: 1000 } }),
      'validation',
      'limit',
    );
  });

  it('offer no email choices for features that do not exist yet, and refuse choosing one', async () => {
    const core = testCore(t);
    const { tenant, staff } = await cast();
    // Being added to a project, assigned to a task, told of shared tasks and files, of a
    // client's comment, of reviews, of invoices and of messages are the events with an email so
    // far; the digest belongs to a later release, and today's other events are bell-only.
    expect(NOTIFICATION_EVENTS.filter((e) => e.live && e.email).map((e) => e.key)).toEqual([
      'project-added',
      'task-assigned',
      'tasks-shared',
      'task-comment',
      'review-requested',
      'review-approved',
      'revisions-requested',
      'message-new',
      'mention',
      'invoice-sent',
      'payment-received',
      'payment-reminder',
      'payment-overdue',
      'file-shared',
      'google-joined',
    ]);
    const teamChoices = [
      'project-added',
      'task-assigned',
      'task-comment',
      'review-approved',
      'revisions-requested',
      'message-new',
      'mention',
    ];
    expect((await getPreferences({ ctx: core.as(staff.actor) })).map((p) => p.event)).toEqual(teamChoices);
    // Someone joining with Google is the admins' news only (issue #19).
    expect((await getPreferences({ ctx: core.as(tenant.admin) })).map((p) => p.event)).toEqual([
      ...teamChoices,
      'google-joined',
    ]);
    const clientChoices = [
      'project-added',
      'tasks-shared',
      'review-requested',
      'message-new',
      'mention',
      'invoice-sent',
      'payment-received',
      'payment-reminder',
      'payment-overdue',
      'file-shared',
    ];
    expect((await getPreferences({ ctx: core.as(tenant.client) })).map((p) => p.event)).toEqual(
      clientChoices,
    );
    expect(emailEventsFor('client').map((e) => e.key)).toEqual(clientChoices);

    // Choosing an event of a feature still to come, an unknown one or a bell-only one changes nothing.
    for (const input of [
      { 'message-digest': 'digest' },
      { 'invoice-sent': 'instant' },
      { mention: true },
      { mention: 'weekly' },
      { 'no-such-event': 'off' },
      { 'team-joined': 'off' },
      JSON.parse('{"__proto__": "off"}'),
    ] as Record<string, unknown>[]) {
      await expectCoreError(savePreferences({ ctx: core.as(staff.actor), input }), 'validation');
    }
    await savePreferences({ ctx: core.as(staff.actor), input: {} });
    const stored = await as(staff.actor, (tx) =>
      tx.select({ event: notificationPreferences.event }).from(notificationPreferences),
    );
    expect(stored).toEqual([]);
    // Refused, or nothing to save: no entry (notification-preferences.test.ts records one).
    expect(await activityOf(t, tenant.id)).toEqual([]);
    // Nor can anyone write preferences for someone else below core.
    await expectRlsViolation(
      as(staff.actor, (tx) =>
        tx
          .insert(notificationPreferences)
          .values({ tenantId: tenant.id, userId: tenant.admin.userId, event: 'mention', delivery: 'off' }),
      ),
      'notification_preferences',
    );
  });

  it('have none for API keys', async () => {
    const core = testCore(t);
    const tenant = await freshTenant();
    const key: TenantActor = { kind: 'apikey', tenantId: tenant.id, keyId: randomUUID() };
    await expectCoreError(listNotifications({ ctx: core.as(key), input: { limit: 5 } }), 'forbidden');
    await expectCoreError(unreadCount({ ctx: core.as(key) }), 'forbidden');
    await expectCoreError(markRead({ ctx: core.as(key), input: { id: randomUUID() } }), 'forbidden');
    await expectCoreError(markAllRead({ ctx: core.as(key) }), 'forbidden');
    await expectCoreError(getPreferences({ ctx: core.as(key) }), 'forbidden');
    await expectCoreError(savePreferences({ ctx: core.as(key), input: {} }), 'forbidden');
  });

  it('tell the admins, the inviter among them, when an invitation is accepted, with no email', async () => {
    const core = testCore(t);
    const tenant = await freshTenant();
    const site = siteOf(tenant);
    const otherAdmin = await addUser(t, tenant, { role: 'admin' });
    const gone = await addUser(t, tenant, { role: 'admin', status: 'deactivated' });
    const staff = await addUser(t, tenant, { role: 'staff' });
    const email = `sam-${randomBytes(4).toString('hex')}@${tenant.slug}.test`;
    await inviteMember({ ctx: core.as(tenant.admin, site), input: { email, role: 'staff' } });
    const [queued] = await t.superuser<{ url: string }>(
      `select vars->>'acceptUrl' as url from app.outbox where tenant_id = $1 and to_address = $2`,
      [tenant.id, email],
    );
    const token = required(
      new URL(required(queued, 'the invitation email').url).searchParams.get('token'),
      'a token',
    );

    const accepted = await acceptInvitation({
      ctx: core.visitor(site, clientInfo()),
      input: { token, name: 'Sam Reyes', password: TEST_PASSWORD },
    });

    const inviterSees = await listNotifications({ ctx: core.as(tenant.admin), input: { limit: 10 } });
    expect(inviterSees.items).toEqual([
      expect.objectContaining({
        event: 'team-joined',
        title: 'Sam Reyes joined the team',
        body: 'They joined as staff.',
        link: '/admin/team',
        readAt: null,
      }),
    ]);
    expect(await unreadCount({ ctx: core.as(tenant.admin) })).toBe(1);
    expect(await unreadCount({ ctx: core.as(otherAdmin.actor) })).toBe(1);
    expect(await unreadCount({ ctx: core.as(gone.actor) })).toBe(0);
    expect(await unreadCount({ ctx: core.as(staff.actor) })).toBe(0);
    expect(await unreadCount({ ctx: core.as(accepted.actor) })).toBe(0);
    expect(await unreadCount({ ctx: core.as(tenant.client) })).toBe(0);
    // The bell only: nothing waits in the outbox for it.
    expect(
      await countAs(
        t,
        `select 1 from app.outbox where tenant_id = $1 and (event = 'team-joined' or template = 'team-joined')`,
        [tenant.id],
      ),
    ).toBe(0);
  });
});
