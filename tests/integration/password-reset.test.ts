import { requestPasswordReset, resetPassword, resolveSession, signIn } from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import {
  activityOf,
  addUser,
  clientInfo,
  deliverQueued,
  expectCoreError,
  linkFromMail,
  OTHER_PASSWORD,
  randomIp,
  setPassword,
  sha256Hex,
  siteOf,
  TEST_PASSWORD,
  TEST_PASSWORD_HASH,
  tenantOrigin,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * "Forgot your password?": the same answer whether or not the account exists, a single-use,
 * short-lived, tenant-bound link, every session ended by a reset, and silent throttling.
 */

/** Mirrors RESET_LIMITS in packages/core/src/auth/reset.ts (not part of core's public surface). */
const RESET_PER_ACCOUNT = 5;
const RESET_PER_IP = 30;

describe.each(drivers)('password reset on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  async function tenantWithStaff(): Promise<{ tenant: TenantFixture; email: string; userId: string }> {
    const tenant = await createTenant(t);
    const staff = await addUser(t, tenant, { role: 'staff', name: 'Sam Reyes' });
    return { tenant, email: staff.email, userId: staff.id };
  }

  const hashOf = async (userId: string) => {
    const [row] = await t.superuser<{ hash: string }>(
      'select password_hash as hash from app.users where id = $1',
      [userId],
    );
    return required(row, 'the user').hash;
  };

  it('answers known and unknown addresses alike, and mails a link only to a known, active one', async () => {
    const core = testCore(t);
    const { mail } = core;
    const { tenant, email } = await tenantWithStaff();
    const site = siteOf(tenant);
    const gone = await addUser(t, tenant, { role: 'staff', status: 'deactivated' });

    await expect(
      requestPasswordReset({ ctx: core.visitor(site, clientInfo()), input: { email: email.toUpperCase() } }),
    ).resolves.toBeUndefined();
    await expect(
      requestPasswordReset({
        ctx: core.visitor(site, clientInfo()),
        input: { email: `nobody@${tenant.slug}.test` },
      }),
    ).resolves.toBeUndefined();
    await expect(
      requestPasswordReset({ ctx: core.visitor(site, clientInfo()), input: { email: gone.email } }),
    ).resolves.toBeUndefined();
    await deliverQueued(core, [tenant.id]);
    expect(mail.map((m) => m.to)).toEqual([email]);

    const sent = required(mail[0], 'the reset mail');
    expect(sent.from.name).toBe(site.branding.displayName);
    expect(sent.subject).toContain('Reset your');
    const { url, token } = linkFromMail(mail, email, '/reset-password');
    expect(url.origin).toBe(tenantOrigin(tenant.slug));
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(sent.html).toContain(token);
    // Only the token's SHA-256 is stored, and the link lasts 30 minutes.
    const [row] = await t.superuser<{ purpose: string; minutes: number }>(
      `select purpose, round(extract(epoch from expires_at - now()) / 60)::int as minutes
         from app.user_tokens where tenant_id = $1 and token_hash = $2`,
      [tenant.id, sha256Hex(token)],
    );
    expect(row).toEqual({ purpose: 'password_reset', minutes: 30 });

    // Only a malformed address is refused, and that reveals nothing about accounts.
    await expectCoreError(
      requestPasswordReset({ ctx: core.visitor(site, clientInfo()), input: { email: 'not-an-email' } }),
      'validation',
      'email',
    );
    // Every well-formed request is recorded the same way, as the visitor who asked, whether or
    // not the address has an account: the log, like the answer, reveals nothing.
    expect((await activityOf(t, tenant.id)).map((e) => [e.verb, e.actor_kind, e.actor_id, e.data])).toEqual([
      ['auth.password_reset_requested', 'visitor', null, { email }],
      ['auth.password_reset_requested', 'visitor', null, { email: `nobody@${tenant.slug}.test` }],
      ['auth.password_reset_requested', 'visitor', null, { email: gone.email }],
    ]);
  });

  it('sets the password once and ends every session; the old password stops working', async () => {
    const core = testCore(t);
    const { mail } = core;
    const { tenant, email, userId } = await tenantWithStaff();
    const site = siteOf(tenant);
    const before = await signIn({
      ctx: core.visitor(site, clientInfo()),
      input: { email, password: TEST_PASSWORD },
    });
    await requestPasswordReset({ ctx: core.visitor(site, clientInfo()), input: { email } });
    await deliverQueued(core, [tenant.id]);
    const { token } = linkFromMail(mail, email, '/reset-password');

    // A weak password is refused without using the link up.
    await expectCoreError(
      resetPassword({ ctx: core.visitor(site), input: { token, password: 'password123' } }),
      'validation',
      'password',
    );
    expect(await hashOf(userId)).toBe(TEST_PASSWORD_HASH);

    await resetPassword({ ctx: core.visitor(site), input: { token, password: OTHER_PASSWORD } });
    expect(
      await resolveSession({ ctx: core.visitor(siteOf(tenant)), input: { token: before.token } }),
    ).toBeNull();
    expect(await hashOf(userId)).toMatch(/^\$argon2id\$/);
    await expectCoreError(
      signIn({ ctx: core.visitor(site, clientInfo()), input: { email, password: TEST_PASSWORD } }),
      'invalid_credentials',
    );
    const after = await signIn({
      ctx: core.visitor(site, clientInfo()),
      input: { email, password: OTHER_PASSWORD },
    });
    expect(
      await resolveSession({ ctx: core.visitor(siteOf(tenant)), input: { token: after.token } }),
    ).not.toBeNull();

    const again = await expectCoreError(
      resetPassword({
        ctx: core.visitor(site),
        input: { token, password: 'A third good passphrase' },
      }),
      'expired',
    );
    expect(again.message).toMatch(/expired or was already used/);
    // The reset is recorded as the person whose password it is; the refused attempts are not.
    const entries = await activityOf(t, tenant.id);
    expect(entries.map((e) => [e.verb, e.actor_kind, e.actor_id])).toEqual([
      ['auth.sign_in', 'staff', userId],
      ['auth.password_reset_requested', 'visitor', null],
      ['auth.password_reset', 'staff', userId],
      ['auth.sign_in_failed', 'visitor', null],
      ['auth.sign_in', 'staff', userId],
    ]);
    expect(JSON.stringify(entries)).not.toContain(OTHER_PASSWORD);
    expect(JSON.stringify(entries)).not.toContain(token);
    // The second attempt changed nothing and ended nothing.
    expect(
      await resolveSession({ ctx: core.visitor(siteOf(tenant)), input: { token: after.token } }),
    ).not.toBeNull();
  });

  it('refuses an expired link, a link of another tenant, and a malformed token', async () => {
    const core = testCore(t);
    const { mail } = core;
    const { tenant, email, userId } = await tenantWithStaff();
    const other = await createTenant(t);
    const site = siteOf(tenant);
    await requestPasswordReset({ ctx: core.visitor(site, clientInfo()), input: { email } });
    await deliverQueued(core, [tenant.id]);
    const { token } = linkFromMail(mail, email, '/reset-password');

    await expectCoreError(
      resetPassword({ ctx: core.visitor(siteOf(other)), input: { token, password: OTHER_PASSWORD } }),
      'expired',
    );
    await expectCoreError(
      resetPassword({ ctx: core.visitor(site), input: { token: 'not a token', password: OTHER_PASSWORD } }),
      'expired',
    );
    await t.superuser(
      `update app.user_tokens set expires_at = now() - interval '1 second' where tenant_id = $1 and token_hash = $2`,
      [tenant.id, sha256Hex(token)],
    );
    await expectCoreError(
      resetPassword({ ctx: core.visitor(site), input: { token, password: OTHER_PASSWORD } }),
      'expired',
    );
    expect(await hashOf(userId)).toBe(TEST_PASSWORD_HASH);

    // The pair: the same kind of link, live and on its own tenant, works.
    await t.superuser(
      `update app.user_tokens set expires_at = now() + interval '5 minutes' where tenant_id = $1 and token_hash = $2`,
      [tenant.id, sha256Hex(token)],
    );
    await resetPassword({ ctx: core.visitor(site), input: { token, password: OTHER_PASSWORD } });
    expect(await hashOf(userId)).not.toBe(TEST_PASSWORD_HASH);
  });

  it('records a client’s reset as the client, signed out as they were', async () => {
    const core = testCore(t);
    const { mail } = core;
    const tenant = await createTenant(t);
    await setPassword(t, tenant.id, tenant.client.userId);
    const site = siteOf(tenant);
    const email = `client@${tenant.slug}.test`;
    await requestPasswordReset({ ctx: core.visitor(site), input: { email } });
    await deliverQueued(core, [tenant.id]);
    const { token } = linkFromMail(mail, email, '/reset-password');
    await resetPassword({ ctx: core.visitor(site), input: { token, password: OTHER_PASSWORD } });
    expect(await activityOf(t, tenant.id, 'auth.password_reset')).toMatchObject([
      { actor_kind: 'client', actor_id: tenant.client.userId, subject_id: tenant.client.userId, data: {} },
    ]);
  });

  it('using one link uses up every other outstanding link of the account', async () => {
    const core = testCore(t);
    const { mail } = core;
    const { tenant, email } = await tenantWithStaff();
    const site = siteOf(tenant);
    await requestPasswordReset({ ctx: core.visitor(site, clientInfo()), input: { email } });
    await deliverQueued(core, [tenant.id]);
    const older = linkFromMail(mail, email, '/reset-password').token;
    mail.length = 0;
    await requestPasswordReset({ ctx: core.visitor(site, clientInfo()), input: { email } });
    await deliverQueued(core, [tenant.id]);
    const newer = linkFromMail(mail, email, '/reset-password').token;
    expect(newer).not.toBe(older);

    await resetPassword({ ctx: core.visitor(site), input: { token: newer, password: OTHER_PASSWORD } });
    await expectCoreError(
      resetPassword({
        ctx: core.visitor(site),
        input: { token: older, password: 'A third good passphrase' },
      }),
      'expired',
    );
  });

  it(`silently stops mailing an account after ${RESET_PER_ACCOUNT} requests, from any address; others still get theirs`, async () => {
    const core = testCore(t);
    const { mail } = core;
    const { tenant, email } = await tenantWithStaff();
    const neighbour = await addUser(t, tenant, { role: 'staff' });
    const site = siteOf(tenant);
    for (let i = 0; i < RESET_PER_ACCOUNT + 2; i++) {
      await expect(
        requestPasswordReset({ ctx: core.visitor(site, clientInfo(randomIp())), input: { email } }),
      ).resolves.toBeUndefined();
    }
    await deliverQueued(core, [tenant.id]);
    expect(mail.filter((m) => m.to === email)).toHaveLength(RESET_PER_ACCOUNT);
    // Throttled or not, each request is recorded alike.
    expect(await activityOf(t, tenant.id, 'auth.password_reset_requested')).toHaveLength(
      RESET_PER_ACCOUNT + 2,
    );
    // No token was even stored for the throttled requests.
    const [row] = await t.superuser<{ n: number }>(
      `select count(*)::int as n from app.user_tokens t join app.users u on u.id = t.user_id
        where u.tenant_id = $1 and lower(u.email) = lower($2) and t.purpose = 'password_reset'`,
      [tenant.id, email],
    );
    expect(row?.n).toBe(RESET_PER_ACCOUNT);

    await requestPasswordReset({ ctx: core.visitor(site, clientInfo()), input: { email: neighbour.email } });
    await deliverQueued(core, [tenant.id]);
    expect(mail.filter((m) => m.to === neighbour.email)).toHaveLength(1);
  });

  it(`silently stops mailing from an address after ${RESET_PER_IP} requests; other addresses still get theirs`, async () => {
    const core = testCore(t);
    const { mail } = core;
    const { tenant, email } = await tenantWithStaff();
    const site = siteOf(tenant);
    const ip = randomIp();
    await t.superuser('insert into platform.throttle (key, window_start, hits) values ($1, now(), $2)', [
      `reset-ip:${ip}`,
      RESET_PER_IP,
    ]);
    await expect(
      requestPasswordReset({ ctx: core.visitor(site, clientInfo(ip)), input: { email } }),
    ).resolves.toBeUndefined();
    await deliverQueued(core, [tenant.id]);
    expect(mail).toHaveLength(0);
    await requestPasswordReset({ ctx: core.visitor(site, clientInfo(randomIp())), input: { email } });
    await deliverQueued(core, [tenant.id]);
    expect(mail.map((m) => m.to)).toEqual([email]);
  });
});
