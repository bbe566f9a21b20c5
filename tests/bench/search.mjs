// Q1 for `pnpm bench`: search latency at scale (issue #18: p99 ≤ 50 ms over 1,000,000 messages in
// 10,000 tenants). The harness seeds the tenants with a few set-based SQL statements as the
// superuser, then calls the real `search` verb of @foyer/core in this process, one search at a
// time, for random tenants as their admin or their client, and times each call whole. Beside it,
// the floor: step 1 alone (`system.search.candidates`, the tenant's full-text indexes), for the
// same queries, so the ratio shows what reading the candidates as the person costs.
import { availableParallelism, cpus, loadavg, release } from 'node:os';
import { createCtx, SEARCH_CANDIDATES, search } from '@foyer/core';
import { openPostgres, searchKinds, system } from '@foyer/db';
import { createDeps, loadConfig } from '@foyer/server';
import postgres from 'postgres';

/** @typedef {import('./lib/context.mjs').BenchContext} BenchContext */

export const searchMeasure = {
  id: 'Q1',
  /** The whole verb's latency every search should stay within, at the 99th percentile. */
  p99BudgetMs: 50,
  /** Words in the bodies' vocabulary; their frequencies fall as 1/rank (Zipf). */
  vocabulary: 4000,
};

/** Per tenant: project discussions, internal chats, tasks (each with its comment thread), files. */
const PROJECT_THREADS = 6;
const INTERNAL_THREADS = 2;
const TASKS = 3;
const FILES = 2;
/** Connections inserting the messages at once, one a core. */
const MESSAGE_WRITERS = Math.max(1, Math.min(4, availableParallelism()));

/** Row keys: a prefix per kind and the tenant's number (times 16, plus the row's own) in hex. */
const PREFIX = {
  tenant: 'c1000000-0000-4000-8000-',
  admin: 'c1000000-0000-4000-8001-',
  client: 'c1000000-0000-4000-8002-',
  company: 'c1000000-0000-4000-8003-',
  project: 'c1000000-0000-4000-8004-',
  status: 'c1000000-0000-4000-8005-',
  task: 'c1000000-0000-4000-8006-',
  thread: 'c1000000-0000-4000-8007-',
  file: 'c1000000-0000-4000-8008-',
};
/** @param {keyof typeof PREFIX} kind @param {number} n */
const key = (kind, n) => PREFIX[kind] + n.toString(16).padStart(12, '0');
/** @param {keyof typeof PREFIX} kind @param {string} n an integer SQL expression */
const keySql = (kind, n) => `('${PREFIX[kind]}' || lpad(to_hex(${n}), 12, '0'))::uuid`;

/**
 * The vocabulary's word of rank `k` (1-based): three consonant-vowel syllables, distinct for
 * every rank below 4,900. `wordSql` computes the same in SQL, so the seed needs no word list.
 * @param {number} k
 */
export function word(k) {
  const syllable = (/** @type {number} */ x) =>
    'bdfgklmnprstvz'.charAt(x % 14) + 'aeiou'.charAt(Math.floor(x / 14));
  return syllable(k % 70) + syllable(Math.floor(k / 70) % 70) + syllable((k * 37 + 11) % 70);
}
const syllableSql = (/** @type {string} */ x) =>
  `substr('bdfgklmnprstvz', (${x}) % 14 + 1, 1) || substr('aeiou', (${x}) / 14 + 1, 1)`;
const WORD_FUNCTION = `
  create or replace function bench.q1_word(k integer) returns text language sql immutable parallel safe
  as $$ select ${syllableSql('k % 70')} || ${syllableSql('(k / 70) % 70')} || ${syllableSql('(k * 37 + 11) % 70')} $$`;
/** A word drawn with probability ∝ 1/rank: rank 1 in about one draw of 8, rank 4,000 in one of 33,000. */
const zipfWordSql = `bench.q1_word(floor(exp(random() * ln(${searchMeasure.vocabulary} + 1)))::integer)`;
/** `count` Zipf words (count an SQL expression that must name a column of the row, so it is drawn per row). */
const wordsSql = (/** @type {string} */ count) =>
  `(select string_agg(${zipfWordSql}, ' ') from generate_series(1, ${count}))`;

/**
 * @typedef {object} SearchSeed
 * @property {number} tenants
 * @property {number} messages  in all
 * @property {number} perTenant  messages per tenant
 * @property {number} seconds  to seed, analyze included
 * @property {number} visibleShare  of the messages, the share a tenant's client may read
 * @property {string} postgres  the server's version and shared_buffers
 */

/**
 * Seeds `tenants` tenants into the bench database as the superuser: each with branding, a client
 * company, an admin and a client user (projects, messages, tasks.view), a project with the client
 * on it and the admin as its staff, project discussions (client and admin taking part), internal
 * chats, tasks with their comment threads, files, and `messages / tenants` messages. Message
 * triggers (the notifications and realtime events of a post) and those of thread participants are
 * disabled around the bulk insert, and each thread's last_message_at is then set as the trigger
 * would have; the messages' full-text index is built after the insert; then VACUUM ANALYZE.
 * @param {string} superuserUrl @param {{ tenants: number, messages: number }} size
 * @returns {Promise<SearchSeed>}
 */
export async function seedSearch(superuserUrl, { tenants, messages }) {
  const sql = postgres(superuserUrl, { max: MESSAGE_WRITERS, onnotice: () => {} });
  const started = performance.now();
  const perTenant = Math.max(1, Math.round(messages / tenants));
  const run = (/** @type {string} */ text, /** @type {unknown[]} */ params = []) =>
    // @ts-expect-error postgres.js types its parameters narrowly; these are numbers.
    sql.unsafe(text, params);
  try {
    await run('create schema if not exists bench');
    await run(WORD_FUNCTION);
    // One statement per table; `i` numbers the tenant.
    const each = `from generate_series(1, $1::integer) as i`;
    await run(
      `insert into platform.tenants (id, slug, name) select ${keySql('tenant', 'i')}, 'q1-' || i, 'Agency ' || i ${each}`,
      [tenants],
    );
    await run(
      `insert into app.branding (tenant_id, display_name) select ${keySql('tenant', 'i')}, 'Agency ' || i ${each}`,
      [tenants],
    );
    await run(
      `insert into app.clients (tenant_id, id, name) select ${keySql('tenant', 'i')}, ${keySql('company', 'i')}, 'Client company ' || i ${each}`,
      [tenants],
    );
    await run(
      `insert into app.users (tenant_id, id, email, name, role, client_id, permissions, email_verified_at)
       select ${keySql('tenant', 'i')}, ${keySql('admin', 'i')}, 'admin@q1-' || i || '.example', 'Admin ' || i,
              'admin', null, '{}'::text[], now() ${each}
       union all
       select ${keySql('tenant', 'i')}, ${keySql('client', 'i')}, 'client@q1-' || i || '.example', 'Client ' || i,
              'client', ${keySql('company', 'i')}, array['projects', 'messages', 'tasks.view'], now() ${each}`,
      [tenants],
    );
    await run(
      `insert into app.projects (tenant_id, id, client_id, name)
       select ${keySql('tenant', 'i')}, ${keySql('project', 'i')}, ${keySql('company', 'i')},
              'Project ' || bench.q1_word(1 + i % 500) ${each}`,
      [tenants],
    );
    await run(
      `insert into app.project_clients (tenant_id, project_id, user_id)
       select ${keySql('tenant', 'i')}, ${keySql('project', 'i')}, ${keySql('client', 'i')} ${each}`,
      [tenants],
    );
    await run(
      `insert into app.project_staff (tenant_id, project_id, user_id)
       select ${keySql('tenant', 'i')}, ${keySql('project', 'i')}, ${keySql('admin', 'i')} ${each}`,
      [tenants],
    );
    await run(
      `insert into app.task_statuses (tenant_id, id, name, kind, position)
       select ${keySql('tenant', 'i')}, ${keySql('status', 'i')}, 'To do', 'todo', 0 ${each}`,
      [tenants],
    );
    // Tasks 1..TASKS-1 are the client's to see; the last is internal.
    await run(
      `insert into app.tasks (tenant_id, id, project_id, status_id, title, description, client_visible, position, created_by)
       select ${keySql('tenant', 'i')}, ${keySql('task', 'i * 16 + k')}, ${keySql('project', 'i')}, ${keySql('status', 'i')},
              initcap(${wordsSql('2 + (i + k) % 3')}), ${wordsSql('8 + (i * k) % 10')}, k < ${TASKS}, k,
              ${keySql('admin', 'i')}
       ${each}, generate_series(1, ${TASKS}) as k`,
      [tenants],
    );
    // Threads j: 1..P project discussions, then internal chats, then the tasks' comment threads.
    const P = PROJECT_THREADS;
    const I = INTERNAL_THREADS;
    await run(
      `insert into app.threads (tenant_id, id, kind, project_id, task_id, title, created_by)
       select ${keySql('tenant', 'i')}, ${keySql('thread', 'i * 16 + j')},
              case when j <= ${P} then 'project' when j <= ${P + I} then 'internal' else 'task' end,
              case when j <= ${P} or j > ${P + I} then ${keySql('project', 'i')} end,
              case when j > ${P + I} then ${keySql('task', `i * 16 + j - ${P + I}`)} end,
              case when j <= ${P + I} then initcap(${wordsSql('2 + (i + j) % 3')}) end,
              ${keySql('admin', 'i')}
       ${each}, generate_series(1, ${P + I + TASKS}) as j`,
      [tenants],
    );
    await run('alter table app.thread_participants disable trigger user');
    await run(
      `insert into app.thread_participants (tenant_id, thread_id, user_id, shown_name)
       select ${keySql('tenant', 'i')}, ${keySql('thread', 'i * 16 + j')}, ${keySql('admin', 'i')}, 'Admin ' || i
       ${each}, generate_series(1, ${P + I}) as j
       union all
       select ${keySql('tenant', 'i')}, ${keySql('thread', 'i * 16 + j')}, ${keySql('client', 'i')}, 'Client ' || i
       ${each}, generate_series(1, ${P}) as j`,
      [tenants],
    );
    await run('alter table app.thread_participants enable trigger user');
    // Messages n of each tenant: six in ten in the project discussions (a third by the client,
    // one in twelve of the team's internal), two in ten in internal chats, two in ten comments on
    // the tasks (a third of them internal). 6 to 18 words each.
    await run('alter table app.messages disable trigger user');
    // The messages' full-text index is built once after the insert rather than kept row by row
    // (several times faster), from its own definition as the migrations made it.
    const [index] = await run(`select pg_get_indexdef('app.messages_search_idx'::regclass) as definition`);
    if (!index?.definition) throw new Error('app.messages_search_idx is missing');
    await run('drop index app.messages_search_idx');
    // Most of the seed's time: the tenants are split among connections that insert at once.
    const part = Math.ceil(tenants / MESSAGE_WRITERS);
    const writer = (/** @type {number} */ w) =>
      run(
        `insert into app.messages (tenant_id, thread_id, author_id, author_name, body, client_visible, created_at)
       select ${keySql('tenant', 'i')}, ${keySql('thread', 'i * 16 + j')}, author, author_name,
              ${wordsSql('6 + (n * 7 + i) % 13')}, visible, now() - random() * interval '365 days'
       from (
         select i, n,
                case when n % 10 < 6 then 1 + (n / 10) % ${P}
                     when n % 10 < 8 then ${P + 1} + (n / 10) % ${I}
                     else ${P + I + 1} + (n / 10) % ${TASKS} end as j,
                case when n % 10 < 6 and n % 3 = 0 then ${keySql('client', 'i')} else ${keySql('admin', 'i')} end as author,
                case when n % 10 < 6 and n % 3 = 0 then 'Client ' || i else 'Admin ' || i end as author_name,
                case when n % 10 < 6 then n % 3 = 0 or n % 12 <> 1
                     when n % 10 < 8 then false
                     else n % 3 <> 0 end as visible
         from generate_series($1::integer, $2::integer) as i, generate_series(1, $3::integer) as n
       ) as m`,
        [w * part + 1, Math.min(tenants, (w + 1) * part), perTenant],
      );
    await Promise.all(Array.from({ length: MESSAGE_WRITERS }, (_, w) => writer(w)));
    await sql.begin(async (tx) => {
      await tx.unsafe("set local maintenance_work_mem = '256MB'");
      await tx.unsafe(String(index.definition));
    });
    await run('alter table app.messages enable trigger user');
    await run(
      `update app.threads t set last_message_at = m.last
       from (select tenant_id, thread_id, max(created_at) as last from app.messages group by 1, 2) as m
       where t.tenant_id = m.tenant_id and t.id = m.thread_id`,
    );
    // Files: the first is the client's to see. Triggers on (storage usage) as in production.
    await run(
      `insert into app.files (tenant_id, id, project_id, name, content_type, size, sha256, object_key,
                              client_visible, uploaded_by, uploader_name)
       select ${keySql('tenant', 'i')}, ${keySql('file', 'i * 16 + k')}, ${keySql('project', 'i')},
              replace(${wordsSql('2 + (i + k) % 2')}, ' ', '-') || '.pdf', 'application/pdf', 1000 + i,
              repeat('b', 64), 'tenants/' || i || '/q1-' || k, k = 1, ${keySql('admin', 'i')}, 'Admin ' || i
       ${each}, generate_series(1, ${FILES}) as k`,
      [tenants],
    );
    await run(
      'vacuum analyze platform.tenants, app.users, app.projects, app.project_clients, app.project_staff',
    );
    await run('vacuum analyze app.threads, app.thread_participants, app.tasks, app.files, app.messages');
    const [share] = await run(
      `select avg(case when m.client_visible and (t.kind <> 'task' or k.client_visible) then 1.0 else 0 end)::float8 as share
       from app.messages m join app.threads t on t.tenant_id = m.tenant_id and t.id = m.thread_id
         left join app.tasks k on k.tenant_id = t.tenant_id and k.id = t.task_id`,
    );
    const [count] = await run('select count(*)::int as n from app.messages');
    const [server] = await run(
      "select current_setting('server_version') as version, current_setting('shared_buffers') as buffers",
    );
    return {
      tenants,
      messages: Number(count?.n ?? 0),
      perTenant,
      seconds: (performance.now() - started) / 1000,
      visibleShare: Number(share?.share ?? 0),
      postgres: `PostgreSQL ${server?.version} (shared_buffers ${server?.buffers})`,
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** A seeded linear congruential generator, so every run searches for the same things. */
function random(/** @type {number} */ seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/**
 * The kinds of query, by the rank of their words in the vocabulary: common words are in nearly
 * every tenant (dozens of hits each), medium ones in most, rare ones in few (mostly no hit).
 */
const QUERY_KINDS = /** @type {const} */ (['common', 'medium', 'rare', 'two words']);

/**
 * @typedef {object} Query
 * @property {(typeof QUERY_KINDS)[number]} kind
 * @property {string} q
 * @property {number} tenant  1..tenants
 * @property {'admin' | 'client'} as
 */

/**
 * `count` searches spread over random tenants, as their admin or their client: 35% common words,
 * 25% medium, 25% rare, 15% two words (a common and a medium one, both required).
 * @param {number} count @param {number} tenants @param {number} seed
 * @returns {Query[]}
 */
export function searchQueries(count, tenants, seed) {
  const next = random(seed);
  const between = (/** @type {number} */ low, /** @type {number} */ high) =>
    low + Math.floor(next() * (high - low + 1));
  return Array.from({ length: count }, (_, n) => {
    const slot = n % 20;
    /** @type {Query['kind']} */
    const kind = slot < 7 ? 'common' : slot < 12 ? 'medium' : slot < 17 ? 'rare' : 'two words';
    const q =
      kind === 'common'
        ? word(between(1, 10))
        : kind === 'medium'
          ? word(between(30, 300))
          : kind === 'rare'
            ? word(between(1000, searchMeasure.vocabulary))
            : `${word(between(1, 10))} ${word(between(30, 300))}`;
    return { kind, q, tenant: between(1, tenants), as: next() < 0.5 ? 'admin' : 'client' };
  });
}

/**
 * @typedef {object} Latencies
 * @property {number} count
 * @property {number} p50Ms
 * @property {number} p95Ms
 * @property {number} p99Ms
 * @property {number} maxMs
 * @property {number} meanHits  candidates (floor) or total hits (verb) per search
 */

/** @param {number[]} sorted @param {number} q */
const quantile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** @param {{ ms: number, hits: number }[]} samples @returns {Latencies} */
function latencies(samples) {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    count: samples.length,
    p50Ms: quantile(sorted, 0.5),
    p95Ms: quantile(sorted, 0.95),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    meanHits: samples.reduce((sum, s) => sum + s.hits, 0) / Math.max(1, samples.length),
  };
}

/**
 * @typedef {object} SearchBenchResult
 * @property {'measured' | 'failed'} status
 * @property {SearchSeed} [seed]
 * @property {number} searches  timed, after `warmup` that are not
 * @property {number} warmup
 * @property {Latencies} [verb]  the whole `search` verb
 * @property {Record<string, Latencies>} [byActor]  the verb, as admins and as clients
 * @property {Record<string, Latencies>} [byKind]  the verb, by kind of query
 * @property {Latencies} [floor]  step 1 alone: `system.search.candidates`
 * @property {number} [loadAverage]  the machine's 1-minute load average when the timing ended
 * @property {string} [machine]  when and where it ran, one line
 * @property {string} [note]
 */

/**
 * Seeds Q1's tenants into the bench database, then times `searches` searches through the verb and
 * the same searches' step 1 alone, each after `warmup` untimed ones; one at a time, in this
 * process, as `foyer_login` through `openPostgres` (the production door).
 * @param {{ ctx: BenchContext, tenants: number, messages: number, searches: number, warmup: number, say: (line: string) => void }} options
 * @returns {Promise<SearchBenchResult>}
 */
export async function runSearch({ ctx, tenants, messages, searches, warmup, say }) {
  try {
    const seed = await seedSearch(ctx.superuserUrl, { tenants, messages });
    say(
      `  Q1: seeded ${seed.tenants.toLocaleString('en-US')} tenants, ${seed.messages.toLocaleString('en-US')} messages in ${seed.seconds.toFixed(1)} s`,
    );
    const config = loadConfig({ PLATFORM_DOMAIN: 'localhost', LOG_LEVEL: 'silent' });
    const db = openPostgres({ url: ctx.loginUrl, max: ctx.poolSize });
    try {
      const deps = createDeps(config, db);
      /** @param {Query} query */
      const ctxOf = (query) => {
        const tenantId = key('tenant', query.tenant);
        const actor =
          query.as === 'admin'
            ? { kind: /** @type {const} */ ('admin'), tenantId, userId: key('admin', query.tenant) }
            : {
                kind: /** @type {const} */ ('client'),
                tenantId,
                userId: key('client', query.tenant),
                clientId: key('company', query.tenant),
              };
        return createCtx(deps, { actor, client: { ip: '198.18.0.1', userAgent: 'bench' } });
      };
      /** @param {Query} query */
      const viaVerb = async (query) => {
        const started = performance.now();
        const result = await search({ ctx: ctxOf(query), input: { q: query.q } });
        return { ms: performance.now() - started, hits: result.total };
      };
      /** @param {Query} query */
      const viaIndex = async (query) => {
        const started = performance.now();
        const found = await system.search.candidates(db, {
          tenantId: key('tenant', query.tenant),
          query: query.q,
          kinds: searchKinds,
          limit: SEARCH_CANDIDATES,
        });
        return { ms: performance.now() - started, hits: found.length };
      };
      const warm = searchQueries(warmup, seed.tenants, 7);
      const timed = searchQueries(searches, seed.tenants, 18);
      for (const query of warm) await viaVerb(query);
      /** @type {{ ms: number, hits: number, query: Query }[]} */
      const verbSamples = [];
      for (const query of timed) verbSamples.push({ ...(await viaVerb(query)), query });
      for (const query of warm) await viaIndex(query);
      const floorSamples = [];
      for (const query of timed) floorSamples.push(await viaIndex(query));
      const byActor = Object.fromEntries(
        ['admin', 'client'].map((as) => [as, latencies(verbSamples.filter((s) => s.query.as === as))]),
      );
      const byKind = Object.fromEntries(
        QUERY_KINDS.map((kind) => [kind, latencies(verbSamples.filter((s) => s.query.kind === kind))]),
      );
      return {
        status: 'measured',
        seed,
        searches,
        warmup,
        verb: latencies(verbSamples),
        byActor,
        byKind,
        floor: latencies(floorSamples),
        loadAverage: loadavg()[0],
        machine: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · \`nproc\` ${availableParallelism()} (${cpus()[0]?.model.replace(/\s+/g, ' ') ?? 'unknown CPU'}) · Node ${process.version} · ${seed.postgres} · Linux ${release()}`,
      };
    } finally {
      await db.close();
    }
  } catch (error) {
    const note = error instanceof Error ? error.message : String(error);
    return { status: 'failed', searches, warmup, note };
  }
}

const ms = (/** @type {number} */ value) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;

/** @param {SearchBenchResult} result */
export function searchTable(result) {
  const { verb, floor, byActor, byKind, seed } = result;
  if (result.status !== 'measured' || !verb || !floor || !byActor || !byKind || !seed)
    return `Q1 ${result.status}: ${result.note ?? ''}`;
  const row = (/** @type {string} */ what, /** @type {Latencies} */ l, hits = 'hits') =>
    `| ${what} | ${l.count.toLocaleString('en-US')} | ${ms(l.p50Ms)} | ${ms(l.p95Ms)} | ${ms(l.p99Ms)} | ${ms(l.maxMs)} | ${l.meanHits.toFixed(1)} ${hits} |`;
  const met = verb.p99Ms <= searchMeasure.p99BudgetMs;
  return [
    '| run | searches | p50 | p95 | p99 | max | mean found |',
    '|---|---:|---:|---:|---:|---:|---:|',
    row('**Q1 `search` verb, all**', verb),
    row('… as the tenant’s admin', byActor.admin ?? verb),
    row('… as the tenant’s client', byActor.client ?? verb),
    ...QUERY_KINDS.map((kind) => row(`… ${kind}`, byKind[kind] ?? verb)),
    row('floor: step 1 alone (`system.search.candidates`)', floor, 'candidates'),
    '',
    `Q1/floor: p50 ${(verb.p50Ms / floor.p50Ms).toFixed(1)}×, p99 ${(verb.p99Ms / floor.p99Ms).toFixed(1)}×. ` +
      `Target p99 ≤ ${searchMeasure.p99BudgetMs} ms: ${met ? 'met' : '**missed**'} (${ms(verb.p99Ms)}). ` +
      `Load average (1 min) at the end: ${result.loadAverage?.toFixed(2) ?? '?'}.`,
  ].join('\n');
}

/**
 * The search section of docs/benchmarks.md.
 * @param {SearchBenchResult | null} result
 */
export function searchSection(result) {
  if (!result) return '';
  const seed = result.seed;
  const size = seed
    ? `${seed.tenants.toLocaleString('en-US')} tenants and ${seed.messages.toLocaleString('en-US')} messages (${seed.perTenant} a tenant), seeded in ${seed.seconds.toFixed(0)} s; a tenant's client may read ${Math.round(seed.visibleShare * 100)}% of its messages`
    : 'nothing seeded';
  return `
## Q1 — search

Issue #18 asks for a search p99 within ${searchMeasure.p99BudgetMs} ms over 1,000,000 messages in 10,000 tenants.
Measured in the same run, on the same bench database (\`tests/bench/search.mjs\`): ${size}.

- **Seed**: set-based SQL as the superuser (\`insert … select … from generate_series\`), one
  statement per table. Each tenant has branding, a client company, an admin and a client user
  (permissions \`projects\`, \`messages\`, \`tasks.view\`), a project with the client on it and the
  admin as its staff, ${PROJECT_THREADS} project discussions (client and admin take part), ${INTERNAL_THREADS} internal chats,
  ${TASKS} tasks (${TASKS - 1} shared with the client) with their comment threads, and ${FILES} files (one shared). Of its
  messages, six in ten are in the discussions (a third by the client, one in twelve of the
  team's internal), two in ten in internal chats and two in ten are comments on the tasks (a third
  internal). Bodies are 6 to 18 words drawn from a vocabulary of ${searchMeasure.vocabulary.toLocaleString('en-US')} made-up words
  with Zipf frequencies (rank 1 in about one draw of 8), so the commonest words are in every
  tenant, dozens of times, and the rarest in a few tenants only. The \`search\` columns fill
  themselves. The message triggers (\`message_posted\`, \`realtime_publish\` and the client-comment
  notice) and the thread participants' realtime trigger are disabled
  (\`ALTER TABLE … DISABLE TRIGGER USER\`) around the bulk insert and enabled again; each thread's
  \`last_message_at\` is then set as \`message_posted\` would have. The messages' full-text index
  (\`messages_search_idx\`) is dropped before the insert and built again after it from its own
  definition (\`pg_get_indexdef\`), which is several times faster than keeping it row by row. Then
  \`VACUUM ANALYZE\`. The messages are inserted by ${MESSAGE_WRITERS} connection(s) at once (one a core, at most 4),
  each for its share of the tenants.
- **Measure**: in the harness's own process, \`createDeps\` on \`openPostgres\` as \`foyer_login\` (the
  production door, pool of the run's size), the real \`search({ ctx, input: { q } })\` of
  \`@foyer/core\`, timed whole, one search at a time. ${result.searches.toLocaleString('en-US')} searches (after ${result.warmup} untimed), each in a
  random tenant as its admin or its client (half each, so the pool's connections keep changing
  role), the same list every run: 35% one common word (vocabulary ranks 1–10), 25% one medium word
  (30–300), 25% one rare word (1,000–${searchMeasure.vocabulary.toLocaleString('en-US')}), 15% two words (a common and a medium one,
  both required). "Mean found" is the verb's \`total\` (hits the person may open).
- **Floor**: step 1 alone, \`system.search.candidates\` (the SECURITY DEFINER
  \`app_system.search_candidates\` over the tenant's \`(tenant_id, search)\` GIN indexes), for the
  same searches after the same warm-up; "mean found" is the candidates it returns. Q1/floor is the
  cost of reading the candidates as the person under RLS, with counts, facets, titles and snippets.

\`BENCH_ONLY=Q1\` runs this alone (\`BENCH_DOC=1\` then rewrites this section only);
\`BENCH_SEARCH_TENANTS\`, \`BENCH_SEARCH_MESSAGES\`, \`BENCH_SEARCHES\` and \`BENCH_SEARCH_WARMUP\` set the
tenants (default 10,000, 0: skip Q1), messages (1,000,000), timed searches (2,000) and warm-up
(200). The process is not pinned and no CPU window is taken: the load average printed below says
how busy the machine was.

${result.machine ?? ''}

${searchTable(result)}
`;
}
