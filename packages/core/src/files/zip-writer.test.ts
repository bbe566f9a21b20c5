import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipSizeMismatchError, type ZipSource, zipLength, zipStream } from './zip-writer';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'foyer-zip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const when = new Date('2024-05-06T07:08:10Z');

/** A source whose bytes come in chunks of `chunk` bytes. */
function source(name: string, bytes: Buffer, chunk = 1000, size = bytes.length): ZipSource {
  return {
    path: name,
    size,
    modified: when,
    open: async () => {
      const parts: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += chunk) parts.push(bytes.subarray(at, at + chunk));
      return Readable.from(parts);
    },
  };
}

/** Writes the archive to a file, and checks that `zipLength` foretold its length. */
async function write(sources: ZipSource[], options = {}): Promise<string> {
  const file = path.join(dir, `${randomBytes(6).toString('hex')}.zip`);
  await pipeline(Readable.from(zipStream(sources, options)), createWriteStream(file));
  expect((await stat(file)).size).toBe(zipLength(sources, options));
  return file;
}

/** `unzip -t` passes, the names are as given, and each entry's bytes read back the same. */
async function expectArchive(file: string, entries: Record<string, Buffer>) {
  const tested = await run('unzip', ['-t', file], { maxBuffer: 64 * 1024 * 1024 });
  expect(tested.stdout).toContain('No errors detected');
  const listed = await run('unzip', ['-Z1', file], { maxBuffer: 64 * 1024 * 1024 });
  expect(listed.stdout.split('\n').filter(Boolean).sort()).toEqual(Object.keys(entries).sort());
  for (const [name, bytes] of Object.entries(entries).slice(0, 5)) {
    const out = await run('unzip', ['-p', file, name.replace(/[[\]*?]/g, '\\$&')], {
      encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(Buffer.compare(out.stdout, bytes)).toBe(0);
  }
}

describe('zipStream', () => {
  const files = {
    'a.txt': Buffer.from('hello'),
    'Design/Ünïcode logo (2).png': randomBytes(200_000),
    'Design/Drafts/empty.bin': Buffer.alloc(0),
  };
  const sources = () => Object.entries(files).map(([name, bytes]) => source(name, bytes, 4096));

  it('writes a stored archive that unzip reads back byte for byte, with UTF-8 names and dates', async () => {
    const file = await write(sources());
    await expectArchive(file, files);
    const verbose = await run('zipinfo', ['-T', '-l', file]);
    expect(verbose.stdout).toContain('20240506.070810');
    expect(verbose.stdout).toMatch(/stor/);
    expect(verbose.stdout).not.toMatch(/defN/);
  });

  it('writes ZIP64 records that unzip accepts (forced, as entries over 4 GB would)', async () => {
    const file = await write(sources(), { forceZip64: true });
    await expectArchive(file, files);
  });

  it('writes ZIP64 end records past 65,535 entries', async () => {
    const many: Record<string, Buffer> = {};
    for (let i = 0; i < 66_000; i++) many[`f/${i}`] = Buffer.from(String(i));
    const file = await write(Object.entries(many).map(([name, bytes]) => source(name, bytes)));
    await expectArchive(file, many);
  }, 60_000);

  it('fails rather than write a corrupt archive when the bytes differ from the recorded size', async () => {
    await expect(write([source('short', Buffer.from('abc'), 10, 4)])).rejects.toThrow(ZipSizeMismatchError);
    await expect(write([source('long', Buffer.from('abcde'), 10, 4)])).rejects.toThrow(ZipSizeMismatchError);
  });
});
