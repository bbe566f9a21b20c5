import { createHash } from 'node:crypto';
import { createCtx, listFiles, openSession } from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityOf, clientInfo, type PersonActor, siteOf, testCore } from '../../../tests/support/auth';
import { openTestDatabase, type TestDatabase } from '../../../tests/support/databases';
import { createTenant, type TenantFixture } from '../../../tests/support/tenants';
import { type App, createApp } from './app';
import { loadConfig } from './env';
import { createLogger } from './log';
import { randomPng } from './uploads/fixtures';

/**
 * The upload endpoint through the real front door: the session's person uploads over tus, the
 * upload is permitted and sized before any byte, sniffed, registered in their name with a
 * thumbnail for images, and refused with a message the uploader shows.
 */

const PLATFORM = 'foyer.test';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('uploads through the app', () => {
  let t: TestDatabase;
  let app: App;
  let core: ReturnType<typeof testCore>;
  let tenant: TenantFixture;
  let host = '';
  let png: Buffer;

  beforeAll(async () => {
    t = await openTestDatabase('pglite');
    tenant = await createTenant(t);
    host = `${tenant.slug}.${PLATFORM}`;
    core = testCore(t);
    app = createApp({
      config: loadConfig({ PLATFORM_DOMAIN: PLATFORM, PUBLIC_PORT: '80' }),
      db: t.handle,
      pages: { respond: async () => new Response('page', { status: 200 }) },
      log: createLogger('silent'),
      core: core.ctx,
    });
    png = randomPng(640, 480);
  });
  afterAll(() => t?.close());

  async function cookieOf(actor: PersonActor): Promise<string> {
    const { token } = await openSession({ ctx: createCtx(core.ctx, { actor, client: clientInfo() }) });
    return `foyer_session=${token}`;
  }

  const tus = (
    path: string,
    method: string,
    cookie: string,
    headers: Record<string, string>,
    body?: Buffer,
  ) =>
    app.request(`http://${host}${path}`, {
      method,
      headers: { host, origin: `http://${host}`, cookie, 'tus-resumable': '1.0.0', ...headers },
      ...(body ? { body } : {}),
    });

  /** Creates an upload of `bytes` named `name` on the fixture's project, then sends it whole. */
  async function send(cookie: string, name: string, bytes: Buffer, extra: Record<string, string> = {}) {
    const metadata = Object.entries({ filename: name, projectId: tenant.projectId, ...extra })
      .map(([key, value]) => `${key} ${b64(value)}`)
      .join(',');
    const created = await tus('/uploads', 'POST', cookie, {
      'upload-length': String(bytes.length),
      'upload-metadata': metadata,
    });
    if (created.status !== 201) return { created, done: null };
    const location = new URL(created.headers.get('location') ?? '', `http://${host}`).pathname;
    const done = await tus(
      location,
      'PATCH',
      cookie,
      { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      bytes,
    );
    return { created, done };
  }

  it('the team uploads an image: sniffed, registered in their name, with a thumbnail', async () => {
    const cookie = await cookieOf(tenant.admin);
    const { created, done } = await send(cookie, 'Hero.png', png);
    expect(created.status).toBe(201);
    expect(done?.status).toBe(204);
    const fileId = done?.headers.get('foyer-file-id');
    expect(fileId).toMatch(/^[0-9a-f-]{36}$/);
    const area = await listFiles({
      ctx: core.as(tenant.admin, siteOf(tenant)),
      input: { projectId: tenant.projectId },
    });
    const file = area.files.find((row) => row.id === fileId);
    expect(file).toMatchObject({
      name: 'Hero.png',
      contentType: 'image/png',
      size: png.length,
      preview: 'image',
    });
    expect(file?.thumbnailUrl).toMatch(/^\/files\//);
    const thumbnail = await app.request(`http://${host}${file?.thumbnailUrl}`, { headers: { host } });
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    const [row] = await t.superuser<{ sha256: string; uploaded_by: string }>(
      'select sha256, uploaded_by::text from app.files where id = $1',
      [fileId],
    );
    expect(row).toEqual({
      sha256: createHash('sha256').update(png).digest('hex'),
      uploaded_by: tenant.admin.userId,
    });
    expect(await activityOf(t, tenant.id, 'file.uploaded')).toHaveLength(1);
  });

  it('refuses before any byte: no session, no permission, no room; and a disguised file after the first bytes', async () => {
    const anonymous = await tus('/uploads', 'POST', '', {
      'upload-length': '10',
      'upload-metadata': `filename ${b64('a.pdf')}`,
    });
    expect(anonymous.status).toBe(401);

    // A client without files.upload.
    await t.superuser(`update app.users set permissions = '{projects,files.download}' where id = $1`, [
      tenant.client.userId,
    ]);
    const client = await cookieOf(tenant.client);
    const refused = await send(client, 'Contract.pdf', Buffer.from('%PDF-1.4 hello'));
    expect(refused.created.status).toBe(403);
    expect(await refused.created.text()).toContain('can’t upload');

    // Over the tenant's cap, said before a byte is sent.
    const admin = await cookieOf(tenant.admin);
    await t.superuser('update app.storage_usage set limit_bytes = bytes + 100 where tenant_id = $1', [
      tenant.id,
    ]);
    const full = await send(admin, 'Big.pdf', Buffer.alloc(5000, 1));
    expect(full.created.status).toBe(413);
    expect(await full.created.text()).toContain('more than this workspace has left');
    await t.superuser('update app.storage_usage set limit_bytes = 10737418240 where tenant_id = $1', [
      tenant.id,
    ]);

    // A PDF named .png: refused once its first bytes are seen, nothing registered.
    const before = await t.superuser<{ n: number }>(
      'select count(*)::int as n from app.files where tenant_id = $1',
      [tenant.id],
    );
    const disguised = await send(admin, 'Photo.png', Buffer.from(`%PDF-1.4\n${'x'.repeat(5000)}`));
    expect(disguised.created.status).toBe(201);
    expect(disguised.done?.status).toBe(415);
    const after = await t.superuser<{ n: number }>(
      'select count(*)::int as n from app.files where tenant_id = $1',
      [tenant.id],
    );
    expect(after).toEqual(before);

    // Another tenant's project is not there.
    const other = await createTenant(t);
    const outside = await send(admin, 'x.pdf', Buffer.from('%PDF-1.4'), { projectId: other.projectId });
    expect(outside.created.status).toBe(404);
  });
});
