// The outbox worker in a process of its own, for tests that SIGKILL it at random points.
// Node cannot run TypeScript, so the test bundles this file with esbuild first, with the
// workspace packages read from their sources (see buildWorkerProcess in packages/jobs).
//
// Environment:
//   WORKER_DATABASE_URL   foyer_login on the test database
//   WORKER_TENANT_IDS     comma-separated: the only tenants whose mail it claims
//   WORKER_TRANSPORT      `resend` (RESEND_BASE_URL points the SDK at a fake) or `smtp`
//   WORKER_SMTP_PORT      the SMTP sink on 127.0.0.1 (with WORKER_TRANSPORT=smtp)
//   WORKER_LEASE_SECONDS, WORKER_BATCH_SIZE   optional
// It prints WORKER_READY once the worker loop runs, logs warnings and errors to stderr as JSON
// lines, and on SIGTERM stops the worker cleanly.
import { createSecretBox } from '@foyer/auth';
import { type Deps, siteFromHostRow } from '@foyer/core';
import { openPostgres, system } from '@foyer/db';
import { resendTransport, smtpTransport, type Transport } from '@foyer/email';
import { createWorker, type WorkerLog } from '@foyer/jobs';

export const WORKER_READY = 'WORKER_READY';

const PLATFORM_DOMAIN = 'foyer.test';
const tenantOrigin = (slug: string) => `http://${slug}.${PLATFORM_DOMAIN}`;

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`worker-process: ${name} is not set`);
  return value;
}

function platformTransport(): Transport {
  const kind = setting('WORKER_TRANSPORT');
  if (kind === 'resend') {
    return resendTransport({ apiKey: 're_test_worker_process', baseUrl: setting('RESEND_BASE_URL') });
  }
  if (kind === 'smtp') {
    return smtpTransport({
      host: '127.0.0.1',
      port: Number(setting('WORKER_SMTP_PORT')),
      security: 'none',
      allowPrivate: true,
      pool: true,
    });
  }
  throw new Error(`worker-process: WORKER_TRANSPORT must be resend or smtp, not ${kind}`);
}

const line =
  (level: string) =>
  (message: string, fields: Record<string, unknown> = {}) => {
    process.stderr.write(`${JSON.stringify({ pid: process.pid, level, message, ...fields })}\n`);
  };
const log: WorkerLog = { debug: () => {}, info: () => {}, warn: line('warn'), error: line('error') };

function noFiles(): Deps['files']['store'] {
  const refuse = async (): Promise<never> => {
    throw new Error('worker-process: no file storage here');
  };
  return {
    put: refuse,
    get: refuse,
    head: refuse,
    delete: refuse,
    signedUrl: refuse,
    // biome-ignore lint/correctness/useYield: refuses before yielding anything
    async *list() {
      throw new Error('worker-process: no file storage here');
    },
  };
}

const db = openPostgres({ url: setting('WORKER_DATABASE_URL'), max: 2 });
const ctx: Deps = {
  db,
  mail: {
    platform: platformTransport(),
    from: `no-reply@${PLATFORM_DOMAIN}`,
    secrets: createSecretBox(Buffer.alloc(32, 0x5a)),
    allowPrivateSmtp: true,
    fileDir: null,
    resend: null,
  },
  // The worker touches no files (and the bundle stays free of the storage drivers).
  files: {
    store: noFiles(),
    linkSecret: new Uint8Array(32),
    direct: false,
    uploads: { maxFileBytes: 0, refusedExtensions: [] },
  },
  payments: {
    secrets: createSecretBox(Buffer.alloc(32, 0x5a)),
    stripe: { connect: null, ownKeys: true, api: null },
    paypal: { apiBase: null },
    twocheckout: { api: null },
  },
  platformOrigin: `http://${PLATFORM_DOMAIN}`,
  tenantOriginForSlug: tenantOrigin,
  async siteForSlug(slug) {
    const row = await system.tenants.forHost(db, { slug });
    return row ? siteFromHostRow(row, tenantOrigin(row.slug)) : null;
  },
  tenantChanged: () => {},
  dns: { resolveTxt: async () => [], resolveCname: async () => [] },
  platformDomain: PLATFORM_DOMAIN,
  now: () => new Date(),
};

const worker = createWorker({
  ctx,
  log,
  tenantIds: setting('WORKER_TENANT_IDS').split(','),
  leaseSeconds: Number(process.env.WORKER_LEASE_SECONDS ?? 60),
  batchSize: Number(process.env.WORKER_BATCH_SIZE ?? 20),
  jobs: [],
});
worker.start();
process.stdout.write(`${WORKER_READY}\n`);

process.once('SIGTERM', async () => {
  await worker.stop();
  await ctx.mail.platform.close();
  await db.close();
  process.exit(0);
});
