// R1 for `pnpm bench`: live delivery at scale. One server holds 5,000 server-sent event streams
// (one per person, 1,000 conversations of 5); messages are posted into the conversations at a
// modest rate through the database, and every stream of every participant must receive each
// one. Reported: the server's memory per stream (RSS growth / streams) and the latency from the
// post to its arrival on each stream, beside R0, a bare node:http floor holding as many streams
// and writing notices that name their recipients (no sessions, no reads as each person).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { generateToken, hashToken } from '@foyer/auth';
import postgres from 'postgres';
import { clientKey, clientKeySql } from './lib/context.mjs';
import { spawnServer } from './lib/processes.mjs';

/** @typedef {import('./lib/context.mjs').BenchContext} BenchContext */
/** @typedef {import('./lib/processes.mjs').Pinning} Pinning */
/** @typedef {import('./lib/processes.mjs').Target} Target */

export const sse = {
  id: 'R1',
  /** Participants per conversation. */
  people: 5,
  /** The fan-out latency every stream should see within, at the 99th percentile. */
  p99BudgetMs: 150,
};

/**
 * @typedef {object} SseRun
 * @property {number} streams  streams held at once
 * @property {number} connectSeconds  to open them all
 * @property {number} rssBeforeMiB  the server's resident memory before the first stream
 * @property {number} rssAfterMiB  with every stream open
 * @property {number} bytesPerStream  (after − before) / streams
 * @property {number} posted  counted, after `warmup` posts that are not
 * @property {number} warmup
 * @property {number} delivered  stream deliveries seen (posted × people when nothing is lost)
 * @property {number} p50Ms  from the post's acknowledged commit to arrival
 * @property {number} p99Ms
 * @property {number} maxMs
 * @property {number} p99FromSendMs  from just before the post was sent (the commit's time included)
 * @property {number} postMs  the post's own round trip, median
 */

/**
 * @typedef {object} SseResult
 * @property {'measured' | 'failed'} status
 * @property {SseRun} [floor]
 * @property {SseRun} [foyer]
 * @property {number} rate  messages per second
 * @property {string} [note]
 */

/** The channel R0's server listens on; its notices name their recipients. */
const FLOOR_CHANNEL = 'bench_sse_floor';

const USER_PREFIX = '00000000-0000-4000-9000-';
const THREAD_PREFIX = '00000000-0000-4000-a000-';
const key = (/** @type {string} */ prefix, /** @type {number} */ n) =>
  prefix + n.toString(16).padStart(12, '0');
const keySql = (/** @type {string} */ prefix, /** @type {string} */ column) =>
  `('${prefix}' || lpad(to_hex(${column}), 12, '0'))::uuid`;

/**
 * One client person per stream, `people` to a conversation (project discussions of one project,
 * made by one admin), each with a session, as the superuser. Returns who is in which conversation
 * and each person's session token.
 * @param {BenchContext} ctx @param {number} streams
 */
async function seed(ctx, streams) {
  const sql = postgres(ctx.superuserUrl, { max: 1, onnotice: () => {} });
  const tenant = ctx.tenant.id;
  const conversations = Math.ceil(streams / sse.people);
  const adminId = randomUUID();
  const projectId = randomUUID();
  try {
    await sql`insert into app.users (tenant_id, id, email, name, role)
              values (${tenant}, ${adminId}, ${`sse-admin-${adminId}@bench.example`}, 'Bench Admin', 'admin')`;
    await sql`insert into app.projects (tenant_id, id, client_id, name)
              values (${tenant}, ${projectId}, ${clientKey(1)}, 'Live delivery')`;
    await sql.unsafe(
      `insert into app.users (tenant_id, id, email, name, role, client_id, permissions)
       select $1, ${keySql(USER_PREFIX, 'i')}, 'sse-' || i || '@bench.example', 'Person ' || i, 'client',
              ${clientKeySql('i')}, array['projects', 'messages']
       from generate_series(1, $2::int) as i`,
      [tenant, streams],
    );
    await sql.unsafe(
      `insert into app.project_clients (tenant_id, project_id, user_id)
       select $1, $2, ${keySql(USER_PREFIX, 'i')} from generate_series(1, $3::int) as i`,
      [tenant, projectId, streams],
    );
    await sql.unsafe(
      `insert into app.threads (tenant_id, id, kind, project_id, title, created_by)
       select $1, ${keySql(THREAD_PREFIX, 'j')}, 'project', $2, 'Conversation ' || j, $3
       from generate_series(1, $4::int) as j`,
      [tenant, projectId, adminId, conversations],
    );
    await sql.unsafe(
      `insert into app.thread_participants (tenant_id, thread_id, user_id, shown_name)
       select $1, ${keySql(THREAD_PREFIX, `((i - 1) / ${sse.people} + 1)`)}, ${keySql(USER_PREFIX, 'i')}, 'Person ' || i
       from generate_series(1, $2::int) as i`,
      [tenant, streams],
    );
    const tokens = Array.from({ length: streams }, () => generateToken());
    await sql.unsafe(
      `insert into app.sessions (tenant_id, id, user_id, expires_at)
       select $1, h, ${keySql(USER_PREFIX, 'i::int')}, now() + interval '1 day'
       from unnest($2::text[]) with ordinality as s(h, i)`,
      [tenant, tokens.map((token) => hashToken(token))],
    );
    const threads = Array.from({ length: conversations }, (_, j) => ({
      id: key(THREAD_PREFIX, j + 1),
      users: Array.from({ length: sse.people }, (_, p) => key(USER_PREFIX, j * sse.people + p + 1)).filter(
        (_, p) => j * sse.people + p < streams,
      ),
    }));
    const people = tokens.map((token, i) => ({ id: key(USER_PREFIX, i + 1), token }));
    return { adminId, threads, people };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** @param {number} pid */
function rssBytes(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.match(/\d+/)?.[0] ?? 0) * 1024;
}

/** @param {number[]} sorted @param {number} q */
const quantile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/**
 * Holds `people.length` streams on `target`, posts `messages` at `rate` per second with `post`,
 * and times each delivery from just before the post was sent.
 * @param {Target} target
 * @param {{ id: string, token: string }[]} people
 * @param {(person: { id: string, token: string }) => Record<string, string>} headersOf
 * @param {{ id: string, users: string[] }[]} threads
 * @param {(thread: { id: string, users: string[] }, messageId: string) => Promise<void>} post
 * @param {{ messages: number, rate: number }} pace
 * @returns {Promise<SseRun>}
 */
async function holdAndPost(target, people, headersOf, threads, post, { messages, rate }) {
  const url = new URL(target.url);
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  /** @type {Map<string, { sent: number, committed: number, warmup: boolean }>} when each post was sent, and acknowledged */
  const posts = new Map();
  /** @type {{ message: string, at: number }[]} every delivery of a post, on any stream */
  const arrivals = [];
  /** @type {import('node:http').ClientRequest[]} */
  const requests = [];
  const rssBefore = rssBytes(target.pid);

  const open = (/** @type {{ id: string, token: string }} */ person) =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: '/events',
          headers: { ...target.headers, ...headersOf(person) },
        },
        (res) => {
          if (res.statusCode !== 200) {
            reject(new Error(`a stream was answered ${res.statusCode}`));
            res.resume();
            return;
          }
          let tail = '';
          res.setEncoding('utf8');
          res.once('data', () => resolve(undefined));
          res.on('data', (/** @type {string} */ chunk) => {
            const now = performance.now();
            tail += chunk;
            const blocks = tail.split('\n\n');
            tail = blocks.pop() ?? '';
            for (const block of blocks) {
              const data = block.split('\n').find((line) => line.startsWith('data: '));
              if (!data || !block.includes('event: message.posted')) continue;
              arrivals.push({ message: JSON.parse(data.slice(6)).message, at: now });
            }
          });
        },
      );
      req.once('error', reject);
      req.end();
      requests.push(req);
    });

  try {
    const started = performance.now();
    const batch = 200;
    for (let i = 0; i < people.length; i += batch) await Promise.all(people.slice(i, i + batch).map(open));
    const connectSeconds = (performance.now() - started) / 1000;
    const rssAfter = rssBytes(target.pid);

    // The first second of posts warms the server up (its pool's connections and prepared
    // statements, the first presence beat of everyone) and is not counted.
    const warmup = rate;
    const expected = [];
    const interval = 1000 / rate;
    const first = performance.now();
    for (let n = 0; n < warmup + messages; n++) {
      const wait = first + n * interval - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const thread = threads[(n * 7919) % threads.length];
      if (!thread) throw new Error('no conversation to post in');
      const messageId = randomUUID();
      const sent = performance.now();
      await post(thread, messageId);
      posts.set(messageId, { sent, committed: performance.now(), warmup: n < warmup });
      expected.push(thread.users.length);
    }
    const deliveries = expected.reduce((sum, n) => sum + n, 0);
    const deadline = performance.now() + 10_000;
    while (arrivals.length < deliveries && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const ours = arrivals.flatMap(({ message, at }) => {
      const post = posts.get(message);
      return post && !post.warmup ? [{ fromSend: at - post.sent, fromCommit: at - post.committed }] : [];
    });
    const sorted = ours.map((a) => a.fromCommit).sort((a, b) => a - b);
    const sortedFromSend = ours.map((a) => a.fromSend).sort((a, b) => a - b);
    return {
      streams: people.length,
      connectSeconds,
      rssBeforeMiB: rssBefore / 1024 / 1024,
      rssAfterMiB: rssAfter / 1024 / 1024,
      bytesPerStream: (rssAfter - rssBefore) / people.length,
      posted: messages,
      warmup,
      delivered: ours.length,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      maxMs: sorted.at(-1) ?? Number.NaN,
      p99FromSendMs: quantile(sortedFromSend, 0.99),
      postMs: quantile(
        [...posts.values()].map((p) => p.committed - p.sent).sort((a, b) => a - b),
        0.5,
      ),
    };
  } finally {
    for (const req of requests) req.destroy();
    agent.destroy();
  }
}

/**
 * @param {{ ctx: BenchContext, pinning: Pinning, streams: number, messages: number, rate: number, say: (line: string) => void, guard: (cleanup: () => Promise<void>) => () => void }} options
 * @returns {Promise<SseResult>}
 */
export async function runSse({ ctx, pinning, streams, messages, rate, say, guard }) {
  try {
    const { adminId, threads, people } = await seed(ctx, streams);
    const sql = postgres(ctx.superuserUrl, { max: 1, onnotice: () => {} });
    const unguard = guard(() => sql.end({ timeout: 1 }));
    try {
      const pace = { messages, rate };
      let eventId = 0;
      const floorTarget = await spawnServer('servers/r0-sse-floor.mjs', ctx, {
        pinning,
        env: { BENCH_SSE_CHANNEL: FLOOR_CHANNEL },
      });
      const floor = await holdAndPost(
        floorTarget,
        people,
        (person) => ({ 'x-bench-user': person.id }),
        threads,
        async (thread, messageId) => {
          const notice = { users: thread.users, event: ++eventId, thread: thread.id, message: messageId };
          await sql`select pg_notify(${FLOOR_CHANNEL}, ${JSON.stringify(notice)})`;
        },
        pace,
      ).finally(() => floorTarget.stop());
      say(
        `  R0: ${floor.streams} streams, p50 ${floor.p50Ms.toFixed(1)} ms, p99 ${floor.p99Ms.toFixed(1)} ms`,
      );

      const target = await spawnServer('servers/r1-sse.mjs', ctx, { pinning });
      const foyer = await holdAndPost(
        target,
        people,
        (person) => ({ cookie: `foyer_session=${person.token}` }),
        threads,
        async (thread, messageId) => {
          await sql`
            insert into app.messages (tenant_id, id, thread_id, author_id, author_name, body, client_visible)
            values (${ctx.tenant.id}, ${messageId}, ${thread.id}, ${adminId}, 'Bench Admin', 'A live message', true)`;
        },
        pace,
      ).finally(() => target.stop());
      const lost = foyer.delivered < messages * sse.people || floor.delivered < messages * sse.people;
      return {
        status: lost ? 'failed' : 'measured',
        floor,
        foyer,
        rate,
        note: lost
          ? `delivered ${foyer.delivered} (floor ${floor.delivered}) of ${messages * sse.people}`
          : undefined,
      };
    } finally {
      unguard();
      await sql.end({ timeout: 1 });
    }
  } catch (error) {
    return { status: 'failed', rate, note: error instanceof Error ? error.message : String(error) };
  }
}

/** @param {SseResult} result */
export function sseTable(result) {
  if (!result.floor || !result.foyer) return `R1 ${result.status}: ${result.note ?? ''}`;
  const row = (/** @type {string} */ id, /** @type {SseRun} */ run) =>
    `| ${id} | ${run.streams.toLocaleString('en-US')} | ${run.connectSeconds.toFixed(1)} s | ${run.rssBeforeMiB.toFixed(0)} → ${run.rssAfterMiB.toFixed(0)} MiB | ${(run.bytesPerStream / 1024).toFixed(1)} KiB | ${run.delivered.toLocaleString('en-US')} / ${(run.posted * sse.people).toLocaleString('en-US')} | ${run.postMs.toFixed(1)} ms | ${run.p50Ms.toFixed(1)} ms | ${run.p99Ms.toFixed(1)} ms | ${run.maxMs.toFixed(1)} ms | ${run.p99FromSendMs.toFixed(1)} ms |`;
  const { floor, foyer } = result;
  return [
    '| run | streams | to open | server RSS | per stream | delivered | post (median) | p50 | p99 | max | p99 from send |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    row('R0 floor', floor),
    row('R1 Foyer', foyer),
    '',
    `R1/R0: memory per stream ${(foyer.bytesPerStream / floor.bytesPerStream).toFixed(1)}×, p99 ${(foyer.p99Ms / floor.p99Ms).toFixed(1)}× (${foyer.p99Ms <= sse.p99BudgetMs ? 'within' : '**over**'} the ${sse.p99BudgetMs} ms budget).`,
  ].join('\n');
}

/**
 * The live delivery section of docs/benchmarks.md.
 * @param {SseResult | null} result
 */
export function sseSection(result) {
  if (!result) return '';
  return `
## Live delivery

Measured in the same run, on the same bench database (\`tests/bench/sse.mjs\`). The harness seeds
one client person per stream, ${sse.people} to a conversation (project discussions), each with a session,
then holds one \`/events\` stream per person from one process (raw \`node:http\`) while it posts
messages into the conversations at ${result.rate} a second, spread over all of them; the first second of
posts warms the server up and is not counted. Latency runs from
the post's acknowledged commit to its arrival on each participant's stream (p50, p99, max; it can
be a little negative when the stream hears first), and "p99 from send" from just before the post
was sent, its commit included; "post" is the post's own round trip.

- **R0** (floor): bare \`node:http\` holding the same streams, and one LISTEN connection whose
  notices name their recipients; a notice costs one write per recipient stream. The harness posts
  with \`pg_notify\`.
- **R1**: the real front door (\`createApp\`, every middleware, the session cookie) and this process's
  \`RealtimeHub\`. The harness inserts each message as the superuser; the database's trigger writes
  the event row and NOTIFYs, and the hub asks \`realtime_audience\` once, then reads the event again
  as each connected participant (one transaction each) before writing it to their streams.

Memory per stream is the server's RSS growth from before the first stream to all of them open,
divided by the streams. The p99 budget is ${sse.p99BudgetMs} ms. \`BENCH_ONLY=R1\` runs this alone;
\`BENCH_SSE_STREAMS\` and \`BENCH_SSE_MESSAGES\` set the streams (default 5,000) and messages (200).

${sseTable(result)}
`;
}
