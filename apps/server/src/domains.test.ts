import { randomBytes } from 'node:crypto';
import type { DatabaseHandle } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers, openTestDatabase, type TestDatabase } from '../../../tests/support/databases';
import { type App, createApp } from './app';
import { loadConfig } from './env';
import { createLogger } from './log';
import type { RequestPlatform } from './platform';
import { TenantDirectory } from './tenants';
import type { PageRenderer, StaticAsset } from './web';

/** Stands in for SvelteKit: answers with the tenant it was handed. */
const echoPages: PageRenderer = {
  async respond(request, platform) {
    return Response.json({ url: request.url, tenant: platform.tenant });
  },
};

/**
 * Custom domains at the front door: the on-demand TLS "ask" endpoint, and the subdomain of a
 * tenant with a verified domain redirecting there.
 */
describe.each(drivers)('custom domains at the front door on %s', (driver) => {
  let t: TestDatabase;
  let app: App;
  let tenants: TenantDirectory;
  const slug = `dom-${randomBytes(4).toString('hex')}`;
  const pendingSlug = `pend-${randomBytes(4).toString('hex')}`;
  const verified = `portal-${randomBytes(4).toString('hex')}.agency.test`;
  const pending = `pending-${randomBytes(4).toString('hex')}.agency.test`;
  const suspended = `closed-${randomBytes(4).toString('hex')}.agency.test`;
  const assets = new Map<string, StaticAsset>([
    [
      '/_app/immutable/app.js',
      { body: new TextEncoder().encode('1'), type: 'text/javascript', immutable: true },
    ],
  ]);

  const get = (host: string, path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { host, ...(init.headers as Record<string, string>) } });

  async function tenantWithDomain(
    tenantSlug: string,
    hostname: string,
    options: { verified: boolean; status?: string },
  ) {
    const [row] = await t.superuser<{ id: string }>(
      `insert into platform.tenants (slug, name, status) values ($1, $2, $3) returning id::text`,
      [tenantSlug, `Agency ${tenantSlug}`, options.status ?? 'active'],
    );
    await t.superuser(
      `insert into platform.domains (hostname, tenant_id, verification_token, verified_at)
       values ($1, $2, 'token-token-token', case when $3 then now() end)`,
      [hostname, row?.id, options.verified],
    );
  }

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    await tenantWithDomain(slug, verified, { verified: true });
    await tenantWithDomain(pendingSlug, pending, { verified: false });
    await tenantWithDomain(`closed-${randomBytes(4).toString('hex')}`, suspended, {
      verified: true,
      status: 'suspended',
    });
    const config = loadConfig({ PLATFORM_DOMAIN: 'foyer.test', PUBLIC_PORT: '443', PUBLIC_SCHEME: 'https' });
    tenants = new TenantDirectory(t.handle, config);
    app = createApp({ config, db: t.handle, pages: echoPages, log: createLogger('silent'), tenants, assets });
  });
  afterAll(() => t.close());

  describe('/.well-known/foyer/tls-allowed', () => {
    const ask = (domain: string | null, host = 'anything.example.org') =>
      get(
        host,
        domain === null
          ? '/.well-known/foyer/tls-allowed'
          : `/.well-known/foyer/tls-allowed?domain=${encodeURIComponent(domain)}`,
      );

    it('says yes only for a verified domain of an active tenant, on any host', async () => {
      for (const host of ['127.0.0.1:3000', 'foyer.test', `${slug}.foyer.test`, 'unknown.example.org']) {
        const res = await ask(verified, host);
        expect(res.status, host).toBe(200);
        expect(await res.text()).toBe('ok');
      }
      expect((await ask(verified.toUpperCase())).status).toBe(200);
      for (const domain of [
        pending,
        suspended,
        `www.${verified}`,
        'nowhere.example.com',
        `${slug}.foyer.test`,
        'foyer.test',
      ]) {
        expect((await ask(domain)).status, domain).toBe(404);
      }
    });

    it('answers 400 to a missing or malformed domain', async () => {
      for (const domain of [
        null,
        '',
        'not a host',
        '127.0.0.1',
        `${verified}:443`,
        'a/b',
        '[::1]',
        'x'.repeat(300),
        `${verified}\u0000`,
      ]) {
        expect((await ask(domain)).status, String(domain)).toBe(400);
      }
    });

    it('says no rather than failing when the database cannot answer', async () => {
      const broken: DatabaseHandle = {
        ...t.handle,
        rows: async () => {
          throw new Error('connect ECONNREFUSED');
        },
      };
      const config = loadConfig({ PLATFORM_DOMAIN: 'foyer.test' });
      const failing = createApp({ config, db: broken, pages: echoPages, log: createLogger('silent') });
      const res = await failing.request(`/.well-known/foyer/tls-allowed?domain=${verified}`, {
        headers: { host: 'x.test' },
      });
      expect(res.status).toBe(503);
    });
  });

  describe('the subdomain of a tenant with a verified domain', () => {
    it('redirects pages there with 308, keeping path and query', async () => {
      for (const method of ['GET', 'HEAD']) {
        const res = await get(`${slug}.foyer.test`, '/projects/1?tab=files&x=%20y', { method });
        expect(res.status, method).toBe(308);
        expect(res.headers.get('location')).toBe(`https://${verified}/projects/1?tab=files&x=%20y`);
      }
      const served = await get(verified, '/projects/1');
      expect(served.status).toBe(200);
      const body = (await served.json()) as { tenant: RequestPlatform['tenant'] };
      expect(body.tenant).toMatchObject({ slug, origin: `https://${verified}` });
    });

    it('keeps serving brand files, build assets, the API, page data, health and unsafe methods', async () => {
      expect((await get(`${slug}.foyer.test`, '/healthz')).status).toBe(200);
      expect((await get(`${slug}.foyer.test`, '/_app/immutable/app.js')).status).toBe(200);
      expect((await get(`${slug}.foyer.test`, '/_brand/logo/0000000000000000')).status).toBe(404);
      expect((await get(`${slug}.foyer.test`, '/api/v1/openapi.json')).status).not.toBe(308);
      expect((await get(`${slug}.foyer.test`, '/admin/settings/domain/__data.json')).status).toBe(200);
      const post = await get(`${slug}.foyer.test`, '/login', {
        method: 'POST',
        headers: { origin: `https://${slug}.foyer.test` },
      });
      expect(post.status).not.toBe(308);
    });

    it('does not redirect while the domain is unverified, and stops once it is unverified', async () => {
      expect((await get(`${pendingSlug}.foyer.test`, '/')).status).toBe(200);
      await t.superuser('update platform.domains set verified_at = null where hostname = $1', [verified]);
      tenants.clear();
      try {
        expect((await get(`${slug}.foyer.test`, '/')).status).toBe(200);
        expect((await get(verified, '/')).status).toBe(404);
      } finally {
        await t.superuser('update platform.domains set verified_at = now() where hostname = $1', [verified]);
        tenants.clear();
      }
    });
  });
});
