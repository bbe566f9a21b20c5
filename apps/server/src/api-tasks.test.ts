import { randomUUID } from 'node:crypto';
import { signIn } from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientInfo, setPassword, siteOf, TEST_PASSWORD, testCore } from '../../../tests/support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../../../tests/support/databases';
import { createTenant, type TenantFixture } from '../../../tests/support/tenants';
import { type App, createApp } from './app';
import { loadConfig } from './env';
import { createLogger } from './log';
import type { PageRenderer } from './web';

const noPages: PageRenderer = {
  async respond() {
    return new Response('page', { status: 200 });
  },
};

/** GET /api/v1/projects/{id}/tasks: the client's task list (W2), and the team's in the same shape. */
describe.each(drivers)('the tasks API on %s', (driver) => {
  let t: TestDatabase;
  let app: App;
  let a: TenantFixture;
  let b: TenantFixture;
  const tokens: Record<'admin' | 'client', string> = { admin: '', client: '' };

  const hostOf = (slug: string) => `${slug}.foyer.test`;
  const get = (host: string, path: string, token?: string) =>
    app.request(`http://${host}${path}`, {
      headers: { host, ...(token ? { cookie: `foyer_session=${token}` } : {}) },
    });

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    a = await createTenant(t);
    b = await createTenant(t);
    for (const who of ['admin', 'client'] as const) {
      await setPassword(t, a.id, a[who].userId);
      ({ token: tokens[who] } = await signIn({
        ctx: testCore(t).visitor(siteOf(a), clientInfo()),
        input: { email: `${who}@${a.slug}.test`, password: TEST_PASSWORD },
      }));
    }
    // One internal task beside the fixture's visible one.
    await t.superuser(
      `insert into app.tasks (tenant_id, project_id, status_id, title, position) values ($1, $2, $3, 'Internal', 1)`,
      [a.id, a.projectId, a.statusId],
    );
    app = createApp({
      config: loadConfig({ PLATFORM_DOMAIN: 'foyer.test', PUBLIC_PORT: '80' }),
      db: t.handle,
      pages: noPages,
      log: createLogger('silent'),
      core: testCore(t).ctx,
    });
  });
  afterAll(() => t.close());

  const path = (projectId: string) => `/api/v1/projects/${projectId}/tasks`;

  it('gives a client the visible tasks and the team all of them, in the same shape', async () => {
    const asClient = await get(hostOf(a.slug), path(a.projectId), tokens.client);
    expect(asClient.status).toBe(200);
    expect(await asClient.json()).toEqual({
      items: [
        {
          id: a.taskId,
          title: 'Kick-off',
          statusName: 'To do',
          statusKind: 'todo',
          progress: 0,
          priority: 'none',
          dueDate: null,
          milestoneId: null,
          milestoneName: null,
          assignees: null,
        },
      ],
    });
    const asAdmin = await get(hostOf(a.slug), path(a.projectId), tokens.admin);
    expect(asAdmin.status).toBe(200);
    const body = (await asAdmin.json()) as { items: { title: string; assignees: string[] | null }[] };
    expect(body.items.map((i) => [i.title, i.assignees])).toEqual([
      ['Kick-off', ['Admin']],
      ['Internal', []],
    ]);
  });

  it('is 401 without a session, 404 for a project the person cannot see or a malformed id', async () => {
    expect((await get(hostOf(a.slug), path(a.projectId))).status).toBe(401);
    for (const target of [
      path(b.projectId),
      path(randomUUID()),
      path('not-an-id'),
      path(`${'x'.repeat(200)}`),
    ]) {
      const res = await get(hostOf(a.slug), target, tokens.client);
      expect(res.status, target).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await get('foyer.test', path(a.projectId), tokens.client)).status).toBe(404);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await get('foyer.test', '/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
      components?: { schemas?: Record<string, unknown> };
    };
    expect(doc.paths['/projects/{id}/tasks']?.get).toBeDefined();
    expect(doc.components?.schemas?.ClientTask).toBeDefined();
  });
});
