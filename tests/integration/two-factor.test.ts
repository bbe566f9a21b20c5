import { totpCode } from '@foyer/auth';
import {
  afterFirstFactor,
  beginOperatorTwoFactor,
  beginTwoFactorSetup,
  changePassword,
  completeOperatorSecondFactor,
  completeSecondFactor,
  confirmOperatorTwoFactor,
  confirmTwoFactor,
  createCtx,
  disableTwoFactor,
  forgetRememberedBrowsers,
  mustSetUpTwoFactor,
  operatorTwoFactorStatus,
  type PasswordSignIn,
  PENDING_SIGN_IN_LIFETIME_MS,
  passwordSignIn,
  REMEMBER_BROWSER_LIFETIME_MS,
  regenerateRecoveryCodes,
  resolveOperator,
  resolveSession,
  SECOND_FACTOR_LIMITS,
  saveSecuritySettings,
  signIn,
  signInOperator,
  twoFactorStatus,
} from '@foyer/core';
import { upsertOperator } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import {
  activityOf,
  addUser,
  clientInfo,
  countAs,
  expectCoreError,
  OTHER_PASSWORD,
  siteOf,
  TEST_PASSWORD,
  TEST_PASSWORD_HASH,
  TEST_PASSWORD_WEAK_HASH,
  type TestCore,
  type TestUser,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant } from '../support/tenants';

/**
 * Issue #19, two-factor sign-in (TOTP): set-up needs a valid code; a code works once; recovery
 * codes work once and regenerating voids the old ones; a remembered browser skips the code for
 * thirty days and no longer after a password change; the pending sign-in is single use, expires
 * and belongs to its tenant; guesses are throttled; the team requirement; the secret is sealed.
 */

const STEP_MS = 30_000;

describe.each(drivers)('two-factor on %s', (driver) => {
  let t: TestDatabase;
  let core: TestCore;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    core = testCore(t);
  });
  afterAll(() => t.close());

  /** A fresh tenant and a staff member with a password, and their TOTP secret once set up. */
  async function person(role: 'staff' | 'admin' = 'staff') {
    const tenant = await createTenant(t);
    const user = await addUser(t, tenant, { role });
    return { tenant, site: siteOf(tenant), user };
  }

  const code = (secret: string, offsetMs = 0) =>
    totpCode(secret, new Date(core.clock.now().getTime() + offsetMs));

  async function enable(p: { site: ReturnType<typeof siteOf>; user: TestUser }) {
    const setup = await beginTwoFactorSetup({ ctx: core.as(p.user.actor, p.site) });
    const { recoveryCodes } = await confirmTwoFactor({
      ctx: core.as(p.user.actor, p.site),
      input: { code: code(setup.secret) },
    });
    // The set-up code's step is used: the next sign-in needs the next step's code.
    core.clock.advance(STEP_MS);
    return { secret: setup.secret, recoveryCodes };
  }

  const password = (
    p: { site: ReturnType<typeof siteOf>; user: TestUser },
    remembered: string | null = null,
  ) =>
    passwordSignIn({
      ctx: core.visitor(p.site, clientInfo()),
      input: { email: p.user.email, password: TEST_PASSWORD, remembered },
    });

  function pendingToken(result: PasswordSignIn): string {
    expect(result.kind).toBe('pending');
    return result.token;
  }

  const second = (
    site: ReturnType<typeof siteOf>,
    token: string,
    input: { code: string; kind?: 'totp' | 'recovery'; remember?: boolean },
  ) => completeSecondFactor({ ctx: core.visitor(site, clientInfo()), input: { token, ...input } });

  it('set-up needs a valid code: a wrong one is refused, the right one turns it on with ten recovery codes', async () => {
    const p = await person();
    const ctx = () => core.as(p.user.actor, p.site);
    expect((await twoFactorStatus({ ctx: ctx() })).enabled).toBe(false);
    const setup = await beginTwoFactorSetup({ ctx: ctx() });
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.uri).toContain(`secret=${setup.secret}`);
    expect(setup.uri).toContain(encodeURIComponent(p.user.email));
    expect(setup.qrSvg).toMatch(/^<svg/);
    // A reload shows the same secret while set-up is unfinished.
    expect((await beginTwoFactorSetup({ ctx: ctx() })).secret).toBe(setup.secret);

    const wrong = String((Number(code(setup.secret)) + 1) % 1_000_000).padStart(6, '0');
    await expectCoreError(confirmTwoFactor({ ctx: ctx(), input: { code: wrong } }), 'validation', 'code');
    await expectCoreError(confirmTwoFactor({ ctx: ctx(), input: { code: 'abc' } }), 'validation', 'code');
    expect((await twoFactorStatus({ ctx: ctx() })).enabled).toBe(false);
    // Without two-factor, a password opens a session at once.
    expect((await password(p)).kind).toBe('session');

    const { recoveryCodes } = await confirmTwoFactor({ ctx: ctx(), input: { code: code(setup.secret) } });
    expect(recoveryCodes).toHaveLength(10);
    expect(await twoFactorStatus({ ctx: ctx() })).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    await expectCoreError(beginTwoFactorSetup({ ctx: ctx() }), 'conflict');

    // Sealed, never plain: neither the secret nor a recovery code is stored as typed.
    const [row] = await t.superuser<{ secret_sealed: string; recovery_codes: string[] }>(
      'select secret_sealed, recovery_codes from app.two_factor where tenant_id = $1 and user_id = $2',
      [p.tenant.id, p.user.id],
    );
    const stored = JSON.stringify(required(row, 'the two-factor row'));
    expect(stored).not.toContain(setup.secret);
    for (const c of recoveryCodes) expect(stored).not.toContain(c);
    expect(row?.secret_sealed.startsWith('v1:')).toBe(true);

    const entries = await activityOf(t, p.tenant.id, 'auth.two_factor_enabled');
    expect(entries).toHaveLength(1);
    const [mail] = await t.superuser<{ template: string; vars: Record<string, unknown> }>(
      "select template, vars from app.outbox where tenant_id = $1 and template = 'two-factor-changed'",
      [p.tenant.id],
    );
    expect(mail?.vars).toMatchObject({ enabled: true });
  });

  it('the password step opens no session; a code finishes it, and the same code is refused a second time', async () => {
    const p = await person();
    const { secret } = await enable(p);
    const sessionsBefore = await countAs(t, 'select 1 from app.sessions where user_id = $1', [p.user.id]);
    const token = pendingToken(await password(p));
    expect(await countAs(t, 'select 1 from app.sessions where user_id = $1', [p.user.id])).toBe(
      sessionsBefore,
    );
    // The pending token is no session.
    expect(await resolveSession({ ctx: core.visitor(p.site), input: { token } })).toBeNull();
    // The plain `signIn` refuses: its callers cannot finish a second step.
    await expectCoreError(
      signIn({
        ctx: core.visitor(p.site, clientInfo()),
        input: { email: p.user.email, password: TEST_PASSWORD },
      }),
      'forbidden',
    );

    const now = code(secret);
    const done = await second(p.site, token, { code: now });
    const session = await resolveSession({ ctx: core.visitor(p.site), input: { token: done.token } });
    expect(session?.user.id).toBe(p.user.id);
    const [entry] = (await activityOf(t, p.tenant.id, 'auth.sign_in')).slice(-1);
    expect(entry?.data).toEqual({ method: 'password', secondFactor: 'totp' });

    // The same code again, within its window, on a new sign-in: refused.
    const again = pendingToken(await password(p));
    await expectCoreError(second(p.site, again, { code: now }), 'validation', 'code');
    // So is the previous step's (older than the one used); the next step's works.
    await expectCoreError(second(p.site, again, { code: code(secret, -STEP_MS) }), 'validation', 'code');
    core.clock.advance(STEP_MS);
    await second(p.site, again, { code: code(secret) });
    const failed = await activityOf(t, p.tenant.id, 'auth.two_factor_failed');
    expect(failed.length).toBe(2);
    expect(failed[0]).toMatchObject({ actor_kind: 'visitor', subject_id: p.user.id });
  });

  it('a code for another person fails', async () => {
    const a = await person();
    const b = { ...a, user: await addUser(t, a.tenant, { role: 'staff' }) };
    const { secret: secretA } = await enable(a);
    const { secret: secretB } = await enable(b);
    const token = pendingToken(await password(b));
    await expectCoreError(second(b.site, token, { code: code(secretA) }), 'validation', 'code');
    await second(b.site, token, { code: code(secretB) });
  });

  it('the pending sign-in is single use, expires after ten minutes, and belongs to its tenant', async () => {
    const p = await person();
    const { secret } = await enable(p);
    const token = pendingToken(await password(p));

    // On another tenant's host it is unknown.
    const other = await createTenant(t);
    await expectCoreError(second(siteOf(other), token, { code: code(secret) }), 'expired');

    await second(p.site, token, { code: code(secret) });
    core.clock.advance(STEP_MS);
    await expectCoreError(second(p.site, token, { code: code(secret) }), 'expired');

    const late = pendingToken(await password(p));
    core.clock.advance(PENDING_SIGN_IN_LIFETIME_MS + 1000);
    await expectCoreError(second(p.site, late, { code: code(secret) }), 'expired');
    await expectCoreError(second(p.site, 'not a token', { code: code(secret) }), 'expired');
  });

  it('recovery codes work once each; regenerating voids the old ones; using one sends an email', async () => {
    const p = await person();
    const { recoveryCodes } = await enable(p);
    const [first, secondCode] = recoveryCodes;
    const token = pendingToken(await password(p));
    // Typed in capitals without dashes, it still counts.
    const done = await second(p.site, token, {
      code: required(first, 'a code').toUpperCase().replace(/-/g, ''),
      kind: 'recovery',
    });
    expect(done.user.id).toBe(p.user.id);
    const [entry] = (await activityOf(t, p.tenant.id, 'auth.sign_in')).slice(-1);
    expect(entry?.data).toEqual({ method: 'password', secondFactor: 'recovery' });
    const mail = await t.superuser<{ vars: Record<string, unknown> }>(
      "select vars from app.outbox where tenant_id = $1 and template = 'two-factor-changed' and (vars->>'recoveryUsed')::boolean",
      [p.tenant.id],
    );
    expect(mail[0]?.vars).toMatchObject({ recoveryUsed: true, recoveryLeft: 9 });

    const again = pendingToken(await password(p));
    await expectCoreError(
      second(p.site, again, { code: required(first, 'a code'), kind: 'recovery' }),
      'validation',
      'code',
    );

    const { recoveryCodes: fresh } = await regenerateRecoveryCodes({ ctx: core.as(p.user.actor, p.site) });
    expect(fresh).toHaveLength(10);
    await expectCoreError(
      second(p.site, again, { code: required(secondCode, 'a code'), kind: 'recovery' }),
      'validation',
      'code',
    );
    await second(p.site, again, { code: required(fresh[0], 'a code'), kind: 'recovery' });
    expect((await twoFactorStatus({ ctx: core.as(p.user.actor, p.site) })).recoveryCodesLeft).toBe(9);
    expect(await activityOf(t, p.tenant.id, 'auth.recovery_codes_regenerated')).toHaveLength(1);
  });

  // PGlite runs one transaction at a time: the race exists on PostgreSQL only.
  const onPostgres = driver === 'postgres' ? it : (_name: string, _test: () => Promise<void>) => {};
  onPostgres('two simultaneous uses of one recovery code: exactly one passes', async () => {
    const p = await person();
    const { recoveryCodes } = await enable(p);
    const code0 = required(recoveryCodes[0], 'a code');
    const tokens = [pendingToken(await password(p)), pendingToken(await password(p))];
    const results = await Promise.allSettled(
      tokens.map((token) => second(p.site, token, { code: code0, kind: 'recovery' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('a remembered browser skips the code for thirty days, then asks again', async () => {
    const p = await person();
    const { secret } = await enable(p);
    const done = await second(p.site, pendingToken(await password(p)), {
      code: code(secret),
      remember: true,
    });
    const cookie = required(done.remember, 'a remember cookie');
    expect(cookie.expiresAt.getTime() - core.clock.now().getTime()).toBeGreaterThan(
      REMEMBER_BROWSER_LIFETIME_MS - 60_000,
    );

    const skipped = await password(p, cookie.value);
    expect(skipped).toMatchObject({ kind: 'session', secondFactor: 'remembered' });
    const [entry] = (await activityOf(t, p.tenant.id, 'auth.sign_in')).slice(-1);
    expect(entry?.data).toEqual({ method: 'password', secondFactor: 'remembered' });
    // Another person's browser cookie, or a forged one, vouches for nothing.
    expect(
      (
        await password(
          p,
          cookie.value.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        )
      ).kind,
    ).toBe('pending');

    core.clock.advance(REMEMBER_BROWSER_LIFETIME_MS - 60_000);
    expect((await password(p, cookie.value)).kind).toBe('session');
    core.clock.advance(2 * 60_000);
    expect((await password(p, cookie.value)).kind).toBe('pending');
  });

  it('a password change, "forget remembered browsers" and turning two-factor off end remembered browsers', async () => {
    const p = await person();
    const { secret } = await enable(p);
    const remember = async () => {
      core.clock.advance(STEP_MS);
      const done = await second(p.site, pendingToken(await password(p)), {
        code: code(secret),
        remember: true,
      });
      return required(done.remember, 'a remember cookie').value;
    };

    let cookie = await remember();
    expect((await password(p, cookie)).kind).toBe('session');
    await forgetRememberedBrowsers({ ctx: core.as(p.user.actor, p.site) });
    expect((await password(p, cookie)).kind).toBe('pending');

    cookie = await remember();
    await changePassword({
      ctx: core.as(p.user.actor, p.site, clientInfo()),
      input: { currentPassword: TEST_PASSWORD, newPassword: OTHER_PASSWORD },
    });
    const after = await passwordSignIn({
      ctx: core.visitor(p.site, clientInfo()),
      input: { email: p.user.email, password: OTHER_PASSWORD, remembered: cookie },
    });
    expect(after.kind).toBe('pending');
    // A pending sign-in from before the change is gone too.
    await expectCoreError(second(p.site, after.token, { code: code(secret) }), 'validation');
  });

  it('turning off asks for the password or a current code; then the password alone signs in', async () => {
    const p = await person();
    const { secret } = await enable(p);
    const ctx = () => core.as(p.user.actor, p.site);
    await expectCoreError(
      disableTwoFactor({ ctx: ctx(), input: { password: 'not it at all' } }),
      'validation',
      'password',
    );
    await expectCoreError(disableTwoFactor({ ctx: ctx(), input: {} }), 'validation', 'password');
    await disableTwoFactor({ ctx: ctx(), input: { code: code(secret) } });
    expect((await twoFactorStatus({ ctx: ctx() })).enabled).toBe(false);
    expect((await password(p)).kind).toBe('session');
    expect(await activityOf(t, p.tenant.id, 'auth.two_factor_disabled')).toHaveLength(1);
    const mail = await t.superuser<{ vars: Record<string, unknown> }>(
      "select vars from app.outbox where tenant_id = $1 and template = 'two-factor-changed' and (vars->>'disabled')::boolean",
      [p.tenant.id],
    );
    expect(mail).toHaveLength(1);

    // On again with a new secret: the old secret's codes no longer work.
    const { secret: fresh } = await enable(p);
    expect(fresh).not.toBe(secret);
    await disableTwoFactor({ ctx: ctx(), input: { password: TEST_PASSWORD } });
  });

  it('second-factor guesses are throttled per pending sign-in, even when the right code follows', async () => {
    const p = await person();
    const { secret } = await enable(p);
    const token = pendingToken(await password(p));
    const wrong = String((Number(code(secret)) + 500_000) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < SECOND_FACTOR_LIMITS.perPending.limit; i++) {
      await expectCoreError(second(p.site, token, { code: wrong }), 'validation', 'code');
    }
    await expectCoreError(second(p.site, token, { code: code(secret) }), 'throttled');
    // A new sign-in counts against the account's own limit, which is not used up yet.
    await second(p.site, pendingToken(await password(p)), { code: code(secret) });
  });

  it('afterFirstFactor (Google’s hand-over): a session without two-factor, the second step with it', async () => {
    const p = await person();
    const input = { userId: p.user.id, role: 'staff' as const, clientId: null, method: 'google' as const };
    const direct = await afterFirstFactor({ ctx: core.visitor(p.site, clientInfo()), input });
    expect(direct.kind).toBe('session');
    const { secret } = await enable(p);
    const pending = await afterFirstFactor({ ctx: core.visitor(p.site, clientInfo()), input });
    expect(pending.kind).toBe('pending');
    const done = await second(p.site, pending.token, { code: code(secret), remember: true });
    const [entry] = (await activityOf(t, p.tenant.id, 'auth.sign_in')).slice(-1);
    expect(entry?.data).toEqual({ method: 'google', secondFactor: 'totp' });
    const remembered = await afterFirstFactor({
      ctx: core.visitor(p.site, clientInfo()),
      input: { ...input, remembered: done.remember?.value ?? null },
    });
    expect(remembered).toMatchObject({ kind: 'session', secondFactor: 'remembered' });
  });

  it('the team requirement sends admins and staff without two-factor to set-up; clients are not affected', async () => {
    const p = await person('admin');
    const staff = await addUser(t, p.tenant, { role: 'staff' });
    const must = (actor: TestUser['actor']) => mustSetUpTwoFactor({ ctx: core.as(actor, p.site) });
    expect(await must(p.user.actor)).toBe(false);
    await saveSecuritySettings({
      ctx: core.as(p.user.actor, p.site),
      input: {
        requireTeamTwoFactor: 'on',
        googleSignIn: 'off',
        googleRegistration: 'off',
        activityRetentionDays: 365,
      },
    });
    expect(await must(p.user.actor)).toBe(true);
    expect(await must(staff.actor)).toBe(true);
    expect(await must(p.tenant.client)).toBe(false);
    await enable(p);
    expect(await must(p.user.actor)).toBe(false);
    expect(await must(staff.actor)).toBe(true);
  });

  it('no code, secret or recovery code reaches the activity log or the outbox', async () => {
    const p = await person();
    const { secret, recoveryCodes } = await enable(p);
    const used = code(secret);
    const token = pendingToken(await password(p));
    await expectCoreError(
      second(p.site, token, { code: '000000' === used ? '111111' : '000000' }),
      'validation',
    );
    await second(p.site, token, { code: used });
    await second(p.site, pendingToken(await password(p)), {
      code: required(recoveryCodes[3], 'a code'),
      kind: 'recovery',
    });
    const rows = await t.superuser<{ text: string }>(
      `select coalesce((select string_agg(a.data::text, ' ') from app.activity a where a.tenant_id = $1), '') ||
              coalesce((select string_agg(o.vars::text, ' ') from app.outbox o where o.tenant_id = $1), '') as text`,
      [p.tenant.id],
    );
    const text = required(rows[0], 'the text').text;
    for (const planted of [secret, used, ...recoveryCodes, token]) expect(text).not.toContain(planted);
  });

  describe('operators', () => {
    async function operator() {
      const email = `ops-${Math.random().toString(36).slice(2, 10)}@foyer.test`;
      await upsertOperator(
        { query: t.superuser },
        { email, name: 'Olive Operator', passwordHash: TEST_PASSWORD_HASH },
      );
      return email;
    }
    /** A request's context on the platform host, with DATABASE_URL-like configuration or not. */
    const platformCtx = (required: boolean) =>
      createCtx({ ...core.deps, operatorTwoFactorRequired: required }, { client: clientInfo() });
    const signInOp = (email: string, remembered: string | null = null) =>
      signInOperator({ ctx: platformCtx(true), input: { email, password: TEST_PASSWORD, remembered } });
    const resolve = async (token: string) =>
      required(await resolveOperator({ ctx: platformCtx(true), input: { token } }), 'the operator');

    it('must set up two-factor where DATABASE_URL is set, not on embedded defaults', async () => {
      const email = await operator();
      const session = await signInOp(email);
      expect(session.pending).toBe(false);
      const me = await resolve(session.token);
      expect((await operatorTwoFactorStatus({ ctx: platformCtx(true), operator: me })).mustSetUp).toBe(true);
      expect((await operatorTwoFactorStatus({ ctx: platformCtx(false), operator: me })).mustSetUp).toBe(
        false,
      );
      // Embedded defaults leave the flag unset: the demo operator stays password-only.
      expect((await operatorTwoFactorStatus({ ctx: createCtx(core.deps), operator: me })).mustSetUp).toBe(
        false,
      );

      const setup = await beginOperatorTwoFactor({ ctx: platformCtx(true), operator: me });
      await expectCoreError(
        confirmOperatorTwoFactor({ ctx: platformCtx(true), operator: me, input: { code: 'abcdef' } }),
        'validation',
        'code',
      );
      const { recoveryCodes } = await confirmOperatorTwoFactor({
        ctx: platformCtx(true),
        operator: me,
        input: { code: code(setup.secret) },
      });
      expect(recoveryCodes).toHaveLength(10);
      expect((await operatorTwoFactorStatus({ ctx: platformCtx(true), operator: me })).mustSetUp).toBe(false);
      const [row] = await t.superuser<{ secret_sealed: string }>(
        'select secret_sealed from platform.operator_two_factor where operator_id = $1',
        [me.id],
      );
      expect(row?.secret_sealed).not.toContain(setup.secret);

      // Signing in now takes a code, accepted once; a recovery code works once; a remembered browser skips it.
      core.clock.advance(STEP_MS);
      const pending = await signInOp(email);
      expect(pending.pending).toBe(true);
      expect(await resolveOperator({ ctx: platformCtx(true), input: { token: pending.token } })).toBeNull();
      const now = code(setup.secret);
      const done = await completeOperatorSecondFactor({
        ctx: platformCtx(true),
        input: { token: pending.token, code: now, remember: true },
      });
      expect((await resolve(done.token)).email).toBe(email);
      const again = await signInOp(email);
      await expectCoreError(
        completeOperatorSecondFactor({ ctx: platformCtx(true), input: { token: again.token, code: now } }),
        'validation',
        'code',
      );
      const recovery = required(recoveryCodes[0], 'a code');
      await completeOperatorSecondFactor({
        ctx: platformCtx(true),
        input: { token: again.token, code: recovery, kind: 'recovery' },
      });
      const third = await signInOp(email);
      await expectCoreError(
        completeOperatorSecondFactor({
          ctx: platformCtx(true),
          input: { token: third.token, code: recovery, kind: 'recovery' },
        }),
        'validation',
        'code',
      );
      const cookie = required(done.remember, 'a remember cookie').value;
      expect((await signInOp(email, cookie)).pending).toBe(false);
      // A new password (`foyer operators create` again) ends remembered browsers.
      await upsertOperator(
        { query: t.superuser },
        { email, name: 'Olive Operator', passwordHash: TEST_PASSWORD_WEAK_HASH },
      );
      expect((await signInOp(email, cookie)).pending).toBe(true);
    });
  });
});
