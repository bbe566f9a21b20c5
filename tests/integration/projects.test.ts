import { randomUUID } from 'node:crypto';
import {
  AUDIENCE_REASONS,
  assignClients,
  assignStaff,
  createProject,
  getProject,
  listProjects,
  projectAssignables,
  projectAudience,
  projectCompanies,
  unassignClient,
  unassignStaff,
  updateProject,
} from '@foyer/core';
import { type ActingAs, sql, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import {
  activityOf,
  addUser,
  countAs,
  deliverQueued,
  expectCoreError,
  siteOf,
  tenantOrigin,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase, txRows } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * Projects on the team side: admins run them, staff see only theirs, clients are assigned per
 * person (or a company's current contacts) and hear of it in their feed, the bell and by email;
 * "why can't my client see this?" explains each client's view.
 */

describe.each(drivers)('projects on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  async function company(tenant: TenantFixture, name = `Company ${randomUUID().slice(0, 8)}`) {
    const id = randomUUID();
    await t.superuser('insert into app.clients (tenant_id, id, name) values ($1, $2, $3)', [
      tenant.id,
      id,
      name,
    ]);
    return id;
  }

  /** A client person with the given permissions (all by default). */
  async function client(
    tenant: TenantFixture,
    clientId: string,
    options: {
      permissions?: string[];
      status?: 'active' | 'deactivated';
      invited?: boolean;
      name?: string;
    } = {},
  ) {
    const user = await addUser(t, tenant, {
      role: 'client',
      clientId,
      status: options.status,
      name: options.name,
      ...(options.invited ? { passwordHash: null } : {}),
    });
    await t.superuser('update app.users set permissions = $3 where tenant_id = $1 and id = $2', [
      tenant.id,
      user.id,
      options.permissions ?? [
        'projects',
        'tasks.view',
        'tasks.comment',
        'review',
        'files.download',
        'invoices',
      ],
    ]);
    return user;
  }

  /** What `actor` reads of the tenant's tables, through the policies. */
  const readAs = <T extends Record<string, unknown>>(actor: ActingAs, query: ReturnType<typeof sql>) =>
    withActor(t.handle.db, actor, (tx) => txRows<T>(tx, query));

  const feedOf = (actor: ActingAs, projectId: string) =>
    readAs<{ kind: string; user_id: string | null; actor_name: string | null }>(
      actor,
      sql`select kind, user_id::text, actor_name from app.project_feed where project_id = ${projectId}::uuid order by at, id`,
    );

  it('an admin creates and edits a project; each change leaves one activity entry and the feed says so', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const admin = core.as(tenant.admin, site);
    const acme = await company(tenant);

    const created = await createProject({
      ctx: admin,
      input: {
        name: '  Spring website  ',
        description: 'A new site\nwith a shop.',
        status: 'active',
        startDate: '2026-03-01',
        deadline: '2026-06-30',
        companyId: acme,
      },
    });
    expect(created.name).toBe('Spring website');
    expect((await activityOf(t, tenant.id)).map((a) => a.verb)).toEqual(['project.create']);

    const detail = await getProject({ ctx: admin, input: { projectId: created.id } });
    expect(detail.project).toMatchObject({
      name: 'Spring website',
      description: 'A new site\nwith a shop.',
      status: 'active',
      startDate: '2026-03-01',
      deadline: '2026-06-30',
      companyId: acme,
    });
    expect(detail.clients).toEqual([]);

    await updateProject({ ctx: admin, input: { projectId: created.id, status: 'on_hold' } });
    await updateProject({
      ctx: admin,
      input: { projectId: created.id, name: 'Spring website and shop', deadline: '' },
    });
    const after = await getProject({ ctx: admin, input: { projectId: created.id } });
    expect(after.project).toMatchObject({
      name: 'Spring website and shop',
      status: 'on_hold',
      deadline: null,
      startDate: '2026-03-01',
      description: 'A new site\nwith a shop.',
    });
    const activity = await activityOf(t, tenant.id);
    expect(activity.map((a) => a.verb)).toEqual(['project.create', 'project.update', 'project.update']);
    expect(activity[1]?.data).toMatchObject({
      changed: ['status'],
      status: { from: 'active', to: 'on_hold' },
    });

    const feed = await feedOf(tenant.admin, created.id);
    expect(feed.map((f) => f.kind)).toEqual(['project.created', 'project.status']);
    // Clients see the agency's name on the team's entries, never a staff member's.
    expect(feed.every((f) => f.actor_name === site.branding.displayName)).toBe(true);
  });

  it('validation is a field error, never a 500', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    await expectCoreError(createProject({ ctx: admin, input: { name: '' } }), 'validation', 'name');
    await expectCoreError(
      createProject({ ctx: admin, input: { name: 'x'.repeat(201) } }),
      'validation',
      'name',
    );
    await expectCoreError(
      createProject({ ctx: admin, input: { name: 'P', startDate: '2026-05-02', deadline: '2026-05-01' } }),
      'validation',
      'deadline',
    );
    await expectCoreError(
      createProject({ ctx: admin, input: { name: 'P', deadline: '2026-02-30' } }),
      'validation',
      'deadline',
    );
    await expectCoreError(
      createProject({ ctx: admin, input: { name: 'P', status: 'lost' } }),
      'validation',
      'status',
    );
    await expectCoreError(
      createProject({ ctx: admin, input: { name: 'P', companyId: randomUUID() } }),
      'validation',
      'companyId',
    );
    await expectCoreError(
      createProject({ ctx: admin, input: { name: 'P', companyId: 'not-an-id' } }),
      'validation',
      'companyId',
    );
    await expectCoreError(
      updateProject({
        ctx: admin,
        input: { projectId: tenant.projectId, startDate: '2030-01-01', deadline: '2029-01-01' },
      }),
      'validation',
      'deadline',
    );
    await expectCoreError(
      getProject({ ctx: admin, input: { projectId: 'nope' } }),
      'validation',
      'projectId',
    );
    await expectCoreError(
      updateProject({ ctx: admin, input: { projectId: 'nope', name: 'X' } }),
      'validation',
    );
    await expectCoreError(
      updateProject({ ctx: admin, input: { projectId: tenant.projectId, status: 'gone' } }),
      'validation',
      'status',
    );
    await expectCoreError(
      updateProject({ ctx: admin, input: { projectId: tenant.projectId, name: '\u0000' } }),
      'validation',
      'name',
    );
    await expectCoreError(
      updateProject({ ctx: admin, input: { projectId: randomUUID(), name: 'X' } }),
      'not_found',
    );
    await expectCoreError(
      assignStaff({ ctx: admin, input: { projectId: tenant.projectId, userIds: ['x'] } }),
      'validation',
    );
    await expectCoreError(
      unassignClient({ ctx: admin, input: { projectId: tenant.projectId, userId: 'x' } }),
      'validation',
      'userId',
    );
    await expectCoreError(getProject({ ctx: admin, input: { projectId: randomUUID() } }), 'not_found');
    await expectCoreError(listProjects({ ctx: admin, input: { after: 'garbage' } }), 'validation', 'after');
    await expectCoreError(listProjects({ ctx: admin, input: { status: 'lost' } }), 'validation', 'status');
    await expectCoreError(
      assignClients({ ctx: admin, input: { projectId: tenant.projectId } }),
      'validation',
      'userIds',
    );
    // People refused on the new-project form are named beside their list, and nothing is created.
    const staff = await addUser(t, tenant, { role: 'staff' });
    await expectCoreError(
      createProject({ ctx: admin, input: { name: 'P', clientIds: [staff.id] } }),
      'validation',
      'clientIds',
    );
    await expectCoreError(
      createProject({ ctx: admin, input: { name: 'P', staffIds: [tenant.client.userId] } }),
      'validation',
      'staffIds',
    );
    await expectCoreError(
      createProject({ ctx: admin, input: { name: 'P', companyIds: [await company(tenant)] } }),
      'validation',
      'clientIds',
    );
    expect((await listProjects({ ctx: admin })).projects.map((p) => p.name)).toEqual(['Website']);
    expect(await activityOf(t, tenant.id)).toEqual([]);
  });

  it('staff list and open only their projects; clients and other tenants are refused', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const other = await createTenant(t);
    const site = siteOf(tenant);
    const admin = core.as(tenant.admin, site);
    const staff = await addUser(t, tenant, { role: 'staff' });
    const mine = await createProject({ ctx: admin, input: { name: 'Mine', staffIds: [staff.id] } });
    const theirs = await createProject({ ctx: admin, input: { name: 'Not mine' } });

    const asStaff = core.as(staff.actor, site);
    expect((await listProjects({ ctx: asStaff })).projects.map((p) => p.id)).toEqual([mine.id]);
    expect(
      (await getProject({ ctx: asStaff, input: { projectId: mine.id } })).staff.map((s) => s.id),
    ).toEqual([staff.id]);
    await expectCoreError(getProject({ ctx: asStaff, input: { projectId: theirs.id } }), 'not_found');
    await expectCoreError(createProject({ ctx: asStaff, input: { name: 'X' } }), 'forbidden');
    await expectCoreError(
      updateProject({ ctx: asStaff, input: { projectId: mine.id, name: 'X' } }),
      'forbidden',
    );
    await expectCoreError(
      assignStaff({ ctx: asStaff, input: { projectId: mine.id, userIds: [staff.id] } }),
      'forbidden',
    );
    await expectCoreError(projectAudience({ ctx: asStaff, input: { projectId: mine.id } }), 'forbidden');
    await expectCoreError(projectAssignables({ ctx: asStaff }), 'forbidden');

    // The admin sees every project, by name.
    const all = (await listProjects({ ctx: admin })).projects.map((p) => p.name);
    expect(all).toEqual(['Mine', 'Not mine', 'Website']);

    const asClient = core.as(tenant.client, site);
    await expectCoreError(listProjects({ ctx: asClient }), 'forbidden');
    await expectCoreError(getProject({ ctx: asClient, input: { projectId: tenant.projectId } }), 'forbidden');
    await expectCoreError(createProject({ ctx: asClient, input: { name: 'X' } }), 'forbidden');
    await expectCoreError(projectCompanies({ ctx: asClient }), 'forbidden');

    // Another tenant's admin finds nothing of this tenant's.
    const otherAdmin = core.as(other.admin, siteOf(other));
    await expectCoreError(getProject({ ctx: otherAdmin, input: { projectId: mine.id } }), 'not_found');
    await expectCoreError(
      assignClients({ ctx: otherAdmin, input: { projectId: mine.id, userIds: [tenant.client.userId] } }),
      'not_found',
    );
    expect((await listProjects({ ctx: otherAdmin })).projects.map((p) => p.id)).toEqual([other.projectId]);
  });

  it('lists page by name and filter by search, status and company', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const acme = await company(tenant, 'Acme Bakery');
    for (let i = 0; i < 7; i++) {
      await createProject({
        ctx: admin,
        input: {
          name: `${i % 2 ? 'b' : 'B'}rand ${i}`,
          companyId: i < 3 ? acme : '',
          status: i === 6 ? 'archived' : 'active',
        },
      });
    }
    const seen: string[] = [];
    let after = '';
    for (;;) {
      const page = await listProjects({ ctx: admin, input: { after, limit: 2 } });
      seen.push(...page.projects.map((p) => p.name));
      if (!page.nextCursor) break;
      after = page.nextCursor;
    }
    // Case-insensitive order, no repeats, archived left out unless asked for.
    expect(seen).toEqual(['Brand 0', 'brand 1', 'Brand 2', 'brand 3', 'Brand 4', 'brand 5', 'Website']);
    expect(
      (await listProjects({ ctx: admin, input: { status: 'archived' } })).projects.map((p) => p.name),
    ).toEqual(['Brand 6']);
    expect((await listProjects({ ctx: admin, input: { companyId: acme } })).projects).toHaveLength(3);
    expect((await listProjects({ ctx: admin, input: { q: 'acme' } })).projects).toHaveLength(3);
    expect((await listProjects({ ctx: admin, input: { q: 'BRAND 5' } })).projects.map((p) => p.name)).toEqual(
      ['brand 5'],
    );
    // LIKE's wildcards are searched for as text.
    expect((await listProjects({ ctx: admin, input: { q: '%' } })).projects).toEqual([]);
    const website = required(
      (await listProjects({ ctx: admin, input: { q: 'Website' } })).projects[0],
      'the fixture project',
    );
    expect(website).toMatchObject({ clientCount: 1, staffCount: 1, companyName: `Client of ${tenant.slug}` });
  });

  it('assigning clients: by person or whole company, one feed entry each seen only by them, bell and email by preference', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const admin = core.as(tenant.admin, site);
    const acme = await company(tenant);
    const a = await client(tenant, acme, { name: 'Alex A' });
    const b = await client(tenant, acme, { name: 'Bea B' });
    const gone = await client(tenant, acme, { status: 'deactivated' });
    const invited = await client(tenant, acme, { invited: true });
    const staff = await addUser(t, tenant, { role: 'staff' });
    const project = await createProject({ ctx: admin, input: { name: 'Shop', companyId: acme } });

    // Not clients, or clients who can't sign in: refused with a field error, nothing written.
    await expectCoreError(
      assignClients({ ctx: admin, input: { projectId: project.id, userIds: [staff.id] } }),
      'validation',
      'userIds',
    );
    await expectCoreError(
      assignClients({ ctx: admin, input: { projectId: project.id, userIds: [randomUUID()] } }),
      'validation',
      'userIds',
    );
    // Another agency's client is nobody here.
    const elsewhere = await createTenant(t);
    await expectCoreError(
      assignClients({ ctx: admin, input: { projectId: project.id, userIds: [elsewhere.client.userId] } }),
      'validation',
      'userIds',
    );
    await expectCoreError(
      assignClients({ ctx: admin, input: { projectId: project.id, userIds: ['not-an-id'] } }),
      'validation',
    );
    await expectCoreError(
      assignClients({ ctx: admin, input: { projectId: project.id, userIds: [gone.id] } }),
      'validation',
      'userIds',
    );
    await expectCoreError(
      assignClients({ ctx: admin, input: { projectId: project.id, companyId: randomUUID() } }),
      'validation',
      'companyId',
    );

    const byPerson = await assignClients({ ctx: admin, input: { projectId: project.id, userIds: [a.id] } });
    expect(byPerson.added).toEqual([a.id]);
    // The whole company: its current active contacts, not the deactivated one; A is already on it.
    const byCompany = await assignClients({ ctx: admin, input: { projectId: project.id, companyId: acme } });
    expect(byCompany.added.sort()).toEqual([b.id, invited.id].sort());
    const detail = await getProject({ ctx: admin, input: { projectId: project.id } });
    expect(detail.clients.map((c) => [c.name, c.state])).toEqual(
      expect.arrayContaining([
        ['Alex A', 'active'],
        ['Bea B', 'active'],
        [expect.any(String), 'invited'],
      ]),
    );
    expect(detail.clients.map((c) => c.id)).not.toContain(gone.id);

    // Each sees "you were added" for themselves only.
    const kinds = async (who: ActingAs) =>
      (await feedOf(who, project.id)).map((f) => `${f.kind}:${f.user_id ?? ''}`);
    expect(await kinds(a.actor)).toEqual(['project.created:', `project.assigned:${a.id}`]);
    expect(await kinds(b.actor)).toEqual(['project.created:', `project.assigned:${b.id}`]);
    expect(await kinds(tenant.client)).toEqual([]);

    // The bell for each; the email for those who have accepted their invitation.
    const bell = await t.superuser<{ user_id: string; title: string; link: string }>(
      `select user_id::text, title, link from app.notifications where tenant_id = $1 and event = 'project-added' and link is not null`,
      [tenant.id],
    );
    expect(bell.map((n) => n.user_id).sort()).toEqual([a.id, b.id, invited.id].sort());
    expect(bell[0]).toMatchObject({ title: 'You’ve been added to Shop', link: `/projects/${project.id}` });

    // B turned the email off before it went out: the preference is applied at delivery.
    await withActor(t.handle.db, b.actor, (tx) =>
      tx.execute(
        sql`insert into app.notification_preferences (tenant_id, user_id, event, delivery) values (${tenant.id}::uuid, ${b.id}::uuid, 'project-added', 'off')`,
      ),
    );
    await deliverQueued(core, [tenant.id]);
    expect(core.mail.map((m) => m.to)).toEqual([a.email]);
    const mail = required(core.mail[0], 'the email to A');
    expect(mail.subject).toContain('Shop');
    expect(mail.text).toContain(`${tenantOrigin(tenant.slug)}/projects/${project.id}`);
    expect(mail.text).toContain(site.branding.displayName);

    const activity = await activityOf(t, tenant.id);
    expect(activity.map((x) => x.verb)).toEqual([
      'project.create',
      'project.assign_clients',
      'project.assign_clients',
    ]);
    expect(activity[2]?.data).toMatchObject({ companyId: acme });

    // Assigning again changes nothing and tells nobody twice.
    expect(
      (await assignClients({ ctx: admin, input: { projectId: project.id, companyId: acme } })).added,
    ).toEqual([]);
    expect(await kinds(a.actor)).toHaveLength(2);

    // Removing: A no longer reads the project or its feed.
    await unassignClient({ ctx: admin, input: { projectId: project.id, userId: a.id } });
    expect(await kinds(a.actor)).toEqual([]);
    await expectCoreError(
      unassignClient({ ctx: admin, input: { projectId: project.id, userId: a.id } }),
      'not_found',
    );
    expect((await activityOf(t, tenant.id, 'project.unassign_client')).length).toBe(1);
  });

  it('archived projects vanish from clients; staff assignment notifies staff in the bell', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const admin = core.as(tenant.admin, site);
    const projectsOf = async (who: ActingAs) =>
      (await readAs<{ id: string }>(who, sql`select id::text from app.projects`)).map((r) => r.id);

    expect(await projectsOf(tenant.client)).toEqual([tenant.projectId]);
    await updateProject({ ctx: admin, input: { projectId: tenant.projectId, status: 'archived' } });
    expect(await projectsOf(tenant.client)).toEqual([]);
    expect(await feedOf(tenant.client, tenant.projectId)).toEqual([]);
    await updateProject({ ctx: admin, input: { projectId: tenant.projectId, status: 'completed' } });
    expect((await feedOf(tenant.client, tenant.projectId)).map((f) => f.kind)).toEqual([
      'project.created',
      'project.status',
      'project.status',
    ]);

    const staff = await addUser(t, tenant, { role: 'staff' });
    const added = await assignStaff({
      ctx: admin,
      input: { projectId: tenant.projectId, userIds: [staff.id] },
    });
    expect(added.added).toEqual([staff.id]);
    expect(
      await countAs(
        t,
        `select 1 from app.notifications where tenant_id = $1 and user_id = $2 and link = $3`,
        [tenant.id, staff.id, `/admin/projects/${tenant.projectId}`],
      ),
    ).toBe(1);
    // Staff get no email for it: the bell only.
    expect(
      await countAs(t, `select 1 from app.outbox where tenant_id = $1 and user_id = $2`, [
        tenant.id,
        staff.id,
      ]),
    ).toBe(0);
    await expectCoreError(
      assignStaff({ ctx: admin, input: { projectId: tenant.projectId, userIds: [tenant.client.userId] } }),
      'validation',
      'userIds',
    );
    await unassignStaff({ ctx: admin, input: { projectId: tenant.projectId, userId: staff.id } });
    await expectCoreError(
      getProject({ ctx: core.as(staff.actor, site), input: { projectId: tenant.projectId } }),
      'not_found',
    );
    await expectCoreError(
      unassignStaff({ ctx: admin, input: { projectId: tenant.projectId, userId: staff.id } }),
      'not_found',
    );
    expect((await activityOf(t, tenant.id)).map((a) => a.verb)).toEqual([
      'project.update',
      'project.update',
      'project.assign_staff',
      'project.unassign_staff',
    ]);
  });

  it('"why can’t my client see this?" names every reason', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const admin = core.as(tenant.admin, site);
    const acme = await company(tenant);
    const elsewhere = await company(tenant);
    const sees = await client(tenant, acme, { name: 'A sees' });
    const noProjects = await client(tenant, acme, { name: 'B no projects', permissions: ['invoices'] });
    const invited = await client(tenant, acme, { name: 'C invited', invited: true });
    const outsider = await client(tenant, elsewhere, { name: 'D other company' });
    const notOn = await client(tenant, acme, { name: 'E not on it' });
    const project = await createProject({
      ctx: admin,
      input: { name: 'Brand', companyId: acme, clientIds: [sees.id, noProjects.id, invited.id, outsider.id] },
    });
    await t.superuser(`update app.users set status = 'deactivated' where tenant_id = $1 and id = $2`, [
      tenant.id,
      outsider.id,
    ]);

    const byName = async () => {
      const audience = await projectAudience({ ctx: admin, input: { projectId: project.id } });
      return new Map(audience.clients.map((c) => [c.client.name, c]));
    };
    let audience = await byName();
    expect([...audience.keys()].sort()).toEqual([
      'A sees',
      'B no projects',
      'C invited',
      'D other company',
      'E not on it',
    ]);
    expect(audience.get('A sees')).toMatchObject({ canSee: true, reasons: [], assigned: true });
    expect(audience.get('A sees')?.sees).toContain(
      'Sees the projects they are assigned to, with status and progress.',
    );
    expect(audience.get('B no projects')).toMatchObject({
      canSee: false,
      reasons: [AUDIENCE_REASONS.projectsOff],
    });
    expect(audience.get('C invited')).toMatchObject({ canSee: false, reasons: [AUDIENCE_REASONS.invited] });
    expect(audience.get('D other company')).toMatchObject({
      canSee: false,
      reasons: [AUDIENCE_REASONS.deactivated],
    });
    expect(audience.get('E not on it')).toMatchObject({
      canSee: false,
      assigned: false,
      reasons: [AUDIENCE_REASONS.notAssigned],
    });
    // The panel agrees with the database: exactly the one it says can see the project reads it.
    for (const person of [sees, noProjects, notOn]) {
      const rows = await readAs<{ id: string }>(
        person.actor,
        sql`select id::text from app.projects where id = ${project.id}::uuid`,
      );
      expect(rows.length, person.id).toBe(person === sees ? 1 : 0);
    }

    await updateProject({ ctx: admin, input: { projectId: project.id, status: 'archived' } });
    audience = await byName();
    expect(audience.get('A sees')).toMatchObject({ canSee: false, reasons: [AUDIENCE_REASONS.archived] });
    expect(audience.get('E not on it')?.reasons).toEqual([
      AUDIENCE_REASONS.notAssigned,
      AUDIENCE_REASONS.archived,
    ]);
    // Reading the panel records nothing.
    expect((await activityOf(t, tenant.id)).map((a) => a.verb)).toEqual(['project.create', 'project.update']);
  });

  it('the choices for the forms: companies with contacts and the active team', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const acme = await company(tenant, 'Acme');
    const person = await client(tenant, acme, { name: 'Alex' });
    const choices = await projectAssignables({ ctx: admin });
    expect(choices.companies.find((c) => c.id === acme)?.contacts.map((c) => c.id)).toEqual([person.id]);
    expect(choices.team.map((m) => m.id)).toEqual([tenant.admin.userId]);
    const staff = await addUser(t, tenant, { role: 'staff' });
    await createProject({ ctx: admin, input: { name: 'Shop', companyId: acme, staffIds: [staff.id] } });
    // Staff see the companies of their projects only.
    expect((await projectCompanies({ ctx: core.as(staff.actor) })).map((c) => c.id)).toEqual([acme]);
  });
});
