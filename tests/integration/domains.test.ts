import { randomBytes } from 'node:crypto';
import {
  addDomain,
  CoreError,
  type CustomDomain,
  createCtx,
  getDomain,
  normaliseCustomDomain,
  removeDomain,
  reverifyDomains,
  verifyDomain,
} from '@foyer/core';
import { sql, system } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, required } from '../support/assert';
import {
  activityOf,
  addUser,
  expectCoreError,
  PLATFORM_DOMAIN,
  siteOf,
  type TestCore,
  testCore,
} from '../support/auth';
import { drivers, itOnPostgres, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * Custom domains: served and given certificates only after the DNS TXT token is found, one
 * tenant per domain, re-verified periodically, and managed by the tenant's admins alone.
 */

const randomHost = () => `portal-${randomBytes(5).toString('hex')}.agency.test`;

describe.each(drivers)('custom domains on %s', (driver) => {
  let t: TestDatabase;
  let core: TestCore;
  beforeAll(async () => {
    // The verification race needs two connections at once.
    t = await openTestDatabase(driver, { max: 4 });
    core = testCore(t);
  });
  afterAll(() => t.close());

  const verbs = async (tenantId: string) => (await activityOf(t, tenantId)).map((e) => e.verb);

  const txtOf = (domain: CustomDomain) =>
    required(
      domain.records.find((r) => r.type === 'TXT'),
      'a TXT record',
    );

  /** Publishes the records the page tells the admin to create. */
  function publish(tenant: TenantFixture, domain: CustomDomain, options: { cname?: boolean } = {}) {
    const txt = txtOf(domain);
    core.dns.set(txt.name, { txt: [[txt.value]] });
    if (options.cname !== false)
      core.dns.set(domain.hostname, { cname: [`${tenant.slug}.${PLATFORM_DOMAIN}.`] });
  }

  async function verifiedDomain(tenant: TenantFixture): Promise<CustomDomain> {
    const domain = await addDomain({
      ctx: core.as(tenant.admin, siteOf(tenant)),
      input: { hostname: randomHost() },
    });
    publish(tenant, domain);
    const check = await verifyDomain({ ctx: core.as(tenant.admin, siteOf(tenant)) });
    expect(check).toMatchObject({ verified: true, cnameOk: true, problems: [] });
    return check.domain;
  }

  it('is neither served nor given a certificate until the TXT token is found', async () => {
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    expect(await getDomain({ ctx: core.as(tenant.admin, site) })).toBeNull();

    const added = await addDomain({
      ctx: core.as(tenant.admin, site),
      input: { hostname: '  Portal-X.Agency.TEST. ' },
    });
    const hostname = 'portal-x.agency.test';
    // Tests share one database: use a host of this tenant's own.
    await removeDomain({ ctx: core.as(tenant.admin, site), input: { hostname: added.hostname } });
    const host = randomHost();
    const domain = await addDomain({
      ctx: core.as(tenant.admin, site),
      input: { hostname: host.toUpperCase() },
    });
    expect(added.hostname).toBe(hostname);
    expect(domain).toMatchObject({ hostname: host, status: 'pending', verifiedAt: null });
    expect(domain.records).toEqual([
      { type: 'CNAME', name: host, value: `${tenant.slug}.${PLATFORM_DOMAIN}`, purpose: expect.any(String) },
      {
        type: 'TXT',
        name: `_foyer-challenge.${host}`,
        value: expect.stringMatching(/^foyer-verification=[A-Za-z0-9_-]{20,}$/),
        purpose: expect.any(String),
      },
    ]);
    expect(await system.tenants.forHost(t.handle, { hostname: host })).toBeNull();
    expect(await system.domains.tlsAllowed(t.handle, host)).toBe(false);

    // Nothing in DNS yet: the check says exactly what is missing, and records the failure.
    const none = await verifyDomain({ ctx: core.as(tenant.admin, site) });
    expect(none.verified).toBe(false);
    expect(none.problems).toEqual([
      `No TXT record at _foyer-challenge.${host} yet (DNS changes can take a while).`,
      `No CNAME record at ${host} yet: point it at ${tenant.slug}.${PLATFORM_DOMAIN}.`,
    ]);
    expect(none.domain).toMatchObject({ status: 'failed', lastError: none.problems[0] });
    expect(none.domain.lastCheckedAt).toBeInstanceOf(Date);

    // A wrong token is named as such.
    core.dns.set(`_foyer-challenge.${host}`, { txt: [['foyer-verification=not-the-token']] });
    const wrong = await verifyDomain({ ctx: core.as(tenant.admin, site) });
    expect(wrong.verified).toBe(false);
    expect(wrong.problems[0]).toMatch(/holds foyer-verification=not-the-token, not foyer-verification=/);

    // The TXT record alone verifies; a missing CNAME is reported, not required.
    publish(tenant, domain, { cname: false });
    const verified = await verifyDomain({ ctx: core.as(tenant.admin, site) });
    expect(verified.verified).toBe(true);
    expect(verified.cnameOk).toBe(false);
    expect(verified.problems).toEqual([
      `No CNAME record at ${host} yet: point it at ${tenant.slug}.${PLATFORM_DOMAIN}.`,
    ]);
    expect(verified.domain).toMatchObject({ status: 'verified', lastError: null });
    expect(verified.domain.verifiedAt).toBeInstanceOf(Date);

    expect(await system.tenants.forHost(t.handle, { hostname: host })).toMatchObject({
      tenantId: tenant.id,
      primaryDomain: host,
    });
    expect(await system.tenants.forHost(t.handle, { slug: tenant.slug })).toMatchObject({
      primaryDomain: host,
    });
    expect(await system.domains.tlsAllowed(t.handle, host)).toBe(true);
    expect(await system.domains.tlsAllowed(t.handle, host.toUpperCase())).toBe(true);
    expect(await system.domains.tlsAllowed(t.handle, `www.${host}`)).toBe(false);

    // One entry per action, naming the hostname and what each check found.
    expect(
      (await activityOf(t, tenant.id)).map((e) => ({ verb: e.verb, subject: e.subject_type, data: e.data })),
    ).toEqual([
      { verb: 'domain.add', subject: 'domain', data: { hostname } },
      { verb: 'domain.remove', subject: 'domain', data: { hostname } },
      { verb: 'domain.add', subject: 'domain', data: { hostname: host } },
      { verb: 'domain.verify', subject: 'domain', data: { hostname: host, result: 'not_found_in_dns' } },
      { verb: 'domain.verify', subject: 'domain', data: { hostname: host, result: 'not_found_in_dns' } },
      { verb: 'domain.verify', subject: 'domain', data: { hostname: host, result: 'verified' } },
    ]);
  });

  it('gives no certificate for a suspended tenant’s verified domain', async () => {
    const tenant = await createTenant(t);
    const domain = await verifiedDomain(tenant);
    expect(await system.domains.tlsAllowed(t.handle, domain.hostname)).toBe(true);
    await t.superuser(
      `update platform.tenants set status = 'suspended', suspended_at = now() where id = $1`,
      [tenant.id],
    );
    expect(await system.domains.tlsAllowed(t.handle, domain.hostname)).toBe(false);
  });

  it('refuses a second tenant’s claim of a verified domain', async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    const verified = await verifiedDomain(a);
    const refused = await expectCoreError(
      addDomain({ ctx: core.as(b.admin, siteOf(b)), input: { hostname: verified.hostname } }),
      'validation',
      'hostname',
    );
    expect(refused.fields.hostname).toBe(`${verified.hostname} is already connected to another portal.`);
    expect(await getDomain({ ctx: core.as(b.admin, siteOf(b)) })).toBeNull();
    expect(await system.tenants.forHost(t.handle, { hostname: verified.hostname })).toMatchObject({
      tenantId: a.id,
    });

    const host = randomHost();
    const claimedByA = await addDomain({ ctx: core.as(a.admin, siteOf(a)), input: { hostname: host } }).catch(
      (e) => e,
    );
    // A already has a verified domain: it must remove it before connecting another.
    await expectCoreError(Promise.reject(claimedByA), 'conflict');
  });

  it('lets unverified claims coexist, each with its own token; the first to verify wins and the others lapse', async () => {
    const victim = await createTenant(t);
    const griefer = await createTenant(t);
    const host = randomHost();
    const pending = await addDomain({
      ctx: core.as(victim.admin, siteOf(victim)),
      input: { hostname: host },
    });
    // Claiming the same hostname again no longer deletes the victim's claim or its token.
    const second = await addDomain({
      ctx: core.as(griefer.admin, siteOf(griefer)),
      input: { hostname: host },
    });
    expect(txtOf(second).value).not.toBe(txtOf(pending).value);
    expect(await getDomain({ ctx: core.as(victim.admin, siteOf(victim)) })).toMatchObject({
      hostname: host,
      status: 'pending',
      records: pending.records,
    });
    expect(await getDomain({ ctx: core.as(griefer.admin, siteOf(griefer)) })).toMatchObject({
      hostname: host,
    });
    // Neither is served until one proves control of DNS.
    expect(await system.tenants.forHost(t.handle, { hostname: host })).toBeNull();
    expect(await system.domains.tlsAllowed(t.handle, host)).toBe(false);

    // Only the victim's token is in DNS: the victim verifies and owns it.
    publish(victim, pending);
    expect((await verifyDomain({ ctx: core.as(victim.admin, siteOf(victim)) })).verified).toBe(true);
    expect(await system.tenants.forHost(t.handle, { hostname: host })).toMatchObject({ tenantId: victim.id });
    // The other claim lapsed, and its admins were told in the bell.
    expect(await getDomain({ ctx: core.as(griefer.admin, siteOf(griefer)) })).toBeNull();
    const told = await t.superuser<{ title: string; link: string }>(
      `select title, link from app.notifications where tenant_id = $1 and event = 'domain-claim-lapsed'`,
      [griefer.id],
    );
    expect(told).toEqual([
      { title: `${host} was connected to another portal`, link: '/admin/settings/domain' },
    ]);
    await expectCoreError(verifyDomain({ ctx: core.as(griefer.admin, siteOf(griefer)) }), 'not_found');
    // And the verified domain cannot be claimed again by anyone else.
    const refused = await expectCoreError(
      addDomain({ ctx: core.as(griefer.admin, siteOf(griefer)), input: { hostname: host } }),
      'validation',
      'hostname',
    );
    expect(refused.fields.hostname).toBe(`${host} is already connected to another portal.`);
    const [rows] = await t.superuser<{ n: number }>(
      'select count(*)::int as n from platform.domains where hostname = $1',
      [host],
    );
    expect(rows?.n).toBe(1);
  });

  itOnPostgres(
    driver,
    'two tenants verifying one hostname at the same moment: exactly one owns it (PostgreSQL only)',
    async () => {
      const tenants = [await createTenant(t), await createTenant(t)];
      const host = randomHost();
      const claims = [];
      for (const tenant of tenants)
        claims.push(
          await addDomain({ ctx: core.as(tenant.admin, siteOf(tenant)), input: { hostname: host } }),
        );
      // Both tokens are in DNS (a TXT name can hold several values).
      const [first, second] = claims.map((claim) => txtOf(claim));
      core.dns.set(required(first, 'a claim').name, {
        txt: claims.map((claim) => [txtOf(claim).value]),
      });
      expect(second?.name).toBe(first?.name);
      const outcomes = await Promise.allSettled(
        tenants.map((tenant) => verifyDomain({ ctx: core.as(tenant.admin, siteOf(tenant)) })),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled' && o.value.verified);
      expect(won).toHaveLength(1);
      const [owners] = await t.superuser<{ n: number }>(
        'select count(*)::int as n from platform.domains where hostname = $1 and verified_at is not null',
        [host],
      );
      expect(owners?.n).toBe(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toBeInstanceOf(CoreError);
          expect(['conflict', 'not_found']).toContain((outcome.reason as CoreError).code);
        }
      }
    },
  );

  it('keeps one domain per tenant: adding replaces an unverified one, re-adding keeps the token', async () => {
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const first = await addDomain({ ctx: core.as(tenant.admin, site), input: { hostname: randomHost() } });
    const again = await addDomain({ ctx: core.as(tenant.admin, site), input: { hostname: first.hostname } });
    expect(txtOf(again).value).toBe(txtOf(first).value);
    const second = await addDomain({ ctx: core.as(tenant.admin, site), input: { hostname: randomHost() } });
    expect(await getDomain({ ctx: core.as(tenant.admin, site) })).toMatchObject({
      hostname: second.hostname,
    });
    const [row] = await t.superuser<{ n: number }>(
      'select count(*)::int as n from platform.domains where tenant_id = $1',
      [tenant.id],
    );
    expect(row?.n).toBe(1);
  });

  it('stops serving a domain whose records vanish, and tells the admins in the bell', async () => {
    const tenant = await createTenant(t);
    const otherAdmin = await addUser(t, tenant, { role: 'admin' });
    const formerAdmin = await addUser(t, tenant, { role: 'admin', status: 'deactivated' });
    const staff = await addUser(t, tenant, { role: 'staff' });
    const domain = await verifiedDomain(tenant);
    const untouched = await createTenant(t);
    const stays = await verifiedDomain(untouched);

    // Not due yet: checked just now.
    const early = await reverifyDomains(core.deps, { tenantIds: [tenant.id, untouched.id] });
    expect(early).toEqual({ checked: 0, unverified: [], lookupFailures: [] });

    core.dns.clear(txtOf(domain).name);
    const result = await reverifyDomains(core.deps, {
      tenantIds: [tenant.id, untouched.id],
      recheckAfterMs: -60_000,
    });
    expect(result.checked).toBe(2);
    expect(result.unverified).toEqual([domain.hostname]);

    expect(await system.tenants.forHost(t.handle, { hostname: domain.hostname })).toBeNull();
    expect(await system.tenants.forHost(t.handle, { slug: tenant.slug })).toMatchObject({
      primaryDomain: null,
    });
    expect(await system.domains.tlsAllowed(t.handle, domain.hostname)).toBe(false);
    expect(await system.domains.tlsAllowed(t.handle, stays.hostname)).toBe(true);
    const after = required(await getDomain({ ctx: core.as(tenant.admin, siteOf(tenant)) }), 'the domain');
    expect(after).toMatchObject({ status: 'failed', verifiedAt: null });
    expect(after.lastError).toMatch(/TXT record at _foyer-challenge\..* is gone/);

    const notified = await t.superuser<{ user_id: string; link: string; event: string }>(
      `select user_id::text, link, event from app.notifications where tenant_id = $1 and event = 'domain-unverified'`,
      [tenant.id],
    );
    expect(notified.map((n) => n.user_id).sort()).toEqual([tenant.admin.userId, otherAdmin.id].sort());
    expect(notified.every((n) => n.link === '/admin/settings/domain')).toBe(true);
    expect(notified.map((n) => n.user_id)).not.toContain(formerAdmin.id);
    expect(notified.map((n) => n.user_id)).not.toContain(staff.id);

    // A second run neither re-checks an unverified domain nor notifies again.
    const twice = await reverifyDomains(core.deps, { tenantIds: [tenant.id], recheckAfterMs: -60_000 });
    expect(twice.unverified).toEqual([]);
    // The worker acted for nobody: the log holds the admin's actions only.
    expect(await verbs(tenant.id)).toEqual(['domain.add', 'domain.verify']);
  });

  it('leaves a domain alone when DNS cannot be asked', async () => {
    const tenant = await createTenant(t);
    const domain = await verifiedDomain(tenant);
    const failing = {
      ...core.deps,
      dns: {
        resolveTxt: async () => {
          throw Object.assign(new Error('timeout'), { code: 'ETIMEOUT' });
        },
        resolveCname: async () => [],
      },
    };
    const result = await reverifyDomains(failing, { tenantIds: [tenant.id], recheckAfterMs: -60_000 });
    expect(result).toEqual({ checked: 0, unverified: [], lookupFailures: [domain.hostname] });
    expect(await system.domains.tlsAllowed(t.handle, domain.hostname)).toBe(true);
    const check = await verifyDomain({
      ctx: createCtx(failing, { actor: tenant.admin, site: siteOf(tenant) }),
    });
    expect(check.verified).toBe(true);
    expect(check.problems[0]).toMatch(/could not reach DNS/);
    // The scheduled check records nothing; the admin's attempt does, saying DNS did not answer.
    expect((await activityOf(t, tenant.id)).map((e) => [e.verb, e.data.result ?? null])).toEqual([
      ['domain.add', null],
      ['domain.verify', 'verified'],
      ['domain.verify', 'lookup_failed'],
    ]);
  });

  it('removes a domain: no longer served, and the hostname is free again', async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    const domain = await verifiedDomain(a);
    await expectCoreError(
      removeDomain({ ctx: core.as(b.admin, siteOf(b)), input: { hostname: domain.hostname } }),
      'not_found',
    );
    await removeDomain({ ctx: core.as(a.admin, siteOf(a)), input: { hostname: domain.hostname } });
    expect(await getDomain({ ctx: core.as(a.admin, siteOf(a)) })).toBeNull();
    expect(await system.tenants.forHost(t.handle, { hostname: domain.hostname })).toBeNull();
    expect(await system.domains.tlsAllowed(t.handle, domain.hostname)).toBe(false);
    await expectCoreError(
      removeDomain({ ctx: core.as(a.admin, siteOf(a)), input: { hostname: domain.hostname } }),
      'not_found',
    );
    expect(
      (await addDomain({ ctx: core.as(b.admin, siteOf(b)), input: { hostname: domain.hostname } })).status,
    ).toBe('pending');
    expect(await verbs(a.id)).toEqual(['domain.add', 'domain.verify', 'domain.remove']);
    expect(await verbs(b.id)).toEqual(['domain.add']);
  });

  it('validates the hostname with a field error', async () => {
    const tenant = await createTenant(t);
    const bad = [
      '',
      'localhost',
      'portal',
      '127.0.0.1',
      '[::1]',
      '10.0.0.1:8080',
      'portal.localhost',
      PLATFORM_DOMAIN,
      `${tenant.slug}.${PLATFORM_DOMAIN}`,
      `x.y.${PLATFORM_DOMAIN}`,
      'under_score.agency.test',
      '-dash.agency.test',
      'spa ce.agency.test',
      'portal.agency.test/path',
      `${Array(5).fill('a'.repeat(60)).join('.')}.test`,
      'javascript:alert(1)',
    ];
    for (const input of bad) {
      const outcome = await addDomain({
        ctx: core.as(tenant.admin, siteOf(tenant)),
        input: { hostname: input },
      }).then(
        (domain) => `accepted as ${domain.hostname}`,
        (error: unknown) => error,
      );
      expect(outcome, input).toBeInstanceOf(CoreError);
      expect((outcome as CoreError).fields.hostname, input).toBeTruthy();
    }
    expect(normaliseCustomDomain('https://Portal.Agency.com/login', PLATFORM_DOMAIN)).toEqual({
      hostname: 'portal.agency.com',
    });
    expect(normaliseCustomDomain('xn--bcher-kva.example', PLATFORM_DOMAIN)).toEqual({
      hostname: 'xn--bcher-kva.example',
    });
    expect(await getDomain({ ctx: core.as(tenant.admin, siteOf(tenant)) })).toBeNull();
  });

  it('is for admins only, and each tenant sees only its own domain', async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    const staff = await addUser(t, a, { role: 'staff' });
    const domain = await addDomain({ ctx: core.as(a.admin, siteOf(a)), input: { hostname: randomHost() } });
    for (const actor of [staff.actor, a.client]) {
      await expectCoreError(getDomain({ ctx: core.as(actor, siteOf(a)) }), 'forbidden');
      await expectCoreError(
        addDomain({ ctx: core.as(actor, siteOf(a)), input: { hostname: randomHost() } }),
        'forbidden',
      );
      await expectCoreError(verifyDomain({ ctx: core.as(actor, siteOf(a)) }), 'forbidden');
      await expectCoreError(
        removeDomain({ ctx: core.as(actor, siteOf(a)), input: { hostname: domain.hostname } }),
        'forbidden',
      );
    }
    expect(await getDomain({ ctx: core.as(b.admin, siteOf(b)) })).toBeNull();
    // The actor's tenant decides, whatever the site says: B's admin sees B's (no) domain.
    expect(await getDomain({ ctx: core.as(b.admin, siteOf(a)) })).toBeNull();
    await expectCoreError(verifyDomain({ ctx: core.as(b.admin, siteOf(b)) }), 'not_found');
    expect(await getDomain({ ctx: core.as(a.admin, siteOf(a)) })).toMatchObject({
      hostname: domain.hostname,
    });
    // The refusals left no entry.
    expect(await verbs(a.id)).toEqual(['domain.add']);
    expect(await verbs(b.id)).toEqual([]);
  });

  it('runs its functions as foyer_system with a pinned search_path; runtime roles cannot read domains', async () => {
    const functions = await t.superuser<{ fn: string; owner: string; config: string[]; definer: boolean }>(
      `select p.oid::regprocedure::text as fn, pg_get_userbyid(p.proowner)::text as owner,
              coalesce(p.proconfig, '{}')::text[] as config, p.prosecdef as definer
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'app_system'
          and p.proname in ('tenant_domains', 'claim_domain', 'mark_domain_verified', 'domain_check_failed',
                            'remove_domain', 'domains_due_for_check', 'tls_allowed')
        order by 1`,
    );
    expect(functions).toHaveLength(7);
    for (const row of functions) {
      expect(row, row.fn).toMatchObject({ owner: 'foyer_system', definer: true });
      expect(row.config, row.fn).toContain('search_path=""');
    }
    await expectPermissionDenied(t.handle.rows(sql`select * from platform.domains`));
  });
});
