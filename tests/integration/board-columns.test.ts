import { randomUUID } from 'node:crypto';
import {
  addStatus,
  DEFAULT_BOARD,
  deleteStatus,
  getWorkSettings,
  listStatuses,
  moveStatus,
  renameStatus,
  updateWorkSettings,
} from '@foyer/core';
import { sql, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import { activityOf, addUser, expectCoreError, siteOf, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase, txRows } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * The board's columns, an admin's to shape: rename, add, reorder, delete. Every kind keeps a
 * column; a column's tasks leave it only for another column, after that column's own tasks.
 */
describe.each(drivers)('board columns on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  /** A tenant with the default board (the fixture's own single column stays first). */
  async function boardTenant() {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const ids: Record<string, string> = { todo: tenant.statusId };
    for (const column of DEFAULT_BOARD.slice(1)) {
      ids[column.kind] = (
        await addStatus({ ctx: admin, input: { name: column.name, kind: column.kind } })
      ).id;
    }
    return { core, tenant, admin, ids };
  }

  async function task(
    tenant: TenantFixture,
    statusId: string,
    position: number,
    projectId = tenant.projectId,
  ) {
    const id = randomUUID();
    await t.superuser(
      `insert into app.tasks (tenant_id, id, project_id, status_id, title, position)
       values ($1, $2, $3, $4, $5, $6)`,
      [tenant.id, id, projectId, statusId, `Task ${position}`, position],
    );
    return id;
  }

  const columnOf = async (tenant: TenantFixture, taskId: string) =>
    required(
      (
        await t.superuser<{ status_id: string; position: number }>(
          'select status_id::text, position from app.tasks where tenant_id = $1 and id = $2',
          [tenant.id, taskId],
        )
      )[0],
      'the task',
    );

  it('an admin renames, adds and reorders columns; each change is one activity entry', async () => {
    const { tenant, admin, ids } = await boardTenant();
    const todo = required(ids.todo, 'todo');
    await task(tenant, todo, 1);

    let board = await listStatuses({ ctx: admin });
    expect(board.map((c) => [c.name, c.kind, c.position])).toEqual([
      ['To do', 'todo', 0],
      ['In progress', 'in_progress', 1],
      ['In review', 'review', 2],
      ['Done', 'done', 3],
    ]);
    // The fixture's task and the one above.
    expect(board[0]?.taskCount).toBe(2);

    await renameStatus({ ctx: admin, input: { id: todo, name: '  Backlog  ' } });
    // Its own name in another case is fine; another column's name is taken, whatever its case.
    await renameStatus({ ctx: admin, input: { id: todo, name: 'BACKLOG' } });
    await expectCoreError(
      renameStatus({ ctx: admin, input: { id: todo, name: 'done' } }),
      'validation',
      'name',
    );
    await expectCoreError(
      addStatus({ ctx: admin, input: { name: 'In Review', kind: 'review' } }),
      'validation',
      'name',
    );
    const qa = await addStatus({ ctx: admin, input: { name: 'QA', kind: 'review' } });
    await moveStatus({ ctx: admin, input: { id: qa.id, index: 2 } });
    board = await listStatuses({ ctx: admin });
    expect(board.map((c) => `${c.name}:${c.position}`)).toEqual([
      'BACKLOG:0',
      'In progress:1',
      'QA:2',
      'In review:3',
      'Done:4',
    ]);
    await moveStatus({ ctx: admin, input: { id: todo, index: 4 } });
    expect((await listStatuses({ ctx: admin })).map((c) => c.name)).toEqual([
      'In progress',
      'QA',
      'In review',
      'Done',
      'BACKLOG',
    ]);
    await expectCoreError(moveStatus({ ctx: admin, input: { id: todo, index: 5 } }), 'validation', 'index');

    const verbs = (await activityOf(t, tenant.id)).map((a) => a.verb);
    expect(verbs).toEqual([
      'board.add_column',
      'board.add_column',
      'board.add_column',
      'board.rename_column',
      'board.rename_column',
      'board.add_column',
      'board.move_column',
      'board.move_column',
    ]);
  });

  it('every kind keeps a column; a column with tasks goes only by moving them, after the others', async () => {
    const { tenant, admin, ids } = await boardTenant();
    const todo = required(ids.todo, 'todo');
    const doing = required(ids.in_progress, 'in progress');
    const done = required(ids.done, 'done');

    // The only column of its kind stays.
    const only = await expectCoreError(deleteStatus({ ctx: admin, input: { id: done } }), 'conflict');
    expect(only.message).toContain('only column of its kind');

    // An empty column goes at once; the rest close up.
    const spare = await addStatus({ ctx: admin, input: { name: 'Spare', kind: 'todo' } });
    await moveStatus({ ctx: admin, input: { id: spare.id, index: 1 } });
    expect(await deleteStatus({ ctx: admin, input: { id: spare.id } })).toEqual({ moved: 0 });
    expect((await listStatuses({ ctx: admin })).map((c) => c.position)).toEqual([0, 1, 2, 3]);

    // A second to-do column with tasks in two projects.
    const later = await addStatus({ ctx: admin, input: { name: 'Later', kind: 'todo' } });
    const [second] = await t.superuser<{ id: string }>(
      `insert into app.projects (tenant_id, name) values ($1, 'Second') returning id::text`,
      [tenant.id],
    );
    const otherProject = required(second, 'second project').id;
    const l0 = await task(tenant, later.id, 0);
    const l1 = await task(tenant, later.id, 1);
    const l2 = await task(tenant, later.id, 0, otherProject);
    const d0 = await task(tenant, doing, 0);

    // Without a place for its tasks, or with itself as the place: a field error, nothing changed.
    const refusal = await expectCoreError(
      deleteStatus({ ctx: admin, input: { id: later.id } }),
      'validation',
      'moveTo',
    );
    expect(refusal.fields.moveTo).toContain('3 tasks');
    await expectCoreError(
      deleteStatus({ ctx: admin, input: { id: later.id, moveTo: later.id } }),
      'validation',
      'moveTo',
    );
    await expectCoreError(
      deleteStatus({ ctx: admin, input: { id: later.id, moveTo: randomUUID() } }),
      'validation',
      'moveTo',
    );
    await expectCoreError(
      deleteStatus({ ctx: admin, input: { id: later.id, moveTo: 'x' } }),
      'validation',
      'moveTo',
    );

    // Moved into "In progress": after its task in the first project, in their order; first in the other.
    expect(await deleteStatus({ ctx: admin, input: { id: later.id, moveTo: doing } })).toEqual({ moved: 3 });
    expect(await columnOf(tenant, d0)).toEqual({ status_id: doing, position: 0 });
    expect(await columnOf(tenant, l0)).toEqual({ status_id: doing, position: 1 });
    expect(await columnOf(tenant, l1)).toEqual({ status_id: doing, position: 2 });
    expect(await columnOf(tenant, l2)).toEqual({ status_id: doing, position: 0 });
    const board = await listStatuses({ ctx: admin });
    expect(board.map((c) => c.name)).toEqual(['To do', 'In progress', 'In review', 'Done']);
    expect(board.find((c) => c.id === doing)?.taskCount).toBe(4);
    expect(board.find((c) => c.id === todo)?.taskCount).toBe(1);

    const entry = required((await activityOf(t, tenant.id, 'board.delete_column')).at(-1), 'the entry');
    expect(entry.data).toMatchObject({ name: 'Later', kind: 'todo', moved: 3, movedTo: doing });
    await expectCoreError(deleteStatus({ ctx: admin, input: { id: later.id } }), 'not_found');
  });

  it('only admins shape the board and change the work settings; bad input is a field error', async () => {
    const { core, tenant, admin, ids } = await boardTenant();
    const other = await createTenant(t);
    const site = siteOf(tenant);
    const todo = required(ids.todo, 'todo');
    const staff = await addUser(t, tenant, { role: 'staff' });
    const asStaff = core.as(staff.actor, site);
    const asClient = core.as(tenant.client, site);
    for (const ctx of [asStaff, asClient]) {
      await expectCoreError(listStatuses({ ctx }), 'forbidden');
      await expectCoreError(renameStatus({ ctx, input: { id: todo, name: 'X' } }), 'forbidden');
      await expectCoreError(addStatus({ ctx, input: { name: 'X', kind: 'todo' } }), 'forbidden');
      await expectCoreError(moveStatus({ ctx, input: { id: todo, index: 1 } }), 'forbidden');
      await expectCoreError(deleteStatus({ ctx, input: { id: todo } }), 'forbidden');
      await expectCoreError(getWorkSettings({ ctx }), 'forbidden');
      await expectCoreError(updateWorkSettings({ ctx, input: { clientsSeeAssignees: true } }), 'forbidden');
    }
    // Nor by the database: staff change no column.
    const renamed = await withActor(t.handle.db, staff.actor, (tx) =>
      txRows(tx, sql`update app.task_statuses set name = 'Hacked' where id = ${todo}::uuid returning id`),
    ).catch(() => 'refused');
    expect(renamed === 'refused' || (Array.isArray(renamed) && renamed.length === 0)).toBe(true);

    // Another tenant's admin finds nothing.
    const otherAdmin = core.as(other.admin, siteOf(other));
    await expectCoreError(renameStatus({ ctx: otherAdmin, input: { id: todo, name: 'X' } }), 'not_found');
    await expectCoreError(deleteStatus({ ctx: otherAdmin, input: { id: todo } }), 'not_found');

    await expectCoreError(renameStatus({ ctx: admin, input: { id: todo, name: '' } }), 'validation', 'name');
    await expectCoreError(
      renameStatus({ ctx: admin, input: { id: todo, name: 'x'.repeat(41) } }),
      'validation',
      'name',
    );
    await expectCoreError(renameStatus({ ctx: admin, input: { id: 'nope', name: 'X' } }), 'validation', 'id');
    await expectCoreError(renameStatus({ ctx: admin, input: { id: randomUUID(), name: 'X' } }), 'not_found');
    await expectCoreError(
      addStatus({ ctx: admin, input: { name: 'X', kind: 'blocked' as 'todo' } }),
      'validation',
      'kind',
    );
    await expectCoreError(
      addStatus({ ctx: admin, input: { name: '\u0007', kind: 'todo' } }),
      'validation',
      'name',
    );
    await expectCoreError(moveStatus({ ctx: admin, input: { id: todo, index: -1 } }), 'validation', 'index');
    await expectCoreError(moveStatus({ ctx: admin, input: { id: todo, index: 1.5 } }), 'validation', 'index');
    await expectCoreError(
      updateWorkSettings({ ctx: admin, input: { clientsSeeAssignees: 'yes' as unknown as boolean } }),
      'validation',
      'clientsSeeAssignees',
    );
    expect((await listStatuses({ ctx: admin })).map((c) => c.name)).toEqual([
      'To do',
      'In progress',
      'In review',
      'Done',
    ]);
  });

  it('work settings: clients see assignees only once an admin turns it on', async () => {
    const { tenant, admin } = await boardTenant();
    expect(await getWorkSettings({ ctx: admin })).toEqual({ clientsSeeAssignees: false });
    await t.superuser(
      `insert into app.task_assignees (tenant_id, task_id, user_id, name) values ($1, $2, $3, 'Admin')
       on conflict do nothing`,
      [tenant.id, tenant.taskId, tenant.admin.userId],
    );
    const assigneesSeen = () =>
      withActor(t.handle.db, tenant.client, (tx) =>
        txRows<{ name: string }>(tx, sql`select name from app.task_assignees`),
      );
    expect(await assigneesSeen()).toEqual([]);

    expect(await updateWorkSettings({ ctx: admin, input: { clientsSeeAssignees: true } })).toEqual({
      clientsSeeAssignees: true,
    });
    expect(await getWorkSettings({ ctx: admin })).toEqual({ clientsSeeAssignees: true });
    expect(await assigneesSeen()).toEqual([{ name: 'Admin' }]);
    await updateWorkSettings({ ctx: admin, input: { clientsSeeAssignees: false } });
    expect(await assigneesSeen()).toEqual([]);

    const entries = await activityOf(t, tenant.id, 'work_settings.update');
    expect(entries.map((e) => e.data)).toEqual([
      { clientsSeeAssignees: { from: false, to: true } },
      { clientsSeeAssignees: { from: true, to: false } },
    ]);
  });
});
