import {
  acceptInvitation,
  changeRole,
  endMemberSessions,
  invitationForToken,
  invitationLink,
  inviteMember,
  listTeam,
  resolveSession,
  revokeInvitation,
  setMemberActive,
} from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import {
  addUser,
  clientInfo,
  coreError,
  countAs,
  deliverQueued,
  expectCoreError,
  linkFromMail,
  siteOf,
  TEST_PASSWORD,
  tenantOrigin,
  testCore,
} from '../support/auth';
import { drivers, itOnPostgres, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, insertTenant } from '../support/tenants';

/**
 * The admin's team panel: invitations by email, roles, deactivation, and the rule that a
 * workspace always keeps an active admin, also when two admins act at the same moment.
 */

describe.each(drivers)('team on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    // Concurrent demotions need two connections at once.
    t = await openTestDatabase(driver, { max: 4 });
  });
  afterAll(() => t.close());

  const activeAdmins = (tenantId: string) =>
    countAs(t, `select 1 from app.users where tenant_id = $1 and role = 'admin' and status = 'active'`, [
      tenantId,
    ]);

  it('an admin invites by email; the link creates a signed-in staff member once', async () => {
    const core = testCore(t);
    const { mail } = core;
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const email = `Sam.Reyes@${tenant.slug}.test`;

    const pending = await inviteMember({ ctx: core.as(tenant.admin, site), input: { email, role: 'staff' } });
    expect(pending).toMatchObject({ email, role: 'staff' });
    await deliverQueued(core, [tenant.id]);
    const sent = required(mail[0], 'the invitation');
    expect(sent.subject).toContain(site.branding.displayName);
    const { url, token } = linkFromMail(mail, email, '/invite');
    expect(url.origin).toBe(tenantOrigin(tenant.slug));
    expect(await invitationForToken({ ctx: core.visitor(site), input: { token } })).toMatchObject({
      email,
      role: 'staff',
    });
    expect(
      await invitationForToken({ ctx: core.visitor(siteOf(await insertTenant(t))), input: { token } }),
    ).toBeNull();
    expect((await listTeam({ ctx: core.as(tenant.admin) })).invitations.map((i) => i.email)).toContain(email);

    // A weak password is refused without using the invitation up.
    await expectCoreError(
      acceptInvitation({
        ctx: core.visitor(site, clientInfo()),
        input: { token, name: 'Sam Reyes', password: 'password123' },
      }),
      'validation',
      'password',
    );
    await expectCoreError(
      acceptInvitation({
        ctx: core.visitor(site, clientInfo()),
        input: { token, name: '', password: TEST_PASSWORD },
      }),
      'validation',
      'name',
    );

    const accepted = await acceptInvitation({
      ctx: core.visitor(site, clientInfo()),
      input: { token, name: 'Sam Reyes', password: TEST_PASSWORD },
    });
    expect(accepted.actor.kind).toBe('staff');
    const session = required(
      await resolveSession({ ctx: core.visitor(siteOf(tenant)), input: { token: accepted.token } }),
      'the new session',
    );
    expect(session.user).toMatchObject({ name: 'Sam Reyes', email, role: 'staff' });
    const [row] = await t.superuser<{ role: string; hash: string }>(
      'select role, password_hash as hash from app.users where tenant_id = $1 and email = $2',
      [tenant.id, email],
    );
    expect(row?.role).toBe('staff');
    expect(row?.hash).toMatch(/^\$argon2id\$/);

    const team = await listTeam({ ctx: core.as(tenant.admin) });
    expect(team.members.map((m) => m.email)).toContain(email);
    expect(team.members.map((m) => m.email)).not.toContain(`client@${tenant.slug}.test`);
    expect(team.invitations.map((i) => i.email)).not.toContain(email);

    await expectCoreError(
      acceptInvitation({
        ctx: core.visitor(site, clientInfo()),
        input: { token, name: 'Sam Again', password: TEST_PASSWORD },
      }),
      'expired',
    );
    expect(
      await countAs(t, 'select 1 from app.users where tenant_id = $1 and lower(email) = lower($2)', [
        tenant.id,
        email,
      ]),
    ).toBe(1);
  });

  it('refuses an expired, revoked or foreign invitation', async () => {
    const core = testCore(t);
    const { mail } = core;
    const tenant = await createTenant(t);
    const other = await createTenant(t);
    const site = siteOf(tenant);
    const email = `late@${tenant.slug}.test`;
    const pending = await inviteMember({ ctx: core.as(tenant.admin, site), input: { email, role: 'admin' } });
    await deliverQueued(core, [tenant.id]);
    const { token } = linkFromMail(mail, email, '/invite');
    const accept = (s = site) =>
      acceptInvitation({
        ctx: core.visitor(s, clientInfo()),
        input: { token, name: 'Late Comer', password: TEST_PASSWORD },
      });

    await expectCoreError(accept(siteOf(other)), 'expired');
    await t.superuser(`update app.invitations set expires_at = now() - interval '1 second' where id = $1`, [
      pending.id,
    ]);
    await expectCoreError(accept(), 'expired');
    expect((await listTeam({ ctx: core.as(tenant.admin) })).invitations.map((i) => i.email)).not.toContain(
      email,
    );

    await t.superuser(`update app.invitations set expires_at = now() + interval '1 day' where id = $1`, [
      pending.id,
    ]);
    await revokeInvitation({ ctx: core.as(tenant.admin), input: { invitationId: pending.id } });
    await expectCoreError(accept(), 'expired');
    await expectCoreError(
      revokeInvitation({ ctx: core.as(tenant.admin), input: { invitationId: pending.id } }),
      'not_found',
    );
    expect(await countAs(t, 'select 1 from app.users where email = $1', [email])).toBe(0);
  });

  it('says what a link that no longer works has become: accepted, replaced, expired or not found', async () => {
    const core = testCore(t);
    const { mail } = core;
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const email = `dana@${tenant.slug}.test`;

    const first = await inviteMember({ ctx: core.as(tenant.admin, site), input: { email, role: 'staff' } });
    await deliverQueued(core, [tenant.id]);
    const older = linkFromMail(mail, email, '/invite').token;
    expect(await invitationLink({ ctx: core.visitor(site), input: { token: older } })).toEqual({
      state: 'pending',
      email,
      role: 'staff',
    });
    mail.length = 0;

    // Invited again (as an admin this time): the first link is replaced, not "expired".
    await inviteMember({
      ctx: core.as(tenant.admin, site),
      input: { email: email.toUpperCase(), role: 'admin' },
    });
    await deliverQueued(core, [tenant.id]);
    const newer = linkFromMail(mail, email.toUpperCase(), '/invite').token;
    expect(await invitationLink({ ctx: core.visitor(site), input: { token: older } })).toEqual({
      state: 'replaced',
    });
    expect(await invitationForToken({ ctx: core.visitor(site), input: { token: older } })).toBeNull();
    await expectCoreError(
      acceptInvitation({
        ctx: core.visitor(site, clientInfo()),
        input: { token: older, name: 'Dana', password: TEST_PASSWORD },
      }),
      'expired',
    );
    // Only the newest shows as pending on the team page.
    expect(
      (await listTeam({ ctx: core.as(tenant.admin) })).invitations.filter(
        (i) => i.email.toLowerCase() === email,
      ),
    ).toHaveLength(1);
    expect(await invitationLink({ ctx: core.visitor(site), input: { token: newer } })).toMatchObject({
      state: 'pending',
      role: 'admin',
    });

    // Accepted: the link says so, and opening it again does not use anything up.
    await acceptInvitation({
      ctx: core.visitor(site, clientInfo()),
      input: { token: newer, name: 'Dana Cole', password: TEST_PASSWORD },
    });
    expect(await invitationLink({ ctx: core.visitor(site), input: { token: newer } })).toEqual({
      state: 'accepted',
    });
    expect(await invitationLink({ ctx: core.visitor(site), input: { token: older } })).toEqual({
      state: 'replaced',
    });

    // Expired, and links that lead nowhere: another tenant's, a mangled one, a revoked one.
    const lateEmail = `late@${tenant.slug}.test`;
    const late = await inviteMember({
      ctx: core.as(tenant.admin, site),
      input: { email: lateEmail, role: 'staff' },
    });
    await deliverQueued(core, [tenant.id]);
    const lateToken = linkFromMail(mail, lateEmail, '/invite').token;
    await t.superuser(`update app.invitations set expires_at = now() - interval '1 second' where id = $1`, [
      late.id,
    ]);
    expect(await invitationLink({ ctx: core.visitor(site), input: { token: lateToken } })).toEqual({
      state: 'expired',
    });
    expect(
      await invitationLink({ ctx: core.visitor(siteOf(await insertTenant(t))), input: { token: lateToken } }),
    ).toEqual({
      state: 'not_found',
    });
    expect(await invitationLink({ ctx: core.visitor(site), input: { token: 'not-a-token' } })).toEqual({
      state: 'not_found',
    });
    await revokeInvitation({ ctx: core.as(tenant.admin), input: { invitationId: late.id } });
    expect(await invitationLink({ ctx: core.visitor(site), input: { token: lateToken } })).toEqual({
      state: 'not_found',
    });
    expect(first.id).toBeTruthy();
  });

  it('refuses to invite someone already in the workspace, whatever the case, or a bad address or role', async () => {
    const core = testCore(t);
    const { mail } = core;
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    for (const email of [
      `admin@${tenant.slug}.test`,
      `ADMIN@${tenant.slug}.TEST`,
      `client@${tenant.slug}.test`,
    ]) {
      const error = await expectCoreError(
        inviteMember({ ctx: core.as(tenant.admin, site), input: { email, role: 'staff' } }),
        'validation',
        'email',
      );
      expect(error.fields.email).toMatch(/already in this workspace/);
    }
    await expectCoreError(
      inviteMember({ ctx: core.as(tenant.admin, site), input: { email: 'nope', role: 'staff' } }),
      'validation',
      'email',
    );
    await expectCoreError(
      inviteMember({
        ctx: core.as(tenant.admin, site),
        input: { email: `x@${tenant.slug}.test`, role: 'client' },
      }),
      'validation',
      'role',
    );
    await deliverQueued(core, [tenant.id]);
    expect(mail).toHaveLength(0);

    await inviteMember({
      ctx: core.as(tenant.admin, site),
      input: { email: `new@${tenant.slug}.test`, role: 'staff' },
    });
    await deliverQueued(core, [tenant.id]);
    expect(mail).toHaveLength(1);
  });

  it('lets only admins manage the team', async () => {
    const core = testCore(t);
    const { mail } = core;
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const staff = await addUser(t, tenant, { role: 'staff' });
    const colleague = await addUser(t, tenant, { role: 'staff' });
    const invitation = { email: `friend@${tenant.slug}.test`, role: 'admin' };
    const outsiders = [
      { actor: staff.actor, self: staff.id },
      { actor: tenant.client, self: tenant.client.userId },
    ];
    for (const { actor, self } of outsiders) {
      const calls = [
        () => inviteMember({ ctx: core.as(actor, site), input: invitation }),
        () => listTeam({ ctx: core.as(actor) }),
        () => changeRole({ ctx: core.as(actor), input: { memberId: self, role: 'admin' } }),
        () => changeRole({ ctx: core.as(actor), input: { memberId: colleague.id, role: 'admin' } }),
        () => setMemberActive({ ctx: core.as(actor), input: { memberId: colleague.id, active: false } }),
        () => endMemberSessions({ ctx: core.as(actor), input: { memberId: colleague.id } }),
      ];
      for (const call of calls) {
        const error = await coreError(call());
        expect(error.code, `${actor.kind}: ${error.message}`).toBe('forbidden');
      }
    }
    await deliverQueued(core, [tenant.id]);
    expect(mail).toHaveLength(0);
    const [row] = await t.superuser<{ role: string; status: string }>(
      'select role, status from app.users where id = $1',
      [staff.id],
    );
    expect(row).toEqual({ role: 'staff', status: 'active' });

    // The admin may do each of these.
    expect((await listTeam({ ctx: core.as(tenant.admin) })).members.map((m) => m.id)).toEqual(
      expect.arrayContaining([tenant.admin.userId, staff.id, colleague.id]),
    );
    await changeRole({ ctx: core.as(tenant.admin), input: { memberId: colleague.id, role: 'admin' } });
    await setMemberActive({ ctx: core.as(tenant.admin), input: { memberId: staff.id, active: false } });
    await inviteMember({ ctx: core.as(tenant.admin, site), input: invitation });
    await deliverQueued(core, [tenant.id]);
    expect(mail).toHaveLength(1);
  });

  it('never lets the last active admin be demoted or deactivated; with two, one can be', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = tenant.admin;

    const demote = await expectCoreError(
      changeRole({ ctx: core.as(admin), input: { memberId: admin.userId, role: 'staff' } }),
      'conflict',
    );
    expect(demote.message).toMatch(/at least one active admin/);
    await expectCoreError(
      setMemberActive({ ctx: core.as(admin), input: { memberId: admin.userId, active: false } }),
      'conflict',
    );
    expect(await activeAdmins(tenant.id)).toBe(1);
    // Odd requests are refused for what they are.
    await expectCoreError(
      changeRole({ ctx: core.as(admin), input: { memberId: admin.userId, role: 'owner' } }),
      'validation',
      'role',
    );
    await expectCoreError(
      changeRole({ ctx: core.as(admin), input: { memberId: tenant.client.userId, role: 'admin' } }),
      'not_found',
    );

    const second = await addUser(t, tenant, { role: 'admin' });
    await changeRole({ ctx: core.as(admin), input: { memberId: second.id, role: 'staff' } });
    expect(await activeAdmins(tenant.id)).toBe(1);
    await expectCoreError(
      changeRole({ ctx: core.as(admin), input: { memberId: admin.userId, role: 'staff' } }),
      'conflict',
    );

    // A deactivated admin does not count as the one that remains.
    await changeRole({ ctx: core.as(admin), input: { memberId: second.id, role: 'admin' } });
    await setMemberActive({ ctx: core.as(admin), input: { memberId: second.id, active: false } });
    await expectCoreError(
      changeRole({ ctx: core.as(admin), input: { memberId: admin.userId, role: 'staff' } }),
      'conflict',
    );
    await expectCoreError(
      setMemberActive({ ctx: core.as(admin), input: { memberId: admin.userId, active: false } }),
      'conflict',
    );

    // With the second admin active again, the first may step down.
    await setMemberActive({ ctx: core.as(admin), input: { memberId: second.id, active: true } });
    await changeRole({ ctx: core.as(admin), input: { memberId: admin.userId, role: 'staff' } });
    expect(await activeAdmins(tenant.id)).toBe(1);
    await expectCoreError(
      changeRole({ ctx: core.as(second.actor), input: { memberId: second.id, role: 'staff' } }),
      'conflict',
    );
  });

  itOnPostgres(
    driver,
    'two admins demoting or deactivating each other at once leave exactly one active admin (PostgreSQL only, 10 rounds)',
    async () => {
      const core = testCore(t);
      for (let round = 0; round < 10; round++) {
        const tenant = await insertTenant(t);
        const a = await addUser(t, tenant, { role: 'admin', passwordHash: null });
        const b = await addUser(t, tenant, { role: 'admin', passwordHash: null });
        // Alternate between two demotions and a demotion racing a deactivation.
        const outcomes = await Promise.allSettled([
          changeRole({ ctx: core.as(a.actor), input: { memberId: b.id, role: 'staff' } }),
          round % 2 === 0
            ? changeRole({ ctx: core.as(b.actor), input: { memberId: a.id, role: 'staff' } })
            : setMemberActive({ ctx: core.as(b.actor), input: { memberId: a.id, active: false } }),
        ]);
        const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        expect(failures, `round ${round}`).toHaveLength(1);
        const error = await coreError(Promise.reject(failures[0]));
        expect(error.code, `round ${round}: ${error.message}`).toBe('conflict');
        expect(await activeAdmins(tenant.id), `round ${round}`).toBe(1);
      }
    },
  );
});
