import { saveSecuritySettings } from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../../../tests/support/assert';
import { sha256Hex, testCore } from '../../../tests/support/auth';
import { openTestDatabase, type TestDatabase } from '../../../tests/support/databases';
import { type FakeGoogle, startFakeGoogle } from '../../../tests/support/fake-google.mjs';
import { createTenant, type TenantFixture } from '../../../tests/support/tenants';
import { type App, createApp } from './app';
import { loadConfig } from './env';
import { createLogger } from './log';
import { loadWebApp } from './web';

/**
 * "Sign in with Google" through the real front door and the built web app, with a cookie jar per
 * host as a browser keeps one: the agency's host, the platform host, the fake Google, the one
 * callback, the agency's host again. Reads the build: run `pnpm build` after changing routes.
 */

const PLATFORM = 'foyer.test';
const CLIENT_ID = 'front-door.apps.googleusercontent.com';
const CLIENT_SECRET = 'front-door-secret';

/** Cookies by host, sent back to the host that set them (paths are checked too). */
class Jar {
  private readonly cookies = new Map<string, Map<string, { value: string; path: string }>>();

  take(host: string, res: Response): void {
    const jar = this.cookies.get(host) ?? new Map();
    for (const header of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
      const [name = '', value = ''] = pair.split('=');
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      if (attributes.some((a) => a.toLowerCase() === 'max-age=0') || value === '') jar.delete(name);
      else jar.set(name, { value, path });
    }
    this.cookies.set(host, jar);
  }

  header(host: string, path: string): string {
    return [...(this.cookies.get(host) ?? new Map()).entries()]
      .filter(([, c]) => path.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  names(host: string): string[] {
    return [...(this.cookies.get(host)?.keys() ?? [])];
  }
}

describe('sign in with Google at the front door', () => {
  let t: TestDatabase;
  let app: App;
  let fake: FakeGoogle;
  let tenant: TenantFixture;
  const logged: string[] = [];
  const tenantHost = () => `${tenant.slug}.${PLATFORM}`;

  beforeAll(async () => {
    t = await openTestDatabase('pglite');
    fake = await startFakeGoogle({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [`http://${PLATFORM}/auth/google/callback`],
    });
    const web = await loadWebApp();
    const config = loadConfig({
      PLATFORM_DOMAIN: PLATFORM,
      PUBLIC_PORT: '80',
      GOOGLE_CLIENT_ID: CLIENT_ID,
      GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
      GOOGLE_AUTHORIZE_URL: fake.authorizeUrl,
      GOOGLE_TOKEN_URL: fake.tokenUrl,
    });
    const core = { ...testCore(t).ctx, google: config.google };
    app = createApp({
      config,
      db: t.handle,
      pages: web,
      assets: web.assets,
      log: createLogger('debug', (line) => logged.push(line)),
      core,
    });
    tenant = await createTenant(t);
    await saveSecuritySettings({
      ctx: testCore(t).as(tenant.admin),
      input: {
        requireTeamTwoFactor: false,
        googleSignIn: true,
        googleRegistration: false,
        activityRetentionDays: 365,
      },
    });
  });
  afterAll(async () => {
    await fake.close();
    await t.close();
  });

  /** A GET as a browser makes it: this host's cookies go along; the ones it sets are kept. */
  async function visit(jar: Jar, url: string): Promise<Response> {
    const target = new URL(url);
    if (target.hostname === '127.0.0.1') return fetch(url, { redirect: 'manual' });
    const res = await app.request(url, {
      headers: { host: target.host, cookie: jar.header(target.host, target.pathname) },
    });
    jar.take(target.host, res);
    return res;
  }

  const location = (res: Response) => required(res.headers.get('location'), `a redirect (got ${res.status})`);

  it('shows the button, then signs a client in through both hosts with single-use cookies', async () => {
    const jar = new Jar();
    const login = await visit(jar, `http://${tenantHost()}/login`);
    expect(await login.text()).toContain('Continue with Google');

    const begun = await visit(jar, `http://${tenantHost()}/auth/google?next=%2Finvoices`);
    expect(begun.status).toBe(303);
    const binding = required(begun.headers.getSetCookie()[0], 'the binding cookie');
    expect(binding).toMatch(/^foyer_google_binding=[A-Za-z0-9_-]+; /);
    expect(binding).toContain('Path=/auth/google');
    expect(binding).toContain('HttpOnly');
    const start = new URL(location(begun));
    expect(start.host).toBe(PLATFORM);

    const started = await visit(jar, start.toString());
    expect(started.status).toBe(303);
    const flowCookies = started.headers.getSetCookie();
    expect(flowCookies).toHaveLength(3);
    for (const cookie of flowCookies) {
      expect(cookie).toContain('Path=/auth/google/callback');
      expect(cookie).toContain('HttpOnly');
    }
    const authorize = new URL(location(started));
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`http://${PLATFORM}/auth/google/callback`);

    fake.approveNext({ sub: 'g-front-door', email: `client@${tenant.slug}.test` });
    const callbackUrl = location(await visit(jar, authorize.toString()));
    const called = await visit(jar, callbackUrl);
    expect(called.status).toBe(303);
    // The flow's cookies are gone from the platform host: the callback cannot be replayed.
    expect(jar.names(PLATFORM)).toEqual([]);
    const replay = await visit(jar, callbackUrl);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('That Google sign-in expired');

    const finish = new URL(location(called));
    expect(finish.host).toBe(tenantHost());
    expect(finish.pathname).toBe('/auth/google/finish');
    const finished = await visit(jar, finish.toString());
    expect(finished.status).toBe(303);
    expect(location(finished)).toBe('/invoices');
    expect(jar.names(tenantHost()).sort()).toEqual(['foyer_device', 'foyer_session']);
    const [session] = await t.superuser<{ user_id: string }>(
      `select user_id::text from app.sessions where tenant_id = $1 and id = $2`,
      [tenant.id, sha256Hex(jar.header(tenantHost(), '/').match(/foyer_session=([^;]+)/)?.[1] ?? '')],
    );
    expect(session?.user_id).toBe(tenant.client.userId);

    // The log says which paths were asked for, never the codes, states or cookies that went along.
    const log = logged.join('');
    expect(log).toContain('/auth/google/finish');
    const secrets = [
      finish.searchParams.get('code'),
      new URL(callbackUrl).searchParams.get('code'),
      authorize.searchParams.get('state'),
      authorize.searchParams.get('code_challenge'),
      start.searchParams.get('binding'),
    ];
    for (const secret of secrets) expect(log).not.toContain(required(secret, 'a secret of the flow'));
  });

  it('refuses a finish link in a browser that did not begin the sign-in', async () => {
    const attacker = new Jar();
    const begun = await visit(attacker, `http://${tenantHost()}/auth/google`);
    const started = await visit(attacker, location(begun));
    fake.approveNext({ sub: 'g-attacker', email: `client@${tenant.slug}.test` });
    const callback = location(await visit(attacker, location(started)));
    const finish = location(await visit(attacker, callback));

    const victim = new Jar();
    const refused = await visit(victim, finish);
    expect(refused.status).toBe(303);
    expect(location(refused)).toBe('/login?notice=google-link');
    expect(victim.names(tenantHost())).toEqual([]);
  });
});
