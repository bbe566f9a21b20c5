// Mail figures for `pnpm bench`: how fast a message renders, how fast the worker delivers queued
// mail through SMTP, and how much memory it takes doing so. Unlike the floors, these are not
// request rates: each runs once, in its own Node process pinned to the server core, and reports
// its own figures (lib/measure.mjs).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { SMTPServer } from 'smtp-server';
import { contextEnvironment } from './lib/context.mjs';
import { RESULT_MARKER, STARTED_MARKER } from './lib/measure.mjs';
import { cpuWindow, pinned } from './lib/processes.mjs';
import { BUSY_PERCENT } from './lib/report.mjs';

/** @typedef {import('./lib/context.mjs').BenchContext} BenchContext */
/** @typedef {import('./lib/processes.mjs').Pinning} Pinning */
/** @typedef {import('./lib/processes.mjs').CpuShare} CpuShare */

/**
 * @typedef {object} MailMeasure
 * @property {string} id
 * @property {string} what
 * @property {string} unit
 * @property {number | null} floor  minimum, or null when the figure is only informative
 */

/** @type {MailMeasure[]} */
export const mailMeasures = [
  {
    id: 'M1',
    what: '`renderEmail`: team invitation in the branded layout, new recipient each time, one core',
    unit: 'renders/s',
    floor: 1000,
  },
  {
    id: 'M2',
    what: 'worker (`createWorker`) delivering queued mail to a local SMTP sink, PostgreSQL, one core',
    unit: 'emails/s',
    floor: null,
  },
  { id: 'M3', what: 'peak RSS of the worker process during M2', unit: 'MiB', floor: null },
];

/**
 * @typedef {object} MailResult
 * @property {MailMeasure} measure
 * @property {'measured' | 'failed' | 'skipped'} status
 * @property {number} [value]
 * @property {string} [detail]  how it was measured, one line
 * @property {CpuShare} [cpu]
 * @property {string} [note]
 */

/**
 * Runs `script` pinned to the server core until it reports, with a CPU window over the reported
 * work; `partner` is the pid counted as the load side (the harness itself, when it serves the
 * SMTP sink).
 * @param {string} script
 * @param {{ ctx: BenchContext, pinning: Pinning, env: Record<string, string>, timeoutMs: number }} options
 * @returns {Promise<{ figures: Record<string, number>, cpu: CpuShare }>}
 */
function runMeasurement(script, { ctx, pinning, env, timeoutMs }) {
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  // BENCH_NODE_ARGS reaches these processes too, as it does the floors' servers (e.g. --cpu-prof).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const [command, args] = pinned(pinning.server, process.execPath, [...nodeArgs, file]);
  const child = spawn(command, args, {
    env: { ...process.env, NODE_ENV: 'production', ...contextEnvironment(ctx), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    /** @type {(() => CpuShare) | null} */
    let closeWindow = null;
    let buffered = '';
    const fail = (/** @type {Error} */ error) => {
      clearTimeout(timeout);
      stop().finally(() => reject(error));
    };
    const timeout = setTimeout(
      () => fail(new Error(`${script} did not finish within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    child.stdout.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === STARTED_MARKER && child.pid !== undefined) {
          closeWindow = cpuWindow({ server: child.pid, load: process.pid });
        } else if (line.startsWith(RESULT_MARKER)) {
          const cpu = closeWindow?.();
          clearTimeout(timeout);
          child.off('exit', exitedEarly);
          stop().then(() => {
            if (!cpu) reject(new Error(`${script} reported before it started`));
            else resolve({ figures: JSON.parse(line.slice(RESULT_MARKER.length)), cpu });
          }, reject);
        }
      }
    });
    const exitedEarly = (/** @type {number | null} */ code, /** @type {string | null} */ signal) =>
      fail(new Error(`${script} exited early (${signal ?? `code ${code}`})`));
    child.once('exit', exitedEarly);
  });
}

/** An SMTP sink in this process that counts what it receives in full. */
async function startSink() {
  let received = 0;
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  sink.on('error', () => {});
  await new Promise((resolve) => sink.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = sink.server.address();
  if (!address || typeof address === 'string') throw new Error('SMTP sink has no TCP address');
  return {
    port: address.port,
    received: () => received,
    close: () => new Promise((resolve) => sink.close(() => resolve(undefined))),
  };
}

/**
 * Queues `count` team invitations for the bench tenant as the superuser (the worker then claims
 * them through `app_system.outbox_claim` like any other mail).
 * @param {BenchContext} ctx @param {number} count
 */
async function queueMail(ctx, count) {
  const sql = postgres(ctx.superuserUrl, { max: 1, onnotice: () => {} });
  try {
    // A workspace sends invitations only once an admin has verified their address, and at most
    // its daily limit: the bench workspace is verified and its limit raised past the queue.
    await sql`update platform.tenants set email_daily_limit = 1000000 where id = ${ctx.tenant.id}`;
    await sql`
      insert into app.users (tenant_id, email, name, role, email_verified_at)
      values (${ctx.tenant.id}, 'admin@bench.example', 'Bench Admin', 'admin', now())
      on conflict do nothing`;
    await sql`
      insert into app.outbox (tenant_id, template, to_address, vars)
      select ${ctx.tenant.id}, 'staff-invitation', 'person-' || i || '@client.example',
             jsonb_build_object('inviterName', 'Ada Lovelace', 'roleName', 'Team member',
               'acceptUrl', ${`http://${ctx.tenant.slug}.localhost/invite?token=`}::text || i,
               'expiresAt', now() + interval '7 days')
      from generate_series(1, ${count}::int) as i`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** @param {BenchContext} ctx */
async function pendingMail(ctx) {
  const sql = postgres(ctx.superuserUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`
      select count(*) filter (where status <> 'sent')::int as unsent, count(*)::int as total
      from app.outbox where tenant_id = ${ctx.tenant.id}`;
    return { unsent: Number(row?.unsent), total: Number(row?.total) };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const mib = (/** @type {number} */ bytes) => bytes / 1024 / 1024;

/**
 * @param {{ ctx: BenchContext, pinning: Pinning, seconds: number, warmup: number, emails: number, only: string[] }} options
 * @returns {Promise<MailResult[]>}
 */
export async function runMailMeasures({ ctx, pinning, seconds, warmup, emails, only }) {
  const wanted = (/** @type {string} */ id) => only.length === 0 || only.includes(id);
  const [render, deliver, memory] = mailMeasures;
  if (!render || !deliver || !memory) throw new Error('mail measures are missing');
  /** @type {MailResult[]} */
  const results = [];

  if (!wanted('M1')) results.push({ measure: render, status: 'skipped', note: 'not in BENCH_ONLY' });
  else {
    try {
      const { figures, cpu } = await runMeasurement('servers/m1-render.mjs', {
        ctx,
        pinning,
        env: { BENCH_SECONDS: String(seconds), BENCH_WARMUP: String(warmup) },
        timeoutMs: (seconds + warmup + 30) * 1000,
      });
      results.push({
        measure: render,
        status: 'measured',
        value: Number(figures.perSecond),
        cpu,
        detail: `${Number(figures.meanMs).toFixed(3)} ms each, ${Math.round(Number(figures.bytes) / 1024)} KiB of HTML + text, ${seconds} s after ${warmup} s warm-up`,
      });
    } catch (error) {
      results.push({
        measure: render,
        status: 'failed',
        note: error instanceof Error ? error.message : String(error),
      });
    }
  }

  if (!wanted('M2') && !wanted('M3')) {
    results.push({ measure: deliver, status: 'skipped', note: 'not in BENCH_ONLY' });
    results.push({ measure: memory, status: 'skipped', note: 'not in BENCH_ONLY' });
    return results;
  }
  const sink = await startSink();
  try {
    await queueMail(ctx, emails);
    const { figures, cpu } = await runMeasurement('servers/m2-worker.mjs', {
      ctx,
      pinning,
      env: { BENCH_SMTP_PORT: String(sink.port) },
      timeoutMs: 300_000,
    });
    const { unsent, total } = await pendingMail(ctx);
    if (unsent > 0 || total !== emails || sink.received() !== emails || figures.settled !== emails) {
      throw new Error(
        `of ${emails} queued, ${figures.settled} settled, ${total - unsent} sent, ${sink.received()} received by the sink`,
      );
    }
    results.push({
      measure: deliver,
      status: 'measured',
      value: Number(figures.perSecond),
      cpu,
      detail: `${emails.toLocaleString('en-US')} emails in ${Number(figures.seconds).toFixed(1)} s, one at a time, batches of 20; ${(
        (Number(figures.cpuSeconds) * 1000) / emails
      ).toFixed(2)} ms of worker CPU per email (${Math.round(
        (100 * Number(figures.systemSeconds)) / Number(figures.cpuSeconds),
      )} % of it in the kernel)`,
    });
    results.push({
      measure: memory,
      status: 'measured',
      value: mib(Number(figures.peakRss)),
      detail: `sampled every 10 ms while delivering; ${mib(Number(figures.rssAtStart)).toFixed(0)} MiB before the first claim, peak heap ${mib(Number(figures.peakHeap)).toFixed(0)} MiB, kernel maxRSS ${(Number(figures.maxRssKb) / 1024).toFixed(0)} MiB`,
    });
  } catch (error) {
    const note = error instanceof Error ? error.message : String(error);
    results.push({ measure: deliver, status: 'failed', note });
    results.push({ measure: memory, status: 'failed', note });
  } finally {
    await sink.close();
  }
  return results;
}

/** @param {MailResult} result */
function valueCell(result) {
  if (result.status !== 'measured' || result.value === undefined)
    return `${result.status}: ${result.note ?? ''}`;
  const shown =
    result.value >= 100 ? Math.round(result.value).toLocaleString('en-US') : result.value.toFixed(1);
  return `${shown} ${result.measure.unit}`;
}

/** @param {MailResult} result */
function verdict(result) {
  const { floor } = result.measure;
  if (floor === null) return '–';
  if (result.value === undefined) return 'n/a';
  return result.value >= floor ? 'met' : '**missed**';
}

/** @param {MailResult[]} results */
export function mailTable(results) {
  const lines = [
    '| measure | what | value | floor | verdict | CPU % process · postgres · harness · other | how |',
    '|---|---|---:|---:|---|---|---|',
  ];
  for (const result of results) {
    const { measure, cpu } = result;
    const floor = measure.floor === null ? '–' : `≥ ${measure.floor.toLocaleString('en-US')}`;
    const busy = cpu && cpu.other > BUSY_PERCENT ? ' ⚠' : '';
    const share = cpu ? `${cpu.server} · ${cpu.postgres} · ${cpu.load} · ${cpu.other}${busy}` : '';
    lines.push(
      `| ${measure.id} | ${measure.what} | ${valueCell(result)} | ${floor} | ${verdict(result)} | ${share} | ${result.detail ?? ''} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The mail section of docs/benchmarks.md, placed after the floors' results.
 * @param {MailResult[]} results @param {number} emails
 */
export function mailSection(results, emails) {
  return `
## Mail

Measured in the same run, on the same bench database, after the floors (\`tests/bench/mail.mjs\`).
Each figure comes from its own Node process pinned like a floor's server; CPU % is counted over
the measured work only (for M1 and M2, "harness" is the bench process, which runs M2's SMTP sink).

- **M1** renders the team invitation (the default template inside the branded layout: logo,
  colours, address, a button) with \`renderEmail\` from \`@foyer/email\`, to a new recipient each
  time, after a warm-up; the floor is 1,000 renders per second on one core.
- **M2** queues ${emails.toLocaleString('en-US')} invitations for the bench tenant as the superuser, then
  runs \`createWorker\` from \`@foyer/jobs\` (\`drain()\`: claim a batch, render and send each message
  in turn, settle it) as \`foyer_login\` against an SMTP sink
  (\`smtp-server\`, no TLS, no auth) in the harness, pooled connection. Each email costs a
  \`withActor\` transaction reading the tenant's settings and template, the render, the SMTP
  exchange and the settle statement, plus its share of the claim and of the tenant's site lookup
  (once per batch): the figure is bounded by round trips, not by rendering. The run fails unless every row is \`sent\` and the sink received each once.
- **M3** is the worker process's resident memory, sampled every 10 ms during M2.

\`BENCH_ONLY=M1\` (or \`M2\`, \`M3\`) runs a subset; \`BENCH_EMAILS\` sets M2's count (default 2000,
500 with \`BENCH_QUICK=1\`).

${mailTable(results)}
`;
}
