import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Deps } from '@foyer/core';
import { objectKey, signLocalLink } from '@foyer/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../tests/support/databases';
import { type App, createApp, createDeps } from './app';
import { loadConfig } from './env';
import { parseRange } from './files';
import type { Logger } from './log';
import type { PageRenderer } from './web';

/**
 * Local signed links through the real front door: the app's own store (`$FOYER_DATA_DIR/files`
 * with a key derived from FOYER_SECRET_KEY), whole files, ranges, HEAD, and every refusal.
 */

const HOST = 'foyer.test';
const SIZE = 2 * 1024 * 1024;

const pages: PageRenderer = {
  async respond() {
    return new Response('rendered', { status: 200 });
  },
};

describe('local file links', () => {
  let t: TestDatabase;
  let dataDir: string;
  let app: App;
  let core: Deps;
  let clockOffset = 0;
  const logged: string[] = [];
  const bytes = randomBytes(SIZE);
  const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
  const key = objectKey(randomUUID(), randomUUID());
  let link = '';

  const log: Logger = {
    debug: (message, fields) => logged.push(JSON.stringify({ message, ...fields })),
    info: (message, fields) => logged.push(JSON.stringify({ message, ...fields })),
    warn: (message, fields) => logged.push(JSON.stringify({ message, ...fields })),
    error: (message, fields) => logged.push(JSON.stringify({ message, ...fields })),
  };

  const fetchLink = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    app.request(path, { method, headers: { host: HOST, ...headers } });

  const sign = (objectKeyToSign: string, expiresInSeconds = 300, now = Date.now()) => {
    const secret = core.files.linkSecret;
    return `/files/${signLocalLink(
      objectKeyToSign,
      {
        expiresInSeconds,
        filename: 'Cut 3 – final.mp4',
        disposition: 'attachment',
        contentType: 'video/mp4',
      },
      secret,
      now,
    )}`;
  };

  beforeAll(async () => {
    t = await openTestDatabase('pglite');
    dataDir = await mkdtemp(join(tmpdir(), 'foyer-files-'));
    const config = loadConfig({
      PLATFORM_DOMAIN: HOST,
      PUBLIC_PORT: '80',
      FOYER_DATA_DIR: dataDir,
      FOYER_SECRET_KEY: randomBytes(32).toString('base64'),
    });
    const deps = createDeps(config, t.handle);
    core = { ...deps, now: () => new Date(Date.now() + clockOffset) };
    app = createApp({ config, db: t.handle, pages, log, core });
    // Streamed in, in 64 KiB pieces, as an upload would be.
    const pieces = Array.from({ length: SIZE / 65536 }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));
    await core.files.store.put(key, Readable.from(pieces), { contentType: 'video/mp4', contentLength: SIZE });
    link = await core.files.store.signedUrl(key, {
      expiresInSeconds: 300,
      filename: 'Cut 3 – final.mp4',
      disposition: 'attachment',
      contentType: 'video/mp4',
    });
  });
  afterAll(async () => {
    await t?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the objects in $FOYER_DATA_DIR/files, signed with a key that is not FOYER_SECRET_KEY', () => {
    expect(core.files.store).toMatchObject({ root: join(dataDir, 'files') });
    expect(link).toMatch(/^\/files\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('serves the whole file, streamed, with the headers of a download', async () => {
    const res = await fetchLink(link);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(SIZE));
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="Cut 3 _ final\.mp4"/);
    expect(res.headers.get('content-disposition')).toContain(
      "filename*=UTF-8''Cut%203%20%E2%80%93%20final.mp4",
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe('sandbox');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(bytes));
  });

  it('serves one range as 206 with its Content-Range', async () => {
    const cases: [string, number, number][] = [
      ['bytes=1000-1999', 1000, 1999],
      ['bytes=2000000-', 2000000, SIZE - 1],
      ['bytes=-500', SIZE - 500, SIZE - 1],
      // An end past the object is clamped.
      [`bytes=${SIZE - 10}-${SIZE + 100}`, SIZE - 10, SIZE - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await fetchLink(link, { range });
      expect(res.status, range).toBe(206);
      expect(res.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${SIZE}`);
      expect(res.headers.get('content-length'), range).toBe(String(end - start + 1));
      expect(res.headers.get('content-type'), range).toBe('video/mp4');
      expect(res.headers.get('accept-ranges'), range).toBe('bytes');
      const body = new Uint8Array(await res.arrayBuffer());
      expect(Buffer.from(body).equals(bytes.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it('answers several ranges, or one it does not understand, with the whole file', async () => {
    for (const range of ['bytes=0-9,20-29', 'items=0-9', 'bytes=10-5']) {
      const res = await fetchLink(link, { range });
      expect(res.status, range).toBe(200);
      expect(res.headers.get('content-length'), range).toBe(String(SIZE));
      expect((await res.arrayBuffer()).byteLength, range).toBe(SIZE);
    }
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await fetchLink(link, {}, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(SIZE));
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    const ranged = await fetchLink(link, { range: 'bytes=0-99' }, 'HEAD');
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 0-99/${SIZE}`);
  });

  it('answers an unsatisfiable range with 416 and the size', async () => {
    for (const range of [`bytes=${SIZE}-`, `bytes=${SIZE + 5}-${SIZE + 10}`, 'bytes=-0']) {
      const res = await fetchLink(link, { range });
      expect(res.status, range).toBe(416);
      expect(res.headers.get('content-range'), range).toBe(`bytes */${SIZE}`);
    }
  });

  it('answers a tampered or malformed link with 404', async () => {
    const [payload = '', signature = ''] = link.slice('/files/'.length).split('.');
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const otherSecret = signLocalLink(
      key,
      { expiresInSeconds: 300, filename: 'x.mp4', disposition: 'attachment', contentType: 'video/mp4' },
      randomBytes(32),
    );
    for (const path of [
      `/files/${payload}.${flipped}`,
      `/files/${payload}x.${signature}`,
      `/files/${otherSecret}`,
      '/files/not-a-token',
      '/files/..%2F..%2Fsecret.key',
    ]) {
      const res = await fetchLink(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('cache-control'), path).toBe('private, no-store');
    }
  });

  it('answers an expired link with 410 and a short message', async () => {
    const res = await fetchLink(sign(key, 60, Date.now() - 2 * 60 * 60 * 1000));
    expect(res.status).toBe(410);
    expect(await res.text()).toBe('This link has expired.');
    // And a live link once the app's clock has passed its expiry.
    const short = sign(key, 60);
    expect((await fetchLink(short, {}, 'HEAD')).status).toBe(200);
    clockOffset = 61_000;
    try {
      expect((await fetchLink(short)).status).toBe(410);
    } finally {
      clockOffset = 0;
    }
  });

  it('answers a valid link to a missing object with 404', async () => {
    const res = await fetchLink(sign(objectKey(randomUUID(), randomUUID())));
    expect(res.status).toBe(404);
    expect((await fetchLink(sign(objectKey(randomUUID(), randomUUID())), {}, 'HEAD')).status).toBe(404);
  });

  it('keeps link tokens out of the logs', () => {
    const token = link.slice('/files/'.length);
    const [, signature = ''] = token.split('.');
    expect(logged.length).toBeGreaterThan(5);
    expect(logged.filter((line) => line.includes(signature) || line.includes(token.slice(0, 20)))).toEqual(
      [],
    );
    expect(logged.some((line) => line.includes('"path":"/files/…"'))).toBe(true);
  });
});

describe('parseRange', () => {
  it.each([
    [undefined, 100, { kind: 'whole' }],
    ['bytes=0-0', 100, { kind: 'partial', start: 0, end: 0 }],
    ['bytes=-200', 100, { kind: 'partial', start: 0, end: 99 }],
    ['bytes=99-', 100, { kind: 'partial', start: 99, end: 99 }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=-', 100, { kind: 'whole' }],
    ['bytes=0-1, 3-4', 100, { kind: 'whole' }],
    ['bytes=99999999999999999999-', 100, { kind: 'whole' }],
  ])('%s of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
