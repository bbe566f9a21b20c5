import { notify, queueEmail } from '@foyer/core';
import { schema, type TenantActor, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, required } from '../support/assert';
import { addUser, deliverQueued, type TestCore, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * The outbox as domain code and the worker see it: queued in the cause's transaction, readable
 * only by the tenant's admins (and the worker), rendered with the tenant's own settings and
 * templates, and suppressed for people who cannot or do not want to receive it.
 */

const { outbox, notifications } = schema;

describe.each(drivers)('outbox on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  const as = <T>(actor: TenantActor, work: Parameters<typeof withActor<T>>[2]) =>
    withActor(t.handle.db, actor, work);

  const pendingOf = (tenantId: string) =>
    t.superuser<{ template: string; status: string }>(
      `select template, status from app.outbox where tenant_id = $1 and status <> 'sent'`,
      [tenantId],
    );

  const queue = (tenant: TenantFixture, to: { userId: string } | { address: string }, vars = {}) =>
    as(tenant.admin, (tx) =>
      queueEmail(tx, {
        tenantId: tenant.id,
        template: 'project-added',
        to,
        vars: { projectName: 'Website', ...vars },
      }),
    );

  it('writes nothing when the cause rolls back, and one row when it commits', async () => {
    const tenant = await createTenant(t);
    await expect(
      as(tenant.admin, async (tx) => {
        await queueEmail(tx, {
          tenantId: tenant.id,
          template: 'project-added',
          to: { userId: tenant.client.userId },
          vars: {},
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const queued = () =>
      t.superuser(`select 1 from app.outbox where tenant_id = $1 and status = 'queued'`, [tenant.id]);
    expect(await queued()).toHaveLength(0);
    await queue(tenant, { userId: tenant.client.userId });
    expect(await queued()).toHaveLength(1);
  });

  it('lets anyone in the tenant queue mail but only admins read the log; other tenants see nothing', async () => {
    const tenant = await createTenant(t);
    const other = await createTenant(t);
    const staff = await addUser(t, tenant, { role: 'staff' });
    await as(tenant.client, (tx) =>
      queueEmail(tx, {
        tenantId: tenant.id,
        template: 'review-approved',
        to: { userId: tenant.admin.userId },
        vars: {},
      }),
    );
    await as(staff.actor, (tx) =>
      queueEmail(tx, {
        tenantId: tenant.id,
        template: 'mention',
        to: { userId: tenant.admin.userId },
        vars: {},
      }),
    );
    const seenBy = (actor: TenantActor) => as(actor, (tx) => tx.select({ id: outbox.id }).from(outbox));
    expect(await seenBy(tenant.admin)).toHaveLength(3); // the fixture's row and these two
    expect(await seenBy(staff.actor)).toHaveLength(0);
    expect(await seenBy(other.admin)).toHaveLength(1); // its own fixture row only
    await expectPermissionDenied(seenBy(tenant.client));
    // Nobody queues mail into another tenant.
    await expect(
      as(other.admin, (tx) =>
        queueEmail(tx, {
          tenantId: tenant.id,
          template: 'mention',
          to: { address: 'x@example.com' },
          vars: {},
        }),
      ),
    ).rejects.toThrow();
  });

  describe('delivery', () => {
    let core: TestCore;
    beforeAll(() => {
      core = testCore(t);
    });

    it('sends in the agency’s name with its reply-to, its override and links on its host', async () => {
      const tenant = await createTenant(t, { branding: { primaryColor: '#0f766e' } });
      await as(tenant.admin, async (tx) => {
        await tx
          .update(schema.emailSettings)
          .set({ senderName: 'Harbour Studio', replyTo: 'studio@harbour.example' });
        await tx.insert(schema.emailTemplates).values({
          tenantId: tenant.id,
          template: 'project-added',
          subject: 'New project: {{projectName}}',
          body: '<p>Hello {{recipient.name}}, {{projectName}} is ready.</p>{{button projectUrl "Open it"}}',
        });
      });
      await queue(
        tenant,
        { userId: tenant.client.userId },
        { projectUrl: `http://${tenant.slug}.foyer.test/p/1` },
      );
      core.mail.length = 0;
      const outcomes = await deliverQueued(core, [tenant.id]);
      expect(outcomes.map((o) => o.outcome)).toEqual(['sent']);
      const sent = required(core.mail[0], 'the message');
      expect(sent.from).toEqual({ name: 'Harbour Studio', address: 'no-reply@foyer.test' });
      expect(sent.replyTo).toBe('studio@harbour.example');
      expect(sent.to).toBe(`client@${tenant.slug}.test`);
      expect(sent.subject).toBe('New project: Website');
      expect(sent.html).toContain('Hello Client, Website is ready.');
      expect(sent.html).toContain('#0f766e');
      expect(sent.html).toContain(`http://${tenant.slug}.foyer.test/p/1`);
      expect(sent.html).not.toContain('Foyer');
      expect(sent.text).toContain(`http://${tenant.slug}.foyer.test/p/1`);
      expect(sent.messageId).toMatch(new RegExp(`^<[0-9a-f-]{36}@${tenant.slug}\\.foyer\\.test>$`));
      // A sent row keeps who and how, not its variables (which can hold single-use links).
      const [row] = await t.superuser<{ status: string; vars: unknown; recipient: string; attempts: number }>(
        `select status, vars, recipient, attempts from app.outbox where tenant_id = $1 and template = 'project-added'`,
        [tenant.id],
      );
      expect(row).toEqual({ status: 'sent', vars: {}, recipient: `client@${tenant.slug}.test`, attempts: 1 });
    });

    it('suppresses mail to a deactivated person and to one who turned the event off', async () => {
      const tenant = await createTenant(t);
      const gone = await addUser(t, tenant, { role: 'staff', status: 'deactivated' });
      const quiet = await addUser(t, tenant, { role: 'staff' });
      await as(quiet.actor, (tx) =>
        tx
          .insert(schema.notificationPreferences)
          .values({ tenantId: tenant.id, userId: quiet.id, event: 'mention', delivery: 'off' }),
      );
      await as(tenant.admin, async (tx) => {
        await notify(tx, {
          tenantId: tenant.id,
          event: 'mention',
          userIds: [gone.id, quiet.id, tenant.admin.userId],
          title: 'You were mentioned',
          link: '/projects/1',
          vars: { authorName: 'Nora', excerpt: 'Have a look', url: `http://${tenant.slug}.foyer.test/m/1` },
        });
      });
      core.mail.length = 0;
      const outcomes = await deliverQueued(core, [tenant.id]);
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['sent', 'suppressed', 'suppressed']);
      expect(core.mail.map((m) => m.to)).toEqual([`admin@${tenant.slug}.test`]);
      const rows = await t.superuser<{ recipient: string; status: string; last_error: string }>(
        `select recipient, status, last_error from app.outbox
          where tenant_id = $1 and template = 'mention' and status = 'suppressed' order by recipient`,
        [tenant.id],
      );
      expect(rows.map((r) => r.last_error).sort()).toEqual([
        'The recipient turned these emails off.',
        'The recipient’s account is deactivated.',
      ]);
      // The bell has them all, each visible only to its own person.
      const bell = (actor: TenantActor) =>
        as(actor, (tx) => tx.select({ title: notifications.title }).from(notifications));
      expect((await bell(quiet.actor)).map((n) => n.title)).toEqual(['You were mentioned']);
      expect((await bell(tenant.admin)).map((n) => n.title).sort()).toEqual([
        'Welcome',
        'You were mentioned',
      ]);
    });

    it('marks an unknown template failed, permanently, with the reason', async () => {
      const tenant = await createTenant(t);
      await as(tenant.admin, (tx) =>
        queueEmail(tx, {
          tenantId: tenant.id,
          template: 'no-such-template',
          to: { address: 'a@example.com' },
          vars: {},
        }),
      );
      const outcomes = await deliverQueued(core, [tenant.id]);
      expect(outcomes).toEqual([
        {
          outcome: 'failed',
          recipient: null,
          transport: null,
          error: 'Unknown template “no-such-template”.',
        },
      ]);
    });
  });

  it('keeps queued mail of one tenant out of another tenant’s delivery', async () => {
    const tenant = await createTenant(t);
    const other = await createTenant(t);
    await queue(tenant, { userId: tenant.client.userId });
    const core = testCore(t);
    expect(await deliverQueued(core, [other.id])).toEqual([]);
    expect(await pendingOf(tenant.id)).toEqual([
      expect.objectContaining({ template: 'project-added', status: 'queued' }),
    ]);
  });
});
