// The two multipart calls @tus/s3-store needs and s3rver lacks, for the tests and the bench that
// run the tus S3 store against s3rver (apps/server/src/uploads/tus.test.ts, tests/bench U1).
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The part of s3rver's Koa context used here.
 * @typedef {{ method: string, query: Record<string, string | string[] | undefined>, status: number, type: string, body: unknown }} KoaContext
 * @typedef {(ctx: KoaContext, next: () => Promise<void>) => Promise<void>} KoaMiddleware
 */

/**
 * The two multipart calls @tus/s3-store needs and s3rver lacks, ListParts and
 * AbortMultipartUpload, answered from s3rver's own upload directory (`<bucket>/._S3rver_uploads/
 * <uploadId>/<partNumber>` with a `.md5` beside each part) in the S3 wire format.
 * @param {string} root @param {string} bucket
 * @returns {KoaMiddleware}
 */
export function multipartListAndAbort(root, bucket) {
  return async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    if (
      typeof uploadId !== 'string' ||
      ctx.query.partNumber !== undefined ||
      !['GET', 'DELETE'].includes(ctx.method)
    ) {
      return next();
    }
    const dir = path.join(root, bucket, '._S3rver_uploads', path.basename(uploadId));
    const exists = await stat(dir).then(
      () => true,
      () => false,
    );
    if (!exists) {
      ctx.status = 404;
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>`;
      return;
    }
    if (ctx.method === 'DELETE') {
      await rm(dir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    const numbers = (await readdir(dir))
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .sort((a, b) => a - b);
    const parts = await Promise.all(
      numbers.map(async (n) => {
        const size = (await stat(path.join(dir, String(n)))).size;
        const md5 = (await readFile(path.join(dir, `${n}.md5`), 'utf8')).trim();
        return `<Part><PartNumber>${n}</PartNumber><ETag>"${md5}"</ETag><Size>${size}</Size></Part>`;
      }),
    );
    ctx.type = 'application/xml';
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?><ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${bucket}</Bucket><UploadId>${uploadId}</UploadId><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`;
  };
}
