import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { type ObjectStore, verifyLocalLink } from '@foyer/storage';
import type { Context } from 'hono';
import type { AppEnv } from './app';
import { errorFields, type Logger } from './log';

/** Every answer of `/files/:token`, served or refused, is for this visitor alone. */
const NO_STORE = { 'cache-control': 'private, no-store' };

/** What a `Range` header asks of an object of `size` bytes. */
export type RangeRequest =
  /** No usable single range (none, several, or not understood): the whole object. */
  { kind: 'whole' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * One `bytes=a-b`, `bytes=a-` or `bytes=-n` range, end inclusive and clamped to the object.
 * Several ranges, or a header this does not understand, give the whole object (RFC 9110 lets a
 * server ignore Range); a range that starts past the end, or asks for the last 0 bytes, is
 * unsatisfiable.
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (!header) return { kind: 'whole' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Number.MAX_SAFE_INTEGER : Number(last);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

/**
 * Serves a local signed link: the token is checked (a malformed or tampered one is 404, an
 * expired one 410), then the object streams out, whole or one range of it. Nothing of the token
 * is logged, and nothing of the object is held in memory.
 */
export async function serveFileLink(
  c: Context<AppEnv>,
  store: ObjectStore,
  secret: Uint8Array,
  now: Date,
  log: Logger,
): Promise<Response> {
  const link = verifyLocalLink(c.req.param('token') ?? '', secret, now.getTime());
  if (!link.ok) {
    if (link.reason === 'expired') return c.text('This link has expired.', 410, NO_STORE);
    return c.text('Not found.', 404, NO_STORE);
  }
  try {
    const info = await store.head(link.key);
    if (!info) return c.text('Not found.', 404, NO_STORE);
    const headers: Record<string, string> = {
      ...link.headers,
      ...NO_STORE,
      'accept-ranges': 'bytes',
    };
    const range = parseRange(c.req.header('range'), info.size);
    if (range.kind === 'unsatisfiable') {
      return c.text('Range not satisfiable.', 416, { ...NO_STORE, 'content-range': `bytes */${info.size}` });
    }
    const partial = range.kind === 'partial';
    const start = partial ? range.start : 0;
    const end = partial ? range.end : info.size - 1;
    headers['content-length'] = String(Math.max(0, end - start + 1));
    if (partial) headers['content-range'] = `bytes ${start}-${end}/${info.size}`;
    const status = partial ? 206 : 200;
    // Hono answers HEAD through the GET route and drops the body: open nothing for it.
    if (c.req.method === 'HEAD') return new Response(null, { status, headers });
    const object = await store.get(link.key, partial ? { range: { start, end } } : {});
    if (!object) return c.text('Not found.', 404, NO_STORE);
    const body = Readable.toWeb(object.body) as WebReadableStream<Uint8Array>;
    return new Response(body as unknown as ReadableStream<Uint8Array>, { status, headers });
  } catch (error) {
    log.error('file link failed', { requestId: c.get('requestId'), ...errorFields(error) });
    return c.text('This file is unavailable right now.', 503, NO_STORE);
  }
}

/** A request path as the log records it: a file link's token stays out of the logs. */
export function loggedPath(path: string): string {
  return path.startsWith('/files/') ? '/files/…' : path;
}
