// M2 and M3: the outbox worker (createWorker from @foyer/jobs, the code `foyer start` runs)
// delivering the bench tenant's queued mail to an SMTP sink that the harness runs, on
// PostgreSQL as foyer_login. Reports emails per second and this process's peak memory.
import { createSecretBox } from '@foyer/auth';
import { siteFromHostRow } from '@foyer/core';
import { openPostgres, system } from '@foyer/db';
import { smtpTransport } from '@foyer/email';
import { createWorker } from '@foyer/jobs';
import { numberFromEnv, reportResult, reportStarted } from '../lib/measure.mjs';
import { benchContext, onStop } from '../lib/serve.mjs';

const bench = benchContext();
const origin = (/** @type {string} */ slug) => `http://${slug}.localhost`;
const db = openPostgres({ url: bench.loginUrl, max: 2 });
const platform = smtpTransport({
  host: '127.0.0.1',
  port: numberFromEnv('BENCH_SMTP_PORT', 25),
  security: 'none',
  allowPrivate: true,
  pool: true,
});
/** @returns {import('@foyer/core').Deps['files']['store']} */
function noFiles() {
  const refuse = async () => {
    throw new Error('m2-worker: no file storage here');
  };
  return {
    put: refuse,
    get: refuse,
    head: refuse,
    delete: refuse,
    signedUrl: refuse,
    // biome-ignore lint/correctness/useYield: refuses before yielding anything
    async *list() {
      throw new Error('m2-worker: no file storage here');
    },
  };
}

/** @type {import('@foyer/core').Deps} */
const ctx = {
  db,
  mail: {
    platform,
    from: 'no-reply@localhost',
    secrets: createSecretBox(Buffer.alloc(32, 1)),
    allowPrivateSmtp: true,
    fileDir: null,
    resend: null,
  },
  // The worker touches no files.
  files: {
    store: noFiles(),
    linkSecret: new Uint8Array(32),
    direct: false,
    uploads: { maxFileBytes: 0, refusedExtensions: [] },
  },
  // Nor any payment gateway.
  payments: {
    secrets: createSecretBox(Buffer.alloc(32, 1)),
    stripe: { connect: null, ownKeys: false, api: null },
    paypal: { apiBase: null },
    twocheckout: { api: null },
  },
  platformOrigin: 'http://localhost',
  tenantOriginForSlug: origin,
  async siteForSlug(slug) {
    const row = await system.tenants.forHost(db, { slug });
    return row ? siteFromHostRow(row, origin(row.slug)) : null;
  },
  tenantChanged: () => {},
  dns: { resolveTxt: async () => [], resolveCname: async () => [] },
  platformDomain: 'localhost',
  now: () => new Date(),
};
const worker = createWorker({ ctx, tenantIds: [bench.tenant.id], jobs: [], batchSize: 20 });

let peakRss = process.memoryUsage.rss();
let peakHeap = process.memoryUsage().heapUsed;
let samples = 0;
// rss() alone is cheap; the full breakdown (for the heap) only every tenth sample.
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  if (++samples % 10 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}, 10);

const rssAtStart = process.memoryUsage().rss;
const cpu = process.cpuUsage();
reportStarted();
const started = performance.now();
const settled = await worker.drain();
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
clearInterval(sampler);
reportResult({
  settled,
  seconds,
  perSecond: settled / seconds,
  cpuSeconds: (used.user + used.system) / 1e6,
  systemSeconds: used.system / 1e6,
  rssAtStart,
  peakRss,
  peakHeap,
  // The kernel's own peak for the whole process, start-up included (KiB).
  maxRssKb: process.resourceUsage().maxRSS,
});
// Stay up until the harness has read this process's CPU time and stops it.
const keepAlive = setInterval(() => {}, 60_000);
onStop(async () => {
  clearInterval(keepAlive);
  await worker.stop();
  await platform.close();
  await db.close();
});
