import { signIn } from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientInfo, setPassword, siteOf, TEST_PASSWORD, testCore } from '../../../tests/support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../../../tests/support/databases';
import { createTenant, type TenantFixture } from '../../../tests/support/tenants';
import { type App, createApp } from './app';
import { loadConfig } from './env';
import { createLogger } from './log';
import type { RequestPlatform } from './platform';
import type { PageRenderer } from './web';

/**
 * The exact-origin check on unsafe requests. Sibling tenants' subdomains are same-site, so a
 * page on tenant B can make the browser send A's Lax cookie with a form post to A: only the
 * Origin header tells them apart, whatever the body's Content-Type. It is the only CSRF check
 * (SvelteKit's is off, docs/adr/0011): it must hold for every kind of route, before any of them.
 *
 * Runs on both drivers: the check itself never reaches the database, but the requests that pass
 * it resolve the session cookie, which does.
 */

type Echo = { method: string; url: string; platform: Omit<RequestPlatform, 'core'> };

const UNSAFE = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** One path of every kind: a page, a form action, an endpoint, the API, Hono's own routes. */
const ROUTE_KINDS = [
  '/admin/team',
  '/admin/team?/role',
  '/account?/name',
  '/logout',
  '/theme',
  '/api/v1/me',
  '/api/v1/slugs/anything',
  '/healthz',
  '/_brand/logo/0000000000000000',
  '/.well-known/foyer/tls-allowed',
] as const;

/** Bodies as a cross-site page could send them (a form, fetch with a "simple" type, or JSON). */
const BODIES: { type: string | null; body: string }[] = [
  { type: 'application/x-www-form-urlencoded', body: 'name=Mallory&role=admin' },
  {
    type: 'multipart/form-data; boundary=xyz',
    body: '--xyz\r\nContent-Disposition: form-data; name="role"\r\n\r\nadmin\r\n--xyz--\r\n',
  },
  { type: 'text/plain', body: '{"role":"admin"}' },
  { type: 'application/json', body: '{"role":"admin"}' },
  { type: null, body: 'role=admin' },
];

describe.each(drivers)('CSRF at the front door on %s', (driver) => {
  let t: TestDatabase;
  let app: App;
  let proxied: App;
  let a: TenantFixture;
  let b: TenantFixture;
  let token = '';
  /** Requests that reached the page renderer. */
  let rendered = 0;

  const pages: PageRenderer = {
    async respond(request, platform) {
      rendered++;
      const { core: _core, ...visible } = platform;
      return Response.json({ method: request.method, url: request.url, platform: visible });
    },
  };

  const originOf = (slug: string) => `http://${slug}.foyer.test`;

  /** A cookie-authenticated request to tenant A, as a browser would send it from `origin`. */
  function send(
    method: string,
    origin: string | null,
    body: { type: string | null; body: string },
    path = '/admin/team',
  ) {
    const host = `${a.slug}.foyer.test`;
    const headers: Record<string, string> = { host, cookie: `foyer_session=${token}` };
    if (origin !== null) headers.origin = origin;
    if (body.type) headers['content-type'] = body.type;
    // Bytes, not a string: fetch would label a string body text/plain itself.
    return app.request(`http://${host}${path}`, {
      method,
      headers,
      body: new TextEncoder().encode(body.body),
    });
  }

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    a = await createTenant(t);
    b = await createTenant(t);
    await setPassword(t, a.id, a.admin.userId);
    const core = testCore(t);
    const ctx = core.deps;
    ({ token } = await signIn({
      ctx: core.visitor(siteOf(a), clientInfo()),
      input: { email: `admin@${a.slug}.test`, password: TEST_PASSWORD },
    }));
    const log = createLogger('silent');
    app = createApp({
      config: loadConfig({ PLATFORM_DOMAIN: 'foyer.test', PUBLIC_PORT: '80' }),
      db: t.handle,
      pages,
      log,
      core: ctx,
    });
    proxied = createApp({
      config: loadConfig({
        PLATFORM_DOMAIN: 'foyer.test',
        PUBLIC_SCHEME: 'https',
        PUBLIC_PORT: '443',
        TRUSTED_PROXY: '10.0.0.0/8',
      }),
      db: t.handle,
      pages,
      log,
      core: ctx,
    });
  });
  afterAll(() => t.close());

  it('refuses unsafe requests from a sibling tenant, the platform, a null or no origin, whatever the Content-Type', async () => {
    const foreign = [originOf(b.slug), 'http://foyer.test', 'null', null, `https://${a.slug}.foyer.test`];
    const before = rendered;
    for (const method of UNSAFE) {
      for (const origin of foreign) {
        for (const body of BODIES) {
          const res = await send(method, origin, body);
          const what = `${method} from ${origin} as ${body.type}`;
          expect(res.status, what).toBe(403);
          expect(res.headers.get('content-type'), what).toContain('text/html');
          expect(await res.text(), what).toContain('Request refused');
        }
      }
    }
    expect(rendered).toBe(before);
  });

  it('refuses a cross-origin form post on every kind of route, before any of them runs', async () => {
    const before = rendered;
    const form = BODIES[0] ?? { type: null, body: '' };
    for (const path of ROUTE_KINDS) {
      for (const origin of [originOf(b.slug), null]) {
        const res = await send('POST', origin, form, path);
        expect(res.status, `POST ${path} from ${origin}`).toBe(403);
      }
    }
    expect(rendered).toBe(before);
  });

  it('lets the same requests through from the exact origin, signed in', async () => {
    // Past the CSRF check, pages take form bodies only (input-guard.test.ts): the others are 415.
    const forms = BODIES.filter((body) => body.type?.includes('form'));
    for (const method of UNSAFE) {
      for (const body of forms) {
        const res = await send(method, originOf(a.slug), body);
        const what = `${method} as ${body.type}`;
        expect(res.status, what).toBe(200);
        const echo = (await res.json()) as Echo;
        expect(echo.method, what).toBe(method);
        expect(echo.platform.user?.id, what).toBe(a.admin.userId);
      }
    }
  });

  it('refuses /api/v1/* with problem+json of type cross-origin; the exact origin gets past the check', async () => {
    for (const method of UNSAFE) {
      for (const origin of [originOf(b.slug), 'null', null]) {
        const res = await send(method, origin, BODIES[3] ?? { type: null, body: '' }, '/api/v1/me');
        expect(res.status, `${method} from ${origin}`).toBe(403);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        const problem = (await res.json()) as { type: string; status: number };
        expect(problem.type).toMatch(/\/cross-origin$/);
        expect(problem.status).toBe(403);
      }
      // No unsafe API route exists yet: past the check, the API answers that, not the CSRF check.
      const allowed = await send(
        method,
        originOf(a.slug),
        BODIES[3] ?? { type: null, body: '' },
        '/api/v1/me',
      );
      expect(allowed.status, method).not.toBe(403);
      expect(allowed.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('refuses a cookieless form post from a sibling tenant too (login CSRF); the exact origin passes', async () => {
    const host = `${a.slug}.foyer.test`;
    const post = (origin: string) =>
      app.request(`http://${host}/login`, {
        method: 'POST',
        headers: { host, origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new TextEncoder().encode('email=mallory%40example.test&password=x'),
      });
    expect((await post(originOf(b.slug))).status).toBe(403);
    const ok = await post(originOf(a.slug));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Echo).platform.user).toBeNull();
  });

  it('does not block safe methods from a foreign origin', async () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      const host = `${a.slug}.foyer.test`;
      const res = await app.request(`http://${host}/admin`, {
        method,
        headers: { host, origin: originOf(b.slug), cookie: `foyer_session=${token}` },
      });
      expect(res.status, method).toBe(200);
      if (method === 'GET') expect(((await res.json()) as Echo).platform.user?.id).toBe(a.admin.userId);
    }
  });

  it('exempts only cookieless bearer-token requests and signed webhooks', async () => {
    const host = `${a.slug}.foyer.test`;
    const bearer = { host, authorization: 'Bearer foyer_key_123', 'content-type': 'application/json' };
    const noCookie = await app.request(`http://${host}/api/v1/me`, {
      method: 'POST',
      headers: bearer,
      body: '{}',
    });
    expect(noCookie.status).not.toBe(403);
    // A cookie riding along makes it a cookie-authenticated request again.
    const withCookie = await app.request(`http://${host}/api/v1/me`, {
      method: 'POST',
      headers: { ...bearer, cookie: `foyer_session=${token}` },
      body: '{}',
    });
    expect(withCookie.status).toBe(403);

    // A bearer token does not exempt a page: only the API takes keys.
    for (const path of ['/admin/team?/role', '/logout', '/login']) {
      const page = await app.request(`http://${host}${path}`, {
        method: 'POST',
        headers: { ...bearer, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'role=admin',
      });
      expect(page.status, path).toBe(403);
    }

    const webhook = await app.request(`http://${host}/webhooks/stripe`, {
      method: 'POST',
      headers: { host, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(webhook.status).not.toBe(403);
  });

  it('behind a trusted proxy, expects https://<forwarded host>', async () => {
    const host = `${a.slug}.foyer.test`;
    const viaProxy = (origin: string, peer = '10.1.2.3', path = '/admin/team') =>
      proxied.request(
        `http://10.0.0.5:3000${path}`,
        {
          method: 'POST',
          headers: {
            host: '10.0.0.5:3000',
            'x-forwarded-host': host,
            'x-forwarded-for': '203.0.113.7',
            origin,
            cookie: `__Host-foyer_session=${token}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'role=admin',
        },
        { incoming: { socket: { remoteAddress: peer } } },
      );

    const ok = await viaProxy(`https://${host}`);
    expect(ok.status).toBe(200);
    const echo = (await ok.json()) as Echo;
    expect(echo.platform.user?.id).toBe(a.admin.userId);
    expect(echo.platform.clientAddress).toBe('203.0.113.7');
    // Pages see the address the visitor used, not the proxy's upstream one.
    expect(echo.url).toBe(`https://${host}/admin/team`);

    const before = rendered;
    for (const origin of [
      `http://${host}`,
      `https://${b.slug}.foyer.test`,
      'https://10.0.0.5:3000',
      'null',
    ]) {
      for (const path of ROUTE_KINDS) {
        expect((await viaProxy(origin, '10.1.2.3', path)).status, `${path} from ${origin}`).toBe(403);
      }
    }
    expect(rendered).toBe(before);
    // From a peer that is not a trusted proxy, X-Forwarded-Host names nothing: the raw host is unknown.
    expect((await viaProxy(`https://${host}`, '192.0.2.1')).status).toBe(404);
  });
});
