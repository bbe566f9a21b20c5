import { randomBytes } from 'node:crypto';
import {
  changePassword,
  closeSession,
  endMemberSessions,
  endSessions,
  listSessions,
  openSession,
  resolveSession,
  SIGN_IN_LIMITS,
  setMemberActive,
  signIn,
} from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import {
  activityOf,
  addUser,
  clientInfo,
  coreError,
  countAs,
  expectCoreError,
  OTHER_PASSWORD,
  randomIp,
  setPassword,
  sha256Hex,
  siteOf,
  TEST_PASSWORD,
  TEST_PASSWORD_WEAK_HASH,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

const DAY = 86_400_000;

const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * Sessions as SECURITY.md promises them: only the SHA-256 stored, bound to one tenant, sliding
 * 30-day expiry, ended by sign-out, deactivation and password change; sign-in answers and throttling.
 */
describe.each(drivers)('sessions on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  /** A tenant whose admin can sign in with TEST_PASSWORD. */
  async function tenantWithPassword(): Promise<TenantFixture> {
    const tenant = await createTenant(t);
    await setPassword(t, tenant.id, tenant.admin.userId);
    return tenant;
  }

  const adminEmail = (tenant: TenantFixture) => `admin@${tenant.slug}.test`;

  async function expiryOf(tenantId: string, token: string): Promise<number> {
    const [row] = await t.superuser<{ expires_at: Date | string }>(
      'select expires_at from app.sessions where tenant_id = $1 and id = $2',
      [tenantId, sha256Hex(token)],
    );
    return new Date(required(row, 'a session row').expires_at).getTime();
  }

  describe('sessions', () => {
    it('store only the SHA-256 of the token, with the address and user agent', async () => {
      const core = testCore(t);
      const a = await tenantWithPassword();
      const ip = randomIp();
      const started = Date.now();
      const session = await signIn({
        ctx: core.visitor(siteOf(a), { ip, userAgent: 'Mozilla/5.0 (vitest)' }),
        input: { email: `  ${adminEmail(a).toUpperCase()} `, password: TEST_PASSWORD },
      });
      expect(session.token).toMatch(/^[a-z2-7]{32}$/);
      expect(session.user).toMatchObject({ id: a.admin.userId, email: adminEmail(a), role: 'admin' });
      expect(session.actor).toEqual(a.admin);

      const rows = await t.superuser<{
        id: string;
        ip: string;
        user_agent: string;
        expires_at: Date | string;
      }>('select id, ip, user_agent, expires_at from app.sessions where tenant_id = $1 and id = $2', [
        a.id,
        sha256Hex(session.token),
      ]);
      expect(rows).toHaveLength(1);
      const row = required(rows[0], 'the session row');
      expect(row.id).toMatch(/^[0-9a-f]{64}$/);
      expect(row).toMatchObject({ ip, user_agent: 'Mozilla/5.0 (vitest)' });
      const expires = new Date(row.expires_at).getTime();
      expect(expires - started).toBeGreaterThanOrEqual(30 * DAY - 1000);
      expect(expires - Date.now()).toBeLessThanOrEqual(30 * DAY + 1000);
      // The token itself is nowhere in the table.
      expect(await countAs(t, 'select 1 from app.sessions where id = $1', [session.token])).toBe(0);
      // Signing in is recorded as the person, from where they signed in.
      expect(await activityOf(t, a.id)).toEqual([
        {
          verb: 'auth.sign_in',
          actor_kind: 'admin',
          actor_id: a.admin.userId,
          subject_type: 'user',
          subject_id: a.admin.userId,
          ip,
          user_agent: 'Mozilla/5.0 (vitest)',
          data: { method: 'password' },
        },
      ]);
    });

    it("resolve on their own tenant only: tenant B's host finds nothing for A's token", async () => {
      const core = testCore(t);
      const a = await tenantWithPassword();
      const b = await createTenant(t);
      const { token } = await signIn({
        ctx: core.visitor(siteOf(a), clientInfo()),
        input: { email: adminEmail(a), password: TEST_PASSWORD },
      });

      const resolved = required(
        await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } }),
        'the session on A',
      );
      expect(resolved.actor).toEqual(a.admin);
      expect(resolved.user).toMatchObject({ id: a.admin.userId, name: 'Admin', role: 'admin' });
      expect(resolved.sessionId).toBe(sha256Hex(token));
      expect(resolved.renewedUntil).toBeNull();

      expect(await resolveSession({ ctx: core.visitor(siteOf(b)), input: { token } })).toBeNull();
      // Nor do malformed or unknown tokens find anything (before any query, or after one).
      for (const bad of [
        undefined,
        '',
        'short',
        token.toUpperCase(),
        `${token}!`,
        token.replace(/.$/, 'a'),
      ]) {
        if (bad === token) continue;
        expect(
          await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token: bad } }),
          String(bad),
        ).toBeNull();
      }
      // Resolving a session on each request is not an action: only the sign-in is recorded.
      expect((await activityOf(t, a.id)).map((e) => e.verb)).toEqual(['auth.sign_in']);
      expect(await activityOf(t, b.id)).toEqual([]);
      // B's lookup did not end A's session.
      expect(await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } })).not.toBeNull();
    });

    it('slide: renewed to 30 days once fewer than 15 remain, not before; expired ones find nothing', async () => {
      const core = testCore(t);
      const a = await tenantWithPassword();
      const { token } = await signIn({
        ctx: core.visitor(siteOf(a), clientInfo()),
        input: { email: adminEmail(a), password: TEST_PASSWORD },
      });
      const setExpiry = (interval: string) =>
        t.superuser(
          `update app.sessions set expires_at = now() + $3::interval where tenant_id = $1 and id = $2`,
          [a.id, sha256Hex(token), interval],
        );

      await setExpiry('20 days');
      const notYet = required(
        await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } }),
        'the session',
      );
      expect(notYet.renewedUntil).toBeNull();
      expect((await expiryOf(a.id, token)) - Date.now()).toBeLessThan(21 * DAY);

      await setExpiry('10 days');
      const renewed = required(
        await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } }),
        'the renewed session',
      );
      const until = required(renewed.renewedUntil, 'a renewal').getTime();
      expect(Math.abs(until - (Date.now() + 30 * DAY))).toBeLessThan(60_000);
      expect(await expiryOf(a.id, token)).toBe(until);
      // Renewed once: the next request has nothing to renew.
      expect(
        required(await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } }), 'the session')
          .renewedUntil,
      ).toBeNull();

      await setExpiry('-1 second');
      expect(await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } })).toBeNull();
    });

    it('record activity at most every few minutes, by the application clock', async () => {
      const core = testCore(t);
      const { clock } = core;
      const a = await tenantWithPassword();
      const { token } = await signIn({
        ctx: core.visitor(siteOf(a), clientInfo()),
        input: { email: adminEmail(a), password: TEST_PASSWORD },
      });
      const lastSeen = async () => {
        const [row] = await t.superuser<{ last_seen_at: Date | string }>(
          'select last_seen_at from app.sessions where tenant_id = $1 and id = $2',
          [a.id, sha256Hex(token)],
        );
        return new Date(required(row, 'the session').last_seen_at).getTime();
      };
      await t.superuser(
        `update app.sessions set last_seen_at = now() - interval '1 minute' where tenant_id = $1 and id = $2`,
        [a.id, sha256Hex(token)],
      );
      const before = await lastSeen();
      await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } });
      expect(await lastSeen()).toBe(before);

      clock.advance(3 * 60_000);
      await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } });
      expect(await lastSeen()).toBe(before);

      clock.advance(2 * 60_000);
      await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } });
      expect(Math.abs((await lastSeen()) - clock.now().getTime())).toBeLessThan(5_000);
    });

    it('of clients slide and record activity too, within their column grants', async () => {
      const core = testCore(t);
      const a = await createTenant(t);
      const { token } = await openSession({ ctx: core.as(a.client, null, clientInfo()) });
      await t.superuser(
        `update app.sessions set expires_at = now() + interval '10 days', last_seen_at = now() - interval '1 hour'
          where tenant_id = $1 and id = $2`,
        [a.id, sha256Hex(token)],
      );
      const resolved = required(
        await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } }),
        'the client session',
      );
      expect(resolved.actor).toEqual(a.client);
      expect(resolved.renewedUntil).not.toBeNull();
      expect((await expiryOf(a.id, token)) - Date.now()).toBeGreaterThan(29 * DAY);
    });

    it('are listed to their owner, who can end the others but not someone else’s', async () => {
      const core = testCore(t);
      const a = await createTenant(t);
      const staff = await addUser(t, a, { role: 'staff' });
      const here = await openSession({
        ctx: core.as(staff.actor, null, { ip: '198.18.0.1', userAgent: 'here' }),
      });
      await openSession({ ctx: core.as(staff.actor, null, { ip: '198.18.0.2', userAgent: 'there' }) });
      const current = sha256Hex(here.token);

      const listed = await listSessions({ ctx: core.as(staff.actor), input: { currentSessionId: current } });
      expect(listed.map((s) => [s.userAgent, s.current]).sort()).toEqual([
        ['here', true],
        ['there', false],
      ]);
      // The admin's sessions are not theirs to end.
      const [adminSession] = await t.superuser<{ id: string }>(
        'select id from app.sessions where user_id = $1',
        [a.admin.userId],
      );
      expect(
        await endSessions({
          ctx: core.as(staff.actor),
          input: { currentSessionId: current, sessionId: required(adminSession, 'a session').id },
        }),
      ).toBe(0);
      expect(await countAs(t, 'select 1 from app.sessions where user_id = $1', [a.admin.userId])).toBe(1);

      expect(
        await endSessions({
          ctx: core.as(staff.actor),
          input: { currentSessionId: current, sessionId: 'others' },
        }),
      ).toBe(1);
      expect(
        (await listSessions({ ctx: core.as(staff.actor), input: { currentSessionId: current } })).map(
          (s) => s.current,
        ),
      ).toEqual([true]);
      const ends = await activityOf(t, a.id, 'account.sessions_end');
      expect(ends.map((e) => [e.actor_id, e.data])).toEqual([
        [staff.id, { which: 'one', ended: 0 }],
        [staff.id, { which: 'others', ended: 1 }],
      ]);
      // A session id that names nothing is refused before the database is asked.
      await expectCoreError(
        endSessions({ ctx: core.as(staff.actor), input: { currentSessionId: current, sessionId: 'x' } }),
        'validation',
      );
      expect(await activityOf(t, a.id, 'account.sessions_end')).toHaveLength(2);
      expect(
        await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token: here.token } }),
      ).not.toBeNull();
    });

    it('end on sign-out, leaving the person’s other sessions alone', async () => {
      const core = testCore(t);
      const a = await tenantWithPassword();
      const credentials = { email: adminEmail(a), password: TEST_PASSWORD };
      const laptop = await signIn({ ctx: core.visitor(siteOf(a), clientInfo()), input: credentials });
      const phone = await signIn({ ctx: core.visitor(siteOf(a), clientInfo()), input: credentials });
      expect(laptop.token).not.toBe(phone.token);

      const signedIn = required(
        await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token: laptop.token } }),
        'the laptop session',
      );
      await closeSession({ ctx: core.as(signedIn.actor), input: { sessionId: signedIn.sessionId } });
      expect(
        await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token: laptop.token } }),
      ).toBeNull();
      expect(
        await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token: phone.token } }),
      ).not.toBeNull();
      expect(await countAs(t, 'select 1 from app.sessions where id = $1', [sha256Hex(laptop.token)])).toBe(0);
      const entries = await activityOf(t, a.id);
      expect(entries.map((e) => [e.verb, e.actor_id])).toEqual([
        ['auth.sign_in', a.admin.userId],
        ['auth.sign_in', a.admin.userId],
        ['auth.sign_out', a.admin.userId],
      ]);

      // Nobody signs out someone else's session: the other one stays, and so does the log.
      const other = await addUser(t, a, { role: 'staff' });
      await closeSession({ ctx: core.as(other.actor), input: { sessionId: sha256Hex(phone.token) } });
      expect(
        await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token: phone.token } }),
      ).not.toBeNull();
    });

    it('of a deactivated member stop at once; reactivated, they can sign in again', async () => {
      const core = testCore(t);
      const a = await createTenant(t);
      const staff = await addUser(t, a, { role: 'staff' });
      const credentials = { email: staff.email, password: TEST_PASSWORD };
      const { token } = await signIn({ ctx: core.visitor(siteOf(a), clientInfo()), input: credentials });
      expect(await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } })).not.toBeNull();

      await setMemberActive({ ctx: core.as(a.admin), input: { memberId: staff.id, active: false } });
      expect(await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } })).toBeNull();
      expect(await countAs(t, 'select 1 from app.sessions where user_id = $1', [staff.id])).toBe(0);
      await expectCoreError(
        signIn({ ctx: core.visitor(siteOf(a), clientInfo()), input: credentials }),
        'invalid_credentials',
      );

      await setMemberActive({ ctx: core.as(a.admin), input: { memberId: staff.id, active: true } });
      const again = await signIn({ ctx: core.visitor(siteOf(a), clientInfo()), input: credentials });
      expect(
        required(
          await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token: again.token } }),
          'the new session',
        ).user.id,
      ).toBe(staff.id);
      // The old token stays dead.
      expect(await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } })).toBeNull();
    });

    it('of a member deactivated behind the application’s back still find nothing', async () => {
      const core = testCore(t);
      const a = await createTenant(t);
      const staff = await addUser(t, a, { role: 'staff' });
      const { token } = await signIn({
        ctx: core.visitor(siteOf(a), clientInfo()),
        input: { email: staff.email, password: TEST_PASSWORD },
      });
      // The session row survives; session_for_token checks the person's status itself.
      await t.superuser(`update app.users set status = 'deactivated' where id = $1`, [staff.id]);
      expect(await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } })).toBeNull();
      await t.superuser(`update app.users set status = 'active' where id = $1`, [staff.id]);
      expect(await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } })).not.toBeNull();
    });

    it('all end on a password change, which opens a fresh one; a wrong current password is a field error', async () => {
      const core = testCore(t);
      const a = await tenantWithPassword();
      const site = siteOf(a);
      const credentials = { email: adminEmail(a), password: TEST_PASSWORD };
      const first = await signIn({ ctx: core.visitor(site, clientInfo()), input: credentials });
      const second = await signIn({ ctx: core.visitor(site, clientInfo()), input: credentials });
      const client = clientInfo();

      const wrong = await expectCoreError(
        changePassword({
          ctx: core.as(a.admin, null, client),
          input: { currentPassword: 'not my password', newPassword: OTHER_PASSWORD },
        }),
        'validation',
        'currentPassword',
      );
      expect(Object.keys(wrong.fields)).toEqual(['currentPassword']);
      await expectCoreError(
        changePassword({
          ctx: core.as(a.admin, null, client),
          input: { currentPassword: TEST_PASSWORD, newPassword: 'password123' },
        }),
        'validation',
        'newPassword',
      );
      // Refusals changed nothing, and recorded nothing.
      expect(await activityOf(t, a.id, 'account.password_change')).toEqual([]);
      expect(
        await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token: first.token } }),
      ).not.toBeNull();
      expect(
        await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token: second.token } }),
      ).not.toBeNull();

      const fresh = await changePassword({
        ctx: core.as(a.admin, null, client),
        input: { currentPassword: TEST_PASSWORD, newPassword: OTHER_PASSWORD },
      });
      expect(
        await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token: first.token } }),
      ).toBeNull();
      expect(
        await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token: second.token } }),
      ).toBeNull();
      expect(
        required(
          await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token: fresh.token } }),
          'the fresh session',
        ).actor,
      ).toEqual(a.admin);
      // Only the fresh session is left (the fixture's own session row went too).
      expect(await countAs(t, 'select 1 from app.sessions where user_id = $1', [a.admin.userId])).toBe(1);
      expect(await activityOf(t, a.id, 'account.password_change')).toMatchObject([
        { actor_kind: 'admin', actor_id: a.admin.userId, ip: client.ip, data: {} },
      ]);

      await expectCoreError(
        signIn({ ctx: core.visitor(site, clientInfo()), input: credentials }),
        'invalid_credentials',
      );
      await signIn({
        ctx: core.visitor(site, clientInfo()),
        input: { email: credentials.email, password: OTHER_PASSWORD },
      });
    });

    it('of a member can be ended by an admin, and by nobody else', async () => {
      const core = testCore(t);
      const a = await createTenant(t);
      const staff = await addUser(t, a, { role: 'staff' });
      const other = await addUser(t, a, { role: 'staff' });
      const { token } = await signIn({
        ctx: core.visitor(siteOf(a), clientInfo()),
        input: { email: staff.email, password: TEST_PASSWORD },
      });

      await expectCoreError(
        endMemberSessions({ ctx: core.as(other.actor), input: { memberId: staff.id } }),
        'forbidden',
      );
      expect(await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } })).not.toBeNull();
      expect(await endMemberSessions({ ctx: core.as(a.admin), input: { memberId: staff.id } })).toBe(1);
      expect(await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token } })).toBeNull();
    });
  });

  describe('sign-in', () => {
    it('gives a wrong password, an unknown email and a deactivated or password-less account the same answer', async () => {
      const core = testCore(t);
      const a = await tenantWithPassword();
      const b = await tenantWithPassword();
      const site = siteOf(a);
      const gone = await addUser(t, a, { role: 'staff', status: 'deactivated' });
      const refusals = [
        () =>
          signIn({
            ctx: core.visitor(site, clientInfo()),
            input: { email: adminEmail(a), password: 'not the password' },
          }),
        () =>
          signIn({
            ctx: core.visitor(site, clientInfo()),
            input: { email: `nobody@${a.slug}.test`, password: TEST_PASSWORD },
          }),
        () =>
          signIn({
            ctx: core.visitor(site, clientInfo()),
            input: { email: gone.email, password: TEST_PASSWORD },
          }),
        // createTenant's client has never set a password.
        () =>
          signIn({
            ctx: core.visitor(site, clientInfo()),
            input: { email: `client@${a.slug}.test`, password: TEST_PASSWORD },
          }),
        // B's admin, with the right password, on A.
        () =>
          signIn({
            ctx: core.visitor(site, clientInfo()),
            input: { email: adminEmail(b), password: TEST_PASSWORD },
          }),
        // Longer than any address or password can be (and than a throttle key may be).
        () =>
          signIn({
            ctx: core.visitor(site, clientInfo()),
            input: { email: `${randomHex(3000)}@${a.slug}.test`, password: TEST_PASSWORD },
          }),
        () =>
          signIn({
            ctx: core.visitor(site, clientInfo()),
            input: { email: adminEmail(a), password: 'x'.repeat(100_000) },
          }),
      ];
      const errors = [];
      for (const refusal of refusals) errors.push(await coreError(refusal()));
      for (const error of errors) {
        expect(error.code).toBe('invalid_credentials');
        expect(error.fields).toEqual({});
      }
      expect(new Set(errors.map((e) => e.message)).size).toBe(1);
      // Each refusal is recorded as a visitor, with the address as typed (lower-cased, at most
      // as long as an address can be) and never the password.
      const failed = await activityOf(t, a.id);
      expect(failed.map((e) => [e.verb, e.actor_kind, e.actor_id, e.data.reason])).toEqual(
        refusals.map(() => ['auth.sign_in_failed', 'visitor', null, 'credentials']),
      );
      expect(failed.map((e) => e.data.email)).toEqual([
        adminEmail(a),
        `nobody@${a.slug}.test`,
        gone.email.toLowerCase(),
        `client@${a.slug}.test`,
        adminEmail(b),
        expect.stringMatching(/^[0-9a-f]{254}$/),
        adminEmail(a),
      ]);
      expect(JSON.stringify(failed)).not.toContain('not the password');
      expect(JSON.stringify(failed)).not.toContain('xxxxxxxx');
      expect(await activityOf(t, b.id)).toEqual([]);

      const ok = await signIn({
        ctx: core.visitor(site, clientInfo()),
        input: { email: adminEmail(a), password: TEST_PASSWORD },
      });
      expect(ok.actor).toEqual(a.admin);
      expect((await activityOf(t, a.id)).at(-1)).toMatchObject({
        verb: 'auth.sign_in',
        actor_kind: 'admin',
        actor_id: a.admin.userId,
      });
    });

    it('upgrades a hash made with weaker parameters, for staff and clients alike', async () => {
      const core = testCore(t);
      const a = await createTenant(t);
      const staff = await addUser(t, a, { role: 'staff', passwordHash: TEST_PASSWORD_WEAK_HASH });
      await setPassword(t, a.id, a.client.userId, TEST_PASSWORD_WEAK_HASH);
      for (const [email, userId] of [
        [staff.email, staff.id],
        [`client@${a.slug}.test`, a.client.userId],
      ] as const) {
        await signIn({
          ctx: core.visitor(siteOf(a), clientInfo()),
          input: { email, password: TEST_PASSWORD },
        });
        const [row] = await t.superuser<{ hash: string }>(
          'select password_hash as hash from app.users where id = $1',
          [userId],
        );
        expect(row?.hash, email).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
        await signIn({
          ctx: core.visitor(siteOf(a), clientInfo()),
          input: { email, password: TEST_PASSWORD },
        });
      }
    });

    it('signs a client in as a client actor', async () => {
      const core = testCore(t);
      const a = await createTenant(t);
      await setPassword(t, a.id, a.client.userId);
      const session = await signIn({
        ctx: core.visitor(siteOf(a), clientInfo()),
        input: { email: `client@${a.slug}.test`, password: TEST_PASSWORD },
      });
      expect(session.actor).toEqual(a.client);
      expect(
        required(
          await resolveSession({ ctx: core.visitor(siteOf(a)), input: { token: session.token } }),
          'the session',
        ).actor,
      ).toEqual(a.client);
    });

    it(`throttles an account after ${SIGN_IN_LIMITS.perAccount.limit} attempts, even with the right password; others are unaffected`, async () => {
      const core = testCore(t);
      const a = await tenantWithPassword();
      const neighbour = await addUser(t, a, { role: 'staff' });
      const site = siteOf(a);
      const ip = randomIp();
      for (let i = 0; i < SIGN_IN_LIMITS.perAccount.limit; i++) {
        await expectCoreError(
          signIn({
            ctx: core.visitor(site, clientInfo(ip)),
            input: { email: adminEmail(a), password: `wrong ${i}` },
          }),
          'invalid_credentials',
        );
      }
      const throttled = await expectCoreError(
        signIn({
          ctx: core.visitor(site, clientInfo(ip)),
          input: { email: adminEmail(a), password: TEST_PASSWORD },
        }),
        'throttled',
      );
      expect(throttled.message).toMatch(/too many attempts/i);
      // Whatever the case of the address.
      await expectCoreError(
        signIn({
          ctx: core.visitor(site, clientInfo()),
          input: { email: adminEmail(a).toUpperCase(), password: TEST_PASSWORD },
        }),
        'throttled',
      );
      // The throttled attempts are recorded as such: their passwords were never checked.
      const reasons = (await activityOf(t, a.id, 'auth.sign_in_failed')).map((e) => e.data);
      expect(reasons.slice(-3)).toEqual([
        { email: adminEmail(a), reason: 'credentials' },
        { email: adminEmail(a), reason: 'throttled' },
        { email: adminEmail(a), reason: 'throttled' },
      ]);

      // Another account, from the same address, signs in.
      await signIn({
        ctx: core.visitor(site, clientInfo(ip)),
        input: { email: neighbour.email, password: TEST_PASSWORD },
      });

      // Once the window has passed, the account may try again.
      await t.superuser(
        `update platform.throttle set window_start = now() - make_interval(secs => $2)
          where key = $1`,
        [`sign-in:${a.id}:${adminEmail(a)}`, SIGN_IN_LIMITS.perAccount.windowSeconds + 1],
      );
      await signIn({
        ctx: core.visitor(site, clientInfo(ip)),
        input: { email: adminEmail(a), password: TEST_PASSWORD },
      });
    });

    it('does not clear the account’s counter on success: the owner’s browser gets a device cookie instead', async () => {
      const core = testCore(t);
      const a = await tenantWithPassword();
      const site = siteOf(a);
      const key = `sign-in:${a.id}:${adminEmail(a)}`;
      const hits = async () => {
        const [row] = await t.superuser<{ hits: number }>(
          'select hits from platform.throttle where key = $1',
          [key],
        );
        return row?.hits ?? 0;
      };
      await t.superuser('insert into platform.throttle (key, window_start, hits) values ($1, now(), $2)', [
        key,
        SIGN_IN_LIMITS.perAccount.limit - 1,
      ]);
      // The last allowed attempt succeeds; clearing the counter would hand a guesser a fresh allowance.
      const session = await signIn({
        ctx: core.visitor(site, clientInfo()),
        input: { email: adminEmail(a), password: TEST_PASSWORD },
      });
      expect(await hits()).toBe(SIGN_IN_LIMITS.perAccount.limit);
      await expectCoreError(
        signIn({
          ctx: core.visitor(site, clientInfo()),
          input: { email: adminEmail(a), password: TEST_PASSWORD },
        }),
        'throttled',
      );
      // The browser that signed in is limited by its own cookie, not the account's counter.
      await signIn({
        ctx: core.visitor(site, clientInfo()),
        input: { email: adminEmail(a), password: TEST_PASSWORD, device: session.device.value },
      });
      // Only the refused attempt from the unknown browser counted after the success.
      expect(await hits()).toBe(SIGN_IN_LIMITS.perAccount.limit + 1);
    });

    it('throttles unknown accounts exactly like known ones', async () => {
      const core = testCore(t);
      const a = await createTenant(t);
      const site = siteOf(a);
      const unknown = `ghost@${a.slug}.test`;
      await expectCoreError(
        signIn({ ctx: core.visitor(site, clientInfo()), input: { email: unknown, password: TEST_PASSWORD } }),
        'invalid_credentials',
      );
      await t.superuser('update platform.throttle set hits = $2 where key = $1', [
        `sign-in:${a.id}:${unknown}`,
        SIGN_IN_LIMITS.perAccount.limit,
      ]);
      await expectCoreError(
        signIn({ ctx: core.visitor(site, clientInfo()), input: { email: unknown, password: TEST_PASSWORD } }),
        'throttled',
      );
    });

    it(`throttles an address after ${SIGN_IN_LIMITS.perIp.limit} attempts, whatever the account; other addresses are unaffected`, async () => {
      const core = testCore(t);
      const a = await tenantWithPassword();
      const site = siteOf(a);
      const ip = randomIp();
      await t.superuser('insert into platform.throttle (key, window_start, hits) values ($1, now(), $2)', [
        `sign-in-ip:${ip}`,
        SIGN_IN_LIMITS.perIp.limit - 2,
      ]);
      // The last two allowed attempts, on two different accounts nobody has tried before.
      for (const who of ['first', 'second']) {
        await expectCoreError(
          signIn({
            ctx: core.visitor(site, clientInfo(ip)),
            input: { email: `${who}@${a.slug}.test`, password: TEST_PASSWORD },
          }),
          'invalid_credentials',
        );
      }
      const credentials = { email: adminEmail(a), password: TEST_PASSWORD };
      await expectCoreError(
        signIn({ ctx: core.visitor(site, clientInfo(ip)), input: credentials }),
        'throttled',
      );
      await signIn({ ctx: core.visitor(site, clientInfo(randomIp())), input: credentials });
    });
  });
});
