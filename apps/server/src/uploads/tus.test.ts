import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalObjectStore, type ObjectStore, S3ObjectStore, type S3ObjectStoreConfig } from '@foyer/storage';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type KoaMiddleware, multipartListAndAbort } from '../../../../tests/support/s3rver-multipart.mjs';
import { exeBytes, PDF_BYTES, randomPng } from './fixtures';
import { createUploads } from './tus';
import type { CompletedUpload, Uploader, Uploads, UploadsOptions } from './types';

const MiB = 1024 * 1024;

/** The part of s3rver these tests use. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  /** Koa's middleware list: s3rver is a Koa app, composed when it starts. */
  middleware: KoaMiddleware[];
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string; configs: never[] }[];
}) => S3rverInstance;
/** The part of tus-js-client (the browser's client, which runs in Node too) these tests use. */
interface TusResponse {
  getStatus(): number;
  getHeader(name: string): string | undefined;
  getBody(): string;
}
interface TusUpload {
  url: string | null;
  start(): void;
  abort(): Promise<void>;
}
interface TusClient {
  Upload: new (
    file: Buffer,
    options: {
      endpoint: string;
      metadata: Record<string, string>;
      headers: Record<string, string>;
      chunkSize?: number;
      retryDelays?: number[] | null;
      onSuccess?: (payload: { lastResponse: TusResponse }) => void;
      onError?: (error: Error & { originalResponse?: TusResponse | null }) => void;
      onChunkComplete?: (chunkSize: number, bytesAccepted: number, bytesTotal: number) => void;
    },
  ) => TusUpload;
}
/** tus-js-client is the web app's dependency; load it from there. */
const tus = createRequire(new URL('../../../web/package.json', import.meta.url))(
  'tus-js-client',
) as TusClient;

/**
 * s3rver is a test dependency of the storage package, not of the server: load it from there
 * rather than give the server a second copy.
 */
const S3rver = createRequire(new URL('../../../../packages/storage/package.json', import.meta.url))(
  's3rver',
) as S3rverClass;
const secret = 'a test secret that is long enough for HMAC-SHA256!';
const bucket = 'foyer-uploads-test';

interface Harness {
  base: string;
  objects: ObjectStore;
  uploads: Uploads;
  authorized: { who: Uploader; length: number; metadata: Record<string, string> }[];
  completed: { who: Uploader; upload: CompletedUpload }[];
  /** Per-tenant byte allowance that authorize grants; missing means 64 MiB. */
  allowance: Map<string, number>;
  /** Every stored name outside the objects (upload directory or bucket), for "nothing stored" checks. */
  everything(): Promise<string[]>;
  /** A fresh uploads module on the same store, as after a server restart. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function uploader(tenantId: string = randomUUID()): Uploader {
  return { tenantId, userId: randomUUID() };
}

function metadata(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
}

/** Called with the running count of body bytes the server has read, for requests that carry `x-test-watch`. */
const watchers = new Map<string, (bytes: number) => void>();

/** The request as it came, with its body counted on the way through when a test watches it. */
function watched(request: Request): Request {
  const watcher = watchers.get(request.headers.get('x-test-watch') ?? '');
  if (!watcher || !request.body) return request;
  let bytes = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      bytes += chunk.byteLength;
      watcher(bytes);
    },
  });
  const init: RequestInit & { duplex: 'half' } = {
    method: request.method,
    headers: request.headers,
    body: request.body.pipeThrough(counter),
    duplex: 'half',
  };
  return new Request(request.url, init);
}

async function startApp(uploads: () => Uploads): Promise<{ base: string; server: ServerType }> {
  const app = new Hono();
  const route = (c: { req: { raw: Request; header(name: string): string | undefined } }) =>
    uploads().handle(watched(c.req.raw), {
      tenantId: c.req.header('x-test-tenant') ?? '',
      userId: c.req.header('x-test-user') ?? '',
    });
  app.all('/uploads', route);
  app.all('/uploads/*', route);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, server };
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    (server as http.Server).closeAllConnections?.();
    server.close(() => resolve());
  });
}

async function listAll(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(at: string, prefix: string) {
    for (const entry of await readdir(at, { withFileTypes: true }).catch(() => [])) {
      if (entry.isDirectory()) await walk(path.join(at, entry.name), `${prefix}${entry.name}/`);
      else out.push(prefix + entry.name);
    }
  }
  await walk(dir, '');
  return out.sort();
}

async function makeHarness(
  kind: 'local' | 's3',
  store: UploadsOptions['store'],
  objects: ObjectStore,
  everything: () => Promise<string[]>,
  onClose: () => Promise<void>,
): Promise<Harness> {
  const authorized: Harness['authorized'] = [];
  const completed: Harness['completed'] = [];
  const allowance = new Map<string, number>();
  const options: UploadsOptions = {
    path: '/uploads',
    store,
    maxFileBytes: 256 * MiB,
    log: (event, fields) => {
      if (event === 'upload.error') console.error(event, fields);
    },
    async authorize(who, input) {
      authorized.push({ who, ...input });
      const left = allowance.get(who.tenantId) ?? 64 * MiB;
      if (input.length > left) {
        return {
          ok: false,
          status: 413,
          message: 'Your agency has used its storage; delete files or ask for more.',
        };
      }
      return { ok: true, maxBytes: left, keep: { folder: `folder of ${kind}` } };
    },
    async complete(who, upload) {
      completed.push({ who, upload });
      if (upload.name === 'refuse-me.txt')
        return { ok: false, status: 409, message: 'A file of that name arrived first.' };
      return { ok: true, headers: { 'Foyer-File-Id': `file-${completed.length}` } };
    },
  };
  let uploads = createUploads(options);
  const { base, server } = await startApp(() => uploads);
  return {
    base,
    objects,
    get uploads() {
      return uploads;
    },
    authorized,
    completed,
    allowance,
    everything,
    async restart() {
      await uploads.close();
      uploads = createUploads(options);
    },
    async close() {
      await closeServer(server);
      await uploads.close();
      await onClose();
    },
  };
}

async function localHarness(): Promise<Harness & { dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'foyer-uploads-'));
  const local = new LocalObjectStore({ root: path.join(dir, 'files'), secret });
  await mkdir(local.root, { recursive: true });
  const harness = await makeHarness(
    'local',
    { kind: 'local', local },
    local,
    () => listAll(dir),
    () => rm(dir, { recursive: true, force: true }),
  );
  return { ...harness, dir };
}

async function s3Harness(): Promise<Harness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'foyer-uploads-s3rver-'));
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  s3rver.middleware.unshift(multipartListAndAbort(dir, bucket));
  const { port } = await s3rver.run();
  const config: S3ObjectStoreConfig = {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  };
  const objects = new S3ObjectStore(config);
  return makeHarness(
    's3',
    { kind: 's3', config },
    objects,
    async () => {
      const keys: string[] = [];
      for await (const key of objects.list('')) keys.push(key);
      return keys.sort();
    },
    async () => {
      objects.destroy();
      await s3rver.close();
      await rm(dir, { recursive: true, force: true });
    },
  );
}

function headersFor(who: Uploader, extra: Record<string, string> = {}): Record<string, string> {
  return { 'Tus-Resumable': '1.0.0', 'x-test-tenant': who.tenantId, 'x-test-user': who.userId, ...extra };
}

async function create(
  h: Harness,
  who: Uploader,
  name: string,
  length: number,
  extra: Record<string, string> = {},
) {
  return fetch(`${h.base}/uploads`, {
    method: 'POST',
    headers: headersFor(who, {
      'Upload-Length': String(length),
      'Upload-Metadata': metadata({ filename: name, filetype: 'image/png' }),
      ...extra,
    }),
  });
}

async function started(h: Harness, who: Uploader, name: string, length: number): Promise<string> {
  const response = await create(h, who, name, length);
  expect(response.status, await response.clone().text()).toBe(201);
  const location = response.headers.get('location') ?? '';
  expect(location).toMatch(/^\/uploads\/[0-9a-f-]{36}$/);
  return location;
}

function patch(
  h: Harness,
  who: Uploader,
  location: string,
  offset: number,
  body: Uint8Array | ReadableStream,
) {
  return fetch(`${h.base}${location}`, {
    method: 'PATCH',
    headers: headersFor(who, {
      'Upload-Offset': String(offset),
      'Content-Type': 'application/offset+octet-stream',
    }),
    body,
    duplex: 'half',
  } as RequestInit);
}

function head(h: Harness, who: Uploader, location: string) {
  return fetch(`${h.base}${location}`, { method: 'HEAD', headers: headersFor(who) });
}

async function bytesOf(objects: ObjectStore, key: string): Promise<Buffer> {
  const object = await objects.get(key);
  if (!object) throw new Error(`no object at ${key}`);
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function pending(h: Harness, tenantId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of h.uploads.pendingKeys(tenantId)) keys.push(key);
  return keys;
}

/** A body that sends `chunks` one at a time, without a Content-Length (chunked transfer encoding). */
function chunkedBody(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream({
    pull(controller) {
      const next = chunks[index++];
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

/**
 * PATCHes `body` with its full Content-Length but sends only `sent` bytes, waits until the server
 * has read them, then destroys the socket, as a dropped connection would.
 */
async function cutPatch(
  h: Harness,
  who: Uploader,
  location: string,
  body: Buffer,
  sent: number,
): Promise<void> {
  const url = new URL(`${h.base}${location}`);
  const watch = randomUUID();
  await new Promise<void>((resolve, reject) => {
    const request = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'PATCH',
      agent: false,
      headers: {
        ...headersFor(who, { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }),
        'Content-Length': String(body.length),
        'x-test-watch': watch,
      },
    });
    watchers.set(watch, (bytes) => {
      if (bytes < sent) return;
      watchers.delete(watch);
      request.destroy();
    });
    request.on('close', () => resolve());
    request.on('error', () => {});
    request.on('response', () => reject(new Error('the server answered a PATCH that was never finished')));
    request.write(body.subarray(0, sent));
  });
}

describe.each([
  ['local', localHarness],
  ['s3', s3Harness],
] as const)('tus uploads through the %s store', (_kind, make) => {
  let h: Harness;
  beforeAll(async () => {
    h = await make();
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.authorized.length = 0;
    h.completed.length = 0;
  });

  it('stores a several-MB PNG at a tenant key with its sha256, size and sniffed type, and registers it once', async () => {
    const who = uploader();
    const png = randomPng(1200, 1000);
    expect(png.length).toBeGreaterThan(3 * MiB);
    const location = await started(h, who, 'Moodboard été.png', png.length);
    expect(h.authorized).toEqual([
      {
        who,
        length: png.length,
        metadata: { filename: 'Moodboard été.png', filetype: 'image/png' },
      },
    ]);
    expect(await pending(h, who.tenantId)).toHaveLength(1);
    const promised = [];
    for await (const upload of h.uploads.pendingUploads(who.tenantId)) promised.push(upload);
    expect(promised).toEqual([
      {
        key: `tenants/${who.tenantId}/${location.split('/').pop()}`,
        size: png.length,
        createdAt: expect.any(String),
      },
    ]);

    const response = await patch(h, who, location, 0, png);
    expect(response.status, await response.clone().text()).toBe(204);
    expect(response.headers.get('upload-offset')).toBe(String(png.length));
    expect(response.headers.get('foyer-file-id')).toBe('file-1');

    expect(h.completed).toHaveLength(1);
    const done = h.completed[0]?.upload as CompletedUpload;
    const id = location.split('/').pop();
    expect(done).toEqual({
      key: `tenants/${who.tenantId}/${id}`,
      size: png.length,
      sha256: sha256(png),
      contentType: 'image/png',
      name: 'Moodboard été.png',
      keep: { folder: `folder of ${_kind}` },
    });
    expect(sha256(await bytesOf(h.objects, done.key))).toBe(sha256(png));
    expect(await pending(h, who.tenantId)).toEqual([]);
    // Nothing of the upload's bookkeeping is left beside the object.
    expect((await h.everything()).filter((name) => name.includes(id ?? '?'))).toEqual(
      _kind === 'local' ? [`files/.meta/${done.key}.json`, `files/${done.key}`] : [done.key],
    );
    // The finished upload is no longer an upload.
    expect((await head(h, who, location)).status).toBe(404);
  });

  it('works with tus-js-client: several files at once in small chunks, one paused and resumed', async () => {
    const who = uploader();
    const files = [
      { name: 'one.png', bytes: randomPng(700, 700) },
      { name: 'two.pdf', bytes: Buffer.concat([PDF_BYTES, randomBytes(3 * MiB)]) },
      { name: 'three.csv', bytes: Buffer.from('a,b\n'.repeat(300_000)) },
    ];
    const results = await Promise.all(
      files.map(
        (file, index) =>
          new Promise<{ id: string | undefined; chunks: number }>((resolve, reject) => {
            let chunks = 0;
            let paused = false;
            const upload: TusUpload = new tus.Upload(file.bytes, {
              endpoint: `${h.base}/uploads`,
              metadata: { filename: file.name, filetype: 'application/x-whatever' },
              headers: { 'x-test-tenant': who.tenantId, 'x-test-user': who.userId },
              chunkSize: MiB,
              retryDelays: null,
              onChunkComplete: () => {
                chunks++;
                // Pause the first file after its first chunk and resume it: the client asks for
                // the offset (HEAD) and carries on from there.
                if (index === 0 && !paused) {
                  paused = true;
                  void upload.abort().then(() => upload.start());
                }
              },
              onSuccess: ({ lastResponse }) =>
                resolve({ id: lastResponse.getHeader('Foyer-File-Id'), chunks }),
              onError: reject,
            });
            upload.start();
          }),
      ),
    );
    expect(results.every((result) => result.id?.startsWith('file-'))).toBe(true);
    expect(results[1]?.chunks).toBeGreaterThan(2);
    expect(h.completed).toHaveLength(3);
    for (const file of files) {
      const done = h.completed.find((entry) => entry.upload.name === file.name)?.upload;
      expect(done?.sha256).toBe(sha256(file.bytes));
      expect(sha256(await bytesOf(h.objects, done?.key ?? ''))).toBe(sha256(file.bytes));
    }
    expect(h.completed.map((entry) => entry.upload.contentType).sort()).toEqual([
      'application/pdf',
      'image/png',
      'text/csv',
    ]);
  });

  it('gives tus-js-client the human message of a refusal', async () => {
    const who = uploader();
    const error = await new Promise<Error & { originalResponse?: TusResponse | null }>((resolve, reject) => {
      new tus.Upload(Buffer.concat([PDF_BYTES, Buffer.alloc(5000)]), {
        endpoint: `${h.base}/uploads`,
        metadata: { filename: 'holiday.jpg' },
        headers: { 'x-test-tenant': who.tenantId, 'x-test-user': who.userId },
        retryDelays: null,
        onSuccess: () => reject(new Error('a disguised file was accepted')),
        onError: resolve,
      }).start();
    });
    expect(error.originalResponse?.getStatus()).toBe(415);
    expect(error.originalResponse?.getBody()).toMatch(/named “.jpg” but its contents are a PDF/);
  });

  it('takes the file in the creation request too (creation-with-upload)', async () => {
    const who = uploader();
    const body = Buffer.from('name,amount\nA,1\n');
    const response = await fetch(`${h.base}/uploads`, {
      method: 'POST',
      headers: headersFor(who, {
        'Upload-Length': String(body.length),
        'Upload-Metadata': metadata({ filename: 'sums.csv' }),
        'Content-Type': 'application/offset+octet-stream',
      }),
      body,
    });
    expect(response.status, await response.clone().text()).toBe(201);
    expect(h.completed[0]?.upload).toMatchObject({
      contentType: 'text/csv',
      size: body.length,
      sha256: sha256(body),
    });
  });

  it('resumes a cut upload where it stopped and ends byte-identical', async () => {
    const who = uploader();
    const file = Buffer.concat([PDF_BYTES, randomBytes(6 * MiB)]);
    const location = await started(h, who, 'print.pdf', file.length);
    await cutPatch(h, who, location, file, 3 * MiB);

    const state = await head(h, who, location);
    expect(state.status).toBe(200);
    expect(state.headers.get('upload-length')).toBe(String(file.length));
    expect(state.headers.get('upload-metadata')).toBeNull();
    // Every byte the server read before the connection broke was kept.
    const offset = Number(state.headers.get('upload-offset'));
    expect(offset).toBe(3 * MiB);
    expect(h.completed).toEqual([]);

    const rest = await patch(h, who, location, offset, file.subarray(offset));
    expect(rest.status, await rest.clone().text()).toBe(204);
    expect(h.completed).toHaveLength(1);
    const done = h.completed[0]?.upload as CompletedUpload;
    expect(done).toMatchObject({ size: file.length, sha256: sha256(file), contentType: 'application/pdf' });
    expect(sha256(await bytesOf(h.objects, done.key))).toBe(sha256(file));
  });

  it('finishes an upload begun before a restart, hashing the stored bytes it did not see', async () => {
    const who = uploader();
    const file = Buffer.concat([PDF_BYTES, randomBytes(2 * MiB)]);
    const location = await started(h, who, 'before-and-after.pdf', file.length);
    const half = Math.floor(file.length / 2);
    expect((await patch(h, who, location, 0, file.subarray(0, half))).status).toBe(204);
    await h.restart();
    const rest = await patch(h, who, location, half, file.subarray(half));
    expect(rest.status, await rest.clone().text()).toBe(204);
    const done = h.completed[0]?.upload as CompletedUpload;
    expect(done).toMatchObject({ size: file.length, sha256: sha256(file), contentType: 'application/pdf' });
    expect(sha256(await bytesOf(h.objects, done.key))).toBe(sha256(file));
  });

  it('sniffs across requests when the first one ends before the type is known', async () => {
    const who = uploader();
    const png = randomPng(64, 64);
    const location = await started(h, who, 'small-steps.png', png.length);
    const first = await patch(h, who, location, 0, png.subarray(0, 10));
    expect(first.status).toBe(204);
    const second = await patch(h, who, location, 10, png.subarray(10));
    expect(second.status, await second.clone().text()).toBe(204);
    expect(h.completed[0]?.upload).toMatchObject({ contentType: 'image/png', sha256: sha256(png) });
  });

  it('refuses an Upload-Length over the server limit with 413 before any byte, and without asking authorize', async () => {
    const who = uploader();
    const response = await create(h, who, 'huge.mov', 256 * MiB + 1);
    expect(response.status).toBe(413);
    expect(await response.text()).toMatch(/files can be at most 256 MB/);
    expect(h.authorized).toEqual([]);
    expect(await pending(h, who.tenantId)).toEqual([]);
  });

  it('refuses an upload over the tenant cap with 413, nothing stored', async () => {
    const who = uploader();
    h.allowance.set(who.tenantId, 1000);
    const response = await create(h, who, 'photo.png', 1001);
    expect(response.status).toBe(413);
    expect(await response.text()).toMatch(/used its storage/);
    expect(await pending(h, who.tenantId)).toEqual([]);
  });

  it('refuses a deferred length and an empty file with a clear 400', async () => {
    const who = uploader();
    const deferred = await fetch(`${h.base}/uploads`, {
      method: 'POST',
      headers: headersFor(who, {
        'Upload-Defer-Length': '1',
        'Upload-Metadata': metadata({ filename: 'a.txt' }),
      }),
    });
    expect(deferred.status).toBe(400);
    expect(await deferred.text()).toMatch(/announce its size/);
    const empty = await create(h, who, 'empty.txt', 0);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toBe('This file is empty.');
    const nameless = await fetch(`${h.base}/uploads`, {
      method: 'POST',
      headers: headersFor(who, { 'Upload-Length': '10' }),
    });
    expect(nameless.status).toBe(400);
  });

  it('cuts a chunked PATCH that sends more than the declared length: 413, nothing beyond stored', async () => {
    const who = uploader();
    const location = await started(h, who, 'notes.txt', 1000);
    const chunks = [Buffer.alloc(600, 0x61), Buffer.alloc(600, 0x62), Buffer.alloc(600, 0x63)];
    const response = await patch(h, who, location, 0, chunkedBody(chunks));
    expect(response.status).toBe(413);
    expect(await response.text()).toMatch(/more bytes than the file size it announced/);
    const state = await head(h, who, location);
    expect(Number(state.headers.get('upload-offset'))).toBeLessThanOrEqual(1000);
    expect(h.completed).toEqual([]);
    expect(await h.objects.head(`tenants/${who.tenantId}/${location.split('/').pop()}`)).toBeNull();
  });

  it('refuses a PATCH whose Content-Length is over the declared length before reading it', async () => {
    const who = uploader();
    const location = await started(h, who, 'notes.txt', 100);
    const response = await patch(h, who, location, 0, Buffer.alloc(101, 0x61));
    expect(response.status).toBe(413);
    const state = await head(h, who, location);
    expect(state.headers.get('upload-offset')).toBe('0');
  });

  it.each([
    ['a PDF', PDF_BYTES, /named “.png” but its contents are a PDF/],
    ['a Windows program', exeBytes(), /program or an installer/],
  ])(
    'refuses photo.png that is %s with 415 and removes the partial upload',
    async (_what, bytes, message) => {
      const who = uploader();
      const location = await started(h, who, 'photo.png', bytes.length + 10_000);
      const response = await patch(h, who, location, 0, Buffer.concat([bytes, Buffer.alloc(10_000)]));
      expect(response.status).toBe(415);
      expect(await response.text()).toMatch(message);
      expect((await head(h, who, location)).status).toBe(404);
      expect(await pending(h, who.tenantId)).toEqual([]);
      expect((await h.everything()).filter((name) => name.includes(who.tenantId))).toEqual([]);
      expect(h.completed).toEqual([]);
    },
  );

  it('refuses a refused extension at creation, before authorize and before any byte', async () => {
    const who = uploader();
    const response = await create(h, who, 'invoice.pdf.exe', 5000);
    expect(response.status).toBe(415);
    expect(await response.text()).toMatch(/“.exe” files can run programs/);
    expect(h.authorized).toEqual([]);
    expect(await pending(h, who.tenantId)).toEqual([]);
  });

  it('deletes the object when complete refuses, and passes its status and message on', async () => {
    const who = uploader();
    const body = Buffer.from('hello');
    const location = await started(h, who, 'refuse-me.txt', body.length);
    const response = await patch(h, who, location, 0, body);
    expect(response.status).toBe(409);
    expect(await response.text()).toBe('A file of that name arrived first.');
    expect(await h.objects.head(h.completed[0]?.upload.key ?? '')).toBeNull();
  });

  it("answers 404 for another tenant's and another user's upload, and lets them change nothing", async () => {
    const owner = uploader();
    const location = await started(h, owner, 'brief.txt', 10);
    const otherTenant = uploader();
    const sameTenant = uploader(owner.tenantId);
    for (const who of [otherTenant, sameTenant]) {
      expect((await head(h, who, location)).status).toBe(404);
      expect((await patch(h, who, location, 0, Buffer.from('0123456789'))).status).toBe(404);
      const removal = await fetch(`${h.base}${location}`, { method: 'DELETE', headers: headersFor(who) });
      expect(removal.status).toBe(404);
    }
    expect(h.completed).toEqual([]);
    const state = await head(h, owner, location);
    expect(state.status).toBe(200);
    expect(state.headers.get('upload-offset')).toBe('0');
    // The owner can still cancel it.
    const cancel = await fetch(`${h.base}${location}`, { method: 'DELETE', headers: headersFor(owner) });
    expect(cancel.status).toBe(204);
    expect(await pending(h, owner.tenantId)).toEqual([]);
  });

  it('answers 404 for ids that are not upload ids, and touches nothing outside', async () => {
    const who = uploader();
    const location = await started(h, who, 'brief.txt', 10);
    const id = location.split('/').pop() ?? '';
    const before = await h.everything();
    const url = new URL(h.base);
    const paths = [
      '/uploads/../x',
      '/uploads/..%2F..%2Fetc%2Fpasswd',
      '/uploads/%2e%2e%2f%2e%2e%2fx',
      `/uploads/..%2Ftenants%2F${who.tenantId}%2F${id}`,
      `/uploads/${id}%2F..%2F..%2F${id}`,
      `/uploads/tenants/${who.tenantId}/${id}`,
      '/uploads/.uploads',
      `/uploads/${id}.json`,
      `/uploads/${id}.info`,
    ];
    for (const method of ['HEAD', 'PATCH', 'DELETE']) {
      for (const at of paths) {
        const status = await new Promise<number>((resolve, reject) => {
          const request = http.request(
            {
              host: url.hostname,
              port: url.port,
              path: at,
              method,
              agent: false,
              headers: {
                ...headersFor(who, {
                  'Upload-Offset': '0',
                  'Content-Type': 'application/offset+octet-stream',
                }),
                ...(method === 'PATCH' ? { 'Content-Length': '10' } : {}),
              },
            },
            (response) => {
              response.resume();
              resolve(response.statusCode ?? 0);
            },
          );
          request.on('error', reject);
          request.end(method === 'PATCH' ? '0123456789' : undefined);
        });
        expect([method, at, status]).toEqual([method, at, 404]);
      }
    }
    expect(await h.everything()).toEqual(before);
    expect(h.completed).toEqual([]);
  });

  it('refuses GET (no downloads through the upload endpoint)', async () => {
    const who = uploader();
    const location = await started(h, who, 'brief.txt', 3);
    expect((await patch(h, who, location, 0, Buffer.from('abc'))).status).toBe(204);
    const response = await fetch(`${h.base}${location}`, { headers: headersFor(who) });
    expect(response.status).toBe(404);
  });

  it('sweeps unfinished uploads once they are older than a day', async () => {
    const who = uploader();
    await started(h, who, 'left-behind.txt', 10);
    expect(await pending(h, who.tenantId)).toHaveLength(1);
    expect(await h.uploads.sweepExpired(Date.now())).toBe(0);
    expect(await h.uploads.sweepExpired(Date.now() + 25 * 60 * 60 * 1000)).toBeGreaterThanOrEqual(1);
    expect(await pending(h, who.tenantId)).toEqual([]);
    expect((await h.everything()).filter((name) => name.includes(who.tenantId))).toEqual([]);
  });
});

describe('tus uploads and memory', () => {
  let h: Harness & { dir: string };
  beforeAll(async () => {
    h = await localHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('takes 200 MB through the local store without the process growing by more than 60 MB', async () => {
    const who = uploader();
    const size = 200 * MiB;
    h.allowance.set(who.tenantId, size);
    const block = randomBytes(MiB);
    const expected = createHash('sha256');
    for (let i = 0; i < 200; i++) expected.update(block);
    const location = await started(h, who, 'rushes.bin', size);

    const idle = process.memoryUsage().rss;
    let peak = idle;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    // A raw client that writes the same block again and again, so the sender adds nothing.
    const url = new URL(`${h.base}${location}`);
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'PATCH',
          agent: false,
          headers: {
            ...headersFor(who, { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }),
            'Content-Length': String(size),
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', reject);
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          sent += block.length;
          if (!request.write(block)) {
            request.once('drain', pump);
            return;
          }
        }
        request.end();
      };
      pump();
    });
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(status).toBe(204);
    const done = h.completed[0]?.upload as CompletedUpload;
    expect(done).toMatchObject({
      size,
      sha256: expected.digest('hex'),
      contentType: 'application/octet-stream',
    });
    expect((await stat(path.join(h.dir, 'files', done.key))).size).toBe(size);
    expect(peak - idle).toBeLessThan(60 * MiB);
  });
});
