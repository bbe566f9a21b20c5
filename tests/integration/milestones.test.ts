import { randomUUID } from 'node:crypto';
import {
  addStatus,
  assignStaff,
  completeMilestone,
  createCtx,
  createMilestone,
  createProject,
  deleteMilestone,
  getProject,
  listMilestones,
  moveMilestone,
  updateMilestone,
  updateProject,
} from '@foyer/core';
import { type ActingAs, sql, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import { activityOf, addUser, expectCoreError, siteOf, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase, txRows } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * Milestones: the team's dated goals on a project, internal until shared. A client sees only
 * the shared ones, and their progress counts only the tasks the client can see.
 */
describe.each(drivers)('milestones on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  /** A task written as the superuser (the task verbs are another area's). */
  async function task(
    tenant: TenantFixture,
    options: {
      milestoneId?: string | null;
      statusId?: string;
      visible?: boolean;
      archived?: boolean;
      title?: string;
      projectId?: string;
      position?: number;
    } = {},
  ) {
    const id = randomUUID();
    await t.superuser(
      `insert into app.tasks (tenant_id, id, project_id, status_id, milestone_id, title, client_visible, archived_at, position)
       values ($1, $2, $3, $4, $5, $6, $7, case when $8 then now() end, $9)`,
      [
        tenant.id,
        id,
        options.projectId ?? tenant.projectId,
        options.statusId ?? tenant.statusId,
        options.milestoneId ?? null,
        options.title ?? `Task ${id.slice(0, 6)}`,
        options.visible ?? false,
        options.archived ?? false,
        options.position ?? 0,
      ],
    );
    return id;
  }

  const readAs = <T extends Record<string, unknown>>(actor: ActingAs, query: ReturnType<typeof sql>) =>
    withActor(t.handle.db, actor, (tx) => txRows<T>(tx, query));

  /** The shared fixture without its sample milestone: each test here makes its own. */
  const milestoneTenant = async () => {
    const tenant = await createTenant(t);
    await t.superuser('delete from app.milestones where tenant_id = $1', [tenant.id]);
    return tenant;
  };
  const feedOf = (actor: ActingAs, projectId: string) =>
    readAs<{ kind: string; milestone_id: string | null; actor_name: string | null }>(
      actor,
      sql`select kind, milestone_id::text, actor_name from app.project_feed
           where project_id = ${projectId}::uuid and kind like 'milestone.%' order by at, id`,
    );

  it('the team creates milestones, internal by default or as the project says; sharing one tells the clients', async () => {
    const core = testCore(t);
    const tenant = await milestoneTenant();
    const site = siteOf(tenant);
    const admin = core.as(tenant.admin, site);

    const first = await createMilestone({
      ctx: admin,
      input: { projectId: tenant.projectId, name: '  Design  ', targetDate: '2026-05-01' },
    });
    let list = await listMilestones({ ctx: admin, input: { projectId: tenant.projectId } });
    expect(list.milestones).toMatchObject([
      {
        id: first.id,
        name: 'Design',
        targetDate: '2026-05-01',
        clientVisible: false,
        completedAt: null,
        position: 0,
      },
    ]);
    expect(await feedOf(tenant.admin, tenant.projectId)).toEqual([]);

    // The project's default: new milestones start client-visible, and are shared at once.
    await updateProject({ ctx: admin, input: { projectId: tenant.projectId, tasksVisibleByDefault: true } });
    expect(
      (await getProject({ ctx: admin, input: { projectId: tenant.projectId } })).project
        .tasksVisibleByDefault,
    ).toBe(true);
    const second = await createMilestone({
      ctx: admin,
      input: { projectId: tenant.projectId, name: 'Build', description: 'The **site**' },
    });
    const internal = await createMilestone({
      ctx: admin,
      input: { projectId: tenant.projectId, name: 'Retro', clientVisible: false },
    });
    list = await listMilestones({ ctx: admin, input: { projectId: tenant.projectId } });
    expect(list.project.tasksVisibleByDefault).toBe(true);
    expect(list.milestones.map((m) => [m.name, m.clientVisible, m.position])).toEqual([
      ['Design', false, 0],
      ['Build', true, 1],
      ['Retro', false, 2],
    ]);
    expect(list.milestones[1]?.description).toBe('The **site**');

    // Sharing the first: one feed entry, by the agency's name, pointing at the milestone.
    await updateMilestone({ ctx: admin, input: { id: first.id, clientVisible: true } });
    await updateMilestone({ ctx: admin, input: { id: first.id, clientVisible: true, name: 'Design phase' } });
    const feed = await feedOf(tenant.admin, tenant.projectId);
    expect(feed.map((f) => [f.kind, f.milestone_id])).toEqual([
      ['milestone.shared', second.id],
      ['milestone.shared', first.id],
    ]);
    expect(feed.every((f) => f.actor_name === site.branding.displayName)).toBe(true);
    // The client sees both entries; once a milestone is internal again, its entry drops out.
    expect((await feedOf(tenant.client, tenant.projectId)).map((f) => f.milestone_id)).toEqual([
      second.id,
      first.id,
    ]);
    await updateMilestone({ ctx: admin, input: { id: second.id, clientVisible: false } });
    expect((await feedOf(tenant.client, tenant.projectId)).map((f) => f.milestone_id)).toEqual([first.id]);

    // Edits: target date cleared, description cleared; a field left out stays.
    await updateMilestone({ ctx: admin, input: { id: first.id, targetDate: '', description: '' } });
    const edited = required(
      (await listMilestones({ ctx: admin, input: { projectId: tenant.projectId } })).milestones[0],
      'the first milestone',
    );
    expect(edited).toMatchObject({
      name: 'Design phase',
      targetDate: null,
      description: null,
      clientVisible: true,
    });

    const verbs = (await activityOf(t, tenant.id)).filter((a) => a.verb.startsWith('milestone.'));
    expect(verbs.map((a) => a.verb)).toEqual([
      'milestone.create',
      'milestone.create',
      'milestone.create',
      'milestone.update',
      'milestone.update',
      'milestone.update',
      'milestone.update',
    ]);
    expect(verbs[0]).toMatchObject({ subject_type: 'milestone', subject_id: first.id });
    expect(internal.id).toBeTruthy();
  });

  it('progress counts done tasks out of unarchived ones; a client counts only what they can see', async () => {
    const core = testCore(t);
    const tenant = await milestoneTenant();
    const site = siteOf(tenant);
    const admin = core.as(tenant.admin, site);
    const done = await addStatus({ ctx: admin, input: { name: 'Done', kind: 'done' } });

    const shared = await createMilestone({
      ctx: admin,
      input: { projectId: tenant.projectId, name: 'Launch', clientVisible: true },
    });
    const hidden = await createMilestone({
      ctx: admin,
      input: { projectId: tenant.projectId, name: 'Internal' },
    });
    await task(tenant, { milestoneId: shared.id, statusId: done.id, visible: true, title: 'Visible done' });
    await task(tenant, { milestoneId: shared.id, statusId: done.id, visible: false, title: 'Internal done' });
    await task(tenant, { milestoneId: shared.id, visible: true, title: 'Visible to do' });
    await task(tenant, {
      milestoneId: shared.id,
      statusId: done.id,
      visible: true,
      archived: true,
      title: 'Archived',
    });
    await task(tenant, {
      milestoneId: hidden.id,
      statusId: done.id,
      visible: true,
      title: 'Hidden milestone',
    });

    const team = await listMilestones({ ctx: admin, input: { projectId: tenant.projectId } });
    const launch = required(
      team.milestones.find((m) => m.id === shared.id),
      'Launch',
    );
    expect(launch).toMatchObject({ taskCount: 3, doneCount: 2, progress: 67 });
    expect(launch.tasks.map((x) => x.title).sort()).toEqual([
      'Internal done',
      'Visible done',
      'Visible to do',
    ]);
    expect(launch.tasks.find((x) => x.title === 'Visible done')).toMatchObject({
      statusName: 'Done',
      statusKind: 'done',
    });
    expect(team.milestones.find((m) => m.id === hidden.id)).toMatchObject({
      taskCount: 1,
      doneCount: 1,
      progress: 100,
    });
    // The fixture's task is in no milestone.
    expect(team.unassigned.map((x) => x.id)).toEqual([tenant.taskId]);

    const asClient = core.as(tenant.client, site);
    const seen = await listMilestones({ ctx: asClient, input: { projectId: tenant.projectId } });
    expect(seen.milestones.map((m) => m.id)).toEqual([shared.id]);
    expect(seen.milestones[0]).toMatchObject({ taskCount: 2, doneCount: 1, progress: 50 });
    expect(seen.milestones[0]?.tasks.map((x) => x.title).sort()).toEqual(['Visible done', 'Visible to do']);

    // The same through an admin's preview as that client: reads work, read-only.
    const preview = createCtx(core.deps, { actor: tenant.client, site, previewBy: tenant.admin.userId });
    expect(
      (await listMilestones({ ctx: preview, input: { projectId: tenant.projectId } })).milestones,
    ).toHaveLength(1);
    await expectCoreError(
      createMilestone({ ctx: preview, input: { projectId: tenant.projectId, name: 'X' } }),
      'forbidden',
    );

    // Without `tasks.view`, a client sees no milestones at all.
    await t.superuser(
      `update app.users set permissions = array['projects'] where tenant_id = $1 and id = $2`,
      [tenant.id, tenant.client.userId],
    );
    expect(
      (await listMilestones({ ctx: asClient, input: { projectId: tenant.projectId } })).milestones,
    ).toEqual([]);
  });

  it('completes, reopens, reorders and deletes; tasks outlive their milestone', async () => {
    const core = testCore(t);
    const tenant = await milestoneTenant();
    const admin = core.as(tenant.admin, siteOf(tenant));
    const a = await createMilestone({
      ctx: admin,
      input: { projectId: tenant.projectId, name: 'A', clientVisible: true },
    });
    const b = await createMilestone({ ctx: admin, input: { projectId: tenant.projectId, name: 'B' } });
    const c = await createMilestone({ ctx: admin, input: { projectId: tenant.projectId, name: 'C' } });
    const names = async () =>
      (await listMilestones({ ctx: admin, input: { projectId: tenant.projectId } })).milestones.map(
        (m) => `${m.name}${m.position}`,
      );

    await completeMilestone({ ctx: admin, input: { id: a.id, completed: true } });
    let first = required(
      (await listMilestones({ ctx: admin, input: { projectId: tenant.projectId } })).milestones[0],
      'A',
    );
    expect(first.completedAt).toBeInstanceOf(Date);
    await completeMilestone({ ctx: admin, input: { id: a.id, completed: false } });
    first = required(
      (await listMilestones({ ctx: admin, input: { projectId: tenant.projectId } })).milestones[0],
      'A',
    );
    expect(first.completedAt).toBeNull();

    await moveMilestone({ ctx: admin, input: { id: c.id, index: 0 } });
    expect(await names()).toEqual(['C0', 'A1', 'B2']);
    await moveMilestone({ ctx: admin, input: { id: c.id, index: 2 } });
    expect(await names()).toEqual(['A0', 'B1', 'C2']);
    await expectCoreError(
      moveMilestone({ ctx: admin, input: { id: c.id, index: 3 } }),
      'validation',
      'index',
    );

    const kept = await task(tenant, { milestoneId: a.id, visible: true });
    await deleteMilestone({ ctx: admin, input: { id: a.id } });
    expect(await names()).toEqual(['B0', 'C1']);
    const [row] = await t.superuser<{ milestone_id: string | null }>(
      'select milestone_id::text from app.tasks where tenant_id = $1 and id = $2',
      [tenant.id, kept],
    );
    expect(row).toEqual({ milestone_id: null });
    // Its feed entry went with it.
    expect(await feedOf(tenant.admin, tenant.projectId)).toEqual([]);
    await expectCoreError(deleteMilestone({ ctx: admin, input: { id: a.id } }), 'not_found');
    await expectCoreError(
      completeMilestone({ ctx: admin, input: { id: a.id, completed: true } }),
      'not_found',
    );

    const verbs = (await activityOf(t, tenant.id))
      .map((x) => x.verb)
      .filter((v) => v.startsWith('milestone.'));
    expect(verbs.slice(3)).toEqual([
      'milestone.complete',
      'milestone.reopen',
      'milestone.move',
      'milestone.move',
      'milestone.delete',
    ]);
    expect(b.id).not.toBe(c.id);
  });

  it('staff reach only their projects’ milestones; clients and other tenants change nothing', async () => {
    const core = testCore(t);
    const tenant = await milestoneTenant();
    const other = await milestoneTenant();
    const site = siteOf(tenant);
    const admin = core.as(tenant.admin, site);
    const staff = await addUser(t, tenant, { role: 'staff' });
    const asStaff = core.as(staff.actor, site);
    const mine = await createProject({ ctx: admin, input: { name: 'Mine' } });
    await assignStaff({ ctx: admin, input: { projectId: mine.id, userIds: [staff.id] } });
    const theirs = await createMilestone({
      ctx: admin,
      input: { projectId: tenant.projectId, name: 'Not yours' },
    });

    // On their project, staff do everything the team does, sharing included.
    const made = await createMilestone({ ctx: asStaff, input: { projectId: mine.id, name: 'Staff made' } });
    await updateMilestone({ ctx: asStaff, input: { id: made.id, clientVisible: true } });
    await completeMilestone({ ctx: asStaff, input: { id: made.id, completed: true } });
    expect((await listMilestones({ ctx: asStaff, input: { projectId: mine.id } })).milestones).toHaveLength(
      1,
    );
    expect((await feedOf(tenant.admin, mine.id)).map((f) => f.kind)).toEqual(['milestone.shared']);

    // Elsewhere: nothing is there.
    await expectCoreError(
      listMilestones({ ctx: asStaff, input: { projectId: tenant.projectId } }),
      'not_found',
    );
    await expectCoreError(
      createMilestone({ ctx: asStaff, input: { projectId: tenant.projectId, name: 'X' } }),
      'not_found',
    );
    await expectCoreError(
      updateMilestone({ ctx: asStaff, input: { id: theirs.id, name: 'X' } }),
      'not_found',
    );
    await expectCoreError(
      completeMilestone({ ctx: asStaff, input: { id: theirs.id, completed: true } }),
      'not_found',
    );
    await expectCoreError(moveMilestone({ ctx: asStaff, input: { id: theirs.id, index: 0 } }), 'not_found');
    await expectCoreError(deleteMilestone({ ctx: asStaff, input: { id: theirs.id } }), 'not_found');

    // Clients write nothing, even on milestones they can see.
    const asClient = core.as(tenant.client, site);
    await updateMilestone({ ctx: admin, input: { id: theirs.id, clientVisible: true } });
    await expectCoreError(
      createMilestone({ ctx: asClient, input: { projectId: tenant.projectId, name: 'X' } }),
      'forbidden',
    );
    await expectCoreError(
      updateMilestone({ ctx: asClient, input: { id: theirs.id, name: 'X' } }),
      'forbidden',
    );
    await expectCoreError(deleteMilestone({ ctx: asClient, input: { id: theirs.id } }), 'forbidden');
    await expectCoreError(
      completeMilestone({ ctx: asClient, input: { id: theirs.id, completed: true } }),
      'forbidden',
    );
    // Nor can they by the database.
    const written = await withActor(t.handle.db, tenant.client, async (tx) =>
      txRows(tx, sql`update app.milestones set name = 'Hacked' where id = ${theirs.id}::uuid returning id`),
    ).catch(() => 'refused');
    expect(written === 'refused' || (Array.isArray(written) && written.length === 0)).toBe(true);
    // A client not on the project doesn't find it.
    await expectCoreError(listMilestones({ ctx: asClient, input: { projectId: mine.id } }), 'not_found');

    const otherAdmin = core.as(other.admin, siteOf(other));
    await expectCoreError(
      listMilestones({ ctx: otherAdmin, input: { projectId: tenant.projectId } }),
      'not_found',
    );
    await expectCoreError(
      updateMilestone({ ctx: otherAdmin, input: { id: theirs.id, name: 'X' } }),
      'not_found',
    );
    await expectCoreError(deleteMilestone({ ctx: otherAdmin, input: { id: theirs.id } }), 'not_found');
  });

  it('bad input is a field error, never a 500', async () => {
    const core = testCore(t);
    const tenant = await milestoneTenant();
    const admin = core.as(tenant.admin, siteOf(tenant));
    const projectId = tenant.projectId;
    await expectCoreError(
      createMilestone({ ctx: admin, input: { projectId, name: '' } }),
      'validation',
      'name',
    );
    await expectCoreError(
      createMilestone({ ctx: admin, input: { projectId, name: '   ' } }),
      'validation',
      'name',
    );
    await expectCoreError(
      createMilestone({ ctx: admin, input: { projectId, name: 'x'.repeat(201) } }),
      'validation',
      'name',
    );
    await expectCoreError(
      createMilestone({ ctx: admin, input: { projectId, name: 'Line\nbreak' } }),
      'validation',
      'name',
    );
    await expectCoreError(
      createMilestone({ ctx: admin, input: { projectId, name: 'M', targetDate: '2026-02-30' } }),
      'validation',
      'targetDate',
    );
    await expectCoreError(
      createMilestone({ ctx: admin, input: { projectId, name: 'M', targetDate: 'soon' } }),
      'validation',
      'targetDate',
    );
    await expectCoreError(
      createMilestone({ ctx: admin, input: { projectId, name: 'M', description: 'x'.repeat(5001) } }),
      'validation',
      'description',
    );
    await expectCoreError(
      createMilestone({ ctx: admin, input: { projectId: 'nope', name: 'M' } }),
      'validation',
      'projectId',
    );
    await expectCoreError(
      createMilestone({ ctx: admin, input: { projectId: randomUUID(), name: 'M' } }),
      'not_found',
    );
    await expectCoreError(
      listMilestones({ ctx: admin, input: { projectId: 'nope' } }),
      'validation',
      'projectId',
    );
    await expectCoreError(updateMilestone({ ctx: admin, input: { id: 'nope' } }), 'validation', 'id');
    await expectCoreError(
      updateMilestone({ ctx: admin, input: { id: randomUUID(), name: 'X' } }),
      'not_found',
    );
    await expectCoreError(
      moveMilestone({ ctx: admin, input: { id: randomUUID(), index: -1 } }),
      'validation',
      'index',
    );
    await expectCoreError(
      updateProject({ ctx: admin, input: { projectId, tasksVisibleByDefault: 'yes' as unknown as boolean } }),
      'validation',
      'tasksVisibleByDefault',
    );
    expect((await activityOf(t, tenant.id)).filter((a) => a.verb.startsWith('milestone.'))).toEqual([]);
  });
});
