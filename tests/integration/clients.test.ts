import {
  acceptInvitation,
  addClient,
  deactivateClient,
  getClient,
  getCompany,
  invitationLink,
  listClients,
  listCompanies,
  reactivateClient,
  renameCompany,
  resendClientInvitation,
  resolveSession,
  setClientPermissions,
  signIn,
  transact,
  updateClient,
} from '@foyer/core';
import { schema, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import {
  activityOf,
  addUser,
  clientInfo,
  countAs,
  deliverQueued,
  expectCoreError,
  linkFromMail,
  siteOf,
  TEST_PASSWORD,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * The admin's clients: adding a person (with a company found or made) sends the branded
 * invitation in the same transaction; the link sets that person's password; deactivation ends
 * their sessions; permissions count from the next transaction.
 */

describe.each(drivers)('clients on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  const RETAINER = ['projects', 'tasks.view', 'review'];

  async function add(
    core: ReturnType<typeof testCore>,
    tenant: TenantFixture,
    input: Partial<Parameters<typeof addClient>[0]['input']> = {},
  ) {
    const email = input.email ?? `person-${Math.random().toString(36).slice(2, 8)}@${tenant.slug}.test`;
    const added = await addClient({
      ctx: core.as(tenant.admin, siteOf(tenant)),
      input: { name: 'Pat Doe', email, company: 'Acme Bakery', permissions: RETAINER, ...input },
    });
    return { ...added, email };
  }

  it('adding a client makes the person, the invitation, the queued email and the activity together', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const { id, companyId, email } = await add(core, tenant, {
      phone: '+44 20 7946 0000',
      address: '1 Mill Lane\nLeeds',
      notes: 'Prefers mornings.',
    });

    const [person] = await t.superuser<Record<string, unknown>>(
      'select role, client_id::text, password_hash, permissions, phone, address, notes, status from app.users where tenant_id = $1 and id = $2',
      [tenant.id, id],
    );
    expect(person).toMatchObject({
      role: 'client',
      client_id: companyId,
      password_hash: null,
      permissions: ['projects', 'tasks.view', 'review'],
      phone: '+44 20 7946 0000',
      address: '1 Mill Lane\nLeeds',
      notes: 'Prefers mornings.',
      status: 'active',
    });
    expect(
      await countAs(
        t,
        `select 1 from app.invitations where tenant_id = $1 and user_id = $2 and role = 'client'`,
        [tenant.id, id],
      ),
    ).toBe(1);
    const queued = await t.superuser<{ status: string; to_address: string | null }>(
      `select status, to_address from app.outbox where tenant_id = $1 and user_id = $2 and template = 'client-invitation'`,
      [tenant.id, id],
    );
    expect(queued).toEqual([{ status: 'queued', to_address: null }]);
    const [entry] = await activityOf(t, tenant.id, 'client.add');
    expect(entry).toMatchObject({ actor_id: tenant.admin.userId, subject_type: 'user', subject_id: id });
    expect(entry?.data).toMatchObject({ email, permissions: RETAINER });

    const listed = await listClients({ ctx: core.as(tenant.admin), input: { q: 'pat' } });
    expect(listed.clients).toHaveLength(1);
    expect(listed.clients[0]).toMatchObject({
      id,
      state: 'invited',
      company: { id: companyId, name: 'Acme Bakery' },
      invitation: { state: 'queued' },
    });

    await deliverQueued(core, [tenant.id]);
    const detail = await getClient({ ctx: core.as(tenant.admin), input: { clientId: id } });
    expect(detail.invitation.state).toBe('sent');
    expect(detail.notes).toBe('Prefers mornings.');
    const sent = required(
      core.mail.find((m) => m.to === email),
      'the invitation',
    );
    expect(sent.subject).toContain(tenant.name);
  });

  it('a failure part-way through adding leaves nothing behind', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const email = `half@${tenant.slug}.test`;
    const before = await countAs(t, 'select 1 from app.clients where tenant_id = $1', [tenant.id]);
    // No site: the invitation's link cannot be built, after the company and the person were written.
    await expect(
      addClient({
        ctx: core.as(tenant.admin),
        input: { name: 'Half Way', email, company: 'Brand New Co', permissions: [] },
      }),
    ).rejects.toThrow();
    // Called inside a larger transaction that fails afterwards, it goes with it.
    await expect(
      transact(core.as(tenant.admin, siteOf(tenant)), async (ctx) => {
        await addClient({
          ctx,
          input: { name: 'Half Way', email, company: 'Brand New Co', permissions: [] },
        });
        throw new Error('the caller fails');
      }),
    ).rejects.toThrow('the caller fails');
    expect(
      await countAs(t, 'select 1 from app.users where tenant_id = $1 and email = $2', [tenant.id, email]),
    ).toBe(0);
    expect(await countAs(t, 'select 1 from app.clients where tenant_id = $1', [tenant.id])).toBe(before);
    expect(
      await countAs(t, `select 1 from app.invitations where tenant_id = $1 and role = 'client'`, [tenant.id]),
    ).toBe(0);
    expect(
      await countAs(t, `select 1 from app.outbox where tenant_id = $1 and template = 'client-invitation'`, [
        tenant.id,
      ]),
    ).toBe(0);
    expect(await activityOf(t, tenant.id, 'client.add')).toHaveLength(0);
  });

  it('finds the company by name, makes one on the fly, and gives a person alone their own', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const first = await add(core, tenant, { company: 'Harbour Studio' });
    const second = await add(core, tenant, { name: 'Sam Doe', company: '  harbour STUDIO ' });
    expect(second.companyId).toBe(first.companyId);
    const alone = await add(core, tenant, { name: 'Robin Solo', company: '' });
    const aloneDetail = await getClient({ ctx: core.as(tenant.admin), input: { clientId: alone.id } });
    expect(aloneDetail.company.name).toBe('Robin Solo');
    expect(alone.companyId).not.toBe(first.companyId);
    // Another person alone of the same name is not put in the first one's company.
    const namesake = await add(core, tenant, { name: 'Robin Solo', company: '' });
    expect(namesake.companyId).not.toBe(alone.companyId);
    expect(
      (await getClient({ ctx: core.as(tenant.admin), input: { clientId: namesake.id } })).company.name,
    ).toBe('Robin Solo (2)');

    const companies = await listCompanies({ ctx: core.as(tenant.admin) });
    expect(companies.find((c) => c.id === first.companyId)).toMatchObject({
      name: 'Harbour Studio',
      contactCount: 2,
      projectCount: 0,
    });
    // The fixture's company has its one contact and its project.
    expect(companies.find((c) => c.id === tenant.clientId)).toMatchObject({
      contactCount: 1,
      projectCount: 1,
    });

    // A project of no company counts for the company of a contact assigned to it.
    const [side] = await t.superuser<{ id: string }>(
      `insert into app.projects (tenant_id, name) values ($1, 'Side project') returning id::text`,
      [tenant.id],
    );
    const sideId = required(side, 'the side project').id;
    await t.superuser(
      'insert into app.project_clients (tenant_id, project_id, user_id) values ($1, $2, $3)',
      [tenant.id, sideId, first.id],
    );
    const harbour = await getCompany({ ctx: core.as(tenant.admin), input: { companyId: first.companyId } });
    expect(harbour.projects.map((p) => p.name)).toEqual(['Side project']);
    expect(harbour.contacts.map((c) => [c.name, c.state])).toEqual([
      ['Pat Doe', 'invited'],
      ['Sam Doe', 'invited'],
    ]);
    expect((await getClient({ ctx: core.as(tenant.admin), input: { clientId: first.id } })).projects).toEqual(
      [{ id: sideId, name: 'Side project', status: 'active' }],
    );
    expect(
      (await listCompanies({ ctx: core.as(tenant.admin) })).find((c) => c.id === first.companyId)
        ?.projectCount,
    ).toBe(1);
    const company = await getCompany({ ctx: core.as(tenant.admin), input: { companyId: tenant.clientId } });
    expect(company.contacts.map((c) => c.id)).toEqual([tenant.client.userId]);
    expect(company.projects.map((p) => p.id)).toEqual([tenant.projectId]);

    // Moving a person to another company, by name, and renaming a company.
    await updateClient({
      ctx: core.as(tenant.admin),
      input: { clientId: second.id, name: 'Sam Doe', email: second.email, company: 'Quay Partners' },
    });
    const moved = await getClient({ ctx: core.as(tenant.admin), input: { clientId: second.id } });
    expect(moved.company.name).toBe('Quay Partners');
    await expectCoreError(
      renameCompany({
        ctx: core.as(tenant.admin),
        input: { companyId: moved.company.id, name: 'HARBOUR studio' },
      }),
      'validation',
      'name',
    );
    await renameCompany({
      ctx: core.as(tenant.admin),
      input: { companyId: moved.company.id, name: 'Quay & Co' },
    });
    expect(
      (await getCompany({ ctx: core.as(tenant.admin), input: { companyId: moved.company.id } })).name,
    ).toBe('Quay & Co');
    expect((await activityOf(t, tenant.id, 'company.rename'))[0]?.data).toMatchObject({
      from: 'Quay Partners',
      to: 'Quay & Co',
    });
    expect(await activityOf(t, tenant.id, 'client.update')).toHaveLength(1);
  });

  it('refuses bad input with field errors, never a server error', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const ctx = core.as(tenant.admin, siteOf(tenant));
    const base = { name: 'Pat', email: `pat@${tenant.slug}.test`, permissions: [] as string[] };
    await expectCoreError(
      addClient({ ctx, input: { ...base, email: 'not an email' } }),
      'validation',
      'email',
    );
    await expectCoreError(addClient({ ctx, input: { ...base, name: '   ' } }), 'validation', 'name');
    await expectCoreError(
      addClient({ ctx, input: { ...base, name: 'a'.repeat(500) } }),
      'validation',
      'name',
    );
    await expectCoreError(addClient({ ctx, input: { ...base, name: 'Pat\u0000' } }), 'validation', 'name');
    await expectCoreError(
      addClient({ ctx, input: { ...base, permissions: ['projects', 'admin'] } }),
      'validation',
      'permissions.1',
    );
    await expectCoreError(
      addClient({ ctx, input: { ...base, notes: 'x'.repeat(6000) } }),
      'validation',
      'notes',
    );
    await expectCoreError(
      addClient({ ctx, input: { ...base, email: `CLIENT@${tenant.slug}.test` } }),
      'validation',
      'email',
    );
    await expectCoreError(getClient({ ctx, input: { clientId: 'not-a-uuid' } }), 'validation', 'clientId');
    await expectCoreError(getClient({ ctx, input: { clientId: tenant.admin.userId } }), 'not_found');
    await expectCoreError(listClients({ ctx, input: { after: 'garbage' } }), 'validation', 'after');
    await expectCoreError(listClients({ ctx, input: { status: 'gone' as never } }), 'validation', 'status');
    await expectCoreError(
      updateClient({
        ctx,
        input: { clientId: tenant.client.userId, name: 'Client', email: `admin@${tenant.slug}.test` },
      }),
      'validation',
      'email',
    );
    // A workspace whose admin has not confirmed their address sends no invitations.
    const fresh = await createTenant(t, { adminVerified: false });
    await expectCoreError(
      addClient({
        ctx: core.as(fresh.admin, siteOf(fresh)),
        input: { ...base, email: `pat@${fresh.slug}.test` },
      }),
      'forbidden',
    );
    expect(
      await countAs(t, `select 1 from app.users where tenant_id = $1 and role = 'client'`, [fresh.id]),
    ).toBe(1);
  });

  it('refuses staff and clients, who see nothing of the list', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const staff = await addUser(t, tenant, { role: 'staff' });
    for (const actor of [staff.actor, tenant.client]) {
      const ctx = core.as(actor, siteOf(tenant));
      await expectCoreError(listClients({ ctx }), 'forbidden');
      await expectCoreError(listCompanies({ ctx }), 'forbidden');
      await expectCoreError(getClient({ ctx, input: { clientId: tenant.client.userId } }), 'forbidden');
      await expectCoreError(getCompany({ ctx, input: { companyId: tenant.clientId } }), 'forbidden');
      await expectCoreError(
        addClient({ ctx, input: { name: 'X', email: `x@${tenant.slug}.test`, permissions: [] } }),
        'forbidden',
      );
      await expectCoreError(
        setClientPermissions({ ctx, input: { clientId: tenant.client.userId, permissions: [] } }),
        'forbidden',
      );
      await expectCoreError(
        deactivateClient({ ctx, input: { clientId: tenant.client.userId } }),
        'forbidden',
      );
      await expectCoreError(
        renameCompany({ ctx, input: { companyId: tenant.clientId, name: 'Mine' } }),
        'forbidden',
      );
    }
    // Underneath, neither reads the client invitations: staff see none, clients have no grant.
    await add(core, tenant);
    for (const actor of [staff.actor, tenant.client]) {
      const rows = await withActor(t.handle.db, actor, (tx) =>
        tx.select({ id: schema.invitations.id }).from(schema.invitations),
      ).catch(() => []);
      expect(rows).toEqual([]);
    }
  });

  it('accepting sets the password of the person added; the old link then says accepted', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const { id, companyId, email } = await add(core, tenant, { name: 'Alex Baker' });
    await deliverQueued(core, [tenant.id]);
    const { token } = linkFromMail(core.mail, email, '/invite');
    expect(await invitationLink({ ctx: core.visitor(site), input: { token } })).toEqual({
      state: 'pending',
      email,
      role: 'client',
      name: 'Alex Baker',
    });

    const accepted = await acceptInvitation({
      ctx: core.visitor(site, clientInfo()),
      input: { token, name: 'Alex B. Baker', password: TEST_PASSWORD },
    });
    expect(accepted.actor).toEqual({ kind: 'client', tenantId: tenant.id, userId: id, clientId: companyId });
    const session = required(
      await resolveSession({ ctx: core.visitor(site), input: { token: accepted.token } }),
      'the session',
    );
    expect(session.user).toMatchObject({ email, role: 'client', name: 'Alex B. Baker' });
    expect(
      await countAs(t, 'select 1 from app.users where tenant_id = $1 and lower(email) = lower($2)', [
        tenant.id,
        email,
      ]),
    ).toBe(1);
    expect(await invitationLink({ ctx: core.visitor(site), input: { token } })).toEqual({
      state: 'accepted',
    });
    await expectCoreError(
      acceptInvitation({ ctx: core.visitor(site), input: { token, name: 'Again', password: TEST_PASSWORD } }),
      'expired',
    );
    const [joined] = await activityOf(t, tenant.id, 'client.accept_invitation');
    expect(joined).toMatchObject({ actor_kind: 'client', actor_id: id });
    // No bell for the team: a client joining is not a team event.
    expect(
      await countAs(t, `select 1 from app.notifications where tenant_id = $1 and event = 'team-joined'`, [
        tenant.id,
      ]),
    ).toBe(0);

    const listed = await listClients({ ctx: core.as(tenant.admin), input: { status: 'active', q: 'alex' } });
    expect(listed.clients.map((c) => [c.id, c.state, c.invitation.state])).toEqual([
      [id, 'active', 'accepted'],
    ]);
    await expectCoreError(
      resendClientInvitation({ ctx: core.as(tenant.admin, site), input: { clientId: id } }),
      'conflict',
    );
  });

  it('a new address while invited moves the pending invitation with it', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const { id } = await add(core, tenant, { name: 'Lee Moved' });
    const moved = `moved-${id.slice(0, 8)}@${tenant.slug}.test`;
    await updateClient({
      ctx: core.as(tenant.admin),
      input: { clientId: id, name: 'Lee Moved', email: moved, company: 'Acme Bakery', notes: 'New address.' },
    });
    await resendClientInvitation({ ctx: core.as(tenant.admin, site), input: { clientId: id } });
    await deliverQueued(core, [tenant.id]);
    // The first email went out after the change too: to the person, read at send time.
    expect(core.mail.filter((m) => m.to === moved)).toHaveLength(2);
    const newest = required(core.mail.at(-1), 'the newest invitation');
    const token = required(/token=([A-Za-z0-9_-]+)/.exec(newest.text)?.[1], 'a token');
    expect(await invitationLink({ ctx: core.visitor(site), input: { token } })).toMatchObject({
      state: 'pending',
      email: moved,
    });
    const accepted = await acceptInvitation({
      ctx: core.visitor(site),
      input: { token, name: 'Lee Moved', password: TEST_PASSWORD },
    });
    expect(accepted.actor).toMatchObject({ kind: 'client', userId: id });
    const [entry] = await activityOf(t, tenant.id, 'client.update');
    expect(entry?.data).toEqual({ changed: ['email', 'notes'] });
  });

  it('resending replaces the earlier link', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const { id, email } = await add(core, tenant);
    await deliverQueued(core, [tenant.id]);
    const { token: older } = linkFromMail(core.mail, email, '/invite');
    core.mail.length = 0;
    await resendClientInvitation({ ctx: core.as(tenant.admin, site), input: { clientId: id } });
    await deliverQueued(core, [tenant.id]);
    const { token: newer } = linkFromMail(core.mail, email, '/invite');
    expect(newer).not.toBe(older);
    expect(await invitationLink({ ctx: core.visitor(site), input: { token: older } })).toEqual({
      state: 'replaced',
    });
    await expectCoreError(
      acceptInvitation({
        ctx: core.visitor(site),
        input: { token: older, name: 'Pat', password: TEST_PASSWORD },
      }),
      'expired',
    );
    await acceptInvitation({
      ctx: core.visitor(site),
      input: { token: newer, name: 'Pat', password: TEST_PASSWORD },
    });
    expect(await activityOf(t, tenant.id, 'client.resend_invitation')).toHaveLength(1);
  });

  it('deactivation ends the sessions at once and refuses sign-in; reactivation lets them back', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const { id, email } = await add(core, tenant);
    await deliverQueued(core, [tenant.id]);
    const { token } = linkFromMail(core.mail, email, '/invite');
    const accepted = await acceptInvitation({
      ctx: core.visitor(site),
      input: { token, name: 'Pat Doe', password: TEST_PASSWORD },
    });
    const second = await signIn({
      ctx: core.visitor(site, clientInfo()),
      input: { email, password: TEST_PASSWORD },
    });

    await deactivateClient({ ctx: core.as(tenant.admin), input: { clientId: id } });
    expect(
      await countAs(t, 'select 1 from app.sessions where tenant_id = $1 and user_id = $2', [tenant.id, id]),
    ).toBe(0);
    expect(await resolveSession({ ctx: core.visitor(site), input: { token: accepted.token } })).toBeNull();
    expect(await resolveSession({ ctx: core.visitor(site), input: { token: second.token } })).toBeNull();
    await expectCoreError(
      signIn({ ctx: core.visitor(site, clientInfo()), input: { email, password: TEST_PASSWORD } }),
      'invalid_credentials',
    );
    // Their data stays.
    const detail = await getClient({ ctx: core.as(tenant.admin), input: { clientId: id } });
    expect(detail.state).toBe('deactivated');
    expect(
      (await listClients({ ctx: core.as(tenant.admin), input: { status: 'deactivated' } })).clients.map(
        (c) => c.id,
      ),
    ).toEqual([id]);
    expect((await activityOf(t, tenant.id, 'client.deactivate'))[0]?.data).toEqual({ sessionsEnded: 2 });

    await reactivateClient({ ctx: core.as(tenant.admin), input: { clientId: id } });
    const back = await signIn({
      ctx: core.visitor(site, clientInfo()),
      input: { email, password: TEST_PASSWORD },
    });
    expect(back.actor.kind).toBe('client');
    expect(await activityOf(t, tenant.id, 'client.reactivate')).toHaveLength(1);
  });

  it('an invited person deactivated before accepting cannot use the link', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const { id, email } = await add(core, tenant);
    await deliverQueued(core, [tenant.id]);
    const { token } = linkFromMail(core.mail, email, '/invite');
    await deactivateClient({ ctx: core.as(tenant.admin), input: { clientId: id } });
    expect(await invitationLink({ ctx: core.visitor(site), input: { token } })).toEqual({ state: 'expired' });
    await expectCoreError(
      acceptInvitation({ ctx: core.visitor(site), input: { token, name: 'Pat', password: TEST_PASSWORD } }),
      'expired',
    );
    const [row] = await t.superuser<{ hash: string | null }>(
      'select password_hash as hash from app.users where tenant_id = $1 and id = $2',
      [tenant.id, id],
    );
    expect(row?.hash).toBeNull();
  });

  it('a permission change is seen by the database on the next transaction', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const readProjects = () =>
      withActor(t.handle.db, tenant.client, (tx) =>
        tx.select({ id: schema.projects.id }).from(schema.projects),
      );
    expect((await readProjects()).map((p) => p.id)).toEqual([tenant.projectId]);
    await setClientPermissions({
      ctx: core.as(tenant.admin),
      input: { clientId: tenant.client.userId, permissions: ['tasks.view', 'invoices'] },
    });
    expect(await readProjects()).toEqual([]);
    await setClientPermissions({
      ctx: core.as(tenant.admin),
      input: { clientId: tenant.client.userId, permissions: ['invoices', 'projects', 'projects'] },
    });
    expect((await readProjects()).map((p) => p.id)).toEqual([tenant.projectId]);
    const [, last] = await activityOf(t, tenant.id, 'client.set_permissions');
    expect(last?.data).toEqual({ before: ['tasks.view', 'invoices'], after: ['projects', 'invoices'] });
  });

  it('lists a page at a time in name order, with search and filters', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const names = ['Zoe Young', 'amy Adams', 'Ben Brown', 'Cara Cole', 'Dan Dale'];
    const ids = new Map<string, string>();
    for (const [i, name] of names.entries()) {
      const added = await add(core, tenant, { name, company: i % 2 ? 'Odd Ltd' : 'Even Ltd' });
      ids.set(name, added.id);
    }
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await listClients({ ctx: core.as(tenant.admin), input: { limit: 2, after } });
      seen.push(...page.clients.map((c) => c.name));
      if (!page.nextCursor) break;
      after = page.nextCursor;
    }
    expect(seen).toEqual(['amy Adams', 'Ben Brown', 'Cara Cole', 'Client', 'Dan Dale', 'Zoe Young']);

    const odd = await listClients({
      ctx: core.as(tenant.admin),
      input: {
        companyId: (
          await getClient({
            ctx: core.as(tenant.admin),
            input: { clientId: required(ids.get('amy Adams'), 'amy') },
          })
        ).company.id,
      },
    });
    expect(odd.clients.map((c) => c.name)).toEqual(['amy Adams', 'Cara Cole']);
    expect((await listClients({ ctx: core.as(tenant.admin), input: { q: 'even' } })).clients).toHaveLength(3);
    expect((await listClients({ ctx: core.as(tenant.admin), input: { q: 'BROWN' } })).clients).toHaveLength(
      1,
    );
    expect((await listClients({ ctx: core.as(tenant.admin), input: { q: '%' } })).clients).toHaveLength(0);
    const invited = await listClients({ ctx: core.as(tenant.admin), input: { status: 'invited' } });
    // The fixture's client has no password yet either, and no invitation email.
    expect(invited.clients.map((c) => [c.name, c.invitation.state])).toEqual([
      ['amy Adams', 'queued'],
      ['Ben Brown', 'queued'],
      ['Cara Cole', 'queued'],
      ['Client', null],
      ['Dan Dale', 'queued'],
      ['Zoe Young', 'queued'],
    ]);
    expect((await listClients({ ctx: core.as(tenant.admin), input: { status: 'active' } })).clients).toEqual(
      [],
    );
  });
});
