import { type Deps, deliverEmail, retryOrGiveUp, type TenantSite, TransportCache } from '@foyer/core';
import { type ClaimedEmail, type SettleOutcome, system } from '@foyer/db';
import { errorFields, silentLog, type WorkerLog } from './log';
import { checkJobs, defaultJobs, type ScheduledJob } from './scheduled';

export interface WorkerOptions {
  ctx: Deps;
  log?: WorkerLog;
  /** Rows claimed per round, 1–500 (the claim function's own cap). */
  batchSize?: number;
  /**
   * How long a claim holds before another worker may take the row again. A row is only started
   * while at least half of it remains, so one send may take up to half the lease.
   */
  leaseSeconds?: number;
  /** Sleep when nothing is due; `wake()` cuts it short. */
  idleMs?: number;
  /** First pause after a failed round (database down…); doubles per failure in a row, up to 30 s. */
  errorPauseMs?: number;
  /** Only these tenants' mail (tests sharing one database); every tenant when omitted. */
  tenantIds?: readonly string[];
  /** Scheduled jobs to run beside delivery; `defaultJobs()` when omitted, `[]` for none. */
  jobs?: readonly ScheduledJob[];
}

export interface Worker {
  /** Starts the loop in the background; it runs until `stop()` and never throws. */
  start(): void;
  /**
   * Finishes the message in flight (sent and settled), hands back the rest of its batch, waits for
   * running scheduled jobs and closes the tenants' SMTP connections. The worker may start again.
   */
  stop(): Promise<void>;
  /** Cuts the idle sleep short: call it after queueing mail. */
  wake(): void;
  /** One claim round: how many rows were delivered and settled. */
  runOnce(): Promise<number>;
  /** Rounds until nothing is due; how many rows were settled in all. */
  drain(): Promise<number>;
  /** Claims and runs the scheduled jobs that are due now; the names of those that ran. */
  runJobs(): Promise<string[]>;
}

const MAX_BATCH = 500;
const MAX_ERROR_PAUSE_MS = 30_000;
/** Scheduled jobs are looked at no more than once per this. */
const JOB_CHECK_MS = 1000;
/** Settling a sent message is retried for a few seconds: it is what stops a second send. */
const SETTLE_TRIES = 6;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`createWorker: ${name} must be a whole number from 1 to ${max}, not ${value}`);
  }
  return value;
}

interface Round {
  claimed: number;
  settled: number;
}

/**
 * The outbox worker. Each round claims a batch (FOR UPDATE SKIP LOCKED, leased), then sends the
 * rows one at a time and settles each right after its send. Sending one at a time is what bounds
 * the damage of a crash: at most one message has left without being settled, so a kill costs at
 * most one duplicate (which carries the same Idempotency-Key and Message-ID as the first).
 */
export function createWorker(options: WorkerOptions): Worker {
  const { ctx } = options;
  const log = options.log ?? silentLog;
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 20, MAX_BATCH);
  const leaseSeconds = positiveInteger('leaseSeconds', options.leaseSeconds ?? 120);
  const idleMs = Math.max(0, options.idleMs ?? 1000);
  const errorPauseMs = Math.max(1, options.errorPauseMs ?? 1000);
  const tenantIds = options.tenantIds ? [...options.tenantIds] : null;
  if (tenantIds?.some((id) => !UUID.test(id))) throw new Error('createWorker: tenantIds must be UUIDs');
  const jobs = [...(options.jobs ?? defaultJobs())];
  checkJobs(jobs);

  let transports: TransportCache | null = null;
  const transportCache = () => {
    transports ??= new TransportCache(ctx);
    return transports;
  };

  let stopping = false;
  let loop: Promise<void> | null = null;
  /** Rounds run one after another, whoever asks, so one message at most is ever in flight. */
  let rounds: Promise<unknown> = Promise.resolve();
  const runningJobs = new Map<string, Promise<void>>();

  let interrupt: (() => void) | null = null;
  let wakeUp: (() => void) | null = null;
  let woken = false;
  /** Sleeps `ms`, or less when stopped (or, for `wakeable` sleeps, woken). */
  function pause(ms: number, wakeable: boolean): Promise<void> {
    if (stopping || (wakeable && woken)) {
      woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        interrupt = null;
        wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      interrupt = done;
      if (wakeable) wakeUp = done;
    });
  }

  function serial<T>(work: () => Promise<T>): Promise<T> {
    const next = rounds.then(work, work);
    rounds = next.catch(() => {});
    return next;
  }

  /** Records the outcome; false when the claim was lost (the lease ran out and another took it). */
  async function settle(email: ClaimedEmail, outcome: SettleOutcome): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await system.outbox.settle(ctx.db, email, outcome);
      } catch (error) {
        if (attempt >= SETTLE_TRIES || stopping) throw error;
        log.warn('worker: settling an email failed; trying again', {
          tenantId: email.tenantId,
          emailId: email.id,
          attempt,
          ...errorFields(error),
        });
        await sleep(200 * 2 ** (attempt - 1));
      }
    }
  }

  /**
   * The context for one round: a batch is usually one tenant's mail, so its site (host, brand)
   * is looked up once per round rather than once per message.
   */
  function roundContext(): Deps {
    const sites = new Map<string, Promise<TenantSite | null>>();
    return {
      ...ctx,
      siteForSlug(slug) {
        let site = sites.get(slug);
        if (!site) {
          site = ctx.siteForSlug(slug);
          sites.set(slug, site);
          site.catch(() => sites.delete(slug));
        }
        return site;
      },
    };
  }

  async function deliverOne(roundCtx: Deps, email: ClaimedEmail): Promise<boolean> {
    const fields = { tenantId: email.tenantId, emailId: email.id, template: email.template };
    let outcome: SettleOutcome;
    try {
      outcome = await deliverEmail(roundCtx, email, transportCache());
    } catch (error) {
      // A database error (or a bug) around the send. The details go to the log, not to the row,
      // which admins can read; the next try keeps the same Idempotency-Key and Message-ID.
      log.error('worker: delivering an email failed', { ...fields, ...errorFields(error) });
      outcome = retryOrGiveUp(email, 'Delivery was interrupted by an internal error.', ctx.now());
    }
    const held = await settle(email, outcome);
    if (!held) {
      log.warn('worker: claim lost before settling (lease ran out, another worker took the row)', fields);
      return false;
    }
    switch (outcome.outcome) {
      case 'sent':
        log.debug('worker: email sent', { ...fields, transport: outcome.transport });
        break;
      case 'retry':
        log.warn('worker: email will be tried again', {
          ...fields,
          attempts: email.attempts,
          error: outcome.error,
          retryAt: outcome.retryAt.toISOString(),
        });
        break;
      case 'failed':
        log.warn('worker: email failed', { ...fields, attempts: email.attempts, error: outcome.error });
        break;
      case 'suppressed':
        log.info('worker: email suppressed', { ...fields, reason: outcome.reason });
        break;
    }
    return true;
  }

  /**
   * Hands claimed rows that were never attempted back at once, rather than leaving them to their
   * lease. Their claim already counted an attempt.
   */
  async function release(emails: ClaimedEmail[], why: string): Promise<void> {
    const now = ctx.now();
    for (const email of emails) {
      await settle(email, {
        outcome: 'retry',
        recipient: null,
        transport: null,
        error: `Not attempted: ${why}.`,
        retryAt: now,
      });
    }
  }

  async function round(): Promise<Round> {
    const started = performance.now();
    const claimed = await system.outbox.claim(ctx.db, { limit: batchSize, leaseSeconds, tenantIds });
    // The lease was granted after `started`, so it holds at least until `started + lease`.
    const startBy = started + (leaseSeconds * 1000) / 2;
    const roundCtx = roundContext();
    let settled = 0;
    for (const [index, email] of claimed.entries()) {
      if (stopping || performance.now() > startBy) {
        await release(claimed.slice(index), stopping ? 'the worker stopped first' : 'its lease ran short');
        break;
      }
      if (await deliverOne(roundCtx, email)) settled++;
    }
    return { claimed: claimed.length, settled };
  }

  async function runJob(job: ScheduledJob): Promise<void> {
    const began = performance.now();
    let failure: string | null = null;
    try {
      await job.run(ctx);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      log.error('worker: scheduled job failed', { job: job.name, ...errorFields(error) });
    }
    try {
      await system.jobs.finish(ctx.db, job.name, failure);
    } catch (error) {
      log.error('worker: recording a scheduled job’s end failed', { job: job.name, ...errorFields(error) });
    }
    log.info('worker: scheduled job ran', {
      job: job.name,
      ok: failure === null,
      ms: Math.round(performance.now() - began),
    });
  }

  /** Claims each due job this worker is not already running and starts it; never throws. */
  async function startDueJobs(): Promise<Array<{ name: string; run: Promise<void> }>> {
    const started: Array<{ name: string; run: Promise<void> }> = [];
    for (const job of jobs) {
      if (stopping) break;
      if (runningJobs.has(job.name)) continue;
      let claimed: boolean;
      try {
        claimed = await system.jobs.claim(ctx.db, job.name, job.intervalSeconds);
      } catch (error) {
        log.error('worker: claiming scheduled jobs failed', { job: job.name, ...errorFields(error) });
        break;
      }
      if (!claimed) continue;
      const run = runJob(job).finally(() => runningJobs.delete(job.name));
      runningJobs.set(job.name, run);
      started.push({ name: job.name, run });
    }
    return started;
  }

  async function run(): Promise<void> {
    let failures = 0;
    let jobsCheckedAt = Number.NEGATIVE_INFINITY;
    while (!stopping) {
      // Jobs run beside delivery, not in its way: a slow job never holds up mail.
      if (jobs.length > 0 && performance.now() - jobsCheckedAt >= JOB_CHECK_MS) {
        jobsCheckedAt = performance.now();
        await startDueJobs();
      }
      let claimed: number;
      try {
        claimed = (await serial(round)).claimed;
        failures = 0;
      } catch (error) {
        failures++;
        const pauseMs = Math.min(errorPauseMs * 2 ** Math.min(failures - 1, 20), MAX_ERROR_PAUSE_MS);
        log.error('worker: round failed; pausing', { pauseMs, failures, ...errorFields(error) });
        await pause(pauseMs, false);
        continue;
      }
      if (claimed === 0) await pause(jobs.length > 0 ? Math.min(idleMs, JOB_CHECK_MS) : idleMs, true);
    }
  }

  return {
    start() {
      if (loop) return;
      log.info('worker: started', { batchSize, leaseSeconds, idleMs, jobs: jobs.map((j) => j.name) });
      loop = run().catch((error) => {
        // Unreachable by design; logged rather than left as an unhandled rejection.
        log.error('worker: loop ended unexpectedly', errorFields(error));
      });
    },

    async stop() {
      stopping = true;
      interrupt?.();
      try {
        await loop;
        await rounds;
        await Promise.allSettled([...runningJobs.values()]);
        const cache = transports;
        transports = null;
        await cache?.close();
      } finally {
        loop = null;
        stopping = false;
        woken = false;
      }
      log.info('worker: stopped');
    },

    wake() {
      if (wakeUp) wakeUp();
      else woken = true;
    },

    async runOnce() {
      return (await serial(round)).settled;
    },

    async drain() {
      let total = 0;
      for (;;) {
        const { claimed, settled } = await serial(round);
        total += settled;
        if (claimed === 0 || stopping) return total;
      }
    },

    async runJobs() {
      const started = await startDueJobs();
      await Promise.all(started.map((s) => s.run));
      return started.map((s) => s.name);
    },
  };
}
