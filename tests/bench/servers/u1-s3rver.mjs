// U1's S3: s3rver (packages/storage's devDependency, as its tests use it) in a process of its own,
// so the bytes it receives and serves do not share the harness's event loop. Its objects go to
// BENCH_S3_DIR, which the harness makes and removes.
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { announce, onStop } from '../lib/serve.mjs';

/**
 * The part of s3rver's API used here (its types belong to packages/storage, not to the bench):
 * s3rver is a Koa app whose middleware list is composed when it starts.
 * @typedef {{ method: string, query: Record<string, string | string[] | undefined>, status: number, type: string, body: unknown }} KoaContext
 * @typedef {(ctx: KoaContext, next: () => Promise<void>) => Promise<void>} KoaMiddleware
 * @typedef {{ run(): Promise<{ port: number }>, close(): Promise<void>, middleware: KoaMiddleware[] }} S3rverServer
 */

const require = createRequire(new URL('../../../packages/storage/package.json', import.meta.url));
/** @type {new (options: Record<string, unknown>) => S3rverServer} */
const S3rver = require('s3rver');

const directory = process.env.BENCH_S3_DIR;
const bucket = process.env.BENCH_S3_BUCKET;
if (!directory || !bucket) throw new Error('BENCH_S3_DIR and BENCH_S3_BUCKET must be set');

/**
 * The two multipart calls @tus/s3-store needs and s3rver lacks, ListParts and
 * AbortMultipartUpload, answered from s3rver's own upload directory (`<bucket>/._S3rver_uploads/
 * <uploadId>/<partNumber>` with a `.md5` beside each part) in the S3 wire format, as
 * apps/server/src/uploads/tus.test.ts does.
 * @param {string} root @param {string} bucket
 * @returns {KoaMiddleware}
 */
function multipartListAndAbort(root, bucket) {
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

await mkdir(directory, { recursive: true });
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: [{ name: bucket, configs: [] }],
});
server.middleware.unshift(multipartListAndAbort(directory, bucket));
const { port } = await server.run();
announce({ url: `http://127.0.0.1:${port}` });
onStop(() => server.close());
