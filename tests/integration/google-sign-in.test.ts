import { randomBytes } from 'node:crypto';
import { totpCode } from '@foyer/auth';
import {
  beginGoogleSignIn,
  beginTwoFactorSetup,
  completeGoogleCallback,
  completeSecondFactor,
  confirmTwoFactor,
  finishGoogleSignIn,
  googleConfigured,
  googleSignInOffered,
  resolveSession,
  saveSecuritySettings,
  startGoogleAuthorization,
} from '@foyer/core';
import { sql, system } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, required } from '../support/assert';
import {
  activityOf,
  coreError,
  countAs,
  deliverQueued,
  expectCoreError,
  sha256Hex,
  siteOf,
  type TestCore,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { type FakeGoogle, type FakeGoogleIdentity, startFakeGoogle } from '../support/fake-google.mjs';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * "Sign in with Google" end to end through the core verbs, against a local fake Google: the
 * tenant host's start, the platform host's start and callback (state, PKCE, ID-token claims), the
 * one-time hand-off and its redemption on the tenant's host, bound to that tenant and to the
 * browser that began. The web routes only move these values in and out of cookies and redirects
 * (tests/e2e/tests/google.spec.ts drives them in a browser).
 */

const CLIENT_ID = 'foyer-test.apps.googleusercontent.com';
const CLIENT_SECRET = 'fake-google-secret';

const identity = (over: Partial<FakeGoogleIdentity> = {}): FakeGoogleIdentity => {
  const id = randomBytes(6).toString('hex');
  return { sub: `g-${id}`, email: `person-${id}@gmail.test`, name: `Person ${id}`, ...over };
};

describe.each(drivers)('sign in with Google on %s', (driver) => {
  let t: TestDatabase;
  let fake: FakeGoogle;
  beforeAll(async () => {
    t = await openTestDatabase(driver, { max: 4 });
    fake = await startFakeGoogle({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });
  afterAll(async () => {
    await fake.close();
    await t.close();
  });

  function googleCore(): TestCore {
    const core = testCore(t);
    core.deps.google = {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      authorizeUrl: fake.authorizeUrl,
      tokenUrl: fake.tokenUrl,
      issuers: [fake.issuer],
    };
    return core;
  }

  async function tenantWithGoogle(
    core: TestCore,
    settings: { googleSignIn?: boolean; googleRegistration?: boolean } = {},
  ): Promise<TenantFixture> {
    const tenant = await createTenant(t);
    await saveSecuritySettings({
      ctx: core.as(tenant.admin),
      input: {
        requireTeamTwoFactor: false,
        googleSignIn: settings.googleSignIn ?? true,
        googleRegistration: settings.googleRegistration ?? false,
        activityRetentionDays: 365,
      },
    });
    return tenant;
  }

  /** Steps 1-3 as a browser makes them: the tenant host, the platform host, Google, the callback. */
  async function throughGoogle(core: TestCore, tenant: TenantFixture, who: FakeGoogleIdentity) {
    const begun = await beginGoogleSignIn({
      ctx: core.visitor(siteOf(tenant)),
      input: { next: '/projects' },
    });
    const start = new URL(begun.location);
    expect(start.origin + start.pathname).toBe(`${core.deps.platformOrigin}/auth/google/start`);
    expect(start.searchParams.get('binding')).toBe(sha256Hex(begun.binding));
    const started = await startGoogleAuthorization({
      ctx: core.visitor(null),
      input: {
        tenant: start.searchParams.get('tenant'),
        binding: start.searchParams.get('binding'),
        next: start.searchParams.get('next'),
      },
    });
    fake.approveNext(who);
    const authorized = await fetch(started.location, { redirect: 'manual' });
    expect(authorized.status).toBe(303);
    const back = new URL(required(authorized.headers.get('location'), 'the redirect back'));
    expect(back.origin + back.pathname).toBe(`${core.deps.platformOrigin}/auth/google/callback`);
    const callback = {
      code: back.searchParams.get('code'),
      state: back.searchParams.get('state'),
      error: back.searchParams.get('error'),
    };
    const flow = {
      state: started.flow.state,
      codeVerifier: started.flow.codeVerifier,
      context: started.flow.context,
    };
    const { location } = await completeGoogleCallback({
      ctx: core.visitor(null),
      input: { ...callback, flow },
    });
    return { begun, started, callback, flow, next: new URL(location) };
  }

  type Finished = Awaited<ReturnType<typeof finishGoogleSignIn>>;

  /** All four steps: the hand-off redeemed in the browser that began (the second step's, if any). */
  async function throughToFinish(core: TestCore, tenant: TenantFixture, who: FakeGoogleIdentity) {
    const { begun, next } = await throughGoogle(core, tenant, who);
    expect(next.origin + next.pathname).toBe(`${siteOf(tenant).tenant.origin}/auth/google/finish`);
    const code = next.searchParams.get('code');
    const result = await finishGoogleSignIn({
      ctx: core.visitor(siteOf(tenant)),
      input: { code, binding: begun.binding },
    });
    return { result, code, binding: begun.binding, next };
  }

  /** All four steps, for people without two-factor: a session or a refusal. */
  async function signInWithGoogle(core: TestCore, tenant: TenantFixture, who: FakeGoogleIdentity) {
    const done = await throughToFinish(core, tenant, who);
    if (done.result.ok && done.result.kind === 'pending')
      throw new Error('expected a session, got the second step');
    return { ...done, result: done.result as Exclude<Finished, { kind: 'pending' }> };
  }

  it('links an existing client by verified address, then knows them by their Google account', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core);
    const email = `client@${tenant.slug}.test`;
    const who = identity({ email: email.toUpperCase() });

    const first = await signInWithGoogle(core, tenant, who);
    expect(first.next.searchParams.get('next')).toBe('/projects');
    if (!first.result.ok) throw new Error(`refused: ${first.result.refusal}`);
    expect(first.result.user).toMatchObject({ id: tenant.client.userId, role: 'client', email });
    expect(first.result.device.value).toMatch(/\./);
    const session = await resolveSession({
      ctx: core.visitor(siteOf(tenant)),
      input: { token: first.result.token },
    });
    expect(session?.actor).toEqual(tenant.client);
    const [linked] = await t.superuser<{ google_sub: string; verified: boolean }>(
      'select google_sub, email_verified_at is not null as verified from app.users where tenant_id = $1 and id = $2',
      [tenant.id, tenant.client.userId],
    );
    expect(linked).toEqual({ google_sub: who.sub, verified: true });

    // The same Google account under a new address still finds them: the account is the key now.
    const second = await signInWithGoogle(core, tenant, {
      ...who,
      email: `renamed-${who.email.toLowerCase()}`,
    });
    expect(second.result.ok && second.result.user.id).toBe(tenant.client.userId);

    const entries = await activityOf(t, tenant.id, 'auth.sign_in');
    expect(entries.map((e) => [e.actor_kind, e.actor_id, e.data])).toEqual([
      ['client', tenant.client.userId, { method: 'google', linked: true }],
      ['client', tenant.client.userId, { method: 'google' }],
    ]);
    expect(fake.tokenRequests.every((r) => r.ok)).toBe(true);
  });

  it('does not re-link a person already linked to another Google account with the same address', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core, { googleRegistration: true });
    const email = `client@${tenant.slug}.test`;
    const first = await signInWithGoogle(core, tenant, identity({ email }));
    expect(first.result.ok).toBe(true);
    const other = await signInWithGoogle(core, tenant, identity({ email }));
    expect(other.result).toEqual({ ok: false, refusal: 'google-other-account' });
    expect(await countAs(t, 'select 1 from app.users where tenant_id = $1', [tenant.id])).toBe(2);
  });

  it('sends a person with two-factor on to the second step, which opens the session', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core);
    const site = siteOf(tenant);
    const setup = await beginTwoFactorSetup({ ctx: core.as(tenant.client, site) });
    await confirmTwoFactor({
      ctx: core.as(tenant.client, site),
      input: { code: totpCode(setup.secret, core.clock.now()) },
    });
    core.clock.advance(30_000);
    const before = await countAs(t, 'select 1 from app.sessions where tenant_id = $1', [tenant.id]);

    const { result } = await throughToFinish(core, tenant, identity({ email: `client@${tenant.slug}.test` }));
    if (!result.ok || result.kind !== 'pending') throw new Error('expected the second step');
    // Google alone opened no session.
    expect(await countAs(t, 'select 1 from app.sessions where tenant_id = $1', [tenant.id])).toBe(before);

    const done = await completeSecondFactor({
      ctx: core.visitor(site),
      input: { token: result.token, code: totpCode(setup.secret, core.clock.now()) },
    });
    expect(done.actor).toEqual(tenant.client);
    expect(await countAs(t, 'select 1 from app.sessions where tenant_id = $1', [tenant.id])).toBe(before + 1);
    const entries = await activityOf(t, tenant.id, 'auth.sign_in');
    expect(entries.at(-1)?.data).toMatchObject({ method: 'google', secondFactor: 'totp' });
  });

  it('signs the team in too, to the panel, by their verified address', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core);
    const { result } = await signInWithGoogle(core, tenant, identity({ email: `admin@${tenant.slug}.test` }));
    expect(result.ok && result.actor).toEqual(tenant.admin);
  });

  it('refuses a replayed or wrong state, and a callback with no flow cookies, with `expired`', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core);
    const begun = await beginGoogleSignIn({ ctx: core.visitor(siteOf(tenant)), input: {} });
    const start = new URL(begun.location);
    const started = await startGoogleAuthorization({
      ctx: core.visitor(null),
      input: { tenant: start.searchParams.get('tenant'), binding: start.searchParams.get('binding') },
    });
    fake.approveNext(identity({ email: `client@${tenant.slug}.test` }));
    const back = new URL(
      required((await fetch(started.location, { redirect: 'manual' })).headers.get('location'), 'back'),
    );
    const code = back.searchParams.get('code');
    const flow = {
      state: started.flow.state,
      codeVerifier: started.flow.codeVerifier,
      context: started.flow.context,
    };
    // A state this browser never started.
    await expectCoreError(
      completeGoogleCallback({
        ctx: core.visitor(null),
        input: { code, state: 'forged-state', error: null, flow },
      }),
      'expired',
    );
    // The same callback again once its cookies were cleared (the route clears them first).
    const none = { state: null, codeVerifier: null, context: null };
    await expectCoreError(
      completeGoogleCallback({
        ctx: core.visitor(null),
        input: { code, state: back.searchParams.get('state'), error: null, flow: none },
      }),
      'expired',
    );
    // A tampered flow context is no flow.
    await expectCoreError(
      completeGoogleCallback({
        ctx: core.visitor(null),
        input: { code, state: flow.state, error: null, flow: { ...flow, context: `x.${flow.context}` } },
      }),
      'expired',
    );
    expect(
      await t.superuser('select 1 from platform.google_handoffs where tenant_id = $1', [tenant.id]),
    ).toEqual([]);
  });

  it('spends a hand-off code once: a second redemption is refused', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core);
    const { result, code, binding } = await signInWithGoogle(
      core,
      tenant,
      identity({ email: `client@${tenant.slug}.test` }),
    );
    expect(result.ok).toBe(true);
    const again = await finishGoogleSignIn({ ctx: core.visitor(siteOf(tenant)), input: { code, binding } });
    expect(again).toEqual({ ok: false, refusal: 'google-link' });
    const refused = await activityOf(t, tenant.id, 'auth.sign_in_failed');
    expect(refused.map((e) => [e.actor_kind, e.data])).toEqual([
      ['visitor', { method: 'google', reason: 'google-link' }],
    ]);
  });

  it('refuses a hand-off code redeemed on another tenant, which spends it', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core);
    const other = await tenantWithGoogle(core);
    const sessionsBefore = await countAs(t, 'select 1 from app.sessions where tenant_id = any($1)', [
      [tenant.id, other.id],
    ]);
    const { begun, next } = await throughGoogle(
      core,
      tenant,
      identity({ email: `client@${tenant.slug}.test` }),
    );
    const code = next.searchParams.get('code');
    const elsewhere = await finishGoogleSignIn({
      ctx: core.visitor(siteOf(other)),
      input: { code, binding: begun.binding },
    });
    expect(elsewhere).toEqual({ ok: false, refusal: 'google-link' });
    const home = await finishGoogleSignIn({
      ctx: core.visitor(siteOf(tenant)),
      input: { code, binding: begun.binding },
    });
    expect(home).toEqual({ ok: false, refusal: 'google-link' });
    expect(
      await countAs(t, 'select 1 from app.sessions where tenant_id = any($1)', [[tenant.id, other.id]]),
    ).toBe(sessionsBefore);
  });

  it('refuses a hand-off without the browser-binding cookie, or with another browser’s (login CSRF)', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core);
    const sessionsBefore = await countAs(t, 'select 1 from app.sessions where tenant_id = $1', [tenant.id]);
    // The attacker's own sign-in, whose finish link they send to a victim.
    const attacker = await throughGoogle(core, tenant, identity({ email: `client@${tenant.slug}.test` }));
    const code = attacker.next.searchParams.get('code');
    const site = siteOf(tenant);
    expect(await finishGoogleSignIn({ ctx: core.visitor(site), input: { code, binding: null } })).toEqual({
      ok: false,
      refusal: 'google-link',
    });
    // That presentation spent it: not even the attacker's own browser can use it now.
    expect(
      await finishGoogleSignIn({ ctx: core.visitor(site), input: { code, binding: attacker.begun.binding } }),
    ).toEqual({ ok: false, refusal: 'google-link' });
    // The victim's browser has a binding cookie of its own, from a sign-in it began itself.
    const victim = await beginGoogleSignIn({ ctx: core.visitor(site), input: {} });
    const second = await throughGoogle(core, tenant, identity({ email: `client@${tenant.slug}.test` }));
    expect(
      await finishGoogleSignIn({
        ctx: core.visitor(site),
        input: { code: second.next.searchParams.get('code'), binding: victim.binding },
      }),
    ).toEqual({ ok: false, refusal: 'google-link' });
    expect(await countAs(t, 'select 1 from app.sessions where tenant_id = $1', [tenant.id])).toBe(
      sessionsBefore,
    );
  });

  it('refuses a hand-off past its two minutes', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core);
    // The platform's clock runs three minutes slow: the hand-off it stores has already lapsed.
    core.clock.advance(-3 * 60 * 1000);
    const { begun, next } = await throughGoogle(
      core,
      tenant,
      identity({ email: `client@${tenant.slug}.test` }),
    );
    core.clock.advance(3 * 60 * 1000);
    const result = await finishGoogleSignIn({
      ctx: core.visitor(siteOf(tenant)),
      input: { code: next.searchParams.get('code'), binding: begun.binding },
    });
    expect(result).toEqual({ ok: false, refusal: 'google-link' });
  });

  it('refuses an address Google has not verified, storing nothing', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core, { googleRegistration: true });
    const { next } = await throughGoogle(
      core,
      tenant,
      identity({ email: `client@${tenant.slug}.test`, email_verified: false }),
    );
    expect(next.origin + next.pathname).toBe(`${siteOf(tenant).tenant.origin}/login`);
    expect(next.searchParams.get('notice')).toBe('google-unverified');
    expect(
      await t.superuser('select 1 from platform.google_handoffs where tenant_id = $1', [tenant.id]),
    ).toEqual([]);
  });

  it('refuses ID tokens for another client, from another issuer, or expired', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core);
    const email = `client@${tenant.slug}.test`;
    for (const claims of [
      { aud: 'someone-else.apps.googleusercontent.com', azp: 'someone-else.apps.googleusercontent.com' },
      { iss: 'https://evil.example' },
      { exp: Math.floor(Date.now() / 1000) - 60 },
    ]) {
      const { next } = await throughGoogle(core, tenant, identity({ email, claims }));
      expect(next.pathname).toBe('/login');
      expect(next.searchParams.get('notice')).toBe('google-failed');
    }
    expect(
      await t.superuser('select 1 from platform.google_handoffs where tenant_id = $1', [tenant.id]),
    ).toEqual([]);
  });

  it('with registration off, refuses an unknown address and creates nobody', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core, { googleRegistration: false });
    const who = identity();
    const { result } = await signInWithGoogle(core, tenant, who);
    expect(result).toEqual({ ok: false, refusal: 'google-unknown' });
    expect(
      await t.superuser('select 1 from app.users where tenant_id = $1 and lower(email) = $2', [
        tenant.id,
        who.email,
      ]),
    ).toEqual([]);
    expect(
      await t.superuser('select 1 from app.clients where tenant_id = $1 and name = $2', [
        tenant.id,
        who.name,
      ]),
    ).toEqual([]);
    const [refused] = await activityOf(t, tenant.id, 'auth.sign_in_failed');
    expect(refused?.data).toEqual({ method: 'google', reason: 'google-unknown', email: who.email });
  });

  it('with registration on, makes a client with no projects and no permissions, and tells the admins', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core, { googleRegistration: true });
    // A company already bears the name: the newcomer gets one of their own, never joins it.
    const who = identity({ name: `Client of ${tenant.slug}` });
    const { result } = await signInWithGoogle(core, tenant, who);
    if (!result.ok) throw new Error(`refused: ${result.refusal}`);
    expect(result.user).toMatchObject({ role: 'client', email: who.email, name: who.name });
    const [person] = await t.superuser<{
      role: string;
      permissions: string[];
      google_sub: string;
      company: string;
      company_id: string;
      password: boolean;
    }>(
      `select u.role, u.permissions, u.google_sub, c.name as company, c.id::text as company_id,
              u.password_hash is not null as password
         from app.users u join app.clients c on c.tenant_id = u.tenant_id and c.id = u.client_id
        where u.tenant_id = $1 and u.id = $2`,
      [tenant.id, result.user.id],
    );
    expect(person).toMatchObject({
      role: 'client',
      permissions: [],
      google_sub: who.sub,
      company: `${who.name} (2)`,
      password: false,
    });
    expect(person?.company_id).not.toBe(tenant.clientId);
    expect(
      await t.superuser('select 1 from app.project_clients where tenant_id = $1 and user_id = $2', [
        tenant.id,
        result.user.id,
      ]),
    ).toEqual([]);
    const notices = await t.superuser<{ user_id: string; title: string; link: string }>(
      `select user_id::text, title, link from app.notifications where tenant_id = $1 and event = 'google-joined'`,
      [tenant.id],
    );
    expect(notices).toEqual([
      {
        user_id: tenant.admin.userId,
        title: `${who.name} joined with Google`,
        link: `/admin/clients/${result.user.id}`,
      },
    ]);
    core.mail.length = 0;
    await deliverQueued(core, [tenant.id]);
    const sent = core.mail.filter((m) => m.subject.includes('joined'));
    expect(sent.map((m) => m.to)).toEqual([`admin@${tenant.slug}.test`]);
    expect(sent[0]?.html).toContain(`${siteOf(tenant).tenant.origin}/admin/clients/${result.user.id}`);
    const [entry] = await activityOf(t, tenant.id, 'auth.sign_in');
    expect(entry).toMatchObject({ actor_kind: 'client', actor_id: result.user.id });
    expect(entry?.data).toEqual({ method: 'google', registered: true });
  });

  it('refuses a deactivated person, whether known by Google account or by address', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core, { googleRegistration: true });
    await t.superuser(`update app.users set status = 'deactivated' where tenant_id = $1 and id = $2`, [
      tenant.id,
      tenant.client.userId,
    ]);
    const { result } = await signInWithGoogle(
      core,
      tenant,
      identity({ email: `client@${tenant.slug}.test` }),
    );
    expect(result).toEqual({ ok: false, refusal: 'google-deactivated' });
    expect(await countAs(t, 'select 1 from app.users where tenant_id = $1', [tenant.id])).toBe(2);
  });

  it('with Google off for the tenant, or no platform credentials: no button, and both starts refuse', async () => {
    const core = googleCore();
    const off = await tenantWithGoogle(core, { googleSignIn: false });
    const site = siteOf(off);
    expect(googleConfigured(core.deps)).toBe(true);
    expect(await googleSignInOffered({ ctx: core.visitor(site) })).toBe(false);
    await expectCoreError(beginGoogleSignIn({ ctx: core.visitor(site), input: {} }), 'not_found');
    await expectCoreError(
      startGoogleAuthorization({
        ctx: core.visitor(null),
        input: { tenant: off.slug, binding: sha256Hex('x') },
      }),
      'not_found',
    );

    const on = await tenantWithGoogle(core);
    expect(await googleSignInOffered({ ctx: core.visitor(siteOf(on)) })).toBe(true);
    const bare = testCore(t);
    expect(googleConfigured(bare.deps)).toBe(false);
    expect(await googleSignInOffered({ ctx: bare.visitor(siteOf(on)) })).toBe(false);
    await expectCoreError(beginGoogleSignIn({ ctx: bare.visitor(siteOf(on)), input: {} }), 'not_found');
    await expectCoreError(
      startGoogleAuthorization({
        ctx: bare.visitor(null),
        input: { tenant: on.slug, binding: sha256Hex('x') },
      }),
      'not_found',
    );
    // Bad input to the platform start is a refusal, never a crash.
    const bad = await coreError(
      startGoogleAuthorization({ ctx: core.visitor(null), input: { tenant: 'no such/host', binding: 'zz' } }),
    );
    expect(bad.code).toBe('validation');
  });

  it('keeps hand-offs in a platform table no runtime role can read, behind tested functions', async () => {
    const core = googleCore();
    const tenant = await tenantWithGoogle(core, { googleRegistration: true });
    await expectPermissionDenied(t.handle.rows(sql`select * from platform.google_handoffs`));
    expect(await system.google.state(t.handle, tenant.id)).toEqual({ signIn: true, registration: true });
    const plain = await createTenant(t);
    expect(await system.google.state(t.handle, plain.id)).toEqual({ signIn: false, registration: false });
    // No hand-off for a tenant without Google.
    const handoff = {
      tokenHash: sha256Hex('a'),
      tenantId: plain.id,
      bindingHash: sha256Hex('b'),
      googleSub: 'g-1',
      email: 'x@example.test',
      name: 'X',
      expiresAt: new Date(Date.now() + 60_000),
    };
    expect(await system.google.createHandoff(t.handle, handoff)).toBe(false);
    expect(await system.google.createHandoff(t.handle, { ...handoff, tenantId: tenant.id })).toBe(true);
    expect(await system.google.finish(t.handle, tenant.id, sha256Hex('a'), sha256Hex('wrong'))).toEqual({
      outcome: 'invalid',
      email: null,
    });
    expect(await system.google.finish(t.handle, tenant.id, sha256Hex('a'), sha256Hex('b'))).toEqual({
      outcome: 'invalid',
      email: null,
    });
  });
});
