// U1's S3: s3rver (packages/storage's devDependency, as its tests use it) in a process of its own,
// so the bytes it receives and serves do not share the harness's event loop. Its objects go to
// BENCH_S3_DIR, which the harness makes and removes.
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { multipartListAndAbort } from '../../support/s3rver-multipart.mjs';
import { announce, onStop } from '../lib/serve.mjs';

/**
 * The part of s3rver's API used here (its types belong to packages/storage, not to the bench):
 * s3rver is a Koa app whose middleware list is composed when it starts.
 * @typedef {import('../../support/s3rver-multipart.mjs').KoaMiddleware} KoaMiddleware
 * @typedef {{ run(): Promise<{ port: number }>, close(): Promise<void>, middleware: KoaMiddleware[] }} S3rverServer
 */

const require = createRequire(new URL('../../../packages/storage/package.json', import.meta.url));
/** @type {new (options: Record<string, unknown>) => S3rverServer} */
const S3rver = require('s3rver');

const directory = process.env.BENCH_S3_DIR;
const bucket = process.env.BENCH_S3_BUCKET;
if (!directory || !bucket) throw new Error('BENCH_S3_DIR and BENCH_S3_BUCKET must be set');

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
