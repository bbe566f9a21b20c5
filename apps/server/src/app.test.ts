import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers, openTestDatabase, type TestDatabase } from '../../../tests/support/databases';
import { type App, createApp } from './app';
import { loadConfig } from './env';
import { createLogger } from './log';
import type { RequestPlatform } from './platform';
import { TenantDirectory } from './tenants';
import type { PageRenderer } from './web';

/** Stands in for SvelteKit: answers with the platform it was handed, so tests can read it. */
const echoPages: PageRenderer = {
  async respond(request, platform) {
    if (new URL(request.url).pathname === '/boom') throw new Error('renderer exploded: secret detail');
    // The core context holds live handles; everything else is plain data worth asserting on.
    const { core: _core, ...visible } = platform;
    return Response.json({ url: request.url, platform: visible });
  },
};

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...randomBytes(32)]);
const sha = createHash('sha256').update(png).digest('hex');

describe.each(drivers)('front door on %s', (driver) => {
  let t: TestDatabase;
  let app: App;
  let proxied: App;
  let tenants: TenantDirectory;
  const slug = `acme-${randomBytes(4).toString('hex')}`;
  const other = `other-${randomBytes(4).toString('hex')}`;
  const domain = `portal-${randomBytes(4).toString('hex')}.example.com`;
  let tenantId = '';

  const get = (target: App, host: string | null, path = '/', env?: unknown) =>
    target.request(path, { headers: host ? { host } : {} }, env);

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    const [row] = await t.superuser<{ id: string }>(
      'insert into platform.tenants (slug, name) values ($1, $2) returning id',
      [slug, 'Acme Agency'],
    );
    tenantId = row?.id ?? '';
    await t.superuser(
      `insert into app.branding (tenant_id, display_name, primary_color, theme, logo_mime, logo_data, logo_sha256)
       values ($1, 'Acme Creative', '#123456', 'dark', 'image/png', $2, $3)`,
      [tenantId, png, sha],
    );
    await t.superuser(`insert into platform.tenants (slug, name) values ($1, 'Other Agency')`, [other]);
    const config = loadConfig({ PLATFORM_DOMAIN: 'foyer.test', PUBLIC_PORT: '443', PUBLIC_SCHEME: 'https' });
    const log = createLogger('silent');
    tenants = new TenantDirectory(t.handle, config);
    app = createApp({ config, db: t.handle, pages: echoPages, log, tenants });
    proxied = createApp({
      config: { ...loadConfig({ PLATFORM_DOMAIN: 'foyer.test', TRUSTED_PROXY: '10.0.0.0/8' }) },
      db: t.handle,
      pages: echoPages,
      log,
    });
  });
  afterAll(() => t.close());

  it('answers /healthz on any host, before tenant resolution', async () => {
    for (const host of ['foyer.test', 'nope.foyer.test', 'unknown.example.org', null]) {
      const res = await get(app, host, '/healthz');
      expect(res.status, String(host)).toBe(200);
    }
  });

  it('hands the platform host the platform branding and no tenant', async () => {
    const body = (await (await get(app, 'FOYER.test:8443')).json()) as { platform: RequestPlatform };
    expect(body.platform.tenant).toBeNull();
    expect(body.platform.branding.displayName).toBe('Foyer');
    expect(body.platform.platformOrigin).toBe('https://foyer.test');
  });

  it('resolves a tenant subdomain with its branding', async () => {
    const res = await get(app, `${slug.toUpperCase()}.foyer.test:3000`, '/login');
    expect(res.status).toBe(200);
    const { platform } = (await res.json()) as { platform: RequestPlatform };
    expect(platform.tenant).toMatchObject({
      id: tenantId,
      slug,
      name: 'Acme Agency',
      origin: `https://${slug}.foyer.test`,
    });
    expect(platform.branding).toMatchObject({
      displayName: 'Acme Creative',
      primaryColor: '#123456',
      onPrimaryColor: '#ffffff',
      theme: 'dark',
    });
    expect(platform.branding.logoUrl).toMatch(/^\/_brand\/logo\/[0-9a-f]{16}$/);
    expect(platform.actor).toBeNull();
  });

  it('gives unknown hosts a neutral 404 that names no tenant', async () => {
    for (const host of ['missing.foyer.test', 'a.b.foyer.test', 'www.random.org', '127.0.0.1:3000', null]) {
      const res = await get(app, host);
      expect(res.status, String(host)).toBe(404);
      const html = await res.text();
      expect(html).toContain('Page not found');
      expect(html).not.toContain('Acme');
      expect(html.toLowerCase()).not.toContain('foyer');
    }
  });

  it('shows a neutral notice for a suspended tenant, and serves it again once reactivated', async () => {
    await t.superuser(`update platform.tenants set status = 'suspended' where slug = $1`, [other]);
    tenants.clear();
    const res = await get(app, `${other}.foyer.test`);
    expect(res.status).toBe(503);
    const html = await res.text();
    expect(html).toContain('Temporarily unavailable');
    expect(html).not.toContain('Other Agency');

    await t.superuser(`update platform.tenants set status = 'active' where slug = $1`, [other]);
    tenants.clear();
    expect((await get(app, `${other}.foyer.test`)).status).toBe(200);
  });

  it('routes a custom domain only once it is verified, and links to it', async () => {
    await t.superuser(
      `insert into platform.domains (hostname, tenant_id, verification_token) values ($1, $2, 'tok')`,
      [domain, tenantId],
    );
    tenants.clear();
    expect((await get(app, domain)).status).toBe(404);

    await t.superuser('update platform.domains set verified_at = now() where hostname = $1', [domain]);
    tenants.clear();
    const res = await get(app, `${domain.toUpperCase()}.`);
    expect(res.status).toBe(200);
    const { platform } = (await res.json()) as { platform: RequestPlatform };
    expect(platform.tenant?.id).toBe(tenantId);
    expect(platform.tenant?.origin).toBe(`https://${domain}`);

    // The subdomain now redirects to the domain (domains.test.ts); the tests below want it served.
    await t.superuser('delete from platform.domains where hostname = $1', [domain]);
    tenants.clear();
  });

  it('ignores X-Forwarded-Host unless the peer is a trusted proxy', async () => {
    const headers = { host: 'nope.example.org', 'x-forwarded-host': `${slug}.foyer.test` };
    expect(
      (await app.request('/', { headers }, { incoming: { socket: { remoteAddress: '10.1.1.1' } } })).status,
    ).toBe(404);
    const untrusted = { incoming: { socket: { remoteAddress: '192.0.2.1' } } };
    expect((await proxied.request('/', { headers }, untrusted)).status).toBe(404);

    const trusted = { incoming: { socket: { remoteAddress: '10.1.1.1' } } };
    const res = await proxied.request('/x?y=1', { headers }, trusted);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { url: string; platform: RequestPlatform };
    expect(body.platform.tenant?.slug).toBe(slug);
    // SvelteKit sees the URL the browser used, so its origin checks compare like with like.
    expect(body.url).toBe(`http://${slug}.foyer.test/x?y=1`);
  });

  it('sets security headers on every response', async () => {
    const responses = [
      await get(app, 'foyer.test', '/healthz'),
      await get(app, 'missing.foyer.test'),
      await get(app, `${slug}.foyer.test`),
    ];
    for (const res of responses) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    // Plain-http deployments get no HSTS.
    expect(
      (await get(proxied, 'foyer.test', '/healthz')).headers.get('strict-transport-security'),
    ).toBeNull();
  });

  it("serves a tenant's logo on its own host only, cacheable and sandboxed", async () => {
    const path = `/_brand/logo/${sha.slice(0, 16)}`;
    const res = await get(app, `${slug}.foyer.test`, path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(png);

    expect((await get(app, `${other}.foyer.test`, path)).status).not.toBe(200);
    expect((await get(app, `${slug}.foyer.test`, '/_brand/logo/0000000000000000')).status).not.toBe(200);
  });

  it('renders a neutral 500 page without internals when a page throws', async () => {
    const res = await get(app, `${slug}.foyer.test`, '/boom');
    expect(res.status).toBe(500);
    const html = await res.text();
    expect(html).toContain('Something went wrong');
    expect(html).not.toContain('secret detail');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
