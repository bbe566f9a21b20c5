import { createInvoice, sendInvoice, signIn } from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addUser,
  clientInfo,
  setPassword,
  siteOf,
  TEST_PASSWORD,
  testCore,
} from '../../../tests/support/auth';
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

/** GET /api/v1/invoices: the client's invoices (W4), the admins' list, and nobody else's. */
describe.each(drivers)('the invoices API on %s', (driver) => {
  let t: TestDatabase;
  let app: App;
  let a: TenantFixture;
  const tokens: Record<'admin' | 'client' | 'staff', string> = { admin: '', client: '', staff: '' };
  const host = () => `${a.slug}.foyer.test`;
  const get = (path: string, token?: string) =>
    app.request(`http://${host()}${path}`, {
      headers: { host: host(), ...(token ? { cookie: `foyer_session=${token}` } : {}) },
    });

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    a = await createTenant(t);
    const core = testCore(t);
    const staff = await addUser(t, a, { role: 'staff', email: `staff@${a.slug}.test` });
    for (const who of ['admin', 'client'] as const) await setPassword(t, a.id, a[who].userId);
    for (const who of ['admin', 'client', 'staff'] as const) {
      ({ token: tokens[who] } = await signIn({
        ctx: core.visitor(siteOf(a), clientInfo()),
        input: { email: `${who}@${a.slug}.test`, password: TEST_PASSWORD },
      }));
    }
    expect(staff.id).toBeTruthy();
    const admin = core.as(a.admin, siteOf(a));
    const day = new Date().toISOString().slice(0, 10);
    const draft = {
      clientId: a.clientId,
      currency: 'EUR',
      issueDate: day,
      dueDate: day,
      lines: [{ description: 'Work', quantity: '2', unitPrice: '50', taxRateIds: [a.taxRateId] }],
    };
    const sent = await createInvoice({ ctx: admin, input: draft });
    await createInvoice({ ctx: admin, input: draft });
    await sendInvoice({ ctx: admin, input: { id: sent.id } });
    app = createApp({
      config: loadConfig({ PLATFORM_DOMAIN: 'foyer.test', PUBLIC_PORT: '80' }),
      db: t.handle,
      pages: noPages,
      log: createLogger('silent'),
      core: core.ctx,
    });
  });
  afterAll(() => t.close());

  it('gives the client their issued invoices with totals, the admin drafts too, and staff nothing', async () => {
    const client = await get('/api/v1/invoices', tokens.client);
    expect(client.status).toBe(200);
    const body = (await client.json()) as {
      items: { number: string; totalMinor: number; total: string }[];
      total: number;
    };
    expect(body.total).toBe(1);
    expect(body.items).toEqual([
      expect.objectContaining({ number: 'INV-0001', totalMinor: 12000, total: '€120.00' }),
    ]);

    const admin = (await (await get('/api/v1/invoices', tokens.admin)).json()) as { total: number };
    expect(admin.total).toBe(2);
    expect(await (await get('/api/v1/invoices', tokens.staff)).json()).toMatchObject({ items: [], total: 0 });
    expect((await get('/api/v1/invoices')).status).toBe(401);
    // A page past the end is empty; a page that is not a number reads as the first.
    const far = (await (await get('/api/v1/invoices?page=9', tokens.client)).json()) as { items: unknown[] };
    expect(far.items).toEqual([]);
    expect((await get('/api/v1/invoices?page=x', tokens.client)).status).toBe(200);
  });
});
