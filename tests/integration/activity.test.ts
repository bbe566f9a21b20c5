import { afterCommit, type CoreError, inviteMember, listTeam, record, transact } from '@foyer/core';
import { schema, sql, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, required } from '../support/assert';
import { activityOf, addUser, clientInfo, expectCoreError, siteOf, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase, txRows } from '../support/databases';
import { createTenant } from '../support/tenants';

/**
 * The activity log and the context verbs compose in: one entry per action, written in the
 * action's own transaction by the outermost verb; effects after COMMIT only; admins alone read it.
 */

class Boom extends Error {}

describe.each(drivers)('activity on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  it('an action leaves exactly one entry, with who, what, from where', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const client = clientInfo('198.18.7.9', 'Firefox/140');
    const invitation = await inviteMember({
      ctx: core.as(tenant.admin, siteOf(tenant), client),
      input: { email: `kim@${tenant.slug}.test`, role: 'staff' },
    });
    const entries = await activityOf(t, tenant.id);
    expect(entries).toEqual([
      {
        verb: 'team.invite',
        actor_kind: 'admin',
        actor_id: tenant.admin.userId,
        subject_type: 'invitation',
        subject_id: invitation.id,
        ip: '198.18.7.9',
        user_agent: 'Firefox/140',
        data: { email: `kim@${tenant.slug}.test`, role: 'staff' },
      },
    ]);
    // Reading records nothing.
    await listTeam({ ctx: core.as(tenant.admin) });
    expect(await activityOf(t, tenant.id)).toHaveLength(1);
  });

  it('a refused action and a rolled-back transaction leave no entry', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    await expectCoreError(
      inviteMember({ ctx: core.as(tenant.admin, siteOf(tenant)), input: { email: 'nope', role: 'staff' } }),
      'validation',
    );
    // Recorded, then the transaction fails: the entry goes with it.
    await expect(
      transact(core.as(tenant.admin), async (ctx) => {
        await record(ctx, { verb: 'test.rolled_back' });
        throw new Boom();
      }),
    ).rejects.toBeInstanceOf(Boom);
    expect(await activityOf(t, tenant.id)).toEqual([]);
  });

  it('verbs called by a verb share its transaction: one commit, one entry, or nothing at all', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const ctx = core.as(tenant.admin, siteOf(tenant));
    const email = `lee@${tenant.slug}.test`;
    await transact(ctx, async (ctx) => {
      await inviteMember({ ctx, input: { email, role: 'staff' } });
      await record(ctx, { verb: 'test.outer', data: { invited: email } });
    });
    expect((await activityOf(t, tenant.id)).map((entry) => entry.verb)).toEqual(['test.outer']);
    expect((await listTeam({ ctx })).invitations.map((i) => i.email)).toContain(email);

    // The outer work fails after the inner verb did its part: neither the invitation nor its
    // email nor any entry remains.
    const other = `max@${tenant.slug}.test`;
    await expect(
      transact(ctx, async (ctx) => {
        await inviteMember({ ctx, input: { email: other, role: 'staff' } });
        throw new Boom();
      }),
    ).rejects.toBeInstanceOf(Boom);
    expect((await listTeam({ ctx })).invitations.map((i) => i.email)).not.toContain(other);
    const outbox = await t.superuser(`select 1 from app.outbox where tenant_id = $1 and to_address = $2`, [
      tenant.id,
      other,
    ]);
    expect(outbox).toEqual([]);
    expect(await activityOf(t, tenant.id)).toHaveLength(1);
  });

  it('effects queued with afterCommit run after COMMIT, and never after a rollback', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const ctx = core.as(tenant.admin);
    const seen: string[] = [];
    await transact(ctx, async (ctx) => {
      afterCommit(ctx, () => seen.push('outer'));
      await transact(ctx, async (inner) => {
        afterCommit(inner, () => seen.push('inner'));
      });
      // Not yet: the transaction is still open.
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['outer', 'inner']);

    await expect(
      transact(ctx, async (ctx) => {
        afterCommit(ctx, () => seen.push('rolled back'));
        throw new Boom();
      }),
    ).rejects.toBeInstanceOf(Boom);
    expect(seen).toEqual(['outer', 'inner']);
  });

  it('only admins read the log; nobody changes it; nobody records in another name', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const staff = await addUser(t, tenant, { role: 'staff' });
    await transact(core.as(tenant.admin), (ctx) => record(ctx, { verb: 'test.entry' }));

    const read = (actor: Parameters<typeof withActor>[1]) =>
      withActor(t.handle.db, actor, (tx) => txRows<{ verb: string }>(tx, sql`select verb from app.activity`));
    expect((await read(tenant.admin)).map((row) => row.verb)).toContain('test.entry');
    expect(await read(staff.actor)).toEqual([]);
    await expectPermissionDenied(read(tenant.client));

    await expectPermissionDenied(
      withActor(t.handle.db, tenant.admin, (tx) =>
        tx.execute(sql`update app.activity set verb = 'test.forged'`),
      ),
    );
    await expectPermissionDenied(
      withActor(t.handle.db, tenant.admin, (tx) => tx.execute(sql`delete from app.activity`)),
    );
    // An entry in someone else's name, or as another kind of actor, is refused by the wall.
    const forge = (values: Partial<typeof schema.activity.$inferInsert>) =>
      withActor(t.handle.db, staff.actor, (tx) =>
        tx
          .insert(schema.activity)
          .values({ tenantId: tenant.id, actorKind: 'staff', verb: 'test.forged', ...values }),
      );
    await expect(forge({ actorId: tenant.admin.userId })).rejects.toThrow();
    await expect(forge({ actorKind: 'admin', actorId: staff.id })).rejects.toThrow();
    await forge({ actorId: staff.id });
    expect((await activityOf(t, tenant.id, 'test.forged')).map((row) => row.actor_id)).toEqual([staff.id]);
  });

  it('a verb refuses the wrong actor before it touches the database', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const error = await inviteMember({
      ctx: core.as(tenant.client, siteOf(tenant)),
      input: { email: `x@${tenant.slug}.test`, role: 'staff' },
    }).catch((e: unknown) => e);
    expect(required(error as CoreError, 'the refusal').code).toBe('forbidden');
    expect(await activityOf(t, tenant.id)).toEqual([]);
  });
});
