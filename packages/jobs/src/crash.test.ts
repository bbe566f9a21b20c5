import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { isBuiltin } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { schema, withActor } from '@foyer/db';
import { build, type Plugin } from 'esbuild';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { required } from '../../../tests/support/assert';
import { tenantOrigin } from '../../../tests/support/auth';
import { loginUrlOf, openTestDatabase, type TestDatabase } from '../../../tests/support/databases';
import { createTenant, type TenantFixture } from '../../../tests/support/tenants';

/**
 * SECURITY.md's fault test: SIGKILL the worker at random points across 1,000 emails. Nothing may
 * be lost; via Resend (Idempotency-Key) nothing is delivered twice; via SMTP at most one message
 * per kill goes twice, with the same Message-ID. PostgreSQL only: it needs a second process on
 * the same database.
 */

const EMAILS = 1000;
const KILLS = 15;
const LEASE_SECONDS = 2;
/**
 * How long the fakes take to accept a message. Real providers take tens of milliseconds; a few
 * here keep the 1,000 emails from all going out between the first kills on a fast machine.
 */
const ACCEPT_MS = 2;

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Bundles tests/support/worker-process.ts for plain Node: workspace packages from their sources,
 * every other package left external under its resolved absolute path (so it loads from the
 * store exactly as the packages' own imports would). Workspace sources keep their own
 * `import.meta.url`, so files they read beside themselves (email templates) are found.
 */
async function buildWorkerProcess(dir: string): Promise<string> {
  const fromSource: Plugin = {
    name: 'workspace-from-source',
    setup(b) {
      b.onResolve({ filter: /^@foyer\/[a-z]+$/ }, (args) => ({
        path: join(repo, 'packages', args.path.slice('@foyer/'.length), 'src', 'index.ts'),
      }));
      b.onLoad({ filter: /\/packages\/[a-z]+\/src\/.*\.ts$/ }, async (args) => ({
        contents: (await readFile(args.path, 'utf8')).replaceAll(
          'import.meta.url',
          JSON.stringify(pathToFileURL(args.path).href),
        ),
        loader: 'ts',
      }));
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'external' || isBuiltin(args.path)) return undefined;
        const found = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: 'external',
        });
        if (found.errors.length > 0) return { errors: found.errors };
        return { path: found.path, external: true };
      });
    },
  };
  const outfile = join(dir, 'worker-process.mjs');
  await build({
    entryPoints: [join(repo, 'tests', 'support', 'worker-process.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // What Node itself matches, so an external package resolves to the file Node would load.
    conditions: ['node'],
    sourcemap: 'inline',
    logLevel: 'silent',
    plugins: [fromSource],
  });
  return outfile;
}

interface RunningWorker {
  process: ChildProcess;
  exited: Promise<void>;
}

/** What a series of killed and restarted workers did. */
interface KillRun {
  kills: number;
  /** Kills that landed while some of the tenant's mail was still pending. */
  killsWhilePending: number;
  /** Mean time from spawning a worker to its first message arriving. */
  startupMs: number;
  /** Settled when the last worker was started, i.e. during the kills. */
  settledDuringKills: number;
  seconds: number;
  lastRunSeconds: number;
}

/** A fake Resend API: `POST /emails`, de-duplicating by Idempotency-Key as Resend does. */
async function startResendFake() {
  const deliveries = new Map<string, { id: string; to: string; subject: string }>();
  const replays: Array<{ key: string; to: string; subject: string }> = [];
  let withoutKey = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const answer = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.method !== 'POST' || req.url !== '/emails') {
        return answer(404, { name: 'not_found', message: 'Not found', statusCode: 404 });
      }
      const payload = JSON.parse(body) as { to: string | string[]; subject: string };
      const to = Array.isArray(payload.to) ? payload.to.join(',') : payload.to;
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || key === '') {
        withoutKey++;
        return answer(200, { id: randomUUID() });
      }
      const seen = deliveries.get(key);
      if (seen) {
        replays.push({ key, to, subject: payload.subject });
        return answer(200, { id: seen.id });
      }
      const id = randomUUID();
      deliveries.set(key, { id, to, subject: payload.subject });
      setTimeout(() => answer(200, { id }), ACCEPT_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    replays,
    withoutKey: () => withoutKey,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** An SMTP sink that keeps every message received in full: its recipients and Message-ID. */
async function startSmtpSink() {
  const received: Array<{ to: string; messageId: string | null }> = [];
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    // A reverse lookup of 127.0.0.1 per connection can wait on DNS for seconds.
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      // Only a message received in full ends; one cut off by a kill is destroyed instead.
      stream.on('end', () => {
        const head = (
          Buffer.concat(chunks)
            .toString('utf8')
            .split(/\r?\n\r?\n/)[0] ?? ''
        ).replace(/\r?\n[ \t]+/g, ' ');
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
          messageId: /^message-id:\s*(\S+)/im.exec(head)?.[1] ?? null,
        });
        setTimeout(callback, ACCEPT_MS);
      });
    },
  });
  // A killed worker's connection ends in ECONNRESET: expected here, not worth a crash.
  sink.on('error', () => {});
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', () => resolve()));
  const { port } = sink.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => sink.close(() => resolve())) };
}

describe('worker under SIGKILL (PostgreSQL)', () => {
  let t: TestDatabase;
  let dir: string;
  let bundle: string;
  const live = new Set<ChildProcess>();
  const stderr: string[] = [];

  beforeAll(async () => {
    t = await openTestDatabase('postgres');
    dir = await mkdtemp(join(tmpdir(), 'foyer-worker-'));
    bundle = await buildWorkerProcess(dir);
  });
  afterAll(async () => {
    for (const child of live) child.kill('SIGKILL');
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function queue(tenant: TenantFixture, n: number): Promise<Map<string, string>> {
    const origin = tenantOrigin(tenant.slug);
    const rows = await withActor(t.handle.db, tenant.admin, (tx) =>
      tx
        .insert(schema.outbox)
        .values(
          Array.from({ length: n }, (_, i) => ({
            tenantId: tenant.id,
            template: 'staff-invitation',
            toAddress: `person-${i}@${tenant.slug}.test`,
            vars: { inviterName: 'Ada', roleName: 'Team member', acceptUrl: `${origin}/invite?token=${i}` },
          })),
        )
        .returning({ id: schema.outbox.id, to: schema.outbox.toAddress }),
    );
    return new Map(rows.map((r) => [r.id, required(r.to, 'an address')]));
  }

  const pending = async (tenantId: string) => {
    const [row] = await t.superuser<{ n: number }>(
      `select count(*)::int as n from app.outbox where tenant_id = $1 and status in ('queued', 'sending')`,
      [tenantId],
    );
    return required(row, 'a count').n;
  };

  function startWorker(env: Record<string, string>): Promise<RunningWorker> {
    const child = spawn(process.execPath, ['--enable-source-maps', bundle], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        live.delete(child);
        resolve();
      }),
    );
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('WORKER_READY')) resolve({ process: child, exited });
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`worker exited before it was ready (${signal ?? code}): ${stderr.join('')}`)),
      );
    });
  }

  /**
   * KILLS times over: starts a worker, waits until it is sending (the receiving side counts a
   * new message), lets it run 50–400 ms more and SIGKILLs it. Then one worker runs until the
   * tenant's outbox is empty and is stopped cleanly.
   */
  async function killRepeatedly(
    tenant: TenantFixture,
    env: Record<string, string>,
    received: () => number,
  ): Promise<KillRun> {
    const started = performance.now();
    const workerEnv = {
      ...env,
      WORKER_DATABASE_URL: loginUrlOf(inject('postgresUrl')),
      WORKER_TENANT_IDS: tenant.id,
      WORKER_LEASE_SECONDS: String(LEASE_SECONDS),
      WORKER_BATCH_SIZE: '20',
    };
    let killsWhilePending = 0;
    let startupMs = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const before = received();
      const spawned = performance.now();
      const worker = await startWorker(workerEnv);
      const deadline = Date.now() + 20_000;
      while (received() === before && Date.now() < deadline) await sleep(5);
      startupMs += (performance.now() - spawned) / KILLS;
      await sleep(50 + Math.random() * 350);
      worker.process.kill('SIGKILL');
      await worker.exited;
      if ((await pending(tenant.id)) > 0) killsWhilePending++;
    }
    const settledDuringKills = EMAILS - (await pending(tenant.id));
    const lastStarted = performance.now();
    const last = await startWorker(workerEnv);
    const deadline = Date.now() + 60_000;
    while ((await pending(tenant.id)) > 0) {
      if (Date.now() > deadline) throw new Error(`mail still pending after 60 s: ${stderr.join('')}`);
      await sleep(100);
    }
    last.process.kill('SIGTERM');
    await last.exited;
    return {
      kills: KILLS,
      killsWhilePending,
      startupMs,
      settledDuringKills,
      seconds: (performance.now() - started) / 1000,
      lastRunSeconds: (performance.now() - lastStarted) / 1000,
    };
  }

  async function statuses(tenantId: string) {
    return t.superuser<{ id: string; status: string; last_error: string | null }>(
      'select id::text, status, last_error from app.outbox where tenant_id = $1',
      [tenantId],
    );
  }

  it(`via Resend: ${EMAILS} emails, ${KILLS} kills, none lost, none delivered twice`, async () => {
    // More than a day's default allowance: this test is about crashes, not limits.
    const tenant = await createTenant(t, { emailDailyLimit: EMAILS * 2 });
    const queued = await queue(tenant, EMAILS);
    const resend = await startResendFake();
    try {
      const run = await killRepeatedly(
        tenant,
        { WORKER_TRANSPORT: 'resend', RESEND_BASE_URL: resend.url },
        () => resend.deliveries.size + resend.replays.length,
      );

      const rows = await statuses(tenant.id);
      expect(
        new Set(rows.filter((r) => r.status !== 'sent').map((r) => `${r.status}: ${r.last_error}`)),
      ).toEqual(new Set());
      expect(resend.withoutKey()).toBe(0);
      // Delivered: exactly the queued rows, once each, each to its own address.
      expect(resend.deliveries.size).toBe(EMAILS);
      for (const [id, to] of queued) expect(resend.deliveries.get(id)?.to).toBe(to);
      // A request repeated after a kill carried the same key and the same message.
      for (const replay of resend.replays) {
        expect(replay.to).toBe(queued.get(replay.key));
        expect(replay.subject).toBe(resend.deliveries.get(replay.key)?.subject);
      }
      expect(resend.replays.length).toBeLessThanOrEqual(run.kills);
      expect(run.killsWhilePending).toBeGreaterThanOrEqual(KILLS - 2);
      console.info(
        `[crash/resend] ${EMAILS} emails, ${run.kills} kills (${run.killsWhilePending} mid-run), ` +
          `lost 0, delivered twice 0, repeated requests stopped by Idempotency-Key ${resend.replays.length}, ` +
          `${run.seconds.toFixed(1)} s (${run.settledDuringKills} settled during the kills, first message ${Math.round(run.startupMs)} ms after spawn, last run ${run.lastRunSeconds.toFixed(1)} s)`,
      );
    } finally {
      await resend.close();
    }
  }, 120_000);

  it(`via SMTP: ${EMAILS} emails, ${KILLS} kills, none lost, duplicates ≤ kills with the same Message-ID`, async () => {
    // More than a day's default allowance: this test is about crashes, not limits.
    const tenant = await createTenant(t, { emailDailyLimit: EMAILS * 2 });
    const queued = await queue(tenant, EMAILS);
    const sink = await startSmtpSink();
    try {
      const run = await killRepeatedly(
        tenant,
        { WORKER_TRANSPORT: 'smtp', WORKER_SMTP_PORT: String(sink.port) },
        () => sink.received.length,
      );

      const rows = await statuses(tenant.id);
      expect(
        new Set(rows.filter((r) => r.status !== 'sent').map((r) => `${r.status}: ${r.last_error}`)),
      ).toEqual(new Set());
      const byAddress = new Map<string, Array<string | null>>();
      for (const message of sink.received) {
        byAddress.set(message.to, [...(byAddress.get(message.to) ?? []), message.messageId]);
      }
      // Every row arrived, and every copy of it carries its one stable Message-ID.
      for (const [id, to] of queued) {
        const ids = byAddress.get(to) ?? [];
        expect(ids.length, `copies of ${to}`).toBeGreaterThanOrEqual(1);
        expect(new Set(ids), `Message-IDs of ${to}`).toEqual(new Set([`<${id}@${tenant.slug}.foyer.test>`]));
      }
      expect(byAddress.size).toBe(EMAILS);
      const duplicates = sink.received.length - EMAILS;
      expect(duplicates).toBeLessThanOrEqual(run.kills);
      expect(run.killsWhilePending).toBeGreaterThanOrEqual(KILLS - 2);
      console.info(
        `[crash/smtp] ${EMAILS} emails, ${run.kills} kills (${run.killsWhilePending} mid-run), lost 0, ` +
          `duplicates ${duplicates} (≤ kills, same Message-ID), ${run.seconds.toFixed(1)} s ` +
          `(${run.settledDuringKills} settled during the kills, first message ${Math.round(run.startupMs)} ms after spawn, last run ${run.lastRunSeconds.toFixed(1)} s)`,
      );
    } finally {
      await sink.close();
    }
  }, 120_000);

  it('leaves no stray process', () => {
    expect(live.size).toBe(0);
  });
});
