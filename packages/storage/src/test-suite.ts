import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type ObjectStore, objectKey, tenantPrefix } from './storage';

/** A stream of `size` random bytes in 64 KiB chunks, and a promise of their sha256. */
export function randomStream(size: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  let left = size;
  const stream = Readable.from(
    (function* () {
      while (left > 0) {
        const chunk = randomBytes(Math.min(64 * 1024, left));
        left -= chunk.length;
        hash.update(chunk);
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
  return { stream, sha256: () => hash.digest('hex') };
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function sha256Of(stream: Readable): Promise<{ hex: string; length: number }> {
  const hash = createHash('sha256');
  let length = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    length += chunk.length;
  }
  return { hex: hash.digest('hex'), length };
}

function present<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const key of keys) all.push(key);
  return all.sort();
}

/** The behaviour every ObjectStore driver shares. */
export function behavesLikeAnObjectStore(name: string, store: () => ObjectStore): void {
  describe(`${name}: ObjectStore behaviour`, () => {
    const tenant = randomUUID();

    it('streams a few MB in and out unchanged (sha256)', async () => {
      const key = objectKey(tenant, randomUUID());
      const size = 6 * 1024 * 1024 + 123; // more than one 5 MiB multipart part
      const source = randomStream(size);
      await store().put(key, source.stream, { contentType: 'video/mp4' });
      const object = await store().get(key);
      expect(object).not.toBeNull();
      expect(object?.size).toBe(size);
      expect(object?.contentType).toBe('video/mp4');
      const read = await sha256Of(present(object).body);
      expect(read.length).toBe(size);
      expect(read.hex).toBe(source.sha256());
    });

    it('stores bytes given as a Uint8Array, defaulting the content type', async () => {
      const key = objectKey(tenant, randomUUID());
      await store().put(key, new TextEncoder().encode('hello'));
      const object = await store().get(key);
      expect(object?.contentType).toBe('application/octet-stream');
      expect((await readAll(present(object).body)).toString()).toBe('hello');
    });

    it('reads inclusive byte ranges, clamping the end to the object', async () => {
      const key = objectKey(tenant, randomUUID());
      const bytes = randomBytes(100_000);
      await store().put(key, bytes, { contentType: 'application/pdf', contentLength: bytes.length });
      const middle = await store().get(key, { range: { start: 1000, end: 1999 } });
      expect(middle?.size).toBe(100_000);
      expect((await readAll(present(middle).body)).equals(bytes.subarray(1000, 2000))).toBe(true);
      const head = await store().get(key, { range: { start: 0, end: 9 } });
      expect((await readAll(present(head).body)).equals(bytes.subarray(0, 10))).toBe(true);
      // One byte. (Not `0-0`: s3rver reads an end of 0 as "to the end"; real S3 does not.)
      const one = await store().get(key, { range: { start: 500, end: 500 } });
      expect((await readAll(present(one).body)).equals(bytes.subarray(500, 501))).toBe(true);
      const tail = await store().get(key, { range: { start: 99_990, end: 200_000 } });
      expect((await readAll(present(tail).body)).equals(bytes.subarray(99_990))).toBe(true);
      await expect(store().get(key, { range: { start: 100_000, end: 100_010 } })).rejects.toThrow(RangeError);
      await expect(store().get(key, { range: { start: 5, end: 4 } })).rejects.toThrow(RangeError);
    });

    it('heads an object: size and content type, null when missing', async () => {
      const key = objectKey(tenant, randomUUID());
      await store().put(key, Buffer.from('abc'), { contentType: 'text/plain; charset=utf-8' });
      expect(await store().head(key)).toEqual({ size: 3, contentType: 'text/plain; charset=utf-8' });
      expect(await store().head(objectKey(tenant, randomUUID()))).toBeNull();
    });

    it('gives null for a missing key', async () => {
      expect(await store().get(objectKey(tenant, randomUUID()))).toBeNull();
      expect(
        await store().get(objectKey(randomUUID(), randomUUID()), { range: { start: 0, end: 1 } }),
      ).toBeNull();
    });

    it('deletes, and deleting a missing key is not an error', async () => {
      const key = objectKey(tenant, randomUUID());
      await store().put(key, Buffer.from('gone soon'));
      await store().delete(key);
      expect(await store().head(key)).toBeNull();
      expect(await store().get(key)).toBeNull();
      await store().delete(key);
    });

    it('lists keys by prefix, one tenant at a time', async () => {
      const a = randomUUID();
      const b = randomUUID();
      const aKeys = [objectKey(a, randomUUID()), objectKey(a, randomUUID()), objectKey(a, randomUUID())];
      const bKeys = [objectKey(b, randomUUID())];
      for (const key of [...aKeys, ...bKeys]) await store().put(key, Buffer.from(key));
      expect(await collect(store().list(tenantPrefix(a)))).toEqual([...aKeys].sort());
      expect(await collect(store().list(tenantPrefix(b)))).toEqual(bKeys);
      // A partial last segment narrows the listing too.
      const [one = ''] = aKeys;
      expect(await collect(store().list(one.slice(0, -30)))).toEqual([one]);
      const everything = await collect(store().list('tenants/'));
      for (const key of [...aKeys, ...bKeys]) expect(everything).toContain(key);
      expect(await collect(store().list(tenantPrefix(randomUUID())))).toEqual([]);
    });

    it('overwrites an object in full', async () => {
      const key = objectKey(tenant, randomUUID());
      await store().put(key, Buffer.from('first version, longer'), { contentType: 'text/plain' });
      await store().put(key, Buffer.from('second'), { contentType: 'text/csv' });
      const object = await store().get(key);
      expect(object?.contentType).toBe('text/csv');
      expect((await readAll(present(object).body)).toString()).toBe('second');
    });

    it('refuses keys that could escape their place, and bad content types', async () => {
      for (const key of ['../x', 'tenants/../../etc/passwd', '/etc/passwd', 'a//b', 'a/./b', 'a\\b', '']) {
        await expect(store().put(key, Buffer.from('x'))).rejects.toThrow();
        await expect(store().get(key)).rejects.toThrow();
        await expect(store().head(key)).rejects.toThrow();
        await expect(store().delete(key)).rejects.toThrow();
      }
      const key = objectKey(tenant, randomUUID());
      await expect(
        store().put(key, Buffer.from('x'), { contentType: 'text/html\r\nSet-Cookie: a=b' }),
      ).rejects.toThrow();
      expect(await store().head(key)).toBeNull();
    });

    it('refuses a body whose length differs from the announced one, storing nothing', async () => {
      const key = objectKey(tenant, randomUUID());
      await expect(
        store().put(key, Readable.from([Buffer.from('12345')]), { contentLength: 4 }),
      ).rejects.toThrow();
      expect(await store().head(key)).toBeNull();
    });
  });
}
