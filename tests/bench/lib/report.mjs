// The report: one Markdown table for stdout, the same inside docs/benchmarks.md with the machine
// and the method around it.

/** @typedef {import('../floors.mjs').Floor} Floor */
/** @typedef {import('../floors.mjs').Ratio} Ratio */
/** @typedef {import('./wrk.mjs').LoadResult} LoadResult */
/** @typedef {import('./processes.mjs').CpuShare} CpuShare */

/**
 * @typedef {object} FloorResult
 * @property {Floor} floor
 * @property {'measured' | 'pending' | 'failed' | 'skipped'} status
 * @property {LoadResult} [load]
 * @property {CpuShare} [cpu]
 * @property {number | null} [statements]  measured per request; null when it could not be counted
 * @property {number | null} [roundTrips]  measured per request; null when they could not be counted
 * @property {{ rate: number, load: LoadResult }} [atRate]  the run paced at a fraction of the peak
 * @property {string} [note]
 */

/**
 * @typedef {object} RunFacts
 * @property {string} date
 * @property {string} cpus  `nproc`
 * @property {string} cpuModel
 * @property {string} node
 * @property {string} postgres
 * @property {string} wrk
 * @property {string} kernel
 * @property {string} pinning
 * @property {number} seconds
 * @property {number} warmup
 * @property {number} connections
 * @property {number} rows
 * @property {number} poolSize
 * @property {number} countRequests
 * @property {number} totalSeconds
 */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ms = (/** @type {number} */ value) => (value < 10 ? value.toFixed(2) : value.toFixed(1));

/**
 * A measured count against what the floor expects by construction.
 * @param {FloorResult} result
 * @param {number | null | undefined} measured
 * @param {number | undefined} expected
 */
function countCell(result, measured, expected) {
  if (result.status === 'pending') return expected === undefined ? '' : `${expected} (planned)`;
  if (measured === undefined || measured === null) {
    if (expected !== undefined) return `${expected} (by construction)`;
    return measured === null ? 'not countable' : '?';
  }
  const shown = Number.isInteger(measured) ? String(measured) : measured.toFixed(2);
  return expected === undefined || expected === measured ? shown : `${shown} (expected ${expected})`;
}

/** @param {FloorResult} result */
function statementsCell(result) {
  if (!result.floor.database) return '–';
  const statements = countCell(result, result.statements, result.floor.statements);
  const roundTrips = countCell(result, result.roundTrips, result.floor.roundTrips);
  return `${statements} · ${roundTrips}`;
}

/** Above this share of a core going to unrelated processes, a floor's figures are suspect. */
export const BUSY_PERCENT = 20;

/** @param {FloorResult[]} results */
export function resultsTable(results) {
  const lines = [
    '| floor | what | req/s | p50 ms | p99 ms | statements · round trips / request | CPU % node · postgres · wrk · other |',
    '|---|---|---:|---:|---:|---:|---|',
  ];
  for (const result of results) {
    const { floor, load, cpu } = result;
    if (!load) {
      const why =
        result.status === 'pending' ? `not yet: ${floor.pending}` : `${result.status}: ${result.note}`;
      lines.push(`| ${floor.id} | ${floor.what} | ${why} | | | ${statementsCell(result)} | |`);
      continue;
    }
    const flag = result.status === 'failed' ? ` ⚠ ${result.note}` : '';
    const busy = cpu && cpu.other > BUSY_PERCENT ? ' ⚠' : '';
    const share = cpu ? `${cpu.server} · ${cpu.postgres} · ${cpu.load} · ${cpu.other}${busy}` : '';
    lines.push(
      `| ${floor.id} | ${floor.what}${flag} | ${integer.format(load.rps)} | ${ms(load.p50Ms)} | ${ms(load.p99Ms)} | ${statementsCell(result)} | ${share} |`,
    );
  }
  if (results.some((r) => r.cpu && r.cpu.other > BUSY_PERCENT)) {
    lines.push(
      '',
      `⚠ More than ${BUSY_PERCENT}% of a core went to other processes while this floor was measured: its figures are low; rerun on an idle machine.`,
    );
  }
  return lines.join('\n');
}

/**
 * @param {FloorResult[]} results
 * @param {Ratio[]} ratios
 */
export function ratiosTable(results, ratios) {
  /** @param {string} id */
  const rps = (id) => {
    const result = results.find((r) => r.floor.id === id);
    return result?.status === 'measured' ? result.load?.rps : undefined;
  };
  const lines = ['| ratio | value | target | verdict | what it shows |', '|---|---:|---:|---|---|'];
  for (const ratio of ratios) {
    const over = rps(ratio.over);
    const under = rps(ratio.under);
    const value = over !== undefined && under !== undefined ? over / under : undefined;
    const target = ratio.target === null ? '–' : `≥ ${ratio.target}`;
    const verdict =
      value === undefined
        ? 'n/a'
        : ratio.target === null
          ? '–'
          : value >= ratio.target
            ? 'met'
            : '**missed**';
    const shown = value === undefined ? 'n/a' : value.toFixed(2);
    lines.push(`| ${ratio.over}/${ratio.under} | ${shown} | ${target} | ${verdict} | ${ratio.means} |`);
  }
  return lines.join('\n');
}

/**
 * Floors measured again at a fixed fraction of their peak rate, with the p99 each must keep.
 * @param {FloorResult[]} results
 */
export function atRateTable(results) {
  const lines = [
    '| floor | paced at | achieved req/s | p50 ms | p99 ms | p99 target | verdict |',
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const { floor, atRate, status } of results) {
    if (!floor.atRate) continue;
    const { fraction, p99Ms } = floor.atRate;
    if (!atRate) {
      lines.push(
        `| ${floor.id} | ${Math.round(fraction * 100)}% of peak | ${status} | | | ≤ ${p99Ms} | n/a |`,
      );
      continue;
    }
    const { rate, load } = atRate;
    const verdict = load.p99Ms <= p99Ms ? 'met' : '**missed**';
    lines.push(
      `| ${floor.id} | ${integer.format(rate)} req/s (${Math.round(fraction * 100)}% of peak) | ${integer.format(load.rps)} | ${ms(load.p50Ms)} | ${ms(load.p99Ms)} | ≤ ${p99Ms} | ${verdict} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The whole docs/benchmarks.md. The prose lives here so the file is always regenerated whole
 * and never drifts from what the harness does.
 * @param {{ facts: RunFacts, results: FloorResult[], ratios: Ratio[] }} report
 */
export function benchmarksDocument({ facts, results, ratios }) {
  return `# Benchmarks

Generated by \`pnpm bench\` (\`tests/bench/\`): edit the harness, not this file, except for the
"Notes" section at the end, which a run keeps as it is. The benchmark measures how
many requests per second each layer of a request leaves, from a bare \`node:http\` server down to
a read through the whole stack, so a change that makes a layer slower shows up as a ratio.

## How to run

\`\`\`sh
pnpm build          # the harness imports the built @foyer/db
pnpm bench          # about ${Math.ceil(facts.totalSeconds / 10) * 10} s; prints the tables and rewrites this file
BENCH_QUICK=1 pnpm bench                 # 1 s warm-up + 2 s per floor, to check the harness; writes nothing
BENCH_ONLY=F3,F4 BENCH_SECONDS=20 pnpm bench   # a subset, longer; writes nothing
BENCH_ONLY=S1 BENCH_SOAK=120 pnpm bench        # only the soak of W0, for two minutes
\`\`\`

It needs \`wrk\` (installed with apt-get when run as root), \`taskset\`, and a PostgreSQL superuser at
\`TEST_DATABASE_URL\` (default \`postgres://postgres@127.0.0.1:5432/postgres\`). Other settings:
\`BENCH_SECONDS\` (measured, default 10), \`BENCH_WARMUP\` (default 3), \`BENCH_CONNECTIONS\`
(default 32), \`BENCH_ROWS\` (default 100000), \`BENCH_POOL\` (postgres.js \`max\`, default 10),
\`BENCH_SOAK\` (seconds of the W0 soak, default 60, 0 to skip),
\`BENCH_DOC=0\` (do not rewrite this file). This file is rewritten only by a full run in which
every measured floor succeeded and no more than ${BUSY_PERCENT}% of a core went to other processes
while any floor was measured (the "other" CPU column; \`BENCH_DOC=1\` writes anyway). Run it on an
otherwise idle machine: a concurrent type-check or test run halves the figures.

## Method

- A fresh database \`foyer_bench_<time>_<random>\` on \`TEST_DATABASE_URL\`, migrated with
  \`migratePostgresDatabase\` like production, seeded as superuser with one tenant and
  ${integer.format(facts.rows)} rows in \`app.clients\` (primary key \`(tenant_id, id)\`); F3 reads
  \`bench.clients\`, a plain copy (same rows and indexes, no RLS) on which \`foyer_login\` has
  \`SELECT\`. Each request reads one uniformly random row by primary key. Dropped at the end.
- Every database floor connects as \`foyer_login\` (not as a superuser), through postgres.js with a
  pool of ${facts.poolSize}. F4 switches to \`foyer_team\` and sets \`app.tenant_id\`, \`app.user_id\`
  and \`app.role\` with \`set_config(…, true)\` in one statement, then reads \`app.clients\` under its
  tenant-wall policy; the statements go through \`sql.begin(tx => [context, read])\`, so BEGIN,
  the pipelined pair and COMMIT are three round trips. W0 and F5 go through \`@foyer/db\`
  (\`openPostgres\`, drizzle, \`withActor\` or \`withSession\`), which writes BEGIN, the context
  statement and the work's first query together on a reserved connection.
- Each server runs in its own Node process (\`NODE_ENV=production\`) pinned with
  \`taskset -c 1\`; the load generator is \`wrk -t1 -c${facts.connections}\` pinned with \`taskset -c 0\`;
  PostgreSQL is not pinned and takes time from both cores, as it would on a small host.
  Pinning here: ${facts.pinning}.
- Per floor: one check request (must answer 2xx), ${facts.warmup} s of warm-up load (discarded), then
  ${facts.seconds} s measured. Requests/s is wrk's count over its duration; p50/p99 are wrk's
  latency percentiles (closed loop: ${facts.connections} connections, each waiting for its answer).
  Any socket error, timeout or non-2xx answer marks the floor failed.
- A floor with a latency target (W1) is then run again at a fixed rate, a fraction of the peak it
  just reached: \`wrk\` with \`lib/wrk-rate.lua\`, whose \`delay()\` hands each connection the next
  free slot of a schedule of one request every 1/rate s. Warm-up at that rate, then the measured
  window; its p99 is judged against the target.
- CPU % is the CPU time each party used during the middle of the measured window, as a
  percentage of one core (the machine has ${facts.cpus}, so the four add up to at most ${Number(facts.cpus) * 100}):
  the server process, all \`postgres\` processes, wrk, and everything else on the machine.
- Statements and round trips per request are counted, not assumed: before the timed run, a second
  instance of the same server connects through a small proxy that counts the Execute and Query
  protocol messages it sends, and how often a connection speaks again after PostgreSQL answered it
  (statements written together count as one round trip); after ${facts.countRequests} concurrent requests
  that open the pool (connections, type lookups, prepared statements), ${facts.countRequests} sequential
  requests are counted and divided. Work
  a server caches (such as host → tenant, 10 s) shows up as its share per request. (pg_stat_statements would give the same from the server side, but it has to be
  preloaded, and the shared test cluster does not load it.)

## Results

${facts.date} · \`nproc\` ${facts.cpus} (${facts.cpuModel}) · Node ${facts.node} · PostgreSQL ${facts.postgres} ·
${facts.wrk} · Linux ${facts.kernel} · ${facts.seconds} s measured after ${facts.warmup} s warm-up, ${facts.connections} connections ·
whole run ${Math.round(facts.totalSeconds)} s

${resultsTable(results)}

${ratiosTable(results, ratios)}

${atRateTable(results)}
`;
}
