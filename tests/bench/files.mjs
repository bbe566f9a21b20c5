// U1 for `pnpm bench`: a large file up and down through the real server, on both stores, with
// the server's memory beside it. Uploads go over tus at /uploads (POST, then one streaming PATCH),
// downloads through the app's download route and the link it redirects to; the floor is a bare
// node:http sink and source on the same machine. Nothing is asserted but the bytes: a download
// whose SHA-256 differs from the upload's fails the run.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { generatedSha256, generatedStream } from './lib/bytes.mjs';
import { machineSeconds, pinned, processSeconds, spawnServer } from './lib/processes.mjs';
import { BUSY_PERCENT } from './lib/report.mjs';

/** @typedef {import('./lib/context.mjs').BenchContext} BenchContext */
/** @typedef {import('./lib/processes.mjs').Pinning} Pinning */
/** @typedef {import('node:http').IncomingMessage} IncomingMessage */

export const files = {
  id: 'U1',
  /** How much the server's resident memory may grow over its idle figure, whatever the file's size. */
  rssBudgetMiB: 100,
  /** How often the server's VmRSS is read during a transfer. */
  sampleMs: 50,
};

/** The demo admin who uploads (README.md), on the demo agency's host. */
const ADMIN = { slug: 'northwind', email: 'nora@northwind.example', password: 'northwind-admin-2026' };
const BUCKET = 'foyer-bench';
const FILE_NAME = 'bench-upload.bin';
const serverCli = fileURLToPath(new URL('../../apps/server/dist/cli.js', import.meta.url));

/**
 * @typedef {object} FileCpu  CPU used during a transfer, in % of one core
 * @property {number} server  the Foyer server (or the floor's node:http process)
 * @property {number} s3  the s3rver process (0 on the local store)
 * @property {number} harness  this process: the client that sends, receives and hashes
 * @property {number} other  everything else on the machine
 */

/**
 * @typedef {object} Transfer  one direction of one file
 * @property {number} seconds
 * @property {number} mbps  MB (10^6 bytes) per second
 * @property {FileCpu} cpu
 * @property {number} [idleRss]  bytes: the server's VmRSS just before the transfer
 * @property {number} [peakRss]  bytes: the highest VmRSS read during it
 */

/**
 * @typedef {object} StoreResult
 * @property {'local' | 's3'} store
 * @property {'measured' | 'failed'} status
 * @property {Transfer} [upload]
 * @property {Transfer} [download]
 * @property {number} [startSeconds]  how long `foyer start` took to serve, demo agencies included
 * @property {string} [note]
 */

/**
 * @typedef {object} FilesResult
 * @property {'measured' | 'failed'} status  failed when a floor or a store failed
 * @property {number} bytes
 * @property {{ upload?: Transfer, download?: Transfer }} floor
 * @property {StoreResult[]} stores
 * @property {string} [note]
 */

const MiB = 1024 * 1024;
const mib = (/** @type {number} */ bytes) => bytes / MiB;
const message = (/** @type {unknown} */ error) => (error instanceof Error ? error.message : String(error));

/**
 * Starts a CPU window over the given processes; the returned function closes it.
 * @param {{ server: number, s3: number | null }} pids
 * @returns {() => FileCpu}
 */
function cpuWindow(pids) {
  const started = performance.now();
  const read = () => ({
    server: processSeconds(pids.server),
    s3: pids.s3 === null ? 0 : processSeconds(pids.s3),
    harness: processSeconds(process.pid),
    machine: machineSeconds(),
  });
  const before = read();
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const after = read();
    const server = after.server - before.server;
    const s3 = after.s3 - before.s3;
    const harness = after.harness - before.harness;
    const other = after.machine - before.machine - server - s3 - harness;
    const percent = (/** @type {number} */ s) => Math.max(0, Math.round((100 * s) / seconds));
    return { server: percent(server), s3: percent(s3), harness: percent(harness), other: percent(other) };
  };
}

/** VmRSS of a process in bytes, or 0 once it is gone. */
async function residentBytes(/** @type {number} */ pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Reads the process's VmRSS every `files.sampleMs` until stopped; stop() gives the highest read.
 * @param {number} pid
 */
function sampleRss(pid) {
  let peak = 0;
  const read = () =>
    residentBytes(pid).then((bytes) => {
      peak = Math.max(peak, bytes);
    });
  void read();
  const timer = setInterval(read, files.sampleMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await read();
      return peak;
    },
  };
}

/**
 * Measures one transfer: CPU over its whole length, and the server's RSS when `rssOf` is given.
 * @param {{ server: number, s3: number | null, rssOf?: number }} pids
 * @param {number} bytes
 * @param {() => Promise<void>} work
 * @returns {Promise<Transfer>}
 */
async function timed(pids, bytes, work) {
  const idleRss = pids.rssOf === undefined ? undefined : await residentBytes(pids.rssOf);
  const sampler = pids.rssOf === undefined ? null : sampleRss(pids.rssOf);
  const closeWindow = cpuWindow(pids);
  const started = performance.now();
  /** @type {number | undefined} */
  let peakRss;
  let seconds = 0;
  /** @type {FileCpu | undefined} */
  let cpu;
  try {
    await work();
    seconds = (performance.now() - started) / 1000;
    cpu = closeWindow();
  } finally {
    peakRss = await sampler?.stop();
  }
  const transfer = { seconds, mbps: bytes / 1e6 / seconds, cpu };
  return idleRss === undefined || peakRss === undefined ? transfer : { ...transfer, idleRss, peakRss };
}

/**
 * One HTTP request through node:http (which, unlike fetch, sends the Host header it is given):
 * loopback for any `*.localhost` name, `body` streamed when given.
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string, string>, body?: import('node:stream').Readable | string }} [options]
 * @returns {Promise<IncomingMessage>}
 */
function send(url, { method = 'GET', headers = {}, body } = {}) {
  const target = new URL(url);
  const local = target.hostname === 'localhost' || target.hostname.endsWith('.localhost');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: local ? '127.0.0.1' : target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method,
        headers: { host: target.host, ...headers },
        agent: false,
      },
      resolve,
    );
    req.once('error', reject);
    if (body === undefined) req.end();
    else if (typeof body === 'string') req.end(body);
    else pipeline(body, req).catch(reject);
  });
}

/** The whole answer as text (small answers only). */
async function textOf(/** @type {IncomingMessage} */ response) {
  const chunks = [];
  for await (const chunk of response) chunks.push(/** @type {Buffer} */ (chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads an answer to its end, hashing it: its SHA-256 (hex) and length. */
async function hashOf(/** @type {IncomingMessage} */ response) {
  const hash = createHash('sha256');
  let length = 0;
  for await (const chunk of response) {
    hash.update(/** @type {Buffer} */ (chunk));
    length += /** @type {Buffer} */ (chunk).length;
  }
  return { sha256: hash.digest('hex'), length };
}

/** @param {IncomingMessage} response @param {number} status @param {string} what */
async function expectStatus(response, status, what) {
  if (response.statusCode === status) return;
  const body = (await textOf(response)).slice(0, 300);
  throw new Error(`${what}: answered ${response.statusCode} (${body})`);
}

/** A port nothing listens on now (the server is told it through PORT). */
async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = probe.address();
  await new Promise((resolve) => probe.close(() => resolve(undefined)));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/**
 * `node apps/server/dist/cli.js start` on a fresh data directory (PGlite, demo agencies),
 * pinned like the floors' servers; ready when it prints its welcome. Its environment is built
 * here, not inherited, so no DATABASE_URL or S3_* of the caller's shell reaches it.
 * @param {{ pinning: Pinning, dataDir: string, port: number, env: Record<string, string> }} options
 */
function startFoyer({ pinning, dataDir, port, env }) {
  const [command, args] = pinned(pinning.server, process.execPath, [serverCli, 'start']);
  const started = performance.now();
  const child = spawn(command, args, {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      PLATFORM_DOMAIN: 'localhost',
      FOYER_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (/** @type {Buffer} */ chunk) => {
      buffered += chunk.toString('utf8');
      if (!buffered.includes('Foyer is running')) return;
      child.stdout.off('data', onData);
      // Keep draining: the server's log lines must never block on a full pipe.
      child.stdout.resume();
      clearTimeout(timeout);
      const pid = child.pid;
      if (pid === undefined) return reject(new Error('foyer start: no pid'));
      resolve({ pid, stop, startSeconds: (performance.now() - started) / 1000 });
    };
    const timeout = setTimeout(() => {
      stop().finally(() => reject(new Error('foyer start did not serve within 180 s')));
    }, 180_000);
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timeout);
      reject(new Error(`foyer start exited before it served (${signal ?? `code ${code}`})`));
    });
  });
}

/**
 * Signs the demo admin in through the sign-in form, as a browser would, and finds one of the
 * agency's projects on the admin's projects page.
 * @param {string} origin  the agency's site, e.g. http://northwind.localhost:3000
 */
async function signIn(origin) {
  const form = new URLSearchParams({ email: ADMIN.email, password: ADMIN.password }).toString();
  const answer = await send(`${origin}/login`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  await textOf(answer);
  const cookie = (answer.headers['set-cookie'] ?? [])
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('foyer_session='));
  if (!cookie) throw new Error(`sign-in as ${ADMIN.email}: no session (answered ${answer.statusCode})`);
  const page = await send(`${origin}/admin/projects`, { headers: { cookie } });
  await expectStatus(page, 200, 'the admin projects page');
  const projectId = /\/admin\/projects\/([0-9a-f-]{36})/.exec(await textOf(page))?.[1];
  if (!projectId) throw new Error('the admin projects page links no project');
  return { cookie, projectId };
}

/**
 * Creates a tus upload of `bytes` on the project and sends it in one streaming PATCH; the id of
 * the registered file.
 * @param {{ origin: string, cookie: string, projectId: string, bytes: number, measure: (work: () => Promise<void>) => Promise<Transfer> }} options
 */
async function uploadOverTus({ origin, cookie, projectId, bytes, measure }) {
  const b64 = (/** @type {string} */ text) => Buffer.from(text, 'utf8').toString('base64');
  const headers = { origin, cookie, 'tus-resumable': '1.0.0' };
  const created = await send(`${origin}/uploads`, {
    method: 'POST',
    headers: {
      ...headers,
      'upload-length': String(bytes),
      'upload-metadata': `filename ${b64(FILE_NAME)},projectId ${b64(projectId)}`,
    },
  });
  await expectStatus(created, 201, 'tus POST /uploads');
  await textOf(created);
  const location = created.headers.location;
  if (!location) throw new Error('tus POST /uploads: no Location');
  let fileId = '';
  const transfer = await measure(async () => {
    const done = await send(new URL(location, origin).toString(), {
      method: 'PATCH',
      headers: {
        ...headers,
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        'content-length': String(bytes),
      },
      body: generatedStream(bytes),
    });
    await expectStatus(done, 204, 'tus PATCH');
    await textOf(done);
    fileId = String(done.headers['foyer-file-id'] ?? '');
  });
  if (!fileId) throw new Error('tus PATCH: no Foyer-File-Id');
  return { fileId, transfer };
}

/**
 * Downloads the file through the app's download route and the link it answers with, hashing.
 * @param {{ origin: string, cookie: string, fileId: string }} options
 */
async function downloadThroughApp({ origin, cookie, fileId }) {
  const route = await send(`${origin}/admin/files/${fileId}/download`, { headers: { cookie } });
  await expectStatus(route, 303, 'the download route');
  await textOf(route);
  const link = route.headers.location;
  if (!link) throw new Error('the download route: no Location');
  const target = new URL(link, origin);
  // A same-site link (/files/<token>) is the app's; a presigned S3 link carries its own rights.
  const file = await send(target.toString(), target.origin === origin ? { headers: { cookie } } : {});
  await expectStatus(file, 200, `the download link (${target.origin === origin ? 'app' : 'S3'})`);
  return hashOf(file);
}

/**
 * The floors: the same bytes into a node:http sink and out of a node:http source.
 * @param {{ ctx: BenchContext, pinning: Pinning, bytes: number, sha256: string, guard: Guard }} options
 */
async function measureFloor({ ctx, pinning, bytes, sha256, guard }) {
  const target = await spawnServer('servers/u1-floor.mjs', ctx, { pinning });
  const unguard = guard(target.stop);
  try {
    const pids = { server: target.pid, s3: null };
    const upload = await timed(pids, bytes, async () => {
      const answer = await send(target.url, {
        method: 'PUT',
        headers: { 'content-length': String(bytes) },
        body: generatedStream(bytes),
      });
      await expectStatus(answer, 204, 'floor sink');
      await textOf(answer);
      const received = Number(answer.headers['x-received-bytes']);
      if (received !== bytes) throw new Error(`floor sink received ${received} of ${bytes} bytes`);
    });
    const download = await timed(pids, bytes, async () => {
      const answer = await send(new URL(`/?bytes=${bytes}`, target.url).toString());
      await expectStatus(answer, 200, 'floor source');
      const got = await hashOf(answer);
      if (got.sha256 !== sha256) throw new Error(`floor source: ${got.length} bytes, not the generated ones`);
    });
    return { upload, download };
  } finally {
    await target.stop();
    unguard();
  }
}

/**
 * @typedef {(cleanup: () => Promise<void>) => () => void} Guard  registers what to run if the
 * bench is interrupted meanwhile; the returned function unregisters it
 */

/**
 * One store: a fresh data directory (and for S3 a fresh s3rver), the real server, one upload and
 * one download.
 * @param {{ store: 'local' | 's3', ctx: BenchContext, pinning: Pinning, bytes: number, sha256: string, say: (line: string) => void, guard: Guard }} options
 * @returns {Promise<StoreResult>}
 */
async function measureStore({ store, ctx, pinning, bytes, sha256, say, guard }) {
  const dirs = [await mkdtemp(join(tmpdir(), `foyer-bench-${store}-`))];
  /** @type {(() => Promise<void>)[]} */
  const stops = [];
  const cleanup = async () => {
    for (const stop of stops.splice(0)) await stop();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  };
  const unguard = guard(cleanup);
  /** @type {StoreResult} */
  const result = { store, status: 'failed' };
  try {
    /** @type {Record<string, string>} */
    let env = {};
    /** @type {number | null} */
    let s3Pid = null;
    if (store === 's3') {
      const s3Dir = await mkdtemp(join(tmpdir(), 'foyer-bench-s3rver-'));
      dirs.push(s3Dir);
      // Unpinned, like PostgreSQL for the floors: it takes time from both cores.
      const s3 = await spawnServer('servers/u1-s3rver.mjs', ctx, {
        pinning: { load: null, server: null },
        env: { BENCH_S3_DIR: s3Dir, BENCH_S3_BUCKET: BUCKET },
      });
      stops.push(s3.stop);
      s3Pid = s3.pid;
      env = {
        S3_BUCKET: BUCKET,
        S3_ENDPOINT: s3.url.replace(/\/$/, ''),
        S3_REGION: 'us-east-1',
        S3_ACCESS_KEY_ID: 'S3RVER',
        S3_SECRET_ACCESS_KEY: 'S3RVER',
        S3_FORCE_PATH_STYLE: '1',
      };
    }
    const port = await freePort();
    const foyer = await startFoyer({ pinning, dataDir: join(dirs[0] ?? '', 'data'), port, env });
    stops.unshift(foyer.stop);
    result.startSeconds = foyer.startSeconds;
    const origin = `http://${ADMIN.slug}.localhost:${port}`;
    const { cookie, projectId } = await signIn(origin);
    const pids = { server: foyer.pid, s3: s3Pid, rssOf: foyer.pid };
    const measure = (/** @type {() => Promise<void>} */ work) => timed(pids, bytes, work);

    const { fileId, transfer: upload } = await uploadOverTus({ origin, cookie, projectId, bytes, measure });
    result.upload = upload;
    say(`    ${store} upload: ${describe(upload)}`);
    /** @type {{ sha256: string, length: number } | null} */
    let got = null;
    result.download = await measure(async () => {
      got = await downloadThroughApp({ origin, cookie, fileId });
    });
    say(`    ${store} download: ${describe(result.download)}`);
    const received = /** @type {{ sha256: string, length: number } | null} */ (got);
    if (received?.sha256 !== sha256) {
      throw new Error(`downloaded ${received?.length ?? 0} bytes whose SHA-256 is not the upload's`);
    }
    result.status = 'measured';
  } catch (error) {
    result.note = message(error);
  } finally {
    await cleanup();
    unguard();
  }
  return result;
}

/** One line of figures for the console. */
function describe(/** @type {Transfer} */ t) {
  const rss =
    t.idleRss === undefined || t.peakRss === undefined
      ? ''
      : `, server RSS ${mib(t.idleRss).toFixed(0)} → ${mib(t.peakRss).toFixed(0)} MiB (+${mib(t.peakRss - t.idleRss).toFixed(0)}, budget ${files.rssBudgetMiB})`;
  return `${t.mbps.toFixed(0)} MB/s in ${t.seconds.toFixed(1)} s${rss}`;
}

/**
 * Runs U1: the floors, then the local directory, then S3.
 * @param {{ ctx: BenchContext, pinning: Pinning, bytes: number, say: (line: string) => void, guard: Guard }} options
 * @returns {Promise<FilesResult>}
 */
export async function runFiles({ ctx, pinning, bytes, say, guard }) {
  const sha256 = generatedSha256(bytes);
  /** @type {FilesResult} */
  const result = { status: 'failed', bytes, floor: {}, stores: [] };
  try {
    result.floor = await measureFloor({ ctx, pinning, bytes, sha256, guard });
    const { upload, download } = result.floor;
    if (upload && download) say(`    floor: upload ${describe(upload)}; download ${describe(download)}`);
  } catch (error) {
    result.note = `floor: ${message(error)}`;
    return result;
  }
  for (const store of /** @type {const} */ (['local', 's3'])) {
    result.stores.push(await measureStore({ store, ctx, pinning, bytes, sha256, say, guard }));
  }
  const failed = result.stores.filter((s) => s.status === 'failed');
  if (failed.length === 0) result.status = 'measured';
  else result.note = failed.map((s) => `${s.store}: ${s.note}`).join('; ');
  return result;
}

/** The highest "other" CPU share of any transfer, to tell whether other work disturbed U1. */
export function filesDisturbed(/** @type {FilesResult} */ result) {
  const transfers = [
    result.floor.upload,
    result.floor.download,
    ...result.stores.flatMap((s) => [s.upload, s.download]),
  ];
  return transfers.some((t) => t !== undefined && t.cpu.other > BUSY_PERCENT);
}

const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** @param {FilesResult} result */
export function filesTable(result) {
  const lines = [
    '| store | direction | MB/s | floor MB/s | ratio | seconds | server RSS idle → peak MiB | growth MiB | budget | verdict | CPU % server · s3rver · harness · other |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  const row = (
    /** @type {string} */ store,
    /** @type {'upload' | 'download'} */ direction,
    /** @type {Transfer | undefined} */ t,
  ) => {
    const floor = result.floor[direction];
    if (!t) return;
    const busy = t.cpu.other > BUSY_PERCENT ? ' ⚠' : '';
    const cpu = `${t.cpu.server} · ${t.cpu.s3} · ${t.cpu.harness} · ${t.cpu.other}${busy}`;
    const hasRss = t.idleRss !== undefined && t.peakRss !== undefined;
    const growth = hasRss ? mib((t.peakRss ?? 0) - (t.idleRss ?? 0)) : null;
    lines.push(
      [
        '',
        store,
        direction,
        integer.format(t.mbps),
        floor && floor !== t ? integer.format(floor.mbps) : '–',
        floor && floor !== t ? (t.mbps / floor.mbps).toFixed(2) : '–',
        oneDecimal.format(t.seconds),
        hasRss ? `${integer.format(mib(t.idleRss ?? 0))} → ${integer.format(mib(t.peakRss ?? 0))}` : '–',
        growth === null ? '–' : integer.format(growth),
        hasRss ? `≤ ${files.rssBudgetMiB}` : '–',
        growth === null ? '–' : growth <= files.rssBudgetMiB ? 'met' : '**missed**',
        cpu,
        '',
      ]
        .join(' | ')
        .trim(),
    );
  };
  row('floor (node:http)', 'upload', result.floor.upload);
  row('floor (node:http)', 'download', result.floor.download);
  for (const s of result.stores) {
    const name = s.store === 'local' ? 'local directory' : 'S3 (s3rver)';
    if (s.status === 'failed') lines.push(`| ${name} | failed: ${s.note ?? ''} | | | | | | | | | |`);
    row(name, 'upload', s.upload);
    row(name, 'download', s.download);
  }
  const status = result.status === 'failed' && result.note ? `\n\n${files.id} failed: ${result.note}` : '';
  return lines.join('\n') + status;
}

/**
 * The files section of docs/benchmarks.md, after the mail figures.
 * @param {FilesResult | null} result
 */
export function filesSection(result) {
  if (!result) return '';
  const size =
    result.bytes % (1024 * MiB) === 0 ? `${result.bytes / (1024 * MiB)} GiB` : `${mib(result.bytes)} MiB`;
  const starts = result.stores
    .map((s) => (s.startSeconds === undefined ? null : `${s.store} ${s.startSeconds.toFixed(0)} s`))
    .filter(Boolean)
    .join(', ');
  return `
## Files

**${files.id}** (\`tests/bench/files.mjs\`): a ${size} file up and down through the real server, once per
store: \`node apps/server/dist/cli.js start\` on a fresh \`FOYER_DATA_DIR\` (PGlite, demo agencies;
start-up took ${starts || 'n/a'}), pinned like a floor's server; for S3, with the \`S3_*\` variables
pointing at an s3rver process of its own (unpinned, on a fresh directory). The harness signs in
as the Northwind demo admin through the sign-in form and uploads to one of the agency's projects
over tus at \`/uploads\`: a POST, then one PATCH streaming generated bytes (nothing on disk),
timed until its 204. The download is \`/admin/files/<id>/download\` (303) followed to the link it
names (\`/files/<token>\` on the local store, a presigned s3rver URL on S3), streamed and hashed;
a SHA-256 other than the upload's fails the run. MB/s counts 10^6 bytes. The floor is the same
bytes into a bare \`node:http\` sink (upload) and out of a bare \`node:http\` source (download),
pinned the same way, so the ratio reads as "this much of what the machine does". The server's
VmRSS (\`/proc/<pid>/status\`) is read just before each transfer and every ${files.sampleMs} ms during
it; the growth is judged against the budget of issue #13 (${files.rssBudgetMiB} MB, read as MiB,
whatever the file's size) but not asserted. "harness" is the bench process (the client).
\`BENCH_ONLY=${files.id}\` runs it alone (\`BENCH_DOC=1\` then rewrites this section only);
\`BENCH_FILE_MIB\` sets the size (default 1024, 64 with \`BENCH_QUICK=1\`, 0 skips it).

${filesTable(result)}
`;
}
