import { randomBytes } from 'node:crypto';
import { MAX_ATTEMPTS, queueEmail } from '@foyer/core';
import { type DatabaseHandle, openPostgres, schema, system, withActor } from '@foyer/db';
import type { Envelope, SendResult, Transport } from '@foyer/email';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { required } from '../../../tests/support/assert';
import { type TestCore, tenantOrigin, testCore } from '../../../tests/support/auth';
import {
  drivers,
  itOnPostgres,
  loginUrlOf,
  openTestDatabase,
  type TestDatabase,
} from '../../../tests/support/databases';
import { createTenant, type TenantFixture } from '../../../tests/support/tenants';
import type { WorkerLog } from './log';
import type { ScheduledJob } from './scheduled';
import { createWorker, type WorkerOptions } from './worker';

/**
 * The outbox worker against a real database: delivery, retries with backoff, giving up, leases
 * that run out, stopping mid-batch, and (PostgreSQL only) workers racing for the same rows.
 * Test files share one database, so every worker here claims only its own test's tenants.
 */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface OutboxRow extends Record<string, unknown> {
  id: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  recipient: string | null;
  transport: string | null;
  response: string | null;
}

/** A transport that answers with `answer(envelope, call)` and keeps every envelope. */
function scriptedTransport(
  answer: (envelope: Envelope, call: number) => SendResult | Promise<SendResult>,
): Transport & { sent: Envelope[] } {
  const sent: Envelope[] = [];
  return {
    kind: 'resend',
    sent,
    async send(envelope) {
      sent.push(envelope);
      return answer(envelope, sent.length);
    },
    async close() {},
  };
}

/** A promise and the function that settles it, for transports that must wait on the test. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function collectingLog(): WorkerLog & { lines: Array<{ level: string; message: string }> } {
  const lines: Array<{ level: string; message: string }> = [];
  const at = (level: string) => (message: string) => {
    lines.push({ level, message });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe.each(drivers)('outbox worker on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  /** `n` staff invitations to fresh addresses, queued by the tenant's admin; their ids in order. */
  async function queue(tenant: TenantFixture, n: number): Promise<string[]> {
    const batch = randomBytes(3).toString('hex');
    const origin = tenantOrigin(tenant.slug);
    const rows = await withActor(t.handle.db, tenant.admin, (tx) =>
      tx
        .insert(schema.outbox)
        .values(
          Array.from({ length: n }, (_, i) => ({
            tenantId: tenant.id,
            template: 'staff-invitation',
            toAddress: `person-${i}-${batch}@${tenant.slug}.test`,
            vars: { inviterName: 'Ada', roleName: 'Team member', acceptUrl: `${origin}/invite?token=${i}` },
          })),
        )
        .returning({ id: schema.outbox.id }),
    );
    return rows.map((r) => r.id);
  }

  /** The rows this file queued (createTenant adds one already sent, of another template). */
  const rowsOf = (tenantId: string) =>
    t.superuser<OutboxRow>(
      `select id::text, status, attempts, next_attempt_at, last_error, recipient, transport, response
       from app.outbox where tenant_id = $1 and template = 'staff-invitation' order by created_at, id`,
      [tenantId],
    );
  const rowOf = async (id: string) =>
    required((await t.superuser<OutboxRow>('select * from app.outbox where id = $1', [id]))[0], `row ${id}`);

  /** A worker of `core` for exactly these tenants, with no scheduled jobs unless given. */
  function workerFor(core: TestCore, tenants: TenantFixture[], options: Partial<WorkerOptions> = {}) {
    return createWorker({ ctx: core.ctx, tenantIds: tenants.map((x) => x.id), jobs: [], ...options });
  }

  function withTransport(core: TestCore, platform: Transport): TestCore {
    return { ...core, ctx: { ...core.ctx, mail: { ...core.ctx.mail, platform } } };
  }

  it('delivers its own tenants’ mail, one settled row each, with stable ids', async () => {
    const core = testCore(t);
    const mine = await createTenant(t);
    const other = await createTenant(t);
    await withActor(t.handle.db, mine.admin, async (tx) => {
      for (const address of ['one@example.test', 'two@example.test']) {
        await queueEmail(tx, {
          tenantId: mine.id,
          template: 'staff-invitation',
          to: { address },
          vars: { inviterName: 'Ada', roleName: 'Admin', acceptUrl: `${tenantOrigin(mine.slug)}/invite` },
        });
      }
    });
    const [otherId] = await queue(other, 1);

    const worker = workerFor(core, [mine]);
    expect(await worker.drain()).toBe(2);
    expect(await worker.runOnce()).toBe(0);

    const rows = await rowsOf(mine.id);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(rows.map((r) => r.attempts)).toEqual([1, 1]);
    expect(core.mail.map((m) => m.to).sort()).toEqual(['one@example.test', 'two@example.test']);
    for (const row of rows) {
      const mail = required(
        core.mail.find((m) => m.idempotencyKey === row.id),
        `the mail of ${row.id}`,
      );
      expect(mail.messageId).toBe(`<${row.id}@${mine.slug}.foyer.test>`);
      expect(mail.subject).toContain(mine.name);
      expect(row.recipient).toBe(mail.to);
      expect(row.transport).toBe('file');
    }
    // Another tenant's row is not this worker's to take.
    expect((await rowOf(required(otherId, 'the other row'))).status).toBe('queued');
    await worker.stop();
  });

  it('tries a temporary failure again after its backoff, counting attempts', async () => {
    const tenant = await createTenant(t);
    const transport = scriptedTransport((_, call) =>
      call === 1
        ? { ok: false, permanent: false, error: '421 try again later' }
        : { ok: true, response: '250 ok' },
    );
    const core = withTransport(testCore(t), transport);
    const [id = ''] = await queue(tenant, 1);
    const worker = workerFor(core, [tenant]);

    const before = Date.now();
    expect(await worker.runOnce()).toBe(1);
    let row = await rowOf(id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, last_error: '421 try again later' });
    // retryDelayMs(1): 30 s ± 20 %.
    const delay = new Date(row.next_attempt_at).getTime() - before;
    expect(delay).toBeGreaterThan(20_000);
    expect(delay).toBeLessThan(40_000);

    // Not due yet: nothing is claimed.
    expect(await worker.runOnce()).toBe(0);
    expect(transport.sent).toHaveLength(1);

    await t.superuser(`update app.outbox set next_attempt_at = now() - interval '1 second' where id = $1`, [
      id,
    ]);
    expect(await worker.runOnce()).toBe(1);
    row = await rowOf(id);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, response: '250 ok', last_error: null });
    expect(transport.sent.map((e) => e.messageId)).toEqual([
      `<${id}@${tenant.slug}.foyer.test>`,
      `<${id}@${tenant.slug}.foyer.test>`,
    ]);
  });

  it('marks a permanent failure failed with its reason, and gives up after MAX_ATTEMPTS', async () => {
    const tenant = await createTenant(t);
    const [permanent = '', temporary = ''] = await queue(tenant, 2);
    const transport = scriptedTransport((envelope) =>
      envelope.idempotencyKey === permanent
        ? { ok: false, permanent: true, error: '550 no such mailbox' }
        : { ok: false, permanent: false, error: '451 greylisted' },
    );
    await t.superuser('update app.outbox set attempts = $2 where id = $1', [temporary, MAX_ATTEMPTS - 1]);
    const worker = workerFor(withTransport(testCore(t), transport), [tenant]);

    expect(await worker.drain()).toBe(2);
    expect(await rowOf(permanent)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: '550 no such mailbox',
    });
    expect(await rowOf(temporary)).toMatchObject({
      status: 'failed',
      attempts: MAX_ATTEMPTS,
      last_error: `Gave up after ${MAX_ATTEMPTS} attempts: 451 greylisted`,
    });
  });

  it('a claim whose lease ran out is taken by the next claim and can no longer settle', async () => {
    const tenant = await createTenant(t);
    const [id = ''] = await queue(tenant, 1);
    const tenantIds = [tenant.id];

    const [first] = await system.outbox.claim(t.handle, { limit: 5, leaseSeconds: 1, tenantIds });
    expect(first).toMatchObject({ id, attempts: 1 });
    // Still leased: nobody else gets it.
    expect(await system.outbox.claim(t.handle, { limit: 5, leaseSeconds: 60, tenantIds })).toEqual([]);
    await sleep(1100);
    const [second] = await system.outbox.claim(t.handle, { limit: 5, leaseSeconds: 60, tenantIds });
    expect(second).toMatchObject({ id, attempts: 2 });
    expect(second?.claimId).not.toBe(first?.claimId);

    const sent = { outcome: 'sent', recipient: 'x@example.test', transport: 'file', response: 'ok' } as const;
    expect(await system.outbox.settle(t.handle, required(first, 'the first claim'), sent)).toBe(false);
    expect(await system.outbox.settle(t.handle, required(second, 'the second claim'), sent)).toBe(true);
    expect(await system.outbox.settle(t.handle, required(second, 'the second claim'), sent)).toBe(false);
    expect((await rowOf(id)).status).toBe('sent');
  });

  it('a worker that outlives its lease loses the row to another and does not overwrite it', async () => {
    const tenant = await createTenant(t);
    const [id = ''] = await queue(tenant, 1);
    const slow = gate();
    const stuck = scriptedTransport(async () => {
      await slow.opened;
      return { ok: true, response: 'late' };
    });
    const quick = scriptedTransport(() => ({ ok: true, response: 'on time' }));
    const log = collectingLog();
    const first = workerFor(withTransport(testCore(t), stuck), [tenant], { leaseSeconds: 1, log });
    const second = workerFor(withTransport(testCore(t), quick), [tenant]);

    const late = first.runOnce();
    await until('the first send', () => stuck.sent.length === 1);
    await sleep(1100);
    expect(await second.runOnce()).toBe(1);
    slow.open();
    expect(await late).toBe(0);
    expect(await rowOf(id)).toMatchObject({ status: 'sent', attempts: 2, response: 'on time' });
    expect(log.lines.some((l) => l.level === 'warn' && l.message.includes('claim lost'))).toBe(true);
  });

  it('stop() finishes the message in flight and hands the rest of the batch back at once', async () => {
    const tenant = await createTenant(t);
    const ids = await queue(tenant, 5);
    const slow = gate();
    const transport = scriptedTransport(async () => {
      await slow.opened;
      return { ok: true, response: '250 ok' };
    });
    const worker = workerFor(withTransport(testCore(t), transport), [tenant], { batchSize: 5 });
    worker.start();
    await until('the first send', () => transport.sent.length === 1);
    const stopped = worker.stop();
    slow.open();
    await stopped;

    expect(transport.sent).toHaveLength(1);
    const rows = await rowsOf(tenant.id);
    const sentId = required(transport.sent[0], 'the one send').idempotencyKey;
    for (const row of rows) {
      if (row.id === sentId) expect(row.status).toBe('sent');
      else {
        expect(row).toMatchObject({
          status: 'queued',
          last_error: 'Not attempted: the worker stopped first.',
        });
        expect(new Date(row.next_attempt_at).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      }
    }
    // Due again right away, for this worker or any other.
    const other = scriptedTransport(() => ({ ok: true, response: '250 ok' }));
    expect(await workerFor(withTransport(testCore(t), other), [tenant]).drain()).toBe(4);
    expect(new Set([sentId, ...other.sent.map((e) => e.idempotencyKey)])).toEqual(new Set(ids));
  });

  it('start() delivers in the background; wake() cuts the idle sleep short', async () => {
    const tenant = await createTenant(t);
    const core = testCore(t);
    const worker = workerFor(core, [tenant], { idleMs: 60_000 });
    worker.start();
    worker.start(); // a second start is a no-op
    await queue(tenant, 1);
    // The first round found nothing (or the row) — either way, wake() must get the row out
    // long before the 60 s idle sleep would.
    await sleep(200);
    worker.wake();
    await until('the woken worker to deliver', () => core.mail.length === 1, 5000);
    await queue(tenant, 2);
    worker.wake();
    await until('the second delivery', () => core.mail.length === 3, 5000);
    await worker.stop();
    expect((await rowsOf(tenant.id)).every((r) => r.status === 'sent')).toBe(true);
  });

  it('a database that fails is logged and retried; the loop never throws', async () => {
    const tenant = await createTenant(t);
    const core = testCore(t);
    let failing = true;
    const flaky: DatabaseHandle = {
      ...t.handle,
      close: async () => {},
      async rows(query) {
        if (failing) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return t.handle.rows(query);
      },
    };
    const log = collectingLog();
    const worker = createWorker({
      ctx: { ...core.ctx, db: flaky },
      tenantIds: [tenant.id],
      jobs: [],
      log,
      idleMs: 20,
      errorPauseMs: 20,
    });
    await queue(tenant, 2);
    worker.start();
    await until('failed rounds', () => log.lines.filter((l) => l.level === 'error').length >= 2);
    expect(core.mail).toHaveLength(0);
    failing = false;
    await until('delivery once the database is back', () => core.mail.length === 2, 5000);
    await worker.stop();
    expect(log.lines.some((l) => l.message.startsWith('worker: round failed'))).toBe(true);
  });

  it('refuses settings it cannot honour', () => {
    const core = testCore(t);
    expect(() => createWorker({ ctx: core.ctx, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => createWorker({ ctx: core.ctx, batchSize: 501 })).toThrow(/batchSize/);
    expect(() => createWorker({ ctx: core.ctx, leaseSeconds: 0.5 })).toThrow(/leaseSeconds/);
    expect(() => createWorker({ ctx: core.ctx, tenantIds: ['acme'] })).toThrow(/UUID/);
    const job: ScheduledJob = { name: 'x', intervalSeconds: 60, run: async () => {} };
    expect(() => createWorker({ ctx: core.ctx, jobs: [job, job] })).toThrow(/twice/);
    expect(() => createWorker({ ctx: core.ctx, jobs: [{ ...job, intervalSeconds: 0 }] })).toThrow(/interval/);
    expect(() => createWorker({ ctx: core.ctx, jobs: [{ ...job, name: 'Bad Name' }] })).toThrow(/name/);
  });

  describe('scheduled jobs', () => {
    const jobName = () => `test-job-${randomBytes(6).toString('hex')}`;

    it('claim_scheduled_job: true once per due tick', async () => {
      const name = jobName();
      expect(await system.jobs.claim(t.handle, name, 1)).toBe(true);
      expect(await system.jobs.claim(t.handle, name, 1)).toBe(false);
      await sleep(1100);
      expect(await system.jobs.claim(t.handle, name, 1)).toBe(true);
      expect(await system.jobs.claim(t.handle, name, 1)).toBe(false);
    });

    it('runs a due job once, records its end and its error, and skips it until the next tick', async () => {
      const core = testCore(t);
      let runs = 0;
      const ok: ScheduledJob = {
        name: jobName(),
        intervalSeconds: 3600,
        run: async (ctx) => {
          expect(ctx).toBe(core.ctx);
          runs++;
        },
      };
      const broken: ScheduledJob = {
        name: jobName(),
        intervalSeconds: 3600,
        run: async () => {
          throw new Error('the job broke');
        },
      };
      const log = collectingLog();
      const worker = createWorker({ ctx: core.ctx, jobs: [ok, broken], log, tenantIds: [] });
      expect((await worker.runJobs()).sort()).toEqual([ok.name, broken.name].sort());
      expect(runs).toBe(1);
      expect(await worker.runJobs()).toEqual([]);
      expect(runs).toBe(1);

      const rows = await t.superuser<{ name: string; last_error: string | null; finished: boolean }>(
        `select name, last_error, last_finished_at is not null as finished
         from platform.scheduled_jobs where name = any($1::text[]) order by name`,
        [[ok.name, broken.name]],
      );
      expect(rows).toHaveLength(2);
      expect(rows.find((r) => r.name === ok.name)).toMatchObject({ last_error: null, finished: true });
      expect(rows.find((r) => r.name === broken.name)).toMatchObject({
        last_error: 'the job broke',
        finished: true,
      });
      expect(log.lines.some((l) => l.level === 'error' && l.message.includes('scheduled job failed'))).toBe(
        true,
      );
    });

    it('the running loop runs due jobs beside delivery', async () => {
      const core = testCore(t);
      let runs = 0;
      const job: ScheduledJob = {
        name: jobName(),
        intervalSeconds: 3600,
        run: async () => {
          runs++;
        },
      };
      const worker = createWorker({ ctx: core.ctx, jobs: [job], tenantIds: [], idleMs: 50 });
      worker.start();
      await until('the job to run', () => runs === 1, 5000);
      await sleep(1200);
      await worker.stop();
      expect(runs).toBe(1);
    });

    itOnPostgres(driver, 'of ten claimers at once, exactly one wins each tick', async () => {
      const handles = Array.from({ length: 10 }, () =>
        openPostgres({ url: loginUrlOf(inject('postgresUrl')), max: 1 }),
      );
      try {
        const name = jobName();
        for (let tick = 0; tick < 3; tick++) {
          if (tick > 0) await sleep(1100);
          const won = await Promise.all(handles.map((h) => system.jobs.claim(h, name, 1)));
          expect(won.filter(Boolean)).toHaveLength(1);
        }
      } finally {
        await Promise.all(handles.map((h) => h.close()));
      }
    });
  });

  itOnPostgres(
    driver,
    'three workers on their own connections deliver 300 rows, each exactly once',
    async () => {
      // More than a day's default allowance: this is about concurrent claims, not limits.
      const tenant = await createTenant(t, { emailDailyLimit: 1000 });
      const ids = await queue(tenant, 300);
      const handles = Array.from({ length: 3 }, () =>
        openPostgres({ url: loginUrlOf(inject('postgresUrl')), max: 2 }),
      );
      try {
        const transports = handles.map(() => scriptedTransport(() => ({ ok: true, response: '250 ok' })));
        const workers = handles.map((handle, i) =>
          workerFor(withTransport(testCore({ handle }), required(transports[i], 'a transport')), [tenant]),
        );
        const settled = await Promise.all(workers.map((w) => w.drain()));
        expect(settled.reduce((a, b) => a + b, 0)).toBe(300);

        const delivered = transports.flatMap((tr) => tr.sent.map((e) => e.idempotencyKey));
        expect(delivered).toHaveLength(300);
        expect(new Set(delivered)).toEqual(new Set(ids));
        // They really raced: more than one of them got rows.
        expect(transports.filter((tr) => tr.sent.length > 0).length).toBeGreaterThan(1);
        const rows = await rowsOf(tenant.id);
        expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
        await Promise.all(workers.map((w) => w.stop()));
      } finally {
        await Promise.all(handles.map((h) => h.close()));
      }
    },
    30_000,
  );
});
