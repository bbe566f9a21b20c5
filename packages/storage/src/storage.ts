import type { Readable } from 'node:stream';

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PutOptions {
  contentType?: string;
  /** Known length of the body, if any; drivers never need it to stream. */
  contentLength?: number;
}

export interface GetOptions {
  range?: ByteRange;
}

export interface ObjectInfo {
  /** Size of the whole object in bytes (not of the range asked for). */
  size: number;
  contentType: string;
}

export interface ObjectBody extends ObjectInfo {
  /** The object's bytes, or the asked range of them; read it to the end or destroy it. */
  body: Readable;
}

export interface SignedUrlOptions {
  expiresInSeconds: number;
  /** The file name the browser offers when saving: metadata only, never part of the key. */
  filename: string;
  disposition: 'attachment' | 'inline';
  contentType: string;
}

/**
 * One place where file bytes live. Keys come from {@link objectKey}; bodies stream in and
 * out, so memory does not grow with the size of a file.
 */
export interface ObjectStore {
  put(key: string, body: Readable | Uint8Array, options?: PutOptions): Promise<void>;
  /** The object (or a range of it), or null when there is no object under the key. */
  get(key: string, options?: GetOptions): Promise<ObjectBody | null>;
  head(key: string): Promise<ObjectInfo | null>;
  /** Removes the object; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Every key that starts with the prefix, in no promised order. */
  list(prefix: string): AsyncIterable<string>;
  /** A link that serves the object for a limited time with the given download headers. */
  signedUrl(key: string, options: SignedUrlOptions): Promise<string>;
}

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY =
  /^tenants\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class InvalidKeyError extends Error {
  override name = 'InvalidKeyError';
}

/** `tenants/<tenantId>/<id>`, both uuids (lower-cased); anything else throws. */
export function objectKey(tenantId: string, id: string): string {
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) {
    throw new InvalidKeyError('tenant id is not a uuid');
  }
  if (typeof id !== 'string' || !UUID.test(id)) throw new InvalidKeyError('object id is not a uuid');
  return `tenants/${tenantId.toLowerCase()}/${id.toLowerCase()}`;
}

/** The tenant's key prefix, for listing one tenant's objects. */
export function tenantPrefix(tenantId: string): string {
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) {
    throw new InvalidKeyError('tenant id is not a uuid');
  }
  return `tenants/${tenantId.toLowerCase()}/`;
}

/** True when the key has exactly the shape {@link objectKey} makes. */
export function isObjectKey(key: string): boolean {
  return typeof key === 'string' && KEY.test(key);
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Throws unless every `/`-separated segment of the key is letters, digits, `.`, `_` or `-` and
 * does not start with a dot: no empty, `.` or `..` segments, no backslashes, no absolute keys.
 * Drivers check every key with this; {@link objectKey} makes the narrower shape used for files.
 */
export function assertSafeKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1024) {
    throw new InvalidKeyError('not a storage key');
  }
  for (const segment of key.split('/')) {
    if (!SEGMENT.test(segment)) throw new InvalidKeyError('not a storage key');
  }
}

/** Throws unless the range is whole numbers with 0 <= start <= end. */
export function assertRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`invalid byte range ${start}-${end}`);
  }
}

/**
 * A Content-Disposition value: an ASCII `filename` fallback (quotes, backslashes, control and
 * non-ASCII characters replaced) and the exact name as RFC 8187 `filename*`.
 */
export function contentDisposition(disposition: 'attachment' | 'inline', filename: string): string {
  if (disposition !== 'attachment' && disposition !== 'inline') {
    throw new TypeError('disposition must be attachment or inline');
  }
  const clean =
    String(filename)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
      .replace(/[\u0000-\u001f\u007f/\\]/g, '_')
      .trim() || 'download';
  const ascii = clean.replace(/[^\x20-\x7e]|["%]/g, '_');
  const encoded = encodeURIComponent(clean).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

const CONTENT_TYPE =
  /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;\s*[A-Za-z0-9_-]+=("[^"\\\r\n]*"|[A-Za-z0-9!#$&^_.+-]+))*$/;

/** Throws unless the value is a plain media type (with optional parameters): no header injection. */
export function assertContentType(contentType: string): void {
  if (typeof contentType !== 'string' || contentType.length > 255 || !CONTENT_TYPE.test(contentType)) {
    throw new TypeError('not a media type');
  }
}
