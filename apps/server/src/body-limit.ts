import type { Context, MiddlewareHandler } from 'hono';
import type { Refusal } from './input-guard';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Forms and JSON: a template body of 20,000 characters, percent-encoded as multi-byte text, is
 * the largest thing any form sends today (~180 KiB at worst).
 */
export const DEFAULT_BODY_LIMIT = 256 * KiB;

/**
 * Routes that take uploads, with their own limits: the logo and favicon (2 MB images, plus the
 * multipart framing). A route not named here gets the default. Paths are exact.
 */
export const UPLOAD_BODY_LIMITS: ReadonlyMap<string, number> = new Map([
  ['/admin/settings/branding', 2 * MiB + 64 * KiB],
]);

export function bodyLimitFor(path: string): number {
  return UPLOAD_BODY_LIMITS.get(path) ?? DEFAULT_BODY_LIMIT;
}

const tooLarge = (limit: number): Refusal => ({
  status: 413,
  message: `This is more than this page accepts at once (${limit >= MiB ? `${(limit / MiB).toFixed(1)} MB` : `${Math.round(limit / KiB)} KB`}).`,
});

/**
 * Caps every request body while it streams in. A declared Content-Length over the cap is refused
 * before a byte is read; a body without one (chunked) is counted as it arrives and refused the
 * moment it passes the cap, so at most `limit` bytes are ever held. The refusal closes the
 * connection, so the rest of an oversized body is not read either.
 */
export function bodyLimit(render: (c: Context, refusal: Refusal) => Response): MiddlewareHandler {
  return async (c, next) => {
    // GET and HEAD carry no body; asking would build the full Request the Node adapter defers.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const request = c.req.raw;
    if (!request.body) return next();
    const limit = bodyLimitFor(c.req.path);
    const declared = request.headers.get('content-length');
    if (declared !== null && !request.headers.has('transfer-encoding')) {
      const length = Number(declared);
      if (!Number.isSafeInteger(length) || length < 0)
        return render(c, { status: 400, message: 'The Content-Length header is not a number.' });
      return length > limit ? render(c, tooLarge(limit)) : next();
    }
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return render(c, tooLarge(limit));
      }
      chunks.push(value);
    }
    const body = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    c.req.raw = new Request(request, { body });
    return next();
  };
}
