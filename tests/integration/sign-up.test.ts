import {
  checkSlug,
  getAccount,
  redeemHandoff,
  resendVerification,
  resolveSession,
  SIGN_UP_LIMITS,
  SIGN_UP_THROTTLED,
  type SignUpInput,
  signIn,
  signUp,
  verificationLink,
  verifyEmail,
} from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import {
  activityOf,
  clientInfo,
  coreError,
  countAs,
  deliverQueued,
  expectCoreError,
  linkFromMail,
  sha256Hex,
  siteOf,
  TEST_PASSWORD,
  tenantOrigin,
  testCore,
} from '../support/auth';
import { drivers, itOnPostgres, openTestDatabase, type TestDatabase } from '../support/databases';
import { insertTenant, randomSlug, type TenantRow } from '../support/tenants';

/**
 * Sign-up on the platform host: one call makes the tenant, its branding, its first admin and its
 * board, and hands the browser to the new host with a one-time token. Bad input names the field
 * and leaves nothing behind.
 */

const validInput = (slug = randomSlug('su')): SignUpInput => ({
  agencyName: 'Harbour Studio',
  slug,
  name: 'Nora Whitfield',
  email: `nora@${slug}.example`,
  password: TEST_PASSWORD,
});

describe.each(drivers)('sign-up on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver, { max: 4 });
  });
  afterAll(() => t.close());

  /** Nothing of this attempt exists: no tenant by that slug, no user by that email. */
  async function expectNothingCreated(input: SignUpInput, slugOwner: TenantRow | null = null) {
    const slug = (input.slug ?? '').trim().toLowerCase();
    const tenants = await t.superuser<{ id: string }>(
      'select id::text from platform.tenants where slug = $1',
      [slug],
    );
    expect(tenants.map((r) => r.id)).toEqual(slugOwner ? [slugOwner.id] : []);
    expect(await countAs(t, 'select 1 from app.users where lower(email) = lower($1)', [input.email])).toBe(0);
  }

  it('sends the new admin a branded verification link that confirms the address once', async () => {
    const core = testCore(t);
    const { mail } = core;
    const input = validInput();
    const result = await signUp({ ctx: core.visitor(null, clientInfo()), input });
    // Queued in the sign-up's own transaction, delivered by the worker.
    await deliverQueued(core, [result.tenantId]);
    const [sent] = mail;
    expect(required(sent, 'the verification mail').from.name).toBe('Harbour Studio');
    const { url, token } = linkFromMail(mail, input.email, '/verify-email');
    expect(url.origin).toBe(tenantOrigin(result.slug));
    const site = siteOf({ id: result.tenantId, slug: result.slug, name: 'Harbour Studio' });
    const [user] = await t.superuser<{ id: string }>('select id::text from app.users where tenant_id = $1', [
      result.tenantId,
    ]);
    const actor = {
      kind: 'admin' as const,
      tenantId: result.tenantId,
      userId: required(user, 'the admin').id,
    };
    expect((await getAccount({ ctx: core.as(actor) })).emailVerified).toBe(false);

    await expectCoreError(
      verifyEmail({ ctx: core.visitor(site), input: { token: 'not-a-token' } }),
      'expired',
    );
    expect(await verificationLink({ ctx: core.visitor(site), input: { token } })).toBe('pending');
    expect(await verifyEmail({ ctx: core.visitor(site), input: { token } })).toBe('verified');
    expect((await getAccount({ ctx: core.as(actor) })).emailVerified).toBe(true);
    // Opened twice (a second tab, a second click): "already verified", not "expired".
    expect(await verificationLink({ ctx: core.visitor(site), input: { token } })).toBe('verified');
    expect(await verifyEmail({ ctx: core.visitor(site), input: { token } })).toBe('already_verified');
    expect(await verificationLink({ ctx: core.visitor(site), input: { token: 'not-a-token' } })).toBe(
      'not_found',
    );
    expect(
      await verificationLink({ ctx: core.visitor(siteOf(await insertTenant(t))), input: { token } }),
    ).toBe('not_found');
    // Once verified, asking again sends nothing.
    await resendVerification({ ctx: core.as(actor, site) });
    mail.length = 0;
    await deliverQueued(core, [result.tenantId]);
    expect(mail).toHaveLength(0);
    // The link was opened signed out, yet it is the admin who confirmed their address; the second
    // opening and the needless resend did nothing, and record nothing.
    const entries = await activityOf(t, result.tenantId);
    expect(entries.map((e) => [e.verb, e.actor_kind, e.actor_id])).toEqual([
      ['workspace.created', 'admin', actor.userId],
      ['auth.email_verified', 'admin', actor.userId],
    ]);
    expect(entries[1]?.data).toEqual({ email: input.email });
  });

  it('resends a fresh verification link, and the earlier one stops working', async () => {
    const core = testCore(t);
    const { mail } = core;
    const input = validInput();
    const result = await signUp({ ctx: core.visitor(null, clientInfo()), input });
    await deliverQueued(core, [result.tenantId]);
    const first = linkFromMail(mail, input.email, '/verify-email').token;
    mail.length = 0;
    const [user] = await t.superuser<{ id: string }>('select id::text from app.users where tenant_id = $1', [
      result.tenantId,
    ]);
    const actor = {
      kind: 'admin' as const,
      tenantId: result.tenantId,
      userId: required(user, 'the admin').id,
    };
    const site = siteOf({ id: result.tenantId, slug: result.slug, name: 'Harbour Studio' });
    await resendVerification({ ctx: core.as(actor, site) });
    await deliverQueued(core, [result.tenantId]);
    const second = linkFromMail(mail, input.email, '/verify-email').token;
    await expectCoreError(verifyEmail({ ctx: core.visitor(site), input: { token: first } }), 'expired');
    expect(await verificationLink({ ctx: core.visitor(site), input: { token: first } })).toBe('not_found');
    await verifyEmail({ ctx: core.visitor(site), input: { token: second } });
    expect((await getAccount({ ctx: core.as(actor) })).emailVerified).toBe(true);
    expect((await activityOf(t, result.tenantId)).map((e) => e.verb)).toEqual([
      'workspace.created',
      'auth.verification_resent',
      'auth.email_verified',
    ]);
  });

  it('creates the tenant, its branding, an argon2id admin and the default board, and hands off to the new host', async () => {
    const core = testCore(t);
    const slug = randomSlug('su');
    const input = { ...validInput(slug), slug: `  ${slug.toUpperCase()} `, email: `Nora@${slug}.Example` };
    const from = clientInfo();
    const result = await signUp({ ctx: core.visitor(null, from), input });
    expect(result.slug).toBe(slug);

    const [tenant] = await t.superuser<{ id: string; name: string; status: string }>(
      'select id::text, name, status from platform.tenants where slug = $1',
      [slug],
    );
    expect(tenant).toEqual({ id: result.tenantId, name: 'Harbour Studio', status: 'active' });
    const branding = await t.superuser<{ display_name: string }>(
      'select display_name from app.branding where tenant_id = $1',
      [result.tenantId],
    );
    expect(branding).toEqual([{ display_name: 'Harbour Studio' }]);
    const users = await t.superuser<{
      email: string;
      name: string;
      role: string;
      status: string;
      hash: string;
    }>('select email, name, role, status, password_hash as hash from app.users where tenant_id = $1', [
      result.tenantId,
    ]);
    expect(users).toHaveLength(1);
    const admin = required(users[0], 'the admin');
    expect(admin).toMatchObject({
      email: `Nora@${slug}.Example`,
      name: 'Nora Whitfield',
      role: 'admin',
      status: 'active',
    });
    expect(admin.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(admin.hash).not.toContain(TEST_PASSWORD);
    const board = await t.superuser<{ kind: string }>(
      'select kind from app.task_statuses where tenant_id = $1 order by position',
      [result.tenantId],
    );
    expect(board.map((s) => s.kind)).toEqual(['todo', 'in_progress', 'review', 'done']);

    const url = new URL(result.handoffUrl);
    expect(url.origin).toBe(tenantOrigin(slug));
    expect(url.pathname).toBe('/auth/handoff');
    const token = required(url.searchParams.get('token'), 'a hand-off token');
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    const [handoff] = await t.superuser<{ purpose: string; seconds: number }>(
      `select purpose, extract(epoch from expires_at - now())::int as seconds
         from app.user_tokens where tenant_id = $1 and token_hash = $2`,
      [result.tenantId, sha256Hex(token)],
    );
    expect(required(handoff, 'the hand-off row').purpose).toBe('handoff');
    expect(handoff?.seconds).toBeGreaterThan(60);
    expect(handoff?.seconds).toBeLessThanOrEqual(120);

    // The admin's password is the one chosen, whatever case the email is typed in.
    const site = siteOf({ id: result.tenantId, slug, name: 'Harbour Studio' });
    const session = await signIn({
      ctx: core.visitor(site, clientInfo()),
      input: { email: `nora@${slug}.example`, password: TEST_PASSWORD },
    });
    expect(session.actor.kind).toBe('admin');

    // The workspace's log opens with its creation, by its new admin, from where they signed up.
    const entries = await activityOf(t, result.tenantId);
    expect(entries[0]).toEqual({
      verb: 'workspace.created',
      actor_kind: 'admin',
      actor_id: session.user.id,
      subject_type: 'tenant',
      subject_id: result.tenantId,
      ip: from.ip,
      user_agent: from.userAgent,
      data: { slug, name: 'Harbour Studio' },
    });
    expect(entries.map((e) => e.verb)).toEqual(['workspace.created', 'auth.sign_in']);
    expect(JSON.stringify(entries)).not.toContain(TEST_PASSWORD);
  });

  it('hands off once, on its own tenant only, and not after it expires', async () => {
    const core = testCore(t);
    const other = await insertTenant(t);
    const result = await signUp({ ctx: core.visitor(null, clientInfo()), input: validInput() });
    const token = required(new URL(result.handoffUrl).searchParams.get('token'), 'a hand-off token');
    const site = siteOf({ id: result.tenantId, slug: result.slug, name: 'Harbour Studio' });
    const setExpiry = (interval: string) =>
      t.superuser(
        'update app.user_tokens set expires_at = now() + $3::interval where tenant_id = $1 and token_hash = $2',
        [result.tenantId, sha256Hex(token), interval],
      );

    expect(
      await redeemHandoff({ ctx: core.visitor(siteOf(other), clientInfo()), input: { token } }),
    ).toBeNull();
    await setExpiry('-1 second');
    expect(await redeemHandoff({ ctx: core.visitor(site, clientInfo()), input: { token } })).toBeNull();
    await setExpiry('1 minute');
    expect(
      await redeemHandoff({ ctx: core.visitor(site, clientInfo()), input: { token: 'not-a-token' } }),
    ).toBeNull();

    const session = required(
      await redeemHandoff({ ctx: core.visitor(site, clientInfo()), input: { token } }),
      'a session from the hand-off',
    );
    const resolved = required(
      await resolveSession({ ctx: core.visitor(site), input: { token: session.token } }),
      'the new session',
    );
    expect(resolved.user).toMatchObject({ name: 'Nora Whitfield', role: 'admin' });
    expect(
      await resolveSession({ ctx: core.visitor(siteOf(other)), input: { token: session.token } }),
    ).toBeNull();

    expect(await redeemHandoff({ ctx: core.visitor(site, clientInfo()), input: { token } })).toBeNull();
    // Signed in by the hand-off once; the refused attempts left nothing.
    expect((await activityOf(t, result.tenantId)).map((e) => [e.verb, e.actor_id])).toEqual([
      ['workspace.created', resolved.user.id],
      ['auth.handoff', resolved.user.id],
    ]);
    expect(await activityOf(t, other.id)).toEqual([]);
  });

  it('refuses a taken, reserved or malformed address with a slug error and creates nothing', async () => {
    const core = testCore(t);
    const taken = await insertTenant(t);
    const cases: [string, RegExp][] = [
      [taken.slug, /taken/],
      [taken.slug.toUpperCase(), /taken/],
      ['admin', /reserved/],
      ['www', /reserved/],
      ['api', /reserved/],
      ['operator', /reserved/],
      ['-ab', /lower-case letters/],
      ['ab-', /lower-case letters/],
      ['a', /at least 3/],
      ['', /at least 3/],
      ['a--b', /two dashes/],
      ['a'.repeat(41), /at most 40/],
      ['a_b', /lower-case letters/],
      ['ab.cd', /lower-case letters/],
      ['café', /lower-case letters/],
    ];
    for (const [slug, message] of cases) {
      const input = { ...validInput(), slug };
      const error = await expectCoreError(
        signUp({ ctx: core.visitor(null, clientInfo()), input }),
        'validation',
        'slug',
      );
      expect(Object.keys(error.fields), slug).toEqual(['slug']);
      expect(error.fields.slug, slug).toMatch(message);
      await expectNothingCreated(input, slug.toLowerCase() === taken.slug ? taken : null);
    }
  });

  it('refuses a weak password, a malformed email or a missing name with the field named, and creates nothing', async () => {
    const core = testCore(t);
    const cases: [Partial<SignUpInput>, string, RegExp][] = [
      [{ password: 'password123' }, 'password', /too common/],
      [{ password: 'Password123' }, 'password', /too common/],
      [{ password: 'short' }, 'password', /at least 10/],
      [{ password: 'x'.repeat(129) }, 'password', /at most 128/],
      [{ password: '' }, 'password', /at least 10/],
      [{ email: 'not-an-email' }, 'email', /valid email/],
      [{ email: 'nora@' }, 'email', /valid email/],
      [{ email: '' }, 'email', /valid email/],
      [{ agencyName: '' }, 'agencyName', /agency/],
      [{ agencyName: '   ' }, 'agencyName', /agency/],
      [{ agencyName: 'x'.repeat(121) }, 'agencyName', /at most 120/],
      [{ name: '' }, 'name', /your name/],
    ];
    for (const [change, field, message] of cases) {
      const input = { ...validInput(), ...change };
      const error = await expectCoreError(
        signUp({ ctx: core.visitor(null, clientInfo()), input }),
        'validation',
        field,
      );
      expect(Object.keys(error.fields), field).toEqual([field]);
      expect(error.fields[field], JSON.stringify(change)).toMatch(message);
      await expectNothingCreated(input);
    }

    // A password equal to the email is refused too; and several problems are all named at once.
    const base = validInput();
    await expectCoreError(
      signUp({ ctx: core.visitor(null, clientInfo()), input: { ...base, password: base.email } }),
      'validation',
      'password',
    );
    const all = await coreError(
      signUp({
        ctx: core.visitor(null, clientInfo()),
        input: { agencyName: '', slug: 'www', name: '', email: 'nope', password: 'password123' },
      }),
    );
    expect(Object.keys(all.fields).sort()).toEqual(['agencyName', 'email', 'name', 'password', 'slug']);
    await expectNothingCreated(base);
  });

  it('is throttled per IP and per email: a burst of sign-ups is refused with 429 semantics', async () => {
    const core = testCore(t);
    // The walk-through made 12 workspaces in 0.4 s from one address.
    const from = clientInfo();
    const burst = Array.from({ length: 12 }, () => validInput(randomSlug('burst')));
    const outcomes = await Promise.allSettled(
      burst.map((input) => signUp({ ctx: core.visitor(null, from), input })),
    );
    const made = outcomes.filter((o) => o.status === 'fulfilled');
    expect(made).toHaveLength(SIGN_UP_LIMITS.perIp.limit);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        const error = await coreError(Promise.reject(outcome.reason));
        expect(error.code).toBe('throttled');
        expect(error.message).toBe(SIGN_UP_THROTTLED);
      }
    }
    // A refused attempt leaves nothing behind.
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'rejected') await expectNothingCreated(required(burst[i], 'the input'));
    }

    // One email from many addresses: the same limit per email.
    const email = `many-${randomSlug()}@agency.example`;
    for (let i = 0; i < SIGN_UP_LIMITS.perAccount.limit; i++) {
      await signUp({ ctx: core.visitor(null, clientInfo()), input: { ...validInput(), email } });
    }
    const upper = { ...validInput(), email: email.toUpperCase() };
    const refused = await expectCoreError(
      signUp({ ctx: core.visitor(null, clientInfo()), input: upper }),
      'throttled',
    );
    expect(refused.message).toBe(SIGN_UP_THROTTLED);
    expect(await countAs(t, 'select 1 from platform.tenants where slug = $1', [upper.slug])).toBe(0);
    // Someone else, elsewhere, is not affected.
    await signUp({ ctx: core.visitor(null, clientInfo()), input: validInput() });
  });

  it('checkSlug answers available, taken and reserved', async () => {
    const core = testCore(t);
    const taken = await insertTenant(t);
    const free = randomSlug('free');
    expect(await checkSlug({ ctx: core.visitor(null), input: { slug: free } })).toEqual({
      available: true,
      message: null,
    });
    expect(await checkSlug({ ctx: core.visitor(null), input: { slug: ` ${free.toUpperCase()} ` } })).toEqual({
      available: true,
      message: null,
    });
    expect(await checkSlug({ ctx: core.visitor(null), input: { slug: 'a'.repeat(40) } })).toEqual({
      available: true,
      message: null,
    });
    expect(await checkSlug({ ctx: core.visitor(null), input: { slug: taken.slug } })).toEqual({
      available: false,
      message: 'This address is taken.',
    });
    expect(await checkSlug({ ctx: core.visitor(null), input: { slug: 'admin' } })).toEqual({
      available: false,
      message: expect.stringMatching(/reserved/),
    });
    for (const bad of ['a', '-ab', 'a--b', 'a'.repeat(41)]) {
      const answer = await checkSlug({ ctx: core.visitor(null), input: { slug: bad } });
      expect(answer.available, bad).toBe(false);
      expect(answer.message, bad).toBeTruthy();
    }
  });

  itOnPostgres(
    driver,
    'two sign-ups racing for one address: one wins, the other gets a slug error, nothing half-made (PostgreSQL only)',
    async () => {
      const core = testCore(t);
      const slug = randomSlug('race');
      const first = { ...validInput(slug), email: `first@${slug}.example` };
      const second = { ...validInput(slug), email: `second@${slug}.example` };
      const outcomes = await Promise.allSettled([
        signUp({ ctx: core.visitor(null, clientInfo()), input: first }),
        signUp({ ctx: core.visitor(null, clientInfo()), input: second }),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const error = await coreError(Promise.reject(lost[0]));
      expect(error.code).toBe('validation');
      expect(error.fields.slug).toMatch(/taken/);
      expect(await countAs(t, 'select 1 from platform.tenants where slug = $1', [slug])).toBe(1);
      expect(
        await countAs(t, 'select 1 from app.users where email in ($1, $2)', [first.email, second.email]),
      ).toBe(1);
    },
  );
});
