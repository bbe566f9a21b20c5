import { signIn } from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activityOf,
  clientInfo,
  setPassword,
  sha256Hex,
  siteOf,
  TEST_PASSWORD,
  testCore,
} from '../../../tests/support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../../../tests/support/databases';
import { createTenant, insertTenant, type TenantFixture } from '../../../tests/support/tenants';
import { type App, createApp } from './app';
import { loadConfig } from './env';
import { createLogger } from './log';
import type { RequestPlatform } from './platform';
import type { PageRenderer } from './web';

/** Stands in for SvelteKit: answers with the platform it was handed, minus live handles. */
const echoPages: PageRenderer = {
  async respond(request, platform) {
    const { core: _core, ...visible } = platform;
    return Response.json({ method: request.method, url: request.url, platform: visible });
  },
};

type Echo = { platform: Omit<RequestPlatform, 'core'> };

const DAY = 86_400_000;

/** Set-Cookie values of a response for one cookie name. */
const setCookies = (res: Response, name: string) =>
  res.headers.getSetCookie().filter((cookie) => cookie.startsWith(`${name}=`));

/**
 * The session layer of the front door: the cookie signs a person in on its own tenant's host
 * only, is cleared where it finds nothing, and is re-issued when the session slides. And the
 * JSON API's first routes.
 */
describe.each(drivers)('sessions at the front door on %s', (driver) => {
  let t: TestDatabase;
  let app: App;
  let secure: App;
  let a: TenantFixture;
  let b: TenantFixture;
  let token = '';
  const core = () => testCore(t).ctx;

  const hostOf = (slug: string) => `${slug}.foyer.test`;
  const get = (target: App, host: string, path = '/', headers: Record<string, string> = {}) =>
    target.request(`http://${host}${path}`, { headers: { host, ...headers } });

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    a = await createTenant(t);
    b = await createTenant(t);
    await setPassword(t, a.id, a.admin.userId);
    ({ token } = await signIn({
      ctx: testCore(t).visitor(siteOf(a), clientInfo()),
      input: { email: `admin@${a.slug}.test`, password: TEST_PASSWORD },
    }));
    const log = createLogger('silent');
    const config = loadConfig({ PLATFORM_DOMAIN: 'foyer.test', PUBLIC_PORT: '80' });
    app = createApp({ config, db: t.handle, pages: echoPages, log, core: core() });
    const httpsConfig = loadConfig({
      PLATFORM_DOMAIN: 'foyer.test',
      PUBLIC_SCHEME: 'https',
      PUBLIC_PORT: '443',
    });
    secure = createApp({ config: httpsConfig, db: t.handle, pages: echoPages, log, core: core() });
  });
  afterAll(() => t.close());

  it("signs the person in on its own tenant's host, and leaves the cookie alone", async () => {
    const res = await get(app, hostOf(a.slug), '/admin', { cookie: `foyer_session=${token}` });
    expect(res.status).toBe(200);
    const { platform } = (await res.json()) as Echo;
    expect(platform.user).toMatchObject({ id: a.admin.userId, email: `admin@${a.slug}.test`, role: 'admin' });
    expect(platform.actor).toEqual(a.admin);
    expect(platform.sessionId).toBe(sha256Hex(token));
    expect(platform.sessionCookie).toBe('foyer_session');
    expect(res.headers.getSetCookie()).toEqual([]);
    // Resolving the session on each request is not an action: the sign-in is all the log holds.
    expect((await activityOf(t, a.id)).map((e) => e.verb)).toEqual(['auth.sign_in']);
  });

  it("signs nobody in on a sibling tenant's host, and clears the cookie there", async () => {
    const res = await get(app, hostOf(b.slug), '/admin', { cookie: `foyer_session=${token}` });
    expect(res.status).toBe(200);
    const { platform } = (await res.json()) as Echo;
    expect(platform.tenant?.id).toBe(b.id);
    expect(platform.user).toBeNull();
    expect(platform.actor).toBeNull();
    const [cleared] = setCookies(res, 'foyer_session');
    expect(cleared).toMatch(/^foyer_session=;/);
    expect(cleared).toContain('Max-Age=0');
    expect(cleared).toContain('Path=/');
    expect(cleared).toContain('HttpOnly');
    expect(cleared).toContain('SameSite=Lax');
    // Clearing it on B did not end it on A.
    const back = (await (
      await get(app, hostOf(a.slug), '/', { cookie: `foyer_session=${token}` })
    ).json()) as Echo;
    expect(back.platform.user?.id).toBe(a.admin.userId);
  });

  it('clears an unknown or malformed cookie, and never signs anyone in on the platform host', async () => {
    for (const value of ['garbage', 'a'.repeat(32)]) {
      const res = await get(app, hostOf(a.slug), '/', { cookie: `foyer_session=${value}` });
      expect(((await res.json()) as Echo).platform.user).toBeNull();
      expect(setCookies(res, 'foyer_session')[0]).toContain('Max-Age=0');
    }
    const res = await get(app, 'foyer.test', '/', { cookie: `foyer_session=${token}` });
    expect(((await res.json()) as Echo).platform.user).toBeNull();
  });

  it('re-issues the cookie when the session is renewed, and only then', async () => {
    const { token: own } = await signIn({
      ctx: testCore(t).visitor(siteOf(a), clientInfo()),
      input: { email: `admin@${a.slug}.test`, password: TEST_PASSWORD },
    });
    await t.superuser(`update app.sessions set expires_at = now() + interval '10 days' where id = $1`, [
      sha256Hex(own),
    ]);
    const res = await get(app, hostOf(a.slug), '/', { cookie: `foyer_session=${own}` });
    expect(((await res.json()) as Echo).platform.user?.id).toBe(a.admin.userId);
    const [renewed] = setCookies(res, 'foyer_session');
    expect(renewed).toMatch(
      new RegExp(`^foyer_session=${own}; Path=/; Expires=[^;]+ GMT; HttpOnly; SameSite=Lax$`),
    );
    expect(renewed).toContain('HttpOnly');
    expect(renewed).toContain('SameSite=Lax');
    const expires = new Date(/Expires=([^;]+)/.exec(renewed ?? '')?.[1] ?? 0).getTime();
    expect(Math.abs(expires - (Date.now() + 30 * DAY))).toBeLessThan(60_000);

    const next = await get(app, hostOf(a.slug), '/', { cookie: `foyer_session=${own}` });
    expect(next.headers.getSetCookie()).toEqual([]);

    await t.superuser(`update app.sessions set expires_at = now() - interval '1 second' where id = $1`, [
      sha256Hex(own),
    ]);
    const expired = await get(app, hostOf(a.slug), '/', { cookie: `foyer_session=${own}` });
    expect(((await expired.json()) as Echo).platform.user).toBeNull();
    expect(setCookies(expired, 'foyer_session')[0]).toContain('Max-Age=0');
  });

  it('uses a __Host- cookie on https: Secure, and the bare name is ignored there', async () => {
    const res = await get(secure, hostOf(a.slug), '/', { cookie: `__Host-foyer_session=${token}` });
    const { platform } = (await res.json()) as Echo;
    expect(platform.user?.id).toBe(a.admin.userId);
    expect(platform.sessionCookie).toBe('__Host-foyer_session');
    expect(platform.secureCookies).toBe(true);

    const bare = await get(secure, hostOf(a.slug), '/', { cookie: `foyer_session=${token}` });
    expect(((await bare.json()) as Echo).platform.user).toBeNull();

    const cleared = await get(secure, hostOf(b.slug), '/', { cookie: `__Host-foyer_session=${token}` });
    const [cookie] = setCookies(cleared, '__Host-foyer_session');
    expect(cookie).toContain('Max-Age=0');
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Domain');
  });

  describe('JSON API', () => {
    type Problem = { type: string; title: string; status: number; requestId: string };

    const expectProblem = async (res: Response, status: number, type: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const body = (await res.json()) as Problem;
      expect(body.type).toMatch(new RegExp(`/${type}$`));
      expect(body.status).toBe(status);
      expect(body.requestId).toBe(res.headers.get('x-request-id'));
      return body;
    };

    it('answers whether a workspace address is free, on the platform host', async () => {
      const taken = await insertTenant(t);
      const free = `free-${taken.slug}`;
      const answer = async (slug: string) => {
        const res = await get(app, 'foyer.test', `/api/v1/slugs/${encodeURIComponent(slug)}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('application/json');
        return res.json();
      };
      expect(await answer(taken.slug)).toEqual({
        slug: taken.slug,
        available: false,
        message: 'This address is taken.',
      });
      expect(await answer('admin')).toEqual({
        slug: 'admin',
        available: false,
        message: expect.stringMatching(/reserved/),
      });
      expect(await answer(free.toUpperCase())).toEqual({ slug: free, available: true, message: null });
      expect(await answer('a--b')).toMatchObject({ slug: 'a--b', available: false });

      const tooLong = await get(app, 'foyer.test', `/api/v1/slugs/${'a'.repeat(64)}`);
      await expectProblem(tooLong, 400, 'validation');
    });

    it('is not found on a tenant host', async () => {
      const res = await get(app, hostOf(a.slug), `/api/v1/slugs/${b.slug}`);
      await expectProblem(res, 404, 'not-found');
    });

    it('answers unknown paths under /api/v1 itself, as problem+json, never with a page', async () => {
      for (const path of ['/api/v1/nope', '/api/v1/', '/api/v1', '/api/v1/me/extra']) {
        for (const host of [hostOf(a.slug), 'foyer.test']) {
          const res = await get(app, host, path, { cookie: `foyer_session=${token}` });
          await expectProblem(res, 404, 'not-found');
        }
      }
    });

    it('GET /api/v1/me is 401 without a session (or with another tenant’s), 200 with one', async () => {
      await expectProblem(await get(app, hostOf(a.slug), '/api/v1/me'), 401, 'unauthenticated');
      // The API looks the session up in its own transaction; a cookie naming no live session here
      // is answered 401 and cleared, as on pages.
      const stranger = await get(app, hostOf(b.slug), '/api/v1/me', { cookie: `foyer_session=${token}` });
      expect(stranger.headers.getSetCookie().join('\n')).toMatch(/^foyer_session=;/m);
      await expectProblem(stranger, 401, 'unauthenticated');
      const res = await get(app, hostOf(a.slug), '/api/v1/me', { cookie: `foyer_session=${token}` });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        id: a.admin.userId,
        name: 'Admin',
        email: `admin@${a.slug}.test`,
        role: 'admin',
        pendingEmail: null,
        emailVerified: true, // fixture workspaces are established ones, their admin verified
      });
    });

    it('describes both routes in its OpenAPI document', async () => {
      const res = await get(app, 'foyer.test', '/api/v1/openapi.json');
      expect(res.status).toBe(200);
      const doc = (await res.json()) as {
        openapi: string;
        servers?: { url: string }[];
        paths: Record<string, Record<string, unknown>>;
      };
      expect(doc.openapi).toMatch(/^3\.1/);
      const base = doc.servers?.[0]?.url ?? '';
      const paths = Object.keys(doc.paths).map((path) => `${base}${path}`);
      expect(paths).toEqual(expect.arrayContaining(['/api/v1/slugs/{slug}', '/api/v1/me']));
      expect(Object.keys(doc.paths).every((path) => doc.paths[path]?.get)).toBe(true);
    });
  });
});
