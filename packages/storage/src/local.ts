import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, opendir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertContentType,
  assertRange,
  assertSafeKey,
  contentDisposition,
  DEFAULT_CONTENT_TYPE,
  type GetOptions,
  type ObjectBody,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type SignedUrlOptions,
} from './storage';

export interface LocalObjectStoreOptions {
  /** Directory that holds the objects; created when missing. */
  root: string;
  /** Key for signing links: at least 32 bytes. */
  secret: string | Uint8Array;
  /**
   * Prepended to `/files/<token>` in signed links, e.g. `https://portal.example.com`. Empty
   * (the default) gives a path, so one link works on whichever domain the tenant is served.
   */
  baseUrl?: string;
}

/** Where temporary writes and content types live, beside the objects; keys never start with a dot. */
const TMP_DIR = '.tmp';
const META_DIR = '.meta';

/**
 * Objects as files below a root directory: `<root>/<key>`, with the content type in
 * `<root>/.meta/<key>.json`. Writes go to a temporary file that is renamed into place, so a
 * reader sees the old object or the whole new one, never a part.
 */
export class LocalObjectStore implements ObjectStore {
  readonly root: string;
  readonly #secret: Buffer;
  readonly #baseUrl: string;

  constructor(options: LocalObjectStoreOptions) {
    this.root = path.resolve(options.root);
    this.#secret = secretBytes(options.secret);
    this.#baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  }

  /** The file that holds the key; throws for any key that could land outside the root. */
  #file(base: string, key: string, suffix = ''): string {
    assertSafeKey(key);
    const file = path.resolve(base, ...key.split('/')) + suffix;
    if (!file.startsWith(base + path.sep)) throw new Error('key resolves outside the storage root');
    return file;
  }

  #dataFile(key: string): string {
    return this.#file(this.root, key);
  }

  #metaFile(key: string): string {
    return this.#file(path.join(this.root, META_DIR), key, '.json');
  }

  async put(key: string, body: Readable | Uint8Array, options: PutOptions = {}): Promise<void> {
    const file = this.#dataFile(key);
    const metaFile = this.#metaFile(key);
    const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
    assertContentType(contentType);
    const tmpDir = path.join(this.root, TMP_DIR);
    await mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, randomUUID());
    const tmpMeta = `${tmp}.json`;
    try {
      let written = 0;
      const source = body instanceof Uint8Array ? Readable.from([body]) : body;
      await pipeline(
        source,
        async function* count(chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            written += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(tmp, { flags: 'wx', mode: 0o600 }),
      );
      if (options.contentLength !== undefined && written !== options.contentLength) {
        throw new Error(`body was ${written} bytes, not the ${options.contentLength} announced`);
      }
      await writeFile(tmpMeta, JSON.stringify({ contentType }), { flag: 'wx', mode: 0o600 });
      await mkdir(path.dirname(file), { recursive: true });
      await mkdir(path.dirname(metaFile), { recursive: true });
      await rename(tmpMeta, metaFile);
      await rename(tmp, file);
    } finally {
      await rm(tmp, { force: true });
      await rm(tmpMeta, { force: true });
    }
  }

  /**
   * Makes an existing file the object under the key by renaming it, so a finished upload becomes
   * an object without a second copy of its bytes. The file must sit on the same filesystem as the
   * root (a directory below it, such as the uploads directory, does); it is moved, not copied.
   */
  async adopt(key: string, filePath: string, contentType: string = DEFAULT_CONTENT_TYPE): Promise<void> {
    const file = this.#dataFile(key);
    const metaFile = this.#metaFile(key);
    assertContentType(contentType);
    const source = await stat(filePath);
    if (!source.isFile()) throw new Error('only a regular file can become an object');
    const tmpDir = path.join(this.root, TMP_DIR);
    await mkdir(tmpDir, { recursive: true });
    const tmpMeta = path.join(tmpDir, `${randomUUID()}.json`);
    try {
      await writeFile(tmpMeta, JSON.stringify({ contentType }), { flag: 'wx', mode: 0o600 });
      await mkdir(path.dirname(file), { recursive: true });
      await mkdir(path.dirname(metaFile), { recursive: true });
      await rename(tmpMeta, metaFile);
      await rename(filePath, file);
    } finally {
      await rm(tmpMeta, { force: true });
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<ObjectBody | null> {
    const file = this.#dataFile(key);
    const handle = await open(file, 'r').catch(ifMissing(null));
    if (!handle) return null;
    try {
      const { size } = await handle.stat();
      const contentType = await this.#contentType(key);
      let start = 0;
      let end = size - 1;
      if (options.range) {
        assertRange(options.range);
        if (options.range.start >= size) {
          throw new RangeError(`range starts at ${options.range.start}, past the ${size}-byte object`);
        }
        start = options.range.start;
        end = Math.min(options.range.end, size - 1);
      }
      // An empty object has no bytes to read; the stream still opens and ends at once.
      const body = handle.createReadStream(size === 0 ? { start: 0, end: -1 } : { start, end });
      return { body, size, contentType };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const info = await stat(this.#dataFile(key)).catch(ifMissing(null));
    if (!info?.isFile()) return null;
    return { size: info.size, contentType: await this.#contentType(key) };
  }

  async #contentType(key: string): Promise<string> {
    const meta = await readFile(this.#metaFile(key), 'utf8').catch(ifMissing(null));
    if (meta === null) return DEFAULT_CONTENT_TYPE;
    const { contentType } = JSON.parse(meta) as { contentType?: unknown };
    return typeof contentType === 'string' ? contentType : DEFAULT_CONTENT_TYPE;
  }

  async delete(key: string): Promise<void> {
    await rm(this.#dataFile(key), { force: true });
    await rm(this.#metaFile(key), { force: true });
  }

  async *list(prefix: string): AsyncIterable<string> {
    // Walk only the deepest directory the prefix names in full.
    const dirPart = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    if (dirPart !== '') assertSafeKey(dirPart.slice(0, -1));
    const start = dirPart === '' ? this.root : this.#dataFile(dirPart.slice(0, -1));
    yield* walk(start, dirPart, prefix);
  }

  async signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    return `${this.#baseUrl}/files/${signLocalLink(key, options, this.#secret)}`;
  }
}

async function* walk(dir: string, keyPrefix: string, wanted: string): AsyncGenerator<string> {
  const entries = await opendir(dir).catch(ifMissing(null));
  if (!entries) return;
  for await (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const key = keyPrefix + entry.name;
    if (entry.isDirectory()) {
      if (wanted.startsWith(`${key}/`) || `${key}/`.startsWith(wanted)) {
        yield* walk(path.join(dir, entry.name), `${key}/`, wanted);
      }
    } else if (entry.isFile() && key.startsWith(wanted)) {
      yield key;
    }
  }
}

function ifMissing<T>(value: T) {
  return (error: NodeJS.ErrnoException): T => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return value;
    throw error;
  };
}

function secretBytes(secret: string | Uint8Array): Buffer {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < 32) throw new Error('the link secret must be at least 32 bytes');
  return bytes;
}

// ---- Signed links ------------------------------------------------------------------------------

/** What a link carries; signed as a whole. */
interface LinkPayload {
  /** version */
  v: 1;
  k: string;
  /** expiry, seconds since the epoch */
  e: number;
  f: string;
  d: 'attachment' | 'inline';
  t: string;
}

const LINK_CONTEXT = 'foyer-local-file-link\n';
const MAX_LINK_SECONDS = 7 * 24 * 60 * 60;

function mac(payload: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(LINK_CONTEXT).update(payload).digest();
}

/**
 * The token of a local link: `<payload>.<signature>`, both base64url, where the payload is the
 * JSON of key, expiry, file name, disposition and content type, and the signature is
 * HMAC-SHA256 of it under the secret.
 */
export function signLocalLink(
  key: string,
  options: SignedUrlOptions,
  secret: string | Uint8Array,
  now: number = Date.now(),
): string {
  assertSafeKey(key);
  assertContentType(options.contentType);
  contentDisposition(options.disposition, options.filename);
  const seconds = options.expiresInSeconds;
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_LINK_SECONDS) {
    throw new RangeError(`expiresInSeconds must be a whole number from 1 to ${MAX_LINK_SECONDS}`);
  }
  const payload: LinkPayload = {
    v: 1,
    k: key,
    e: Math.floor(now / 1000) + seconds,
    f: options.filename,
    d: options.disposition,
    t: options.contentType,
  };
  const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${encoded}.${mac(encoded, secretBytes(secret)).toString('base64url')}`;
}

export type LocalLinkResult =
  | {
      ok: true;
      key: string;
      /** Expiry in milliseconds since the epoch. */
      expiresAt: number;
      headers: {
        'Content-Type': string;
        'Content-Disposition': string;
        'X-Content-Type-Options': 'nosniff';
        'Content-Security-Policy': string;
      };
    }
  | { ok: false; reason: 'malformed' | 'tampered' | 'expired' };

/**
 * Checks a link token (the part after `/files/`, or a full URL or path ending in it): the
 * signature first, compared in constant time, then the expiry. Gives the key to serve and the
 * headers to serve it with, or why the link is refused.
 */
export function verifyLocalLink(
  token: string,
  secret: string | Uint8Array,
  now: number = Date.now(),
): LocalLinkResult {
  const match = /(?:^|\/files\/)([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)(?:[?#].*)?$/.exec(String(token));
  if (!match) return { ok: false, reason: 'malformed' };
  const [, encoded = '', signature = ''] = match;
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(encoded, secretBytes(secret));
  // Re-encoding catches signatures that decode to the right bytes from a different string.
  if (
    given.length !== expected.length ||
    given.toString('base64url') !== signature ||
    !timingSafeEqual(given, expected)
  ) {
    return { ok: false, reason: 'tampered' };
  }
  let payload: LinkPayload;
  try {
    payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as LinkPayload;
    if (payload.v !== 1 || !Number.isSafeInteger(payload.e)) throw new Error('bad payload');
    assertSafeKey(payload.k);
    assertContentType(payload.t);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const expiresAt = payload.e * 1000;
  if (now >= expiresAt) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    key: payload.k,
    expiresAt,
    headers: {
      'Content-Type': payload.t,
      'Content-Disposition': contentDisposition(payload.d, payload.f),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': 'sandbox',
    },
  };
}
