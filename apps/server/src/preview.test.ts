import { createCtx, openSession } from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityOf, addUser, clientInfo, type PersonActor, testCore } from '../../../tests/support/auth';
import { openTestDatabase, type TestDatabase } from '../../../tests/support/databases';
import { createTenant, type TenantFixture } from '../../../tests/support/tenants';
import { type App, createApp } from './app';
import { loadConfig } from './env';
import { createLogger } from './log';
import { loadWebApp } from './web';

/**
 * Preview as client through the real request path (Hono, then SvelteKit's hook): the preview
 * cookie turns an admin's portal pages into the client's, read-only; staff never get it; a
 * cookie naming someone who can no longer be previewed is cleared. Reads the build.
 */

const PLATFORM = 'foyer.test';
const web = await loadWebApp();

describe('preview as client', () => {
  let t: TestDatabase;
  let app: App;
  let tenant: TenantFixture;
  let host = '';

  beforeAll(async () => {
    t = await openTestDatabase('pglite');
    tenant = await createTenant(t);
    host = `${tenant.slug}.${PLATFORM}`;
    app = createApp({
      config: loadConfig({ PLATFORM_DOMAIN: PLATFORM, PUBLIC_PORT: '80' }),
      db: t.handle,
      pages: web,
      assets: web.assets,
      log: createLogger('silent'),
      core: testCore(t).ctx,
    });
  });
  afterAll(() => t?.close());

  async function sessionOf(actor: PersonActor): Promise<string> {
    const { token } = await openSession({ ctx: createCtx(testCore(t).ctx, { actor, client: clientInfo() }) });
    return `foyer_session=${token}`;
  }

  const get = (path: string, cookie: string) =>
    app.request(`http://${host}${path}`, { headers: { host, accept: 'text/html', cookie } });
  const post = (path: string, cookie: string, body: Record<string, string>) =>
    app.request(`http://${host}${path}`, {
      method: 'POST',
      headers: {
        host,
        origin: `http://${host}`,
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        cookie,
      },
      body: new URLSearchParams(body).toString(),
    });

  it('shows an admin the client’s portal, read-only, and leaves nothing on the client’s side', async () => {
    const admin = await sessionOf(tenant.admin);
    const started = await post('/admin/preview?/start', admin, { clientId: tenant.client.userId });
    expect(started.status).toBe(303);
    expect(started.headers.get('location')).toBe('/');
    const setCookie = started.headers.get('set-cookie') ?? '';
    expect(setCookie).toContain(`foyer_preview=${tenant.client.userId}`);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Domain=/i);
    const previewing = `${admin}; foyer_preview=${tenant.client.userId}`;

    const home = await get('/', previewing);
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('Previewing as');
    expect(html).toContain('Website');
    const project = await get(`/projects/${tenant.projectId}`, previewing);
    expect(project.status).toBe(200);
    expect(await project.text()).toContain('Kick-off');

    // A change is refused with the preview's answer, and nothing was written.
    const dismissed = await post('/?/dismissWelcome', previewing, {});
    expect(dismissed.status).toBe(403);
    const [row] = await t.superuser<{ welcome: unknown; last_seen_at: unknown }>(
      'select welcome_dismissed_at as welcome, last_seen_at from app.users where id = $1',
      [tenant.client.userId],
    );
    expect(row).toEqual({ welcome: null, last_seen_at: null });
    expect(
      await t.superuser(`select 1 from app.activity where tenant_id = $1 and actor_kind = 'client'`, [
        tenant.id,
      ]),
    ).toEqual([]);
    expect(await activityOf(t, tenant.id, 'client.preview')).toHaveLength(1);

    // Without the cookie, the admin's home is the team panel again; stopping clears it.
    expect((await get('/', admin)).headers.get('location')).toBe('/admin');
    const stopped = await post('/admin/preview?/stop', previewing, {});
    expect(stopped.status).toBe(303);
    expect(stopped.headers.get('location')).toBe(`/admin/clients/${tenant.client.userId}`);
    expect(stopped.headers.get('set-cookie') ?? '').toMatch(/foyer_preview=;.*Max-Age=0/i);
  });

  it('gives staff no preview, and clears a cookie that names no previewable client', async () => {
    const staff = await addUser(t, tenant, { role: 'staff' });
    const staffCookie = await sessionOf(staff.actor);
    expect(
      (await post('/admin/preview?/start', staffCookie, { clientId: tenant.client.userId })).status,
    ).toBe(404);
    // A cookie set by hand does nothing for staff: their home is the team panel.
    const home = await get('/', `${staffCookie}; foyer_preview=${tenant.client.userId}`);
    expect(home.headers.get('location')).toBe('/admin');

    const admin = await sessionOf(tenant.admin);
    const deactivated = await addUser(t, tenant, {
      role: 'client',
      clientId: tenant.clientId,
      status: 'deactivated',
    });
    const stale = await get('/', `${admin}; foyer_preview=${deactivated.id}`);
    expect(stale.headers.get('location')).toBe('/admin');
    expect(stale.headers.get('set-cookie') ?? '').toMatch(/foyer_preview=;.*Max-Age=0/i);
    // An admin cannot start one for them either.
    expect((await post('/admin/preview?/start', admin, { clientId: deactivated.id })).status).toBe(404);
  });
});
