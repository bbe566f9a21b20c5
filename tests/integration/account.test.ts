import { confirmEmailChange, getAccount, requestEmailChange, updateName } from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activityOf,
  addUser,
  clientInfo,
  deliverQueued,
  expectCoreError,
  linkFromMail,
  siteOf,
  TEST_PASSWORD,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant } from '../support/tenants';

/**
 * The account page's changes to one's own account: each is recorded once, as the person, and a
 * refused change records nothing.
 */
describe.each(drivers)('account on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  it('renames its owner only, and says so in the log', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const staff = await addUser(t, tenant, { role: 'staff' });
    const from = clientInfo();
    await updateName({ ctx: core.as(staff.actor, null, from), input: { name: '  Sam Reyes ' } });
    expect((await getAccount({ ctx: core.as(staff.actor) })).name).toBe('Sam Reyes');

    await expectCoreError(
      updateName({ ctx: core.as(staff.actor), input: { name: ' ' } }),
      'validation',
      'name',
    );
    const key = { kind: 'apikey' as const, tenantId: tenant.id, keyId: tenant.admin.userId };
    await expectCoreError(updateName({ ctx: core.as(key), input: { name: 'Robot' } }), 'forbidden');
    await expectCoreError(
      updateName({ ctx: core.visitor(siteOf(tenant)), input: { name: 'Nobody' } }),
      'forbidden',
    );

    expect(await activityOf(t, tenant.id)).toEqual([
      {
        verb: 'account.rename',
        actor_kind: 'staff',
        actor_id: staff.id,
        subject_type: 'user',
        subject_id: staff.id,
        ip: from.ip,
        user_agent: from.userAgent,
        data: {},
      },
    ]);
  });

  it('changes the address once the new one confirms it; each step recorded as the person', async () => {
    const core = testCore(t);
    const { mail } = core;
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const staff = await addUser(t, tenant, { role: 'staff' });
    const me = core.as(staff.actor, site);
    const moved = `moved-${staff.id.slice(0, 8)}@example.test`;

    await expectCoreError(
      requestEmailChange({ ctx: me, input: { email: moved, currentPassword: 'not my password' } }),
      'validation',
      'currentPassword',
    );
    await expectCoreError(
      requestEmailChange({ ctx: me, input: { email: staff.email, currentPassword: TEST_PASSWORD } }),
      'validation',
      'email',
    );
    expect(await activityOf(t, tenant.id)).toEqual([]);

    await requestEmailChange({ ctx: me, input: { email: moved, currentPassword: TEST_PASSWORD } });
    expect(await getAccount({ ctx: me })).toMatchObject({ email: staff.email, pendingEmail: moved });
    await deliverQueued(core, [tenant.id]);
    const { token } = linkFromMail(mail, moved, '/account/confirm-email');

    // Opened signed out, on the agency's host.
    await confirmEmailChange({ ctx: core.visitor(site), input: { token } });
    expect(await getAccount({ ctx: me })).toMatchObject({ email: moved, pendingEmail: null });
    await expectCoreError(confirmEmailChange({ ctx: core.visitor(site), input: { token } }), 'expired');

    const entries = await activityOf(t, tenant.id);
    expect(entries.map((e) => [e.verb, e.actor_kind, e.actor_id, e.data])).toEqual([
      ['account.email_change_requested', 'staff', staff.id, { email: moved }],
      ['account.email_changed', 'staff', staff.id, { email: moved }],
    ]);
    expect(JSON.stringify(entries)).not.toContain(TEST_PASSWORD);
    expect(JSON.stringify(entries)).not.toContain(token);
  });

  it('refuses an address another account here took meanwhile, and records nothing', async () => {
    const core = testCore(t);
    const { mail } = core;
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const staff = await addUser(t, tenant, { role: 'staff' });
    const wanted = `wanted-${staff.id.slice(0, 8)}@example.test`;
    await requestEmailChange({
      ctx: core.as(staff.actor, site),
      input: { email: wanted, currentPassword: TEST_PASSWORD },
    });
    await deliverQueued(core, [tenant.id]);
    const { token } = linkFromMail(mail, wanted, '/account/confirm-email');
    await addUser(t, tenant, { role: 'staff', email: wanted });

    await expectCoreError(confirmEmailChange({ ctx: core.visitor(site), input: { token } }), 'conflict');
    expect((await activityOf(t, tenant.id)).map((e) => e.verb)).toEqual(['account.email_change_requested']);
  });
});
