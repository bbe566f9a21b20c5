import { randomUUID } from 'node:crypto';
import {
  archiveTask,
  bulkUpdateTasks,
  createCtx,
  createTask,
  deleteTask,
  duplicateTask,
  getClientTask,
  getTask,
  listClientTasks,
  listTasks,
  moveTask,
  setTaskVisibility,
  taskAudience,
  taskBoard,
  taskFormOptions,
  updateTask,
} from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import {
  activityOf,
  addUser,
  deliverQueued,
  expectCoreError,
  type PersonActor,
  siteOf,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * The team's tasks: create, edit, duplicate, archive, delete, move and bulk-edit them on their
 * projects; clients see exactly the client-visible ones, at once; notices go to the right people
 * once; bad input is a field error or not_found, never a 500.
 */

describe.each(drivers)('tasks on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  /**
   * A tenant with the default board (its fixture column 'To do' plus In progress, In review and
   * Done), a second staff member on the project, one off it, and a fresh project of its own
   * (the fixture's project holds a task the tests don't count on).
   */
  async function world(options: { clientPermissions?: string[] } = {}) {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const columns: Record<'todo' | 'doing' | 'review' | 'done', string> = {
      todo: tenant.statusId,
      doing: randomUUID(),
      review: randomUUID(),
      done: randomUUID(),
    };
    for (const [i, [key, kind, name]] of (
      [
        ['doing', 'in_progress', 'In progress'],
        ['review', 'review', 'In review'],
        ['done', 'done', 'Done'],
      ] as const
    ).entries()) {
      await t.superuser(
        'insert into app.task_statuses (tenant_id, id, name, kind, position) values ($1, $2, $3, $4, $5)',
        [tenant.id, columns[key], name, kind, i + 1],
      );
    }
    const projectId = randomUUID();
    await t.superuser('insert into app.projects (tenant_id, id, client_id, name) values ($1, $2, $3, $4)', [
      tenant.id,
      projectId,
      tenant.clientId,
      'Brand refresh',
    ]);
    await t.superuser(
      'insert into app.project_clients (tenant_id, project_id, user_id) values ($1, $2, $3)',
      [tenant.id, projectId, tenant.client.userId],
    );
    if (options.clientPermissions)
      await t.superuser('update app.users set permissions = $3 where tenant_id = $1 and id = $2', [
        tenant.id,
        tenant.client.userId,
        options.clientPermissions,
      ]);
    await t.superuser('update app.users set password_hash = $3 where tenant_id = $1 and id = $2', [
      tenant.id,
      tenant.client.userId,
      'x',
    ]);
    const staff = await addUser(t, tenant, { role: 'staff', name: 'Sam Staff' });
    const outsider = await addUser(t, tenant, { role: 'staff', name: 'Olive Outsider' });
    await t.superuser('insert into app.project_staff (tenant_id, project_id, user_id) values ($1, $2, $3)', [
      tenant.id,
      projectId,
      staff.id,
    ]);
    const as = (actor: PersonActor) => core.as(actor, site);
    return {
      core,
      tenant,
      site,
      columns,
      projectId,
      staff,
      outsider,
      admin: as(tenant.admin),
      client: as(tenant.client),
      as,
    };
  }

  /** A second client of the tenant on the project. */
  async function addClient(
    w: Awaited<ReturnType<typeof world>>,
    options: {
      permissions?: string[];
      invited?: boolean;
      status?: 'active' | 'deactivated';
      name?: string;
    } = {},
  ) {
    const person = await addUser(t, w.tenant, {
      role: 'client',
      clientId: w.tenant.clientId,
      name: options.name,
      status: options.status,
      ...(options.invited ? { passwordHash: null } : {}),
    });
    await t.superuser('update app.users set permissions = $3 where tenant_id = $1 and id = $2', [
      w.tenant.id,
      person.id,
      options.permissions ?? ['projects', 'tasks.view', 'tasks.comment'],
    ]);
    await t.superuser(
      'insert into app.project_clients (tenant_id, project_id, user_id) values ($1, $2, $3)',
      [w.tenant.id, w.projectId, person.id],
    );
    return person;
  }

  const positions = async (tenant: TenantFixture, projectId: string, statusId: string) =>
    (
      await t.superuser<{ title: string; position: number }>(
        `select title, position from app.tasks where tenant_id = $1 and project_id = $2 and status_id = $3
           and archived_at is null order by position`,
        [tenant.id, projectId, statusId],
      )
    ).map((r) => `${r.position}:${r.title}`);

  const noticesOf = (tenant: TenantFixture, event: string) =>
    t.superuser<{ user_id: string; title: string; link: string | null }>(
      `select user_id::text, title, link from app.notifications where tenant_id = $1 and event = $2 order by created_at, id`,
      [tenant.id, event],
    );

  const outboxOf = (tenant: TenantFixture, template: string) =>
    t.superuser<{ user_id: string; vars: Record<string, unknown> }>(
      `select user_id::text, vars from app.outbox where tenant_id = $1 and template = $2 order by created_at, id`,
      [tenant.id, template],
    );

  it('creates, edits, duplicates, archives and deletes a task, each with one activity entry', async () => {
    const w = await world();
    const { id } = await createTask({
      ctx: w.admin,
      input: {
        projectId: w.projectId,
        title: '  Homepage copy  ',
        description: 'Write **the** intro.\n\n<script>alert(1)</script>',
        priority: 'high',
        dueDate: '2026-05-01',
        assigneeIds: [w.staff.id],
      },
    });
    // Its thread exists from the start (made in the same transaction).
    expect(
      await t.superuser('select kind from app.threads where tenant_id = $1 and task_id = $2', [
        w.tenant.id,
        id,
      ]),
    ).toEqual([{ kind: 'task' }]);
    const task = await getTask({ ctx: w.staff.actor && w.as(w.staff.actor), input: { id } });
    expect(task).toMatchObject({
      title: 'Homepage copy',
      statusId: w.columns.todo,
      statusKind: 'todo',
      priority: 'high',
      dueDate: '2026-05-01',
      clientVisible: false,
      archived: false,
      position: 0,
      assignees: [{ id: w.staff.id, name: 'Sam Staff' }],
      commentCount: 0,
      createdByName: 'Admin',
      projectName: 'Brand refresh',
    });
    expect(task.descriptionHtml).toContain('<strong>the</strong>');
    expect(task.descriptionHtml).not.toContain('<script');

    await updateTask({
      ctx: w.as(w.staff.actor),
      input: { id, title: 'Homepage copy, v2', dueDate: null, priority: 'urgent', statusId: w.columns.doing },
    });
    expect(await getTask({ ctx: w.admin, input: { id } })).toMatchObject({
      title: 'Homepage copy, v2',
      dueDate: null,
      priority: 'urgent',
      statusId: w.columns.doing,
      position: 0,
      description: 'Write **the** intro.\n\n<script>alert(1)</script>',
    });

    const copy = await duplicateTask({ ctx: w.admin, input: { id } });
    const copied = await getTask({ ctx: w.admin, input: { id: copy.id } });
    expect(copied).toMatchObject({
      title: 'Copy of Homepage copy, v2',
      statusId: w.columns.doing,
      position: 1,
      clientVisible: false,
      priority: 'urgent',
      assignees: [{ id: w.staff.id, name: 'Sam Staff' }],
    });
    expect(
      await t.superuser('select count(*)::int as n from app.threads where tenant_id = $1 and task_id = $2', [
        w.tenant.id,
        copy.id,
      ]),
    ).toEqual([{ n: 1 }]);

    await archiveTask({ ctx: w.admin, input: { id, archived: true } });
    expect(await positions(w.tenant, w.projectId, w.columns.doing)).toEqual(['0:Copy of Homepage copy, v2']);
    expect(
      (await listTasks({ ctx: w.admin, input: { projectId: w.projectId } })).items.map((r) => r.id),
    ).toEqual([copy.id]);
    expect(
      (await listTasks({ ctx: w.admin, input: { projectId: w.projectId, archived: true } })).items.map(
        (r) => r.id,
      ),
    ).toEqual([id]);
    await archiveTask({ ctx: w.admin, input: { id, archived: false } });
    expect(await positions(w.tenant, w.projectId, w.columns.doing)).toEqual([
      '0:Copy of Homepage copy, v2',
      '1:Homepage copy, v2',
    ]);

    await deleteTask({ ctx: w.as(w.staff.actor), input: { id: copy.id } });
    expect(await positions(w.tenant, w.projectId, w.columns.doing)).toEqual(['0:Homepage copy, v2']);
    await expectCoreError(getTask({ ctx: w.admin, input: { id: copy.id } }), 'not_found');

    expect((await activityOf(t, w.tenant.id)).map((a) => a.verb)).toEqual([
      'task.create',
      'task.update',
      'task.duplicate',
      'task.archive',
      'task.unarchive',
      'task.delete',
    ]);
  });

  it('a task deleted with its comments leaves no thread or messages behind', async () => {
    const w = await world();
    const { id } = await createTask({ ctx: w.admin, input: { projectId: w.projectId, title: 'Discuss' } });
    await t.superuser(
      `insert into app.messages (tenant_id, thread_id, author_id, author_name, body)
       select tenant_id, id, $3, 'Admin', 'Hello' from app.threads where tenant_id = $1 and task_id = $2`,
      [w.tenant.id, id, w.tenant.admin.userId],
    );
    expect((await getTask({ ctx: w.admin, input: { id } })).commentCount).toBe(1);
    await deleteTask({ ctx: w.admin, input: { id } });
    expect(
      await t.superuser(
        `select (select count(*)::int from app.threads where tenant_id = $1 and task_id = $2) as threads,
                (select count(*)::int from app.messages where tenant_id = $1 and body = 'Hello') as messages`,
        [w.tenant.id, id],
      ),
    ).toEqual([{ threads: 0, messages: 0 }]);
  });

  it('clients see exactly the client-visible tasks, and a flip to internal removes one at once', async () => {
    const w = await world();
    const shown = await createTask({
      ctx: w.admin,
      input: { projectId: w.projectId, title: 'Shown', clientVisible: true, priority: 'low' },
    });
    const hidden = await createTask({ ctx: w.admin, input: { projectId: w.projectId, title: 'Hidden' } });
    const list = await listClientTasks({ ctx: w.client, input: { projectId: w.projectId } });
    expect(list).toEqual([
      {
        id: shown.id,
        title: 'Shown',
        statusName: 'To do',
        statusKind: 'todo',
        progress: 0,
        priority: 'low',
        dueDate: null,
        milestoneId: null,
        milestoneName: null,
        assignees: null,
      },
    ]);
    expect(await getClientTask({ ctx: w.client, input: { id: shown.id } })).toMatchObject({
      projectId: w.projectId,
      projectName: 'Brand refresh',
      descriptionHtml: '',
    });
    await expectCoreError(getClientTask({ ctx: w.client, input: { id: hidden.id } }), 'not_found');

    await moveTask({ ctx: w.admin, input: { id: shown.id, statusId: w.columns.review, index: 0 } });
    expect((await listClientTasks({ ctx: w.client, input: { projectId: w.projectId } }))[0]).toMatchObject({
      statusName: 'In review',
      progress: 66,
    });

    await setTaskVisibility({ ctx: w.as(w.staff.actor), input: { id: shown.id, clientVisible: false } });
    expect(await listClientTasks({ ctx: w.client, input: { projectId: w.projectId } })).toEqual([]);
    await expectCoreError(getClientTask({ ctx: w.client, input: { id: shown.id } }), 'not_found');

    // Archiving hides a visible task too.
    await setTaskVisibility({ ctx: w.admin, input: { id: hidden.id, clientVisible: true } });
    expect(
      (await listClientTasks({ ctx: w.client, input: { projectId: w.projectId } })).map((c) => c.id),
    ).toEqual([hidden.id]);
    await archiveTask({ ctx: w.admin, input: { id: hidden.id, archived: true } });
    expect(await listClientTasks({ ctx: w.client, input: { projectId: w.projectId } })).toEqual([]);

    // The team gets the same shape, internal tasks included, assignees always shown.
    expect(
      (await listClientTasks({ ctx: w.admin, input: { projectId: w.projectId } })).map((c) => [
        c.title,
        c.assignees,
      ]),
    ).toEqual([['Shown', []]]);

    // Clients never reach the team's verbs: what they name doesn't exist for them.
    await expectCoreError(listTasks({ ctx: w.client, input: { projectId: w.projectId } }), 'not_found');
    await expectCoreError(getTask({ ctx: w.client, input: { id: shown.id } }), 'not_found');
    await expectCoreError(
      createTask({ ctx: w.client, input: { projectId: w.projectId, title: 'Mine' } }),
      'not_found',
    );
    await expectCoreError(taskAudience({ ctx: w.client, input: { id: shown.id } }), 'not_found');
    // A project they are not on is not_found, not an empty list.
    const other = await createTenant(t);
    await expectCoreError(
      listClientTasks({ ctx: w.client, input: { projectId: other.projectId } }),
      'not_found',
    );
  });

  it('assignees are shown to clients only when the agency allows it', async () => {
    const w = await world();
    const { id } = await createTask({
      ctx: w.admin,
      input: { projectId: w.projectId, title: 'Shared', clientVisible: true, assigneeIds: [w.staff.id] },
    });
    expect((await getClientTask({ ctx: w.client, input: { id } })).assignees).toBeNull();
    await t.superuser('update app.work_settings set clients_see_assignees = true where tenant_id = $1', [
      w.tenant.id,
    ]);
    expect(
      (await listClientTasks({ ctx: w.client, input: { projectId: w.projectId } }))[0]?.assignees,
    ).toEqual(['Sam Staff']);
  });

  it('a client without tasks.view sees no tasks; staff off the project get not_found', async () => {
    const w = await world({ clientPermissions: ['projects'] });
    const { id } = await createTask({
      ctx: w.admin,
      input: { projectId: w.projectId, title: 'Visible', clientVisible: true },
    });
    expect(await listClientTasks({ ctx: w.client, input: { projectId: w.projectId } })).toEqual([]);
    await expectCoreError(getClientTask({ ctx: w.client, input: { id } }), 'not_found');

    const outsider = w.as(w.outsider.actor);
    await expectCoreError(getTask({ ctx: outsider, input: { id } }), 'not_found');
    await expectCoreError(updateTask({ ctx: outsider, input: { id, title: 'Mine' } }), 'not_found');
    await expectCoreError(deleteTask({ ctx: outsider, input: { id } }), 'not_found');
    await expectCoreError(
      moveTask({ ctx: outsider, input: { id, statusId: w.columns.done, index: 0 } }),
      'not_found',
    );
    await expectCoreError(taskBoard({ ctx: outsider, input: { projectId: w.projectId } }), 'not_found');
    await expectCoreError(
      createTask({ ctx: outsider, input: { projectId: w.projectId, title: 'Sneaky' } }),
      'not_found',
    );
    await expectCoreError(
      bulkUpdateTasks({ ctx: outsider, input: { ids: [id], clientVisible: false } }),
      'not_found',
    );
    expect((await listTasks({ ctx: outsider, input: { mine: false } })).items).toEqual([]);
    // Another tenant's admin does not reach it either.
    const other = await createTenant(t);
    await expectCoreError(getTask({ ctx: w.core.as(other.admin), input: { id } }), 'not_found');
  });

  it('moves keep each column 0..n-1 in the order asked for', async () => {
    const w = await world();
    const ids: Record<string, string> = {};
    for (const title of ['A', 'B', 'C', 'D']) {
      ids[title] = (await createTask({ ctx: w.admin, input: { projectId: w.projectId, title } })).id;
    }
    const id = (title: string) => required(ids[title], title);
    expect(await positions(w.tenant, w.projectId, w.columns.todo)).toEqual(['0:A', '1:B', '2:C', '3:D']);
    await moveTask({ ctx: w.admin, input: { id: id('D'), statusId: w.columns.todo, index: 0 } });
    expect(await positions(w.tenant, w.projectId, w.columns.todo)).toEqual(['0:D', '1:A', '2:B', '3:C']);
    await moveTask({ ctx: w.admin, input: { id: id('D'), statusId: w.columns.todo, index: 2 } });
    expect(await positions(w.tenant, w.projectId, w.columns.todo)).toEqual(['0:A', '1:B', '2:D', '3:C']);
    await moveTask({ ctx: w.as(w.staff.actor), input: { id: id('B'), statusId: w.columns.doing, index: 5 } });
    expect(await positions(w.tenant, w.projectId, w.columns.todo)).toEqual(['0:A', '1:D', '2:C']);
    expect(await positions(w.tenant, w.projectId, w.columns.doing)).toEqual(['0:B']);
    await moveTask({ ctx: w.admin, input: { id: id('C'), statusId: w.columns.doing, index: 0 } });
    expect(await positions(w.tenant, w.projectId, w.columns.doing)).toEqual(['0:C', '1:B']);
    expect(await positions(w.tenant, w.projectId, w.columns.todo)).toEqual(['0:A', '1:D']);

    const board = await taskBoard({ ctx: w.admin, input: { projectId: w.projectId } });
    expect(board.columns.map((c) => [c.name, c.kind, c.tasks.map((task) => task.title)])).toEqual([
      ['To do', 'todo', ['A', 'D']],
      ['In progress', 'in_progress', ['C', 'B']],
      ['In review', 'review', []],
      ['Done', 'done', []],
    ]);
    await archiveTask({ ctx: w.admin, input: { id: id('A'), archived: true } });
    await expectCoreError(
      moveTask({ ctx: w.admin, input: { id: id('A'), statusId: w.columns.done, index: 0 } }),
      'conflict',
    );
    expect((await activityOf(t, w.tenant.id, 'task.move')).map((a) => a.data)).toContainEqual({
      statusId: { from: w.columns.todo, to: w.columns.doing },
      position: 0,
    });
  });

  it('bulk edit changes column, assignee and visibility of many tasks in one action', async () => {
    const w = await world();
    const other = await addClient(w, { name: 'Second client' });
    const ids: string[] = [];
    for (const title of ['One', 'Two', 'Three']) {
      ids.push((await createTask({ ctx: w.admin, input: { projectId: w.projectId, title } })).id);
    }
    const keep = (await createTask({ ctx: w.admin, input: { projectId: w.projectId, title: 'Stays' } })).id;
    const [one, two, three] = ids as [string, string, string];

    expect(
      await bulkUpdateTasks({
        ctx: w.as(w.staff.actor),
        input: { ids: [three, one], statusId: w.columns.done, assigneeId: w.staff.id, clientVisible: true },
      }),
    ).toEqual({ updated: 2 });
    expect(await positions(w.tenant, w.projectId, w.columns.todo)).toEqual(['0:Two', '1:Stays']);
    expect(await positions(w.tenant, w.projectId, w.columns.done)).toEqual(['0:One', '1:Three']);
    const rows = (
      await listTasks({ ctx: w.admin, input: { projectId: w.projectId, statusIds: [w.columns.done] } })
    ).items;
    expect(rows.map((r) => [r.title, r.clientVisible, r.assignees.map((a) => a.name)])).toEqual([
      ['One', true, ['Sam Staff']],
      ['Three', true, ['Sam Staff']],
    ]);
    // One notice per client for the whole action, listing both tasks; none to the staff member
    // who assigned themselves.
    const shared = await noticesOf(w.tenant, 'tasks-shared');
    expect(shared.map((n) => n.user_id).sort()).toEqual([w.tenant.client.userId, other.id].sort());
    expect(shared[0]?.title).toBe('2 new tasks on Brand refresh');
    expect(shared[0]?.link).toBe(`/projects/${w.projectId}`);
    expect(await noticesOf(w.tenant, 'task-assigned')).toEqual([]);
    const feed = await t.superuser<{ task_id: string; actor_name: string }>(
      `select task_id::text, actor_name from app.project_feed where tenant_id = $1 and kind = 'task.shared'`,
      [w.tenant.id],
    );
    expect(feed.map((f) => f.task_id).sort()).toEqual([one, three].sort());
    expect(feed.every((f) => f.actor_name === w.site.branding.displayName)).toBe(true);

    // The admin assigns the staff member to every task: told once, about the two new to them.
    await bulkUpdateTasks({ ctx: w.admin, input: { ids: [one, two, three, keep], assigneeId: w.staff.id } });
    const assigned = await noticesOf(w.tenant, 'task-assigned');
    expect(assigned).toEqual([
      { user_id: w.staff.id, title: 'You’re assigned to 2 tasks', link: '/admin/tasks' },
    ]);

    await bulkUpdateTasks({ ctx: w.admin, input: { ids: [one, keep], assigneeId: null } });
    expect(
      (await listTasks({ ctx: w.admin, input: { projectId: w.projectId, assigneeId: 'none' } })).items.map(
        (r) => r.title,
      ),
    ).toEqual(['Stays', 'One']);

    await expectCoreError(bulkUpdateTasks({ ctx: w.admin, input: { ids: [one] } }), 'validation', 'ids');
    await expectCoreError(bulkUpdateTasks({ ctx: w.admin, input: { ids: [] } }), 'validation', 'ids');
    await expectCoreError(
      bulkUpdateTasks({ ctx: w.admin, input: { ids: [one, randomUUID()], clientVisible: true } }),
      'not_found',
    );
    await expectCoreError(
      bulkUpdateTasks({ ctx: w.admin, input: { ids: [one], assigneeId: w.outsider.id } }),
      'validation',
      'assigneeId',
    );
    await expectCoreError(
      bulkUpdateTasks({ ctx: w.admin, input: { ids: [one], statusId: randomUUID() } }),
      'validation',
      'statusId',
    );
  });

  it('notices: clients are told once per action, assignees unless they assigned themselves', async () => {
    const w = await world();
    const invited = await addClient(w, { invited: true, name: 'Invited' });
    const noTasks = await addClient(w, { permissions: ['projects'], name: 'No tasks' });
    await addClient(w, { status: 'deactivated', name: 'Gone' });

    const first = await createTask({
      ctx: w.as(w.staff.actor),
      input: {
        projectId: w.projectId,
        title: 'Logo sketches',
        clientVisible: true,
        assigneeIds: [w.staff.id, w.tenant.admin.userId],
      },
    });
    const shared = await noticesOf(w.tenant, 'tasks-shared');
    expect(shared.map((n) => n.user_id).sort()).toEqual([w.tenant.client.userId, invited.id].sort());
    expect(shared.map((n) => n.user_id)).not.toContain(noTasks.id);
    expect(shared[0]?.title).toBe('New task on Brand refresh: Logo sketches');
    // Email only for the client who has signed up; the invited one hears in the bell.
    const emails = await outboxOf(w.tenant, 'tasks-shared');
    expect(emails.map((e) => e.user_id)).toEqual([w.tenant.client.userId]);
    expect(emails[0]?.vars).toMatchObject({
      projectName: 'Brand refresh',
      count: 1,
      tasks: [{ title: 'Logo sketches' }],
      projectUrl: `/projects/${w.projectId}`,
    });

    // The admin was assigned by the staff member; the staff member assigned themselves.
    const assigned = await noticesOf(w.tenant, 'task-assigned');
    expect(assigned).toEqual([
      {
        user_id: w.tenant.admin.userId,
        title: 'You’re assigned to Logo sketches',
        link: `/admin/tasks/${first.id}`,
      },
    ]);
    expect((await outboxOf(w.tenant, 'task-assigned'))[0]?.vars).toMatchObject({
      taskTitle: 'Logo sketches',
      projectName: 'Brand refresh',
      assignedByName: 'Sam Staff',
      taskUrl: `/admin/tasks/${first.id}`,
    });

    // Making an already-visible task visible again, or editing it, tells nobody again.
    await setTaskVisibility({ ctx: w.admin, input: { id: first.id, clientVisible: true } });
    await updateTask({
      ctx: w.admin,
      input: { id: first.id, clientVisible: true, title: 'Logo sketches v2' },
    });
    await updateTask({
      ctx: w.admin,
      input: { id: first.id, assigneeIds: [w.staff.id, w.tenant.admin.userId] },
    });
    expect(await noticesOf(w.tenant, 'tasks-shared')).toHaveLength(2);
    expect(await noticesOf(w.tenant, 'task-assigned')).toHaveLength(1);
    // Someone deactivated since stays assigned through an edit of the other fields, and can be taken off.
    await t.superuser(`update app.users set status = 'deactivated' where tenant_id = $1 and id = $2`, [
      w.tenant.id,
      w.staff.id,
    ]);
    await updateTask({
      ctx: w.admin,
      input: { id: first.id, priority: 'high', assigneeIds: [w.staff.id, w.tenant.admin.userId] },
    });
    await updateTask({ ctx: w.admin, input: { id: first.id, assigneeIds: [w.tenant.admin.userId] } });
    expect((await getTask({ ctx: w.admin, input: { id: first.id } })).assignees.map((a) => a.id)).toEqual([
      w.tenant.admin.userId,
    ]);
    await expectCoreError(
      updateTask({ ctx: w.admin, input: { id: first.id, assigneeIds: [w.staff.id] } }),
      'validation',
      'assigneeIds',
    );

    // Both emails render and go out with absolute links.
    w.core.mail.length = 0;
    await deliverQueued(w.core, [w.tenant.id]);
    const sent = w.core.mail.map((m) => ({ to: m.to, subject: m.subject, text: m.text }));
    const toClient = required(
      sent.find((m) => m.subject === 'A new task on Brand refresh'),
      'the tasks-shared email',
    );
    expect(toClient.text).toContain(`/projects/${w.projectId}`);
    expect(toClient.text).toContain('Logo sketches');
    expect(sent.map((m) => m.subject)).toContain('You’ve been assigned: Logo sketches'.replace('’', "'"));

    // An internal task made visible later is announced then; a hidden one never.
    const later = await createTask({ ctx: w.admin, input: { projectId: w.projectId, title: 'Later' } });
    expect(await noticesOf(w.tenant, 'tasks-shared')).toHaveLength(2);
    await updateTask({ ctx: w.admin, input: { id: later.id, clientVisible: true } });
    expect(await noticesOf(w.tenant, 'tasks-shared')).toHaveLength(4);
  });

  it('who can see a task, and why not', async () => {
    const w = await world();
    const invited = await addClient(w, { invited: true, name: 'Ivy Invited' });
    const noTasks = await addClient(w, { permissions: ['projects'], name: 'Nia NoTasks' });
    const noProjects = await addClient(w, { permissions: ['tasks.view'], name: 'Pat NoProjects' });
    const gone = await addClient(w, { status: 'deactivated', name: 'Gus Gone' });
    const { id } = await createTask({ ctx: w.admin, input: { projectId: w.projectId, title: 'Plan' } });

    const reasons = async () =>
      Object.fromEntries(
        (await taskAudience({ ctx: w.as(w.staff.actor), input: { id } })).clients.map((c) => [
          c.id,
          c.reason,
        ]),
      );
    expect(await reasons()).toEqual({
      [w.tenant.client.userId]: 'internal',
      [invited.id]: 'invited',
      [noTasks.id]: 'tasks_view_off',
      [noProjects.id]: 'projects_off',
      [gone.id]: 'deactivated',
    });
    await setTaskVisibility({ ctx: w.admin, input: { id, clientVisible: true } });
    const audience = await taskAudience({ ctx: w.admin, input: { id } });
    expect(audience.clients.find((c) => c.id === w.tenant.client.userId)).toMatchObject({
      canSee: true,
      reason: 'visible',
      companyName: `Client of ${w.tenant.slug}`,
    });
    await archiveTask({ ctx: w.admin, input: { id, archived: true } });
    expect((await reasons())[w.tenant.client.userId]).toBe('archived');
    await expectCoreError(taskAudience({ ctx: w.as(w.outsider.actor), input: { id } }), 'not_found');
  });

  it('lists filter, sort and page; "my tasks" spans projects', async () => {
    const w = await world();
    const today = w.core.clock.now().toISOString().slice(0, 10);
    const day = (offset: number) =>
      new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    const make = (title: string, extra: Record<string, unknown> = {}) =>
      createTask({ ctx: w.admin, input: { projectId: w.projectId, title, ...extra } });
    await make('Overdue', { dueDate: day(-2), priority: 'urgent', assigneeIds: [w.staff.id] });
    await make('Overdue but done', { dueDate: day(-2), statusId: w.columns.done });
    await make('Today', { dueDate: today, priority: 'low', clientVisible: true });
    await make('Next week', { dueDate: day(5), priority: 'medium' });
    await make('Someday', { priority: 'high', clientVisible: true });
    // A task on the fixture's project, also assigned to the staff member (who is added there).
    await t.superuser('insert into app.project_staff (tenant_id, project_id, user_id) values ($1, $2, $3)', [
      w.tenant.id,
      w.tenant.projectId,
      w.staff.id,
    ]);
    await createTask({
      ctx: w.admin,
      input: { projectId: w.tenant.projectId, title: 'Elsewhere', assigneeIds: [w.staff.id] },
    });

    const titles = async (input: Parameters<typeof listTasks>[0]['input']) =>
      (await listTasks({ ctx: w.admin, input })).items.map((r) => r.title);
    const p = w.projectId;
    expect(await titles({ projectId: p, due: 'overdue' })).toEqual(['Overdue']);
    expect(await titles({ projectId: p, due: 'today' })).toEqual(['Today']);
    expect(await titles({ projectId: p, due: 'week', sort: 'due' })).toEqual(['Today', 'Next week']);
    expect(await titles({ projectId: p, due: 'none' })).toEqual(['Someday']);
    expect(await titles({ projectId: p, visibility: 'client', sort: 'title' })).toEqual(['Someday', 'Today']);
    expect(await titles({ projectId: p, priorities: ['urgent', 'high'], sort: 'priority' })).toEqual([
      'Overdue',
      'Someday',
    ]);
    expect(await titles({ projectId: p, priorities: 'low' })).toEqual(['Today']);
    expect(await titles({ projectId: p, q: 'DAY' })).toEqual(['Today', 'Someday']);
    expect(await titles({ projectId: p, q: '%' })).toEqual([]);
    expect(await titles({ projectId: p, sort: 'title', dir: 'desc' })).toEqual([
      'Today',
      'Someday',
      'Overdue but done',
      'Overdue',
      'Next week',
    ]);
    expect(await titles({ projectId: p, statusIds: w.columns.done })).toEqual(['Overdue but done']);
    expect(await titles({ projectId: p, assigneeId: w.staff.id })).toEqual(['Overdue']);
    expect(await titles({ projectId: p, milestoneId: 'none', sort: 'due' })).toHaveLength(5);
    const mine = await listTasks({ ctx: w.as(w.staff.actor), input: { mine: true } });
    expect(mine.items.map((r) => [r.projectName, r.title])).toEqual([
      ['Brand refresh', 'Overdue'],
      ['Website', 'Elsewhere'],
    ]);
    expect(mine).toMatchObject({ page: 1, pages: 1, total: 2 });

    for (let i = 0; i < 48; i++) await make(`Bulk ${String(i).padStart(2, '0')}`);
    const page2 = await listTasks({ ctx: w.admin, input: { projectId: p, page: 2 } });
    expect(page2).toMatchObject({ page: 2, pages: 2, total: 53 });
    expect(page2.items).toHaveLength(3);
    expect(
      await listTasks({ ctx: w.admin, input: { projectId: p, page: '9' as unknown as number } }),
    ).toMatchObject({
      items: [],
      total: 53,
      pages: 2,
    });
  });

  it('form options: the columns, the project’s milestones and who can be assigned', async () => {
    const w = await world();
    await addUser(t, w.tenant, { role: 'staff', name: 'Dee Deactivated', status: 'deactivated' });
    const milestone = randomUUID();
    await t.superuser(
      'insert into app.milestones (tenant_id, id, project_id, name) values ($1, $2, $3, $4)',
      [w.tenant.id, milestone, w.projectId, 'Launch'],
    );
    await t.superuser(
      'update app.projects set tasks_visible_by_default = true where tenant_id = $1 and id = $2',
      [w.tenant.id, w.projectId],
    );
    const options = await taskFormOptions({ ctx: w.as(w.staff.actor), input: { projectId: w.projectId } });
    expect(options.statuses.map((s) => s.kind)).toEqual(['todo', 'in_progress', 'review', 'done']);
    expect(options.milestones).toEqual([{ id: milestone, name: 'Launch' }]);
    expect(options.team.map((p) => p.name)).toEqual(['Admin', 'Sam Staff']);
    expect(options.defaultVisible).toBe(true);
    // The project's default applies to new tasks; the milestone belongs to this project.
    const { id } = await createTask({
      ctx: w.admin,
      input: { projectId: w.projectId, title: 'Default', milestoneId: milestone },
    });
    expect(await getTask({ ctx: w.admin, input: { id } })).toMatchObject({
      clientVisible: true,
      milestoneName: 'Launch',
    });
    await expectCoreError(
      createTask({
        ctx: w.admin,
        input: { projectId: w.tenant.projectId, title: 'X', milestoneId: milestone },
      }),
      'validation',
      'milestoneId',
    );
  });

  it('preview as client reads the client’s tasks and changes nothing', async () => {
    const w = await world();
    const { id } = await createTask({
      ctx: w.admin,
      input: { projectId: w.projectId, title: 'Visible', clientVisible: true },
    });
    const preview = createCtx(w.core.deps, {
      actor: w.tenant.client,
      site: w.site,
      previewBy: w.tenant.admin.userId,
    });
    expect(
      (await listClientTasks({ ctx: preview, input: { projectId: w.projectId } })).map((c) => c.id),
    ).toEqual([id]);
    expect((await getClientTask({ ctx: preview, input: { id } })).title).toBe('Visible');
    const adminPreview = createCtx(w.core.deps, {
      actor: w.tenant.admin,
      site: w.site,
      previewBy: w.tenant.admin.userId,
    });
    for (const attempt of [
      () => createTask({ ctx: preview, input: { projectId: w.projectId, title: 'No' } }),
      () => setTaskVisibility({ ctx: preview, input: { id, clientVisible: false } }),
      () => moveTask({ ctx: adminPreview, input: { id, statusId: w.columns.done, index: 0 } }),
      () => deleteTask({ ctx: adminPreview, input: { id } }),
    ]) {
      const error = await expectCoreError(attempt(), 'forbidden');
      expect(error.message).toContain('preview');
    }
    expect((await getTask({ ctx: w.admin, input: { id } })).clientVisible).toBe(true);
  });

  it('bad input is a field error or not_found, never a 500', async () => {
    const w = await world();
    const { id } = await createTask({ ctx: w.admin, input: { projectId: w.projectId, title: 'Fine' } });
    const other = await createTenant(t);
    const cases: [() => Promise<unknown>, 'validation' | 'not_found', string?][] = [
      [
        () => createTask({ ctx: w.admin, input: { projectId: w.projectId, title: '' } }),
        'validation',
        'title',
      ],
      [
        () => createTask({ ctx: w.admin, input: { projectId: w.projectId, title: '   ' } }),
        'validation',
        'title',
      ],
      [
        () => createTask({ ctx: w.admin, input: { projectId: w.projectId, title: 'x'.repeat(301) } }),
        'validation',
        'title',
      ],
      [
        () =>
          createTask({
            ctx: w.admin,
            input: { projectId: w.projectId, title: 'T', description: 'x'.repeat(20_001) },
          }),
        'validation',
        'description',
      ],
      [
        () => createTask({ ctx: w.admin, input: { projectId: 'nope', title: 'T' } }),
        'validation',
        'projectId',
      ],
      [() => createTask({ ctx: w.admin, input: { projectId: randomUUID(), title: 'T' } }), 'not_found'],
      [() => createTask({ ctx: w.admin, input: { projectId: other.projectId, title: 'T' } }), 'not_found'],
      [
        () =>
          createTask({
            ctx: w.admin,
            input: { projectId: w.projectId, title: 'T', statusId: other.statusId },
          }),
        'validation',
        'statusId',
      ],
      [
        () =>
          createTask({
            ctx: w.admin,
            input: { projectId: w.projectId, title: 'T', priority: 'asap' as 'low' },
          }),
        'validation',
        'priority',
      ],
      [
        () =>
          createTask({ ctx: w.admin, input: { projectId: w.projectId, title: 'T', dueDate: '2026-02-30' } }),
        'validation',
        'dueDate',
      ],
      [
        () =>
          createTask({
            ctx: w.admin,
            input: { projectId: w.projectId, title: 'T', assigneeIds: [w.outsider.id] },
          }),
        'validation',
        'assigneeIds',
      ],
      [
        () =>
          createTask({
            ctx: w.admin,
            input: { projectId: w.projectId, title: 'T', assigneeIds: [w.tenant.client.userId] },
          }),
        'validation',
        'assigneeIds',
      ],
      [
        () =>
          createTask({
            ctx: w.admin,
            input: { projectId: w.projectId, title: 'T', assigneeIds: [other.admin.userId] },
          }),
        'validation',
        'assigneeIds',
      ],
      [
        () =>
          createTask({
            ctx: w.admin,
            input: { projectId: w.projectId, title: 'T', milestoneId: randomUUID() },
          }),
        'validation',
        'milestoneId',
      ],
      [() => updateTask({ ctx: w.admin, input: { id, title: 'a\u0000b' } }), 'validation', 'title'],
      [() => updateTask({ ctx: w.admin, input: { id, statusId: randomUUID() } }), 'validation', 'statusId'],
      [() => updateTask({ ctx: w.admin, input: { id: randomUUID(), title: 'X' } }), 'not_found'],
      [() => updateTask({ ctx: w.admin, input: { id: 'x', title: 'X' } }), 'validation', 'id'],
      [
        () => moveTask({ ctx: w.admin, input: { id, statusId: w.columns.done, index: -1 } }),
        'validation',
        'index',
      ],
      [
        () =>
          moveTask({
            ctx: w.admin,
            input: { id, statusId: w.columns.done, index: 'first' as unknown as number },
          }),
        'validation',
        'index',
      ],
      [
        () => moveTask({ ctx: w.admin, input: { id, statusId: other.statusId, index: 0 } }),
        'validation',
        'statusId',
      ],
      [() => getTask({ ctx: w.admin, input: { id: 'not-a-uuid' } }), 'validation', 'id'],
      [() => taskAudience({ ctx: w.admin, input: { id: randomUUID() } }), 'not_found'],
      [() => listTasks({ ctx: w.admin, input: { sort: 'random' as 'due' } }), 'validation', 'sort'],
      [() => listTasks({ ctx: w.admin, input: { page: 0 } }), 'validation', 'page'],
      [() => listTasks({ ctx: w.admin, input: { projectId: randomUUID() } }), 'not_found'],
      [() => getClientTask({ ctx: w.client, input: { id: 'x' } }), 'validation', 'id'],
      [() => taskFormOptions({ ctx: w.admin, input: { projectId: randomUUID() } }), 'not_found'],
    ];
    for (const [attempt, code, field] of cases) await expectCoreError(attempt(), code, field);
    // Nothing was written by any of them.
    expect((await activityOf(t, w.tenant.id)).map((a) => a.verb)).toEqual(['task.create']);
  });
});
