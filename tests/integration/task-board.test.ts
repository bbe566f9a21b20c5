import { randomUUID } from 'node:crypto';
import { archiveTask, createTask, deleteTask, moveTask } from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import { addUser, siteOf, testCore } from '../support/auth';
import { drivers, itOnPostgres, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant } from '../support/tenants';

/**
 * Board order under concurrent moves: positions stay 0..n-1 per (project, column), with no card
 * doubled or lost. PGlite runs one connection and one transaction at a time, so the race itself
 * is tested on PostgreSQL only; the sequential case runs on both.
 */

describe.each(drivers)('the task board on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    // Enough connections that two people's moves really run side by side.
    t = await openTestDatabase(driver, { max: 8 });
  });
  afterAll(() => t.close());

  async function board(cards: number) {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const doing = randomUUID();
    await t.superuser(
      `insert into app.task_statuses (tenant_id, id, name, kind, position) values ($1, $2, 'In progress', 'in_progress', 1)`,
      [tenant.id, doing],
    );
    const staff = await addUser(t, tenant, { role: 'staff', name: 'Sam' });
    await t.superuser('insert into app.project_staff (tenant_id, project_id, user_id) values ($1, $2, $3)', [
      tenant.id,
      tenant.projectId,
      staff.id,
    ]);
    // The fixture's own task is in the first column already, at position 0.
    const ids = [tenant.taskId];
    const admin = core.as(tenant.admin, site);
    for (let i = 1; i < cards; i++)
      ids.push(
        (await createTask({ ctx: admin, input: { projectId: tenant.projectId, title: `Card ${i}` } })).id,
      );
    return { tenant, admin, staff: core.as(staff.actor, site), todo: tenant.statusId, doing, ids };
  }

  const columns = (tenantId: string, projectId: string) =>
    t.superuser<{ status_id: string; ids: string[]; positions: number[] }>(
      `select status_id::text, array_agg(id::text order by position) as ids, array_agg(position order by position) as positions
         from app.tasks where tenant_id = $1 and project_id = $2 and archived_at is null
        group by status_id`,
      [tenantId, projectId],
    );

  /** Every column numbered 0..n-1, and every card exactly once across them. */
  async function expectConsistent(tenantId: string, projectId: string, ids: readonly string[]) {
    const found = await columns(tenantId, projectId);
    for (const column of found) expect(column.positions).toEqual(column.positions.map((_, i) => i));
    expect(found.flatMap((c) => c.ids).sort()).toEqual([...ids].sort());
  }

  it('moves, archiving and deleting one after another keep columns dense', async () => {
    const b = await board(6);
    const pick = (i: number) => required(b.ids[i], `card ${i}`);
    await moveTask({ ctx: b.admin, input: { id: pick(5), statusId: b.todo, index: 0 } });
    await moveTask({ ctx: b.staff, input: { id: pick(0), statusId: b.doing, index: 0 } });
    await moveTask({ ctx: b.staff, input: { id: pick(3), statusId: b.doing, index: 0 } });
    await archiveTask({ ctx: b.admin, input: { id: pick(2), archived: true } });
    await deleteTask({ ctx: b.admin, input: { id: pick(1) } });
    await expectConsistent(b.tenant.id, b.tenant.projectId, [pick(0), pick(3), pick(4), pick(5)]);
    const found = await columns(b.tenant.id, b.tenant.projectId);
    expect(found.find((c) => c.status_id === b.todo)?.ids).toEqual([pick(5), pick(4)]);
    expect(found.find((c) => c.status_id === b.doing)?.ids).toEqual([pick(3), pick(0)]);
  });

  itOnPostgres(
    driver,
    'two people moving cards in one column at once end with a consistent order',
    async () => {
      const b = await board(12);
      // 20 moves from two people, all started together: within the column and across columns.
      const moves = Array.from({ length: 20 }, (_, i) => {
        const ctx = i % 2 === 0 ? b.admin : b.staff;
        const id = required(b.ids[(i * 5) % b.ids.length], 'a card');
        const statusId = i % 3 === 0 ? b.doing : b.todo;
        return moveTask({ ctx, input: { id, statusId, index: (i * 7) % 9 } });
      });
      await Promise.all(moves);
      await expectConsistent(b.tenant.id, b.tenant.projectId, b.ids);

      // And again, every move within one column.
      const inColumn = Array.from({ length: 20 }, (_, i) =>
        moveTask({
          ctx: i % 2 === 0 ? b.admin : b.staff,
          input: {
            id: required(b.ids[(i * 7) % b.ids.length], 'a card'),
            statusId: b.todo,
            index: (i * 3) % 12,
          },
        }),
      );
      await Promise.all(inColumn);
      await expectConsistent(b.tenant.id, b.tenant.projectId, b.ids);
    },
    60_000,
  );

  itOnPostgres(
    driver,
    'cards created and moved at the same time all find a place',
    async () => {
      const b = await board(4);
      const created: Promise<{ id: string }>[] = [];
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 10; i++) {
        const p = createTask({
          ctx: i % 2 ? b.admin : b.staff,
          input: { projectId: b.tenant.projectId, title: `New ${i}` },
        });
        created.push(p);
        work.push(p);
        work.push(
          moveTask({
            ctx: i % 2 ? b.staff : b.admin,
            input: {
              id: required(b.ids[i % b.ids.length], 'a card'),
              statusId: i % 2 ? b.doing : b.todo,
              index: 0,
            },
          }),
        );
      }
      await Promise.all(work);
      const all = [...b.ids, ...(await Promise.all(created)).map((c) => c.id)];
      await expectConsistent(b.tenant.id, b.tenant.projectId, all);
    },
    60_000,
  );
});
