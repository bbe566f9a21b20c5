import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from './s3';
import { objectKey } from './storage';
import { behavesLikeAnObjectStore } from './test-suite';

const bucket = 'foyer-test';
let dir: string;
let server: S3rver;
let store: S3ObjectStore;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'foyer-s3rver-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  store = new S3ObjectStore({
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  });
});

afterAll(async () => {
  store?.destroy();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

behavesLikeAnObjectStore('s3', () => store);

describe('s3 presigned links', () => {
  it('carry the asked expiry and serve the bytes with the asked headers', async () => {
    const key = objectKey(randomUUID(), randomUUID());
    await store.put(key, Buffer.from('%PDF-1.7 pretend'), { contentType: 'application/octet-stream' });
    const url = new URL(
      await store.signedUrl(key, {
        expiresInSeconds: 600,
        filename: 'Quote été.pdf',
        disposition: 'attachment',
        contentType: 'application/pdf',
      }),
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(url.pathname).toBe(`/${bucket}/${key}`);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="Quote _t_.pdf"; filename*=UTF-8''Quote%20%C3%A9t%C3%A9.pdf`,
    );
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(await response.text()).toBe('%PDF-1.7 pretend');
  });

  it('refuse expiries S3 would not honour', async () => {
    const key = objectKey(randomUUID(), randomUUID());
    const options = { filename: 'a', disposition: 'inline' as const, contentType: 'image/png' };
    await expect(store.signedUrl(key, { ...options, expiresInSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(store.signedUrl(key, { ...options, expiresInSeconds: 604_801 })).rejects.toThrow(RangeError);
  });
});
