import { randomBytes } from 'node:crypto';
import { generateToken, hashPassword } from '@foyer/auth';
import {
  CURRENT_PASSWORD_LIMIT,
  changePassword,
  confirmEmailChange,
  issueDeviceCookie,
  purgeThrottle,
  requestEmailChange,
  resetPassword,
  resolveOperator,
  resolveSession,
  SIGN_IN_LIMITS,
  signIn,
  signInOperator,
  THROTTLE_RETENTION_SECONDS,
} from '@foyer/core';
import { listOperators, type SuperuserDoor, setOperatorDisabled, sql, upsertOperator } from '@foyer/db';
import { defaultJobs } from '@foyer/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, expectRefused, required } from '../support/assert';
import {
  activityOf,
  addUser,
  clientInfo,
  coreError,
  expectCoreError,
  OTHER_PASSWORD,
  sha256Hex,
  siteOf,
  TEST_PASSWORD,
  TEST_PASSWORD_HASH,
  TEST_PASSWORD_WEAK_HASH,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant } from '../support/tenants';

/**
 * Issue #9, sign-in: nobody can lock an account's owner out (device cookies), guesses per
 * account stay within 100 an hour, current-password checks are throttled, old throttle rows go;
 * a new password ends operators' sessions and voids outstanding links; and the login role can
 * neither forge a session nor provision tenants.
 */

const FIFTEEN_MINUTES = "interval '15 minutes 1 second'";

describe.each(drivers)('sign-in defences on %s', (driver) => {
  let t: TestDatabase;
  let door: SuperuserDoor;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    door = { query: t.superuser };
  });
  afterAll(() => t.close());

  /** Every throttle window of `key` ends now, as if its 15 minutes had passed. */
  const endWindow = (key: string) =>
    t.superuser(`update platform.throttle set window_start = now() - ${FIFTEEN_MINUTES} where key = $1`, [
      key,
    ]);

  async function tenantAccount() {
    const tenant = await createTenant(t);
    const staff = await addUser(t, tenant, { role: 'staff' });
    return { tenant, site: siteOf(tenant), email: staff.email, user: staff };
  }

  async function operatorAccount() {
    const email = `ops-${randomBytes(4).toString('hex')}@foyer.test`;
    const saved = await upsertOperator(door, {
      email,
      name: 'Olive Operator',
      passwordHash: TEST_PASSWORD_HASH,
    });
    return { id: saved.id, email };
  }

  describe('lock-out (item 2)', () => {
    it('guessing from many addresses cannot lock out the owner’s browser; at most 100 guesses an hour reach the password', async () => {
      const core = testCore(t);
      const { site, email } = await tenantAccount();
      // The owner signed in from this browser last week.
      const earlier = await signIn({
        ctx: core.visitor(site, clientInfo()),
        input: { email, password: TEST_PASSWORD },
      });
      const device = earlier.device.value;

      // An hour of guessing, every attempt from a new address: at most five 15-minute windows
      // fall into any hour (each opens at its first hit and lasts 15 minutes).
      let accepted = 0;
      let refused = 0;
      for (let window = 0; window < 5; window++) {
        for (let attempt = 0; attempt < SIGN_IN_LIMITS.perAccount.limit + 5; attempt++) {
          const error = await coreError(
            signIn({
              ctx: core.visitor(site, clientInfo()),
              input: { email, password: `wrong guess ${window}-${attempt}` },
            }),
          );
          if (error.code === 'invalid_credentials') accepted++;
          else if (error.code === 'throttled') refused++;
          else throw error;
        }
        // Mid-attack: an unknown browser is held by the account's limit, even with the right
        // password; the owner's browser is not.
        await expectCoreError(
          signIn({ ctx: core.visitor(site, clientInfo()), input: { email, password: TEST_PASSWORD } }),
          'throttled',
        );
        const owner = await signIn({
          ctx: core.visitor(site, clientInfo()),
          input: { email, password: TEST_PASSWORD, device },
        });
        expect(owner.user.email).toBe(email);
        if (window < 4) await endWindow(`sign-in:${site.tenant.id}:${email}`);
      }
      // The owner's own first sign-in (from a then unknown browser) took one of the first window's.
      expect(accepted).toBe(5 * SIGN_IN_LIMITS.perAccount.limit - 1);
      expect(accepted + 1).toBeLessThanOrEqual(100);
      expect(refused).toBe(5 * 5 + 1);
    }, 60_000);

    it('accepts a device cookie only for the account it was issued to, and limits each cookie', async () => {
      const core = testCore(t);
      const a = await tenantAccount();
      const b = await addUser(t, a.tenant, { role: 'client', clientId: a.tenant.clientId });
      const mine = (
        await signIn({
          ctx: core.visitor(a.site, clientInfo()),
          input: { email: a.email, password: TEST_PASSWORD },
        })
      ).device.value;
      await t.superuser('insert into platform.throttle (key, window_start, hits) values ($1, now(), $2)', [
        `sign-in:${a.tenant.id}:${b.email}`,
        SIGN_IN_LIMITS.perAccount.limit,
      ]);
      // Another account's cookie, a tampered one, one signed with another key, or one for
      // another tenant does not lift b's limit.
      const [nonce, tag] = mine.split('.');
      const other = await createTenant(t);
      const forged = [
        mine,
        `${nonce}.${tag?.slice(0, -2)}xx`,
        issueDeviceCookie(testCore(t).deps, { tenantId: other.id, email: b.email }).value,
        'garbage',
        `${'a'.repeat(22)}.${'b'.repeat(43)}`,
      ];
      for (const device of forged) {
        await expectCoreError(
          signIn({
            ctx: core.visitor(a.site, clientInfo()),
            input: { email: b.email, password: TEST_PASSWORD, device },
          }),
          'throttled',
        );
      }
      // The right cookie for b: b signs in, and the cookie itself is limited.
      const bDevice = issueDeviceCookie(core.deps, { tenantId: a.tenant.id, email: b.email }).value;
      await signIn({
        ctx: core.visitor(a.site, clientInfo()),
        input: { email: b.email, password: TEST_PASSWORD, device: bDevice },
      });
      for (let i = 1; i < SIGN_IN_LIMITS.perDevice.limit; i++) {
        await expectCoreError(
          signIn({
            ctx: core.visitor(a.site, clientInfo()),
            input: { email: b.email, password: 'not it at all', device: bDevice },
          }),
          'invalid_credentials',
        );
      }
      await expectCoreError(
        signIn({
          ctx: core.visitor(a.site, clientInfo()),
          input: { email: b.email, password: TEST_PASSWORD, device: bDevice },
        }),
        'throttled',
      );
    }, 30_000);

    it('holds for operators on the platform host too', async () => {
      const core = testCore(t);
      const operator = await operatorAccount();
      const earlier = await signInOperator({
        ctx: core.visitor(null, clientInfo()),
        input: { email: operator.email, password: TEST_PASSWORD },
      });
      await t.superuser('update platform.throttle set hits = $2 where key = $1', [
        `operator-sign-in:${operator.email}`,
        SIGN_IN_LIMITS.perAccount.limit,
      ]);
      await expectCoreError(
        signInOperator({
          ctx: core.visitor(null, clientInfo()),
          input: { email: operator.email, password: TEST_PASSWORD },
        }),
        'throttled',
      );
      // A tenant person's cookie with the same email is not an operator's.
      const tenant = await createTenant(t);
      const tenantCookie = issueDeviceCookie(core.deps, { tenantId: tenant.id, email: operator.email }).value;
      await expectCoreError(
        signInOperator({
          ctx: core.visitor(null, clientInfo()),
          input: { email: operator.email, password: TEST_PASSWORD, device: tenantCookie },
        }),
        'throttled',
      );
      const again = await signInOperator({
        ctx: core.visitor(null, clientInfo()),
        input: { email: operator.email, password: TEST_PASSWORD, device: earlier.device.value },
      });
      expect(
        await resolveOperator({ ctx: core.visitor(null), input: { token: again.token } }),
      ).not.toBeNull();
    });

    it('throttles guesses of the current password on the account page, per account', async () => {
      const core = testCore(t);
      const { site, user } = await tenantAccount();
      for (let i = 0; i < CURRENT_PASSWORD_LIMIT.limit; i++) {
        const attempt =
          i % 2 === 0
            ? changePassword({
                ctx: core.as(user.actor, null, clientInfo()),
                input: { currentPassword: `guess ${i}`, newPassword: OTHER_PASSWORD },
              })
            : requestEmailChange({
                ctx: core.as(user.actor, site),
                input: {
                  email: `new-${i}@example.test`,
                  currentPassword: `guess ${i}`,
                },
              });
        await expectCoreError(attempt, 'validation', 'currentPassword');
      }
      // The next guess is refused without a check, even the right password.
      await expectCoreError(
        changePassword({
          ctx: core.as(user.actor, null, clientInfo()),
          input: { currentPassword: TEST_PASSWORD, newPassword: OTHER_PASSWORD },
        }),
        'throttled',
      );
      await endWindow(`current-password:${user.actor.tenantId}:${user.id}`);
      await changePassword({
        ctx: core.as(user.actor, null, clientInfo()),
        input: { currentPassword: TEST_PASSWORD, newPassword: OTHER_PASSWORD },
      });
    }, 30_000);

    it('purges throttle rows whose window is long over, from the hourly job', async () => {
      const core = testCore(t);
      const tag = randomBytes(4).toString('hex');
      const stale = [`sign-in:${tag}:old@example.test`, `sign-in-ip:${tag}`];
      const live = [`sign-in:${tag}:recent@example.test`, `reset:${tag}:hour@example.test`];
      for (const key of stale) {
        await t.superuser(
          `insert into platform.throttle (key, window_start, hits) values ($1, now() - make_interval(secs => $2), 3)`,
          [key, THROTTLE_RETENTION_SECONDS + 60],
        );
      }
      await t.superuser(`insert into platform.throttle (key, window_start, hits) values ($1, now(), 1)`, [
        live[0],
      ]);
      await t.superuser(
        `insert into platform.throttle (key, window_start, hits) values ($1, now() - interval '2 hours', 1)`,
        [live[1]],
      );
      const job = required(
        defaultJobs().find((j) => j.name === 'throttle-purge'),
        'the throttle-purge job',
      );
      await job.run(core.deps);
      const left = await t.superuser<{ key: string }>(
        'select key from platform.throttle where key like $1 order by key',
        [`%${tag}%`],
      );
      expect(left.map((r) => r.key).sort()).toEqual([...live].sort());
      // The login role cannot empty live windows through the purge.
      expect(await purgeThrottle({ ctx: core.visitor(null) })).toBeGreaterThanOrEqual(0);
      await t.handle.rows(sql`select app_system.throttle_purge(0)`);
      expect((await t.superuser('select key from platform.throttle where key = $1', [live[0]])).length).toBe(
        1,
      );
    });
  });

  describe('passwords end what they should (item 4)', () => {
    it('re-creating an operator ends their sessions; the old password stops working', async () => {
      const core = testCore(t);
      const operator = await operatorAccount();
      const before = await signInOperator({
        ctx: core.visitor(null, clientInfo()),
        input: { email: operator.email, password: TEST_PASSWORD },
      });
      expect(
        await resolveOperator({ ctx: core.visitor(null), input: { token: before.token } }),
      ).not.toBeNull();

      const saved = await upsertOperator(door, {
        email: operator.email.toUpperCase(),
        name: 'Olive Renamed',
        passwordHash: await hashPassword(OTHER_PASSWORD),
      });
      expect(saved).toMatchObject({ id: operator.id, created: false, disabled: false });
      expect(await resolveOperator({ ctx: core.visitor(null), input: { token: before.token } })).toBeNull();
      await expectCoreError(
        signInOperator({
          ctx: core.visitor(null, clientInfo()),
          input: { email: operator.email, password: TEST_PASSWORD },
        }),
        'invalid_credentials',
      );
      const after = await signInOperator({
        ctx: core.visitor(null, clientInfo()),
        input: { email: operator.email, password: OTHER_PASSWORD },
      });
      expect(await resolveOperator({ ctx: core.visitor(null), input: { token: after.token } })).toMatchObject(
        { name: 'Olive Renamed' },
      );
    });

    it('a disabled operator cannot sign in and their sessions end; enabled, they can again', async () => {
      const core = testCore(t);
      const operator = await operatorAccount();
      const session = await signInOperator({
        ctx: core.visitor(null, clientInfo()),
        input: { email: operator.email, password: TEST_PASSWORD },
      });
      expect(await setOperatorDisabled(door, operator.email, true)).toBe(true);
      expect(await resolveOperator({ ctx: core.visitor(null), input: { token: session.token } })).toBeNull();
      await expectPermissionDenied(
        t.handle.rows(sql`select * from app_system.operator_tenants(${sha256Hex(session.token)}::text)`),
        /operator session required/,
      );
      const refused = await expectCoreError(
        signInOperator({
          ctx: core.visitor(null, clientInfo()),
          input: { email: operator.email, password: TEST_PASSWORD },
        }),
        'invalid_credentials',
      );
      expect(refused.message).toMatch(/don’t match/);
      // A session row slipped in behind the application's back is still no session.
      await t.superuser(
        `insert into platform.operator_sessions (id, operator_id, expires_at) values ($1, $2, now() + interval '1 day')`,
        ['smuggled', operator.id],
      );
      expect(
        await t.handle.rows(
          sql`select * from app_system.operator_session('smuggled', now() + interval '30 days')`,
        ),
      ).toEqual([]);

      const listed = (await listOperators(door)).find((o) => o.email === operator.email);
      expect(listed).toMatchObject({ name: 'Olive Operator', lastSeenAt: expect.any(Date) });
      expect(listed?.disabledAt).toBeInstanceOf(Date);
      expect(await setOperatorDisabled(door, 'nobody@foyer.test', true)).toBe(false);

      expect(await setOperatorDisabled(door, operator.email, false)).toBe(true);
      const back = await signInOperator({
        ctx: core.visitor(null, clientInfo()),
        input: { email: operator.email, password: TEST_PASSWORD },
      });
      expect(await resolveOperator({ ctx: core.visitor(null), input: { token: back.token } })).not.toBeNull();
      expect((await listOperators(door)).find((o) => o.email === operator.email)?.disabledAt).toBeNull();
    });

    /** Outstanding links of a person, issued as the reset and email-change flows issue them. */
    async function issueLinks(tenantId: string, userId: string) {
      const reset = generateToken();
      const change = generateToken();
      await t.superuser(
        `insert into app.user_tokens (tenant_id, user_id, purpose, token_hash, new_email, expires_at) values
           ($1, $2, 'password_reset', $3, null, now() + interval '30 minutes'),
           ($1, $2, 'email_change', $4, $5, now() + interval '1 day')`,
        [
          tenantId,
          userId,
          sha256Hex(reset),
          sha256Hex(change),
          `moved-${randomBytes(3).toString('hex')}@example.test`,
        ],
      );
      return { reset, change };
    }

    it('a password change on the account page voids outstanding reset and email-change links', async () => {
      const core = testCore(t);
      const { site, user } = await tenantAccount();
      const links = await issueLinks(site.tenant.id, user.id);
      const fresh = await changePassword({
        ctx: core.as(user.actor, null, clientInfo()),
        input: { currentPassword: TEST_PASSWORD, newPassword: OTHER_PASSWORD },
      });
      await expectCoreError(
        resetPassword({
          ctx: core.visitor(site),
          input: { token: links.reset, password: 'An attacker’s choice 99' },
        }),
        'expired',
      );
      await expectCoreError(
        confirmEmailChange({ ctx: core.visitor(site), input: { token: links.change } }),
        'expired',
      );
      expect(await resolveSession({ ctx: core.visitor(site), input: { token: fresh.token } })).not.toBeNull();
      await signIn({
        ctx: core.visitor(site, clientInfo()),
        input: { email: user.email, password: OTHER_PASSWORD },
      });
    });

    it('a reset voids a pending email change, and an email change voids reset links', async () => {
      const core = testCore(t);
      const { site, user } = await tenantAccount();
      const first = await issueLinks(site.tenant.id, user.id);
      await resetPassword({
        ctx: core.visitor(site),
        input: { token: first.reset, password: OTHER_PASSWORD },
      });
      await expectCoreError(
        confirmEmailChange({ ctx: core.visitor(site), input: { token: first.change } }),
        'expired',
      );

      const second = await issueLinks(site.tenant.id, user.id);
      await confirmEmailChange({ ctx: core.visitor(site), input: { token: second.change } });
      await expectCoreError(
        resetPassword({
          ctx: core.visitor(site),
          input: { token: second.reset, password: 'An attacker’s choice 99' },
        }),
        'expired',
      );
      // Both links were used signed out; each is recorded as the person they were for.
      const entries = await activityOf(t, site.tenant.id);
      expect(entries.map((e) => [e.verb, e.actor_kind, e.actor_id, e.data])).toEqual([
        ['auth.password_reset', 'staff', user.id, {}],
        ['account.email_changed', 'staff', user.id, { email: expect.stringMatching(/^moved-/) }],
      ]);
    });
  });

  describe('the login role (item 8)', () => {
    it('reads no password hash, and cannot mint an operator session without the password', async () => {
      const operator = await operatorAccount();
      const tenant = await createTenant(t);
      // What the lookup gives is the PHC prefix: parameters and salt, never the hash.
      const [lookup] = await t.handle.rows<Record<string, unknown>>(
        sql`select * from app_system.operator_login_lookup(${operator.email}::text)`,
      );
      expect(Object.keys(required(lookup, 'the lookup')).sort()).toEqual([
        'hash_length',
        'operator_id',
        'password_params',
      ]);
      expect(TEST_PASSWORD_HASH.startsWith(`${lookup?.password_params}$`)).toBe(true);
      expect(JSON.stringify(lookup)).not.toContain(TEST_PASSWORD_HASH.split('$')[5]);

      // The old chain: lookup, then a session for the id under a chosen token. The function is gone.
      await expectRefused(
        t.handle.rows(
          sql`select app_system.operator_session_create(${operator.id}::uuid, 'forged', now() + interval '1 day', null, null)`,
        ),
      );
      // Signing in with anything but the password's hash opens nothing.
      for (const phc of [`${lookup?.password_params}$${'A'.repeat(43)}`, '', 'forged']) {
        const rows = await t.handle.rows(
          sql`select * from app_system.operator_sign_in(${operator.email}::text, ${phc}::text, 'forged', now() + interval '1 day', null, null, 'forged-pending', now() + interval '10 minutes', null)`,
        );
        expect(rows).toEqual([]);
      }
      expect(await t.superuser(`select 1 from platform.operator_sessions where id = 'forged'`)).toEqual([]);
      expect(
        await t.superuser(`select 1 from platform.operator_pending_sign_ins where id = 'forged-pending'`),
      ).toEqual([]);
      await expectPermissionDenied(
        t.handle.rows(sql`select * from app_system.operator_tenants('forged')`),
        /operator session required/,
      );
      // Tenant people: the lookup hands out no hash, and sign_in opens nothing on a forged one.
      const staff = await addUser(t, tenant, { role: 'staff' });
      const [person] = await t.handle.rows<Record<string, unknown>>(
        sql`select * from app_system.login_lookup(${tenant.id}::uuid, ${staff.email}::text)`,
      );
      expect(Object.keys(required(person, 'the lookup')).sort()).toEqual([
        'hash_length',
        'password_params',
        'user_id',
      ]);
      expect(
        await t.handle.rows(
          sql`select * from app_system.sign_in(${tenant.id}::uuid, ${staff.email}::text, ${`${person?.password_params}$x`}::text, 'forged', now() + interval '1 day', null, null, 'forged-pending', now() + interval '10 minutes', null)`,
        ),
      ).toEqual([]);
      expect(await t.superuser(`select 1 from app.sessions where id = 'forged'`)).toEqual([]);
      expect(await t.superuser(`select 1 from app.pending_sign_ins where id = 'forged-pending'`)).toEqual([]);
      // Neither can it provision.
      await expectRefused(
        t.handle.rows(sql`select * from app_system.ensure_tenant('forged-tenant', 'Forged')`),
      );
      await expectPermissionDenied(t.handle.rows(sql`update platform.operators set disabled_at = null`));
    });

    it('signs in with the same PHC string the CLI stored, weaker parameters included', async () => {
      const core = testCore(t);
      const { site, user } = await tenantAccount();
      await t.superuser('update app.users set password_hash = $2 where id = $1', [
        user.id,
        TEST_PASSWORD_WEAK_HASH,
      ]);
      await signIn({
        ctx: core.visitor(site, clientInfo()),
        input: { email: user.email, password: TEST_PASSWORD },
      });
      // Upgraded on the way in, to today's parameters.
      const [row] = await t.superuser<{ hash: string }>(
        'select password_hash as hash from app.users where id = $1',
        [user.id],
      );
      expect(row?.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      await signIn({
        ctx: core.visitor(site, clientInfo()),
        input: { email: user.email, password: TEST_PASSWORD },
      });
    });
  });
});
