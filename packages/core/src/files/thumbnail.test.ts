import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { LocalObjectStore, objectKey } from '@foyer/storage';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeThumbnail } from './thumbnail';

let dir: string;
let store: LocalObjectStore;
const tenant = randomUUID();
const key = () => objectKey(tenant, randomUUID());

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'foyer-thumbnail-'));
  store = new LocalObjectStore({ root: dir, secret: 'a test secret that is long enough for HMAC-SHA256!' });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Stores the bytes under a fresh key and returns it with a fresh target key. */
async function stored(bytes: Uint8Array, contentType = 'application/octet-stream') {
  const source = key();
  await store.put(source, bytes, { contentType });
  return { source, target: key() };
}

/** The stored thumbnail's real format and size, read back from the store. */
async function readBack(target: string) {
  const object = await store.get(target);
  if (!object) throw new Error('no thumbnail stored');
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(chunk as Buffer);
  const meta = await sharp(Buffer.concat(chunks)).metadata();
  return { contentType: object.contentType, format: meta.format, width: meta.width, height: meta.height };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG of a few hundred bytes that declares width × height pixels (greyscale, 8-bit). */
function pngDeclaring(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  // One filter byte and a few pixels of the first row: the decoder would ask for the rest.
  const idat = deflateSync(Buffer.alloc(1 + 1024));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('makeThumbnail', () => {
  it('turns a PNG into a WebP that fits inside 320 px, keeping its proportions', async () => {
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#3366cc' } })
      .png()
      .toBuffer();
    const { source, target } = await stored(png, 'image/png');
    expect(await makeThumbnail(store, source, target)).toEqual({ width: 320, height: 213 });
    expect(await readBack(target)).toEqual({
      contentType: 'image/webp',
      format: 'webp',
      width: 320,
      height: 213,
    });
  });

  it('turns a JPEG upright by its EXIF orientation before fitting it', async () => {
    // Stored 400 wide and 200 high, with orientation 6: shown rotated a quarter turn, 200 × 400.
    const jpeg = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#cc6633' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const { source, target } = await stored(jpeg, 'image/jpeg');
    expect(await makeThumbnail(store, source, target)).toEqual({ width: 160, height: 320 });
    expect(await readBack(target)).toMatchObject({ format: 'webp', width: 160, height: 320 });
  });

  it('never enlarges a small image and honours another size', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 4, background: '#00000000' } })
      .png()
      .toBuffer();
    const small = await stored(png);
    expect(await makeThumbnail(store, small.source, small.target)).toEqual({ width: 40, height: 30 });
    const tiny = await stored(png);
    expect(await makeThumbnail(store, tiny.source, tiny.target, { size: 20 })).toEqual({
      width: 20,
      height: 15,
    });
  });

  it('gives null and stores nothing for a corrupt image, a text file, an SVG or a missing source', async () => {
    const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const inputs = [
      png.subarray(0, png.length / 2),
      Buffer.concat([png.subarray(0, 16), Buffer.from('not the rest of a png')]),
      Buffer.from('Just some notes, not a picture.\n'),
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
      ),
    ];
    for (const bytes of inputs) {
      const { source, target } = await stored(bytes);
      expect(await makeThumbnail(store, source, target)).toBeNull();
      expect(await store.head(target)).toBeNull();
    }
    const target = key();
    expect(await makeThumbnail(store, key(), target)).toBeNull();
    expect(await store.head(target)).toBeNull();
  });

  it('refuses a decompression bomb from its header, without decoding it', async () => {
    // 100 000 × 100 000 pixels is ten gigabytes decoded; the file is under 100 bytes.
    const bomb = pngDeclaring(100_000, 100_000);
    expect(bomb.length).toBeLessThan(200);
    const { source, target } = await stored(bomb, 'image/png');
    const started = performance.now();
    expect(await makeThumbnail(store, source, target)).toBeNull();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await store.head(target)).toBeNull();
  });

  it('honours a lower pixel limit and a byte limit', async () => {
    const png = await sharp({ create: { width: 1000, height: 1000, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    const pixels = await stored(png);
    expect(await makeThumbnail(store, pixels.source, pixels.target, { maxInputPixels: 999_999 })).toBeNull();
    const bytes = await stored(png);
    expect(
      await makeThumbnail(store, bytes.source, bytes.target, { maxInputBytes: png.length - 1 }),
    ).toBeNull();
    expect(await makeThumbnail(store, bytes.source, bytes.target, { maxInputBytes: png.length })).toEqual({
      width: 320,
      height: 320,
    });
  });
});
