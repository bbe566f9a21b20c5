import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createCtx, createFolder, openSession, registerUpload, setFileVisibility } from '@foyer/core';
import type { ActingAs } from '@foyer/db';
import { LocalObjectStore, objectKey } from '@foyer/storage';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityOf, clientInfo, type PersonActor, siteOf, testCore } from '../../../tests/support/auth';
import { openTestDatabase, type TestDatabase } from '../../../tests/support/databases';
import { createTenant, type TenantFixture } from '../../../tests/support/tenants';
import { createApp } from './app';
import { loadConfig } from './env';
import { createLogger } from './log';

/**
 * Folders, projects and ticked files downloaded as one zip, through a real HTTP server: the paths
 * and bytes unzip (the system's) reads back, what a client may read and nothing more, another
 * tenant's folder not found, and a 300 MB file streamed without the server's memory growing.
 */

const run = promisify(execFile);
const PLATFORM = 'foyer.test';
const MiB = 1024 * 1024;

describe('/files-zip', () => {
  let t: TestDatabase;
  let core: ReturnType<typeof testCore>;
  let a: TenantFixture;
  let b: TenantFixture;
  let host = '';
  let port = 0;
  let dir = '';
  let close: () => Promise<void> = async () => {};
  const bytesOf = new Map<string, Buffer>();
  let deliverables = '';
  let otherFolder = '';
  const fileIds: Record<string, string> = {};

  async function cookieOf(actor: PersonActor): Promise<string> {
    const { token } = await openSession({ ctx: createCtx(core.ctx, { actor, client: clientInfo() }) });
    return `foyer_session=${token}`;
  }

  /** Stores bytes and registers them as `actor`'s upload. */
  async function upload(actor: ActingAs, tenant: TenantFixture, name: string, folderId: string | null) {
    const bytes = randomBytes(1000 + Math.floor(Math.random() * 50_000));
    const key = objectKey(tenant.id, randomUUID());
    await core.ctx.files.store.put(key, bytes, { contentType: 'application/pdf' });
    const { id } = await registerUpload({
      ctx: core.as(actor, siteOf(tenant)),
      input: {
        projectId: tenant.projectId,
        folderId,
        name,
        size: bytes.length,
        key,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        contentType: 'application/pdf',
      },
    });
    return { id, bytes };
  }

  /** A request through the real server; the body is left to the caller to read. */
  function get(
    target: string,
    cookie: string,
    options: { method?: string; body?: string } = {},
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: target,
          method: options.method ?? 'GET',
          headers: {
            host,
            cookie,
            ...(options.body !== undefined
              ? { origin: `http://${host}`, 'content-type': 'application/x-www-form-urlencoded' }
              : {}),
          },
        },
        resolve,
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  async function text(res: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Saves a zip answer to disk and lists it with unzip; checks every entry's bytes too. */
  async function unzipped(res: IncomingMessage): Promise<Record<string, Buffer>> {
    expect(res.statusCode).toBe(200);
    const file = path.join(dir, `${randomUUID()}.zip`);
    await pipeline(res, createWriteStream(file));
    expect((await run('unzip', ['-t', file])).stdout).toContain('No errors detected');
    const names = (await run('unzip', ['-Z1', file])).stdout.split('\n').filter(Boolean);
    const out: Record<string, Buffer> = {};
    for (const name of names) {
      const escaped = name.replace(/[[\]*?]/g, '\\$&');
      out[name] = (await run('unzip', ['-p', file, escaped], { encoding: 'buffer' })).stdout;
    }
    return out;
  }

  beforeAll(async () => {
    t = await openTestDatabase('pglite');
    a = await createTenant(t);
    b = await createTenant(t);
    host = `${a.slug}.${PLATFORM}`;
    core = testCore(t);
    dir = await mkdtemp(path.join(tmpdir(), 'foyer-zip-route-'));
    const app = createApp({
      config: loadConfig({ PLATFORM_DOMAIN: PLATFORM, PUBLIC_PORT: '80' }),
      db: t.handle,
      pages: { respond: async () => new Response('page', { status: 200 }) },
      log: createLogger('silent'),
      core: core.ctx,
    });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
    close = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });

    // Deliverables / Round 1 / Drafts, with two files named alike in one folder.
    const admin = core.as(a.admin, siteOf(a));
    deliverables = (
      await createFolder({ ctx: admin, input: { projectId: a.projectId, name: 'Deliverables' } })
    ).id;
    const round = await createFolder({
      ctx: admin,
      input: { projectId: a.projectId, parentId: deliverables, name: 'Round 1' },
    });
    const drafts = await createFolder({
      ctx: admin,
      input: { projectId: a.projectId, parentId: round.id, name: 'Drafts' },
    });
    const place: [string, string | null][] = [
      ['Summary.pdf', deliverables],
      ['Logo.png', round.id],
      ['logo.png', round.id],
      ['Sketch ü.pdf', drafts.id],
      ['Outside.pdf', null],
    ];
    for (const [name, folderId] of place) {
      const made = await upload(a.admin, a, name, folderId);
      fileIds[`${folderId}:${name}`] = made.id;
      bytesOf.set(made.id, made.bytes);
    }
    // Shared with the client: the summary and one logo; the rest stay internal.
    await setFileVisibility({
      ctx: admin,
      input: {
        ids: [fileIds[`${deliverables}:Summary.pdf`] ?? '', fileIds[`${round.id}:Logo.png`] ?? ''],
        clientVisible: true,
      },
    });
    // A comment's attachment in the folder: never part of a zip.
    const [message] = await t.superuser<{ id: string }>(
      'select id::text from app.messages where tenant_id = $1 limit 1',
      [a.id],
    );
    await t.superuser(
      `insert into app.files (tenant_id, project_id, folder_id, folder_path, message_id, name, content_type, size, sha256, object_key, uploaded_by, client_visible)
       values ($1, $2, $3, $4::uuid[], $5, 'attachment.pdf', 'application/pdf', 3, $6, $7, $8, true)`,
      [
        a.id,
        a.projectId,
        deliverables,
        `{${deliverables}}`,
        message?.id,
        'b'.repeat(64),
        objectKey(a.id, randomUUID()),
        a.admin.userId,
      ],
    );
    otherFolder = (
      await createFolder({
        ctx: core.as(b.admin, siteOf(b)),
        input: { projectId: b.projectId, name: 'Theirs' },
      })
    ).id;
  });
  afterAll(async () => {
    await close();
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (core?.ctx.files.store instanceof LocalObjectStore)
      await rm(core.ctx.files.store.root, { recursive: true, force: true });
  });

  it('the team zips a folder: nested paths from that folder, alike names kept apart, the bytes intact', async () => {
    const cookie = await cookieOf(a.admin);
    const res = await get(`/files-zip?project=${a.projectId}&folder=${deliverables}`, cookie);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="Deliverables.zip"; filename*=UTF-8''Deliverables.zip`,
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toContain('no-store');
    const length = Number(res.headers['content-length']);
    const entries = await unzipped(res);
    expect(Object.keys(entries).sort()).toEqual([
      'Round 1/Drafts/Sketch ü.pdf',
      'Round 1/Logo.png',
      'Round 1/logo (2).png',
      'Summary.pdf',
    ]);
    const bySuffix = (name: string) =>
      [...Object.entries(fileIds)].find(([key]) => key.endsWith(`:${name}`))?.[1];
    expect(entries['Summary.pdf']).toEqual(bytesOf.get(bySuffix('Summary.pdf') ?? ''));
    expect(entries['Round 1/Drafts/Sketch ü.pdf']).toEqual(bytesOf.get(bySuffix('Sketch ü.pdf') ?? ''));
    expect(length).toBeGreaterThan(0);
    const zipped = await activityOf(t, a.id, 'files.zipped');
    expect(zipped).toHaveLength(1);
    expect(zipped[0]).toMatchObject({ subject_type: 'folder', subject_id: deliverables, data: { count: 4 } });
  });

  it('a client’s zip holds only the files shared with them', async () => {
    const cookie = await cookieOf(a.client);
    const folder = await unzipped(
      await get(`/files-zip?project=${a.projectId}&folder=${deliverables}`, cookie),
    );
    expect(Object.keys(folder).sort()).toEqual(['Round 1/Logo.png', 'Summary.pdf']);
    // The whole project: the fixture's own shared file has no bytes stored, so give it some first.
    const [fixture] = await t.superuser<{ object_key: string; size: number }>(
      `select f.object_key, f.size::int as size from app.files f join app.folders fo on fo.id = f.folder_id
        where f.tenant_id = $1 and fo.name = 'Brand'`,
      [a.id],
    );
    if (!fixture) throw new Error('no fixture file');
    await core.ctx.files.store.put(fixture.object_key, randomBytes(fixture.size));
    const all = await unzipped(await get(`/files-zip?project=${a.projectId}`, cookie));
    expect(Object.keys(all).sort()).toEqual([
      'Brand/logo.png',
      'Deliverables/Round 1/Logo.png',
      'Deliverables/Summary.pdf',
    ]);
    // Ticking an internal file by its id finds nothing the client may read.
    const internal = fileIds[`null:Outside.pdf`] ?? '';
    const refused = await get(`/files-zip?project=${a.projectId}&ids=${internal}`, cookie);
    expect(refused.statusCode).toBe(404);
    expect(await text(refused)).toBe('That file doesn’t exist.');
  });

  it('ticked files zip flat, by GET (ids=a,b) or by POST (ids repeated, as a form sends them)', async () => {
    const cookie = await cookieOf(a.admin);
    const ids = Object.values(fileIds).slice(0, 3);
    const byGet = await unzipped(await get(`/files-zip?project=${a.projectId}&ids=${ids.join(',')}`, cookie));
    expect(Object.keys(byGet).sort()).toEqual(['Logo.png', 'Summary.pdf', 'logo (2).png']);
    const body = new URLSearchParams([
      ['project', a.projectId],
      ...ids.map((id): [string, string] => ['ids', id]),
    ]).toString();
    const byPost = await unzipped(await get('/files-zip', cookie, { method: 'POST', body }));
    expect(Object.keys(byPost).sort()).toEqual(Object.keys(byGet).sort());
    // The zip is named after the project when no folder is given.
    const named = await get(`/files-zip?project=${a.projectId}&ids=${ids[0]}`, cookie);
    expect(named.headers['content-disposition']).toContain('filename="Website.zip"');
    await text(named);
  });

  it('refuses clearly: another tenant’s folder is not found, bad input is a 400, no session a 401', async () => {
    const cookie = await cookieOf(a.admin);
    const theirs = await get(`/files-zip?project=${a.projectId}&folder=${otherFolder}`, cookie);
    expect(theirs.statusCode).toBe(404);
    expect(await text(theirs)).toBe('That folder doesn’t exist.');
    const theirProject = await get(`/files-zip?project=${b.projectId}&folder=${otherFolder}`, cookie);
    expect(theirProject.statusCode).toBe(404);
    await text(theirProject);
    const bad = await get('/files-zip?project=nope', cookie);
    expect(bad.statusCode).toBe(400);
    await text(bad);
    const tooMany = Array.from({ length: 201 }, () => randomUUID()).join(',');
    const many = await get(`/files-zip?project=${a.projectId}&ids=${tooMany}`, cookie);
    expect(many.statusCode).toBe(400);
    expect(await text(many)).toBe('Choose at most 200 files.');
    const anonymous = await get(`/files-zip?project=${a.projectId}`, '');
    expect(anonymous.statusCode).toBe(401);
    await text(anonymous);
  });

  it('streams a 300 MB file with the server’s memory flat', async () => {
    const size = 300 * MiB;
    const key = objectKey(a.id, randomUUID());
    const block = randomBytes(MiB);
    await core.ctx.files.store.put(
      key,
      Readable.from(
        (function* () {
          for (let i = 0; i < 300; i++) yield block;
        })(),
      ),
    );
    const [big] = await t.superuser<{ id: string }>(
      `insert into app.files (tenant_id, project_id, name, content_type, size, sha256, object_key, uploaded_by)
       values ($1, $2, 'Film.mov', 'video/quicktime', $3, $4, $5, $6) returning id::text`,
      [a.id, a.projectId, size, 'c'.repeat(64), key, a.admin.userId],
    );
    const cookie = await cookieOf(a.admin);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const started = Date.now();
    const res = await get(`/files-zip?project=${a.projectId}&ids=${big?.id}`, cookie);
    expect(res.statusCode).toBe(200);
    let received = 0;
    let chunks = 0;
    for await (const chunk of res) {
      received += (chunk as Buffer).length;
      if (++chunks % 64 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(received).toBe(Number(res.headers['content-length']));
    expect(received).toBeGreaterThan(size);
    expect(peak - before).toBeLessThan(60 * MiB);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);
});
