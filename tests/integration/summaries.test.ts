import { randomUUID } from 'node:crypto';
import { sendSummaries } from '@foyer/core';
import { schema, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOtherClient, addUser, deliverQueued, type TestCore, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { addTenantInvoice, createTenant, invoiceFixture, type TenantFixture } from '../support/tenants';

/**
 * The daily or weekly summary (issue #18): from 8 o'clock in each person's time zone, each day or
 * each Monday, what changed on their projects, reviews waiting and invoices due, read as them;
 * claimed per person and period, so two workers send one; nothing to say, no email.
 */

interface SummaryRow extends Record<string, unknown> {
  user_id: string;
  vars: {
    period: string;
    weekly: boolean;
    projects: { name: string; changes: string; projectUrl: string }[];
    reviews: { title: string; projectName: string; state: string; reviewUrl: string }[];
    invoices: {
      number: string;
      amount: string;
      dueDate: string | null;
      overdue: boolean;
      invoiceUrl: string;
    }[];
    homeUrl: string;
  };
}

describe.each(drivers)('summary emails on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  const summaries = (tenantId: string) =>
    t.superuser<SummaryRow>(
      `select user_id::text as user_id, vars from app.outbox where tenant_id = $1 and template = 'summary' order by created_at`,
      [tenantId],
    );

  /** Sets the application's clock to `at` (the database's own stays). */
  const at = (core: TestCore, iso: string) =>
    core.clock.advance(Date.parse(iso) - core.clock.now().getTime());

  const run = (core: TestCore, tenant: TenantFixture) => sendSummaries(core.deps, { tenantIds: [tenant.id] });

  const choose = (tenant: TenantFixture, userId: string, frequency: string, lastSentAt: string | null) =>
    t.superuser(
      `insert into app.email_summaries (tenant_id, user_id, frequency, last_sent_at) values ($1, $2, $3, $4)
       on conflict (tenant_id, user_id) do update set frequency = excluded.frequency, last_sent_at = excluded.last_sent_at`,
      [tenant.id, userId, frequency, lastSentAt],
    );

  it('goes out from 8 o’clock in the person’s time zone, daily or on Mondays, once', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    // The client in Tokyo (UTC+9) daily, the admin in UTC weekly; both last had one at their
    // latest 8 o'clock before Wednesday 10 March 2027 (Tuesday 9 in Tokyo, Monday 8 in UTC).
    await t.superuser(`update app.users set time_zone = 'Asia/Tokyo' where tenant_id = $1 and id = $2`, [
      tenant.id,
      tenant.client.userId,
    ]);
    await choose(tenant, tenant.client.userId, 'daily', '2027-03-08T23:00:00Z');
    await choose(tenant, tenant.admin.userId, 'weekly', '2027-03-08T08:00:00Z');

    // 07:59 in Tokyo on Wednesday: not yet.
    at(core, '2027-03-09T22:59:00Z');
    expect((await run(core, tenant)).claimed).toEqual([]);
    // 08:00 in Tokyo: the client's, once from two workers at once.
    at(core, '2027-03-09T23:00:00Z');
    const [a, b] = await Promise.all([run(core, tenant), run(core, tenant)]);
    expect([...a.claimed, ...b.claimed]).toEqual([tenant.client.userId]);
    expect(a.emails + b.emails).toBe(1);
    expect((await run(core, tenant)).claimed).toEqual([]);
    // 08:00 in UTC on Wednesday: the admin's is weekly, the client's next is Thursday in Tokyo.
    at(core, '2027-03-10T08:00:00Z');
    expect((await run(core, tenant)).claimed).toEqual([]);
    at(core, '2027-03-10T23:00:00Z');
    expect((await run(core, tenant)).claimed).toEqual([tenant.client.userId]);
    // Monday 15 March, 08:00 UTC: the admin's week; the client had Monday's at 08:00 Tokyo.
    at(core, '2027-03-14T23:00:00Z');
    expect((await run(core, tenant)).claimed).toEqual([tenant.client.userId]);
    at(core, '2027-03-15T07:59:00Z');
    expect((await run(core, tenant)).claimed).toEqual([]);
    at(core, '2027-03-15T08:00:00Z');
    expect((await run(core, tenant)).claimed).toEqual([tenant.admin.userId]);

    const sent = await summaries(tenant.id);
    expect(sent.map((row) => [row.user_id, row.vars.period])).toEqual([
      [tenant.client.userId, 'daily'],
      [tenant.client.userId, 'daily'],
      [tenant.client.userId, 'daily'],
      [tenant.admin.userId, 'weekly'],
    ]);
    // Off: never.
    await choose(tenant, tenant.client.userId, 'off', null);
    at(core, '2027-03-16T23:30:00Z');
    expect((await run(core, tenant)).claimed).toEqual([]);
  });

  it('says only what the person may see, and nothing when there is nothing to say', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const olive = await addOtherClient(t, tenant, ['projects', 'tasks.view', 'invoices']);
    const quiet = await addUser(t, tenant, { role: 'staff', name: 'Quiet Staff' });
    const [company] = await t.superuser<{ client_id: string }>(
      'select client_id::text as client_id from app.users where tenant_id = $1 and id = $2',
      [tenant.id, olive.id],
    );
    // An internal task and a client-visible one this week; the client's invoice (due in 30 days)
    // and the other company's, overdue.
    const today = new Date();
    const day = (days: number) => new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);
    const doneId = randomUUID();
    await withActor(t.handle.db, tenant.admin, async (tx) => {
      await tx
        .insert(schema.taskStatuses)
        .values({ tenantId: tenant.id, id: doneId, name: 'Done', kind: 'done', position: 1 });
      await tx.insert(schema.tasks).values([
        {
          tenantId: tenant.id,
          projectId: tenant.projectId,
          statusId: doneId,
          title: 'Logo',
          clientVisible: true,
        },
        { tenantId: tenant.id, projectId: tenant.projectId, statusId: tenant.statusId, title: 'Secret plan' },
        {
          tenantId: tenant.id,
          projectId: tenant.projectId,
          statusId: tenant.statusId,
          title: 'Homepage copy',
          clientVisible: true,
        },
      ]);
      const other = invoiceFixture(
        tenant.id,
        tenant.taxRateId,
        { id: randomUUID(), clientId: company?.client_id ?? '', number: 'OTH-0001' },
        randomUUID(),
      );
      await tx
        .insert(schema.invoices)
        .values({ ...other.invoice, issueDate: day(-40), dueDate: day(-10), createdBy: tenant.admin.userId });
      await tx.insert(schema.invoiceLines).values(other.line);
    });
    await addTenantInvoice(t, tenant);
    // Everyone weekly, the last a month ago: due now.
    const monthAgo = new Date(today.getTime() - 30 * 86_400_000).toISOString();
    for (const userId of [tenant.admin.userId, tenant.client.userId, olive.id, quiet.id])
      await choose(tenant, userId, 'weekly', monthAgo);

    const result = await run(core, tenant);
    expect(new Set(result.claimed)).toEqual(
      new Set([tenant.admin.userId, tenant.client.userId, olive.id, quiet.id]),
    );
    const sent = new Map((await summaries(tenant.id)).map((row) => [row.user_id, row.vars]));
    // The staff member on no project has nothing to hear: no email, the period still claimed.
    expect(sent.has(quiet.id)).toBe(false);
    expect(result.emails).toBe(3);

    const client = sent.get(tenant.client.userId);
    expect(client?.weekly).toBe(true);
    expect(client?.homeUrl).toBe('/');
    // The fixture's shared task and the new shared ones (one of them done); never the internal one.
    expect(client?.projects).toEqual([
      {
        name: 'Website',
        changes: '1 task completed, 3 new tasks, 1 new file, 1 new message',
        projectUrl: `/projects/${tenant.projectId}`,
      },
    ]);
    expect(client?.reviews).toEqual([
      {
        title: 'Kick-off',
        projectName: 'Website',
        state: 'waiting for your decision',
        reviewUrl: `/tasks/${tenant.taskId}`,
      },
    ]);
    expect(client?.invoices.map((i) => [i.number, i.overdue, i.invoiceUrl.startsWith('/invoices/')])).toEqual(
      [['PRE-0001', false, true]],
    );
    expect(JSON.stringify(client)).not.toContain('Secret plan');
    expect(JSON.stringify(client)).not.toContain('OTH-0001');

    // The other company's contact: their overdue invoice, not the first client's, nor its review.
    const other = sent.get(olive.id);
    expect(other?.invoices.map((i) => [i.number, i.overdue])).toEqual([['OTH-0001', true]]);
    expect(other?.reviews).toEqual([]);
    expect(JSON.stringify(other)).not.toContain('Secret plan');

    // The admin: every task, the round out with the client, and what is overdue (not the one
    // due in a month).
    const admin = sent.get(tenant.admin.userId);
    expect(admin?.homeUrl).toBe('/admin');
    expect(admin?.projects[0]?.changes).toContain('1 task completed, 4 new tasks');
    expect(admin?.projects[0]?.projectUrl).toBe(`/admin/projects/${tenant.projectId}`);
    expect(admin?.reviews.map((r) => [r.title, r.reviewUrl])).toEqual([
      ['Kick-off', `/admin/tasks/${tenant.taskId}`],
    ]);
    expect(admin?.invoices.map((i) => [i.number, i.overdue])).toEqual([['OTH-0001', true]]);

    // Delivered with absolute links on the tenant's host.
    core.mail.length = 0;
    await deliverQueued(core, [tenant.id]);
    const mail = core.mail.find((m) => m.to === `client@${tenant.slug}.test`);
    expect(mail?.subject).toMatch(/^Your weekly summary from /);
    expect(mail?.text).toContain(`http://${tenant.slug}.foyer.test/projects/${tenant.projectId}`);
    expect(mail?.text).toContain('PRE-0001');

    // Within the same week nothing more is sent.
    expect((await run(core, tenant)).claimed).toEqual([]);
  });
});
