import { randomUUID } from 'node:crypto';
import {
  adminDashboard,
  clientDashboard,
  clientProject,
  createCtx,
  createInvoice,
  dismissWelcome,
  getBrandingSettings,
  getProfile,
  PREVIEW_IS_READ_ONLY,
  portalNav,
  previewCandidates,
  previewTarget,
  saveBranding,
  sendInvoice,
  startConversation,
  startPreview,
  submitRound,
  updateProfile,
} from '@foyer/core';
import { schema, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityOf, addUser, countAs, expectCoreError, siteOf, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * The client portal: a client's dashboard and project view show exactly what the client wall
 * lets them read; preview as client runs as the client, read-only, and leaves nothing behind;
 * the admin dashboard's checklist follows the workspace's real state.
 */

describe.each(drivers)('portal on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  const asAdmin = (tenant: TenantFixture, work: Parameters<typeof withActor>[2]) =>
    withActor(t.handle.db, tenant.admin, work);

  /** A project with its own rows, assigned to `clients` (user ids). */
  async function addProject(
    tenant: TenantFixture,
    options: { name: string; status?: 'active' | 'on_hold' | 'completed' | 'archived'; clients: string[] },
  ): Promise<string> {
    const projectId = randomUUID();
    await asAdmin(tenant, async (tx) => {
      await tx.insert(schema.projects).values({
        tenantId: tenant.id,
        id: projectId,
        name: options.name,
        status: options.status ?? 'active',
        deadline: '2030-06-30',
      });
      for (const userId of options.clients)
        await tx.insert(schema.projectClients).values({ tenantId: tenant.id, projectId, userId });
    });
    return projectId;
  }

  async function addClient(tenant: TenantFixture, permissions: string[] = [...schema.clientPermissions]) {
    const person = await addUser(t, tenant, { role: 'client', clientId: tenant.clientId });
    await t.superuser('update app.users set permissions = $2::text[] where id = $1', [
      person.id,
      permissions,
    ]);
    return person;
  }

  it('shows a client exactly their assigned, non-archived projects, with progress', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const other = await addClient(tenant);
    const doneId = randomUUID();
    await asAdmin(tenant, async (tx) => {
      await tx
        .insert(schema.taskStatuses)
        .values({ tenantId: tenant.id, id: doneId, name: 'Shipped', kind: 'done', position: 9 });
      await tx.insert(schema.tasks).values([
        {
          tenantId: tenant.id,
          projectId: tenant.projectId,
          statusId: doneId,
          title: 'Done',
          clientVisible: true,
        },
        // Internal: never counted, never listed.
        {
          tenantId: tenant.id,
          projectId: tenant.projectId,
          statusId: doneId,
          title: 'Secret',
          clientVisible: false,
        },
      ]);
    });
    const archived = await addProject(tenant, {
      name: 'Old site',
      status: 'archived',
      clients: [tenant.client.userId],
    });
    const onHold = await addProject(tenant, {
      name: 'Brochure',
      status: 'on_hold',
      clients: [tenant.client.userId],
    });
    const notMine = await addProject(tenant, { name: 'Someone else’s', clients: [other.id] });
    await addProject(tenant, { name: 'Nobody’s', clients: [] });

    const ctx = core.as(tenant.client, siteOf(tenant));
    const dash = await clientDashboard({ ctx });
    expect(dash.projects.map((p) => p.name)).toEqual(['Website', 'Brochure']);
    expect(dash.projects[0]).toMatchObject({ id: tenant.projectId, status: 'active', progress: 0.5 });
    expect(dash.projects[1]).toMatchObject({ id: onHold, status: 'on_hold', progress: null });
    expect(dash.companyName).toBe(`Client of ${tenant.slug}`);
    expect(dash.reviewsWaiting).toBe(0);
    expect(dash.invoicesOutstanding).toBe(0);
    expect(dash.invoices).toMatchObject({
      outstandingCount: 0,
      outstanding: [],
      overdueCount: 0,
      recentPayments: [],
    });
    expect(await portalNav({ ctx })).toEqual({ invoices: true, messages: true });
    expect(dash.welcome).toEqual({ text: null });

    const project = await clientProject({ ctx, input: { projectId: tenant.projectId } });
    expect(project.tasks?.map((task) => [task.title, task.column, task.kind])).toEqual([
      ['Kick-off', 'To do', 'todo'],
      ['Done', 'Shipped', 'done'],
    ]);
    expect(project.sections).toEqual({
      tasks: true,
      milestones: true,
      files: true,
      invoices: true,
      discussions: true,
    });
    for (const projectId of [archived, notMine, randomUUID()])
      await expectCoreError(clientProject({ ctx, input: { projectId } }), 'not_found');
    await expectCoreError(clientProject({ ctx, input: { projectId: 'nope' } }), 'validation');
    // The team has no portal.
    await expectCoreError(clientDashboard({ ctx: core.as(tenant.admin) }), 'forbidden');
  });

  it('shows a second client on the same project nothing of the first', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const second = await addClient(tenant);
    const outsider = await addClient(tenant);
    await asAdmin(tenant, async (tx) => {
      await tx
        .insert(schema.projectClients)
        .values({ tenantId: tenant.id, projectId: tenant.projectId, userId: second.id });
      // Entries about one person are shown to that person only.
      await tx.insert(schema.projectFeed).values([
        {
          tenantId: tenant.id,
          projectId: tenant.projectId,
          kind: 'project.assigned',
          userId: tenant.client.userId,
          actorName: 'Agency',
          data: { name: 'Client' },
        },
        {
          tenantId: tenant.id,
          projectId: tenant.projectId,
          kind: 'project.assigned',
          userId: second.id,
          actorName: 'Agency',
        },
      ]);
    });
    const first = await clientDashboard({ ctx: core.as(tenant.client) });
    const other = await clientDashboard({ ctx: core.as(second.actor) });
    expect(other.projects.map((p) => p.id)).toEqual([tenant.projectId]);
    expect(first.feed.map((e) => [e.kind, e.personal])).toEqual(
      expect.arrayContaining([
        ['project.assigned', true],
        ['project.created', false],
      ]),
    );
    expect(first.feed).toHaveLength(2);
    expect(other.feed).toHaveLength(2);
    // No trace of the first client anywhere in what the second reads.
    const seen = JSON.stringify([
      other,
      await clientProject({ ctx: core.as(second.actor), input: { projectId: tenant.projectId } }),
    ]);
    expect(seen).not.toContain(tenant.client.userId);
    expect(seen).not.toContain('"Client"');
    expect(seen).not.toContain(`client@${tenant.slug}.test`);

    // A client of no project sees nothing of this one.
    const outside = await clientDashboard({ ctx: core.as(outsider.actor) });
    expect(outside.projects).toEqual([]);
    expect(outside.feed).toEqual([]);
    await expectCoreError(
      clientProject({ ctx: core.as(outsider.actor), input: { projectId: tenant.projectId } }),
      'not_found',
    );
  });

  it('follows the permissions: projects off hides projects, tasks.view off hides tasks', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const noTasks = await addClient(tenant, ['projects']);
    const noProjects = await addClient(tenant, ['tasks.view', 'review']);
    await asAdmin(tenant, async (tx) => {
      for (const userId of [noTasks.id, noProjects.id])
        await tx
          .insert(schema.projectClients)
          .values({ tenantId: tenant.id, projectId: tenant.projectId, userId });
    });
    const narrow = await clientDashboard({ ctx: core.as(noTasks.actor) });
    expect(narrow.projects).toMatchObject([{ id: tenant.projectId, progress: null }]);
    expect(narrow.reviewsWaiting).toBeNull();
    expect(narrow.invoicesOutstanding).toBeNull();
    expect(narrow.invoices).toBeNull();
    expect(await portalNav({ ctx: core.as(noTasks.actor) })).toEqual({ invoices: false, messages: false });
    const project = await clientProject({
      ctx: core.as(noTasks.actor),
      input: { projectId: tenant.projectId },
    });
    expect(project.tasks).toBeNull();
    expect(project.milestones).toBeNull();
    expect(project.sections).toEqual({
      tasks: false,
      milestones: false,
      files: false,
      invoices: false,
      discussions: false,
    });

    const none = await clientDashboard({ ctx: core.as(noProjects.actor) });
    expect(none.projects).toEqual([]);
    expect(none.feed).toEqual([]);
    expect(none.reviewsWaiting).toBe(0);
    await expectCoreError(
      clientProject({ ctx: core.as(noProjects.actor), input: { projectId: tenant.projectId } }),
      'not_found',
    );
  });

  it('fills the invoices slot from the client’s own invoices: owed and overdue per currency, the latest payments', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    /** An issued invoice to the tenant's client company, with `paid` received on 2026-03-02. */
    async function addInvoice(number: string, currency: string, due: string, total: number, paid = 0) {
      const [row] = await t.superuser<{ id: string }>(
        `insert into app.invoices (tenant_id, client_id, number, currency, issue_date, due_date, buyer_name,
           subtotal_minor, total_minor, paid_minor, issued_at, sent_at)
         values ($1, $2, $3, $4, '2020-01-01', $5, 'Client', $6, $6, $7, now(), now()) returning id::text`,
        [tenant.id, tenant.clientId, number, currency, due, total, paid],
      );
      const id = row?.id ?? '';
      if (paid > 0)
        await t.superuser(
          `insert into app.invoice_payments (tenant_id, invoice_id, kind, amount_minor, paid_on, method)
           values ($1, $2, 'payment', $3, '2026-03-02', 'Bank transfer')`,
          [tenant.id, id, paid],
        );
      return id;
    }
    await addInvoice('INV-1', 'GBP', '2099-01-01', 12000, 2000);
    await addInvoice('INV-2', 'EUR', '2020-02-01', 5000);
    await addInvoice('INV-3', 'GBP', '2099-01-01', 3000, 3000);
    // A draft is never the client's.
    await t.superuser(
      `insert into app.invoices (tenant_id, client_id, currency, issue_date, due_date, buyer_name, total_minor)
       values ($1, $2, 'GBP', '2020-01-01', '2099-01-01', 'Client', 99900)`,
      [tenant.id, tenant.clientId],
    );
    const dash = await clientDashboard({ ctx: core.as(tenant.client, siteOf(tenant)) });
    expect(dash.invoicesOutstanding).toBe(2);
    expect(dash.invoices?.outstandingCount).toBe(2);
    expect(dash.invoices?.outstanding.map((o) => [o.currency, o.minor]).sort()).toEqual([
      ['EUR', 5000],
      ['GBP', 10000],
    ]);
    expect(dash.invoices?.overdue.map((o) => [o.currency, o.minor])).toEqual([['EUR', 5000]]);
    expect(dash.invoices?.overdueCount).toBe(1);
    expect(dash.invoices?.recentPayments.map((p) => p.number).sort()).toEqual(['INV-1', 'INV-3']);
  });

  it('shows the welcome until the client dismisses it', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const ctx = core.as(tenant.client, siteOf(tenant));
    expect((await clientDashboard({ ctx })).welcome).not.toBeNull();
    await dismissWelcome({ ctx });
    expect((await clientDashboard({ ctx })).welcome).toBeNull();
    expect(await activityOf(t, tenant.id, 'portal.welcome_dismissed')).toHaveLength(1);
  });

  it('shows the agency’s own welcome text, which admins edit with their branding', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const settings = await getBrandingSettings({ ctx: admin });
    await saveBranding({
      ctx: admin,
      input: { ...settings, portalWelcome: 'Hello!\nYour projects are below.' },
    });
    expect((await getBrandingSettings({ ctx: admin })).portalWelcome).toBe(
      'Hello!\nYour projects are below.',
    );
    await expectCoreError(
      saveBranding({ ctx: admin, input: { ...settings, portalWelcome: 'x'.repeat(501) } }),
      'validation',
      'portalWelcome',
    );
    // Saving without the field (an older form) keeps the text.
    const { portalWelcome: _, ...withoutWelcome } = settings;
    await saveBranding({ ctx: admin, input: withoutWelcome });
    expect((await getBrandingSettings({ ctx: admin })).portalWelcome).toBe(
      'Hello!\nYour projects are below.',
    );
    // Clients read it from the site (the host lookup), never from the branding table.
    const site = siteOf(tenant);
    const branded = { ...site, branding: { ...site.branding, portalWelcome: 'Hello!' } };
    expect((await clientDashboard({ ctx: core.as(tenant.client, branded) })).welcome).toEqual({
      text: 'Hello!',
    });
  });

  it('saves phone, time zone and theme; refuses an unknown time zone', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const ctx = core.as(tenant.client);
    await updateProfile({
      ctx,
      input: { phone: '+44 20 7946 0018', timeZone: 'Europe/London', theme: 'dark' },
    });
    expect(await getProfile({ ctx })).toEqual({
      phone: '+44 20 7946 0018',
      timeZone: 'Europe/London',
      theme: 'dark',
    });
    await expectCoreError(
      updateProfile({ ctx, input: { phone: '', timeZone: 'Mars/Olympus', theme: '' } }),
      'validation',
      'timeZone',
    );
    await updateProfile({ ctx, input: { phone: '', timeZone: '', theme: '' } });
    expect(await getProfile({ ctx })).toEqual({ phone: '', timeZone: null, theme: null });
  });

  it('previews as a client: reads as the client, writes nothing, records the admin’s entry only', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const target = await startPreview({ ctx: admin, input: { clientId: tenant.client.userId } });
    expect(target).toMatchObject({ userId: tenant.client.userId, clientId: tenant.clientId, name: 'Client' });
    expect(await previewTarget({ ctx: admin, input: { clientId: tenant.client.userId } })).toEqual(target);
    expect(await previewCandidates({ ctx: admin })).toEqual({ clients: [target], more: false });
    expect((await previewCandidates({ ctx: admin, input: { q: 'client@' } })).clients).toEqual([target]);
    expect((await previewCandidates({ ctx: admin, input: { q: '100%_' } })).clients).toEqual([]);

    const preview = createCtx(core.deps, {
      actor: { kind: 'client', tenantId: tenant.id, userId: target.userId, clientId: target.clientId },
      site: siteOf(tenant),
      previewBy: tenant.admin.userId,
    });
    const before = await countAs(t, 'select 1 from app.activity where tenant_id = $1', [tenant.id]);
    const dash = await clientDashboard({ ctx: preview });
    expect(dash.projects.map((p) => p.id)).toEqual([tenant.projectId]);
    expect((await clientProject({ ctx: preview, input: { projectId: tenant.projectId } })).name).toBe(
      'Website',
    );

    const refusal = await expectCoreError(dismissWelcome({ ctx: preview }), 'forbidden');
    expect(refusal.message).toBe(PREVIEW_IS_READ_ONLY);
    await expectCoreError(
      updateProfile({ ctx: preview, input: { phone: '1', timeZone: '', theme: 'dark' } }),
      'forbidden',
    );
    const [row] = await t.superuser<{
      welcome: unknown;
      phone: unknown;
      theme: unknown;
      last_seen_at: unknown;
    }>('select welcome_dismissed_at as welcome, phone, theme, last_seen_at from app.users where id = $1', [
      tenant.client.userId,
    ]);
    expect(row).toEqual({ welcome: null, phone: null, theme: null, last_seen_at: null });
    expect(await countAs(t, 'select 1 from app.activity where tenant_id = $1', [tenant.id])).toBe(before);
    expect(
      await countAs(t, `select 1 from app.activity where tenant_id = $1 and actor_kind = 'client'`, [
        tenant.id,
      ]),
    ).toBe(0);
    const entries = await activityOf(t, tenant.id, 'client.preview');
    expect(entries).toMatchObject([
      { actor_kind: 'admin', actor_id: tenant.admin.userId, subject_id: tenant.client.userId },
    ]);

    // Only admins preview; only active clients of this tenant can be previewed.
    const staff = await addUser(t, tenant, { role: 'staff' });
    await expectCoreError(
      startPreview({ ctx: core.as(staff.actor), input: { clientId: tenant.client.userId } }),
      'forbidden',
    );
    expect(
      await previewTarget({ ctx: core.as(staff.actor), input: { clientId: tenant.client.userId } }),
    ).toBeNull();
    await expectCoreError(
      startPreview({ ctx: admin, input: { clientId: tenant.admin.userId } }),
      'not_found',
    );
    const elsewhere = await createTenant(t);
    await expectCoreError(
      startPreview({ ctx: admin, input: { clientId: elsewhere.client.userId } }),
      'not_found',
    );
    await t.superuser(`update app.users set status = 'deactivated' where id = $1`, [tenant.client.userId]);
    expect(await previewTarget({ ctx: admin, input: { clientId: tenant.client.userId } })).toBeNull();
    await expectCoreError(
      startPreview({ ctx: admin, input: { clientId: tenant.client.userId } }),
      'not_found',
    );
  });

  it('ticks the admin checklist as the workspace is set up, and hides it when all is done', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    // The fixture's review round (there for the tenant wall) would tick "review requested" from
    // the start: this workspace has never asked for a review.
    await t.superuser('delete from app.review_entries where tenant_id = $1', [tenant.id]);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const done = async () =>
      Object.fromEntries(
        ((await adminDashboard({ ctx: admin })).checklist ?? []).map((item) => [item.key, item.done]),
      );
    // The fixture has a client with permissions assigned to a project, who has not accepted, a
    // client-visible task and a shared file.
    expect(await done()).toEqual({
      email_tested: false,
      branding_applied: false,
      client_accepted: false,
      permissions_set: true,
      client_assigned: true,
      task_shared: true,
      file_shared: true,
      conversation_started: false,
      review_requested: false,
      invoice_sent: false,
      payments_connected: false,
      portal_previewed: false,
      two_factor_on: false,
    });
    await t.superuser('update app.tasks set client_visible = false where id = $1', [tenant.taskId]);
    expect(await done()).toMatchObject({ task_shared: false });
    await t.superuser('update app.tasks set client_visible = true where id = $1', [tenant.taskId]);
    // An internal file is not shared; one attached to a comment the client reads is.
    await t.superuser('update app.files set client_visible = false where id = $1', [tenant.fileId]);
    expect(await done()).toMatchObject({ file_shared: false });
    await t.superuser('update app.files set message_id = $2 where id = $1', [
      tenant.fileId,
      tenant.messageId,
    ]);
    expect(await done()).toMatchObject({ file_shared: true });
    await t.superuser('update app.messages set client_visible = false where id = $1', [tenant.messageId]);
    expect(await done()).toMatchObject({ file_shared: false });
    await t.superuser('update app.messages set client_visible = true where id = $1', [tenant.messageId]);
    const first = await adminDashboard({ ctx: admin });
    expect(first.counts).toEqual({ clients: 1, activeProjects: 1, invitationsPending: 1 });

    await t.superuser(`update app.users set password_hash = 'x' where id = $1`, [tenant.client.userId]);
    await asAdmin(tenant, async (tx) => {
      await tx.update(schema.branding).set({ primaryColor: '#1e3a8a' });
      await tx.insert(schema.activity).values({
        tenantId: tenant.id,
        actorKind: 'admin',
        actorId: tenant.admin.userId,
        verb: 'email.delivery_test',
        data: { ok: false },
      });
    });
    expect(await done()).toMatchObject({
      client_accepted: true,
      branding_applied: true,
      email_tested: false,
    });
    expect((await adminDashboard({ ctx: admin })).counts.invitationsPending).toBe(0);
    await asAdmin(tenant, (tx) =>
      tx.insert(schema.activity).values({
        tenantId: tenant.id,
        actorKind: 'admin',
        actorId: tenant.admin.userId,
        verb: 'email.delivery_test',
        data: { ok: true },
      }),
    );
    expect(await done()).toMatchObject({
      email_tested: true,
      review_requested: false,
      portal_previewed: false,
    });
    // A round of client review submitted, on any task.
    await t.superuser(
      `update app.users set permissions = array['projects', 'tasks.view', 'review'] where id = $1`,
      [tenant.client.userId],
    );
    await submitRound({
      ctx: admin,
      input: { taskId: tenant.taskId, note: 'Please review', reviewerIds: [tenant.client.userId] },
    });
    expect(await done()).toMatchObject({
      review_requested: true,
      invoice_sent: false,
      portal_previewed: false,
    });
    // An invoice sent: a draft does not count.
    const invoice = await createInvoice({
      ctx: admin,
      input: {
        clientId: tenant.clientId,
        currency: 'USD',
        issueDate: new Date().toISOString().slice(0, 10),
        dueDate: new Date().toISOString().slice(0, 10),
        lines: [{ description: 'Kick-off', quantity: '1', unitPrice: '100' }],
      },
    });
    expect(await done()).toMatchObject({ invoice_sent: false });
    await sendInvoice({ ctx: admin, input: { id: invoice.id } });
    expect(await done()).toMatchObject({
      invoice_sent: true,
      payments_connected: false,
      portal_previewed: false,
    });
    // A gateway connected counts once it is ready and offered to clients.
    await asAdmin(tenant, (tx) =>
      tx.insert(schema.paymentGateways).values({
        tenantId: tenant.id,
        kind: 'stripe',
        connection: 'connect',
        mode: 'test',
        accountRef: `acct_${tenant.id.slice(0, 8)}`,
        ready: false,
      }),
    );
    expect(await done()).toMatchObject({ payments_connected: false });
    await asAdmin(tenant, (tx) => tx.update(schema.paymentGateways).set({ ready: true }));
    expect(await done()).toMatchObject({ payments_connected: true, portal_previewed: false });
    // A conversation with a client (an internal chat does not count).
    await startConversation({ ctx: admin, input: { kind: 'internal', title: 'Team', people: [] } });
    await t.superuser(
      `update app.users set permissions = array_append(permissions, 'messages') where id = $1`,
      [tenant.client.userId],
    );
    expect(await done()).toMatchObject({ conversation_started: false });
    await startConversation({
      ctx: admin,
      input: { kind: 'direct', title: 'Hello', people: [tenant.client.userId] },
    });
    expect(await done()).toMatchObject({ conversation_started: true, portal_previewed: false });
    // The admin's own two-factor (issue #19).
    await t.superuser(
      `insert into app.two_factor (tenant_id, user_id, secret_sealed, enabled_at) values ($1, $2, 'v1:x', now())`,
      [tenant.id, tenant.admin.userId],
    );
    expect(await done()).toMatchObject({ two_factor_on: true, portal_previewed: false });
    await startPreview({ ctx: admin, input: { clientId: tenant.client.userId } });
    const finished = await adminDashboard({ ctx: admin });
    expect(finished.checklist).toBeNull();
    expect(finished.projects.map((p) => p.name)).toEqual(['Website']);

    // Staff see their projects, no checklist and no counts of clients.
    const staff = await addUser(t, tenant, { role: 'staff' });
    const theirs = await adminDashboard({ ctx: core.as(staff.actor) });
    expect(theirs).toMatchObject({ role: 'staff', checklist: null, projects: [], counts: { clients: null } });
    await asAdmin(tenant, (tx) =>
      tx
        .insert(schema.projectStaff)
        .values({ tenantId: tenant.id, projectId: tenant.projectId, userId: staff.id }),
    );
    expect((await adminDashboard({ ctx: core.as(staff.actor) })).projects.map((p) => p.id)).toEqual([
      tenant.projectId,
    ]);
    await expectCoreError(adminDashboard({ ctx: core.as(tenant.client) }), 'forbidden');
  });
});
