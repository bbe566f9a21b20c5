// `pnpm bench`: throughput floors of the request path, against real PostgreSQL, in one run.
// A benchmark, not a test: nothing here is picked up by vitest or Playwright, and `npm test`
// never runs it. Floors are listed in floors.mjs; docs/benchmarks.md says how it measures.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { files, filesDisturbed, filesSection, filesTable, runFiles } from './files.mjs';
import { floors, ratios } from './floors.mjs';
import { createBenchDatabase } from './lib/database.mjs';
import { expectOk, get } from './lib/http.mjs';
import { cpuWindow, defaultPinning, spawnServer } from './lib/processes.mjs';
import { atRateTable, BUSY_PERCENT, benchmarksDocument, ratiosTable, resultsTable } from './lib/report.mjs';
import { startCountingProxy } from './lib/statements.mjs';
import { ensureWrk, startLoad, wrkVersion } from './lib/wrk.mjs';
import { mailMeasures, mailSection, mailTable, runMailMeasures } from './mail.mjs';
import { runSearch, searchMeasure, searchSection, searchTable } from './search.mjs';
import { runSoak, soak, soakSection, soakTable } from './soak.mjs';
import { runSse, sse, sseSection, sseTable } from './sse.mjs';

/** @typedef {import('./floors.mjs').Floor} Floor */
/** @typedef {import('./lib/context.mjs').BenchContext} BenchContext */
/** @typedef {import('./lib/processes.mjs').Pinning} Pinning */
/** @typedef {import('./lib/processes.mjs').Target} Target */
/** @typedef {import('./lib/report.mjs').FloorResult} FloorResult */

const docPath = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));

/** @param {string} name @param {number} fallback @param {number} [least] */
function positiveNumber(name, fallback, least = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < least)
    throw new Error(`${name} must be an integer of at least ${least}, not "${raw}"`);
  return value;
}

function readSettings() {
  const quick = process.argv.includes('--quick') || ['1', 'true'].includes(process.env.BENCH_QUICK ?? '');
  const only = (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const unknown = only.filter(
    (id) =>
      !floors.some((f) => f.id === id) &&
      !mailMeasures.some((m) => m.id === id) &&
      id !== soak.id &&
      id !== files.id &&
      id !== sse.id &&
      id !== searchMeasure.id,
  );
  if (unknown.length > 0) throw new Error(`BENCH_ONLY names unknown floors: ${unknown.join(', ')}`);
  return {
    quick,
    only,
    seconds: positiveNumber('BENCH_SECONDS', quick ? 2 : 10),
    // S1 (0: none), in windows of 10 s (2 s in a quick run).
    soakSeconds: positiveNumber('BENCH_SOAK', quick ? 6 : 60, 0),
    soakWindow: quick ? 2 : 10,
    warmup: positiveNumber('BENCH_WARMUP', quick ? 1 : 3),
    connections: positiveNumber('BENCH_CONNECTIONS', 32),
    rows: positiveNumber('BENCH_ROWS', 100_000),
    poolSize: positiveNumber('BENCH_POOL', 10),
    countRequests: quick ? 50 : 200,
    emails: positiveNumber('BENCH_EMAILS', quick ? 500 : 2000),
    // R1's streams (0: none) and the messages posted to them, 20 a second.
    sseStreams: positiveNumber('BENCH_SSE_STREAMS', quick ? 500 : 5000, 0),
    sseMessages: positiveNumber('BENCH_SSE_MESSAGES', quick ? 40 : 200),
    // U1's file, in MiB (0: none).
    fileMiB: positiveNumber('BENCH_FILE_MIB', quick ? 64 : 1024, 0),
    // Q1's tenants (0: none) and messages in all, and the searches timed after a warm-up.
    searchTenants: positiveNumber('BENCH_SEARCH_TENANTS', quick ? 1000 : 10_000, 0),
    searchMessages: positiveNumber('BENCH_SEARCH_MESSAGES', quick ? 100_000 : 1_000_000),
    searches: positiveNumber('BENCH_SEARCHES', quick ? 200 : 2000),
    searchWarmup: positiveNumber('BENCH_SEARCH_WARMUP', quick ? 50 : 200),
    serverUrl: process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    // A quick or partial run is a check of the harness, not figures worth keeping; BENCH_DOC=1
    // keeps the figures of a full run even when other work disturbed it, and those of a run of
    // sections that stand alone in the document (U1) in their own sections only.
    writeDoc: writeDocMode(quick, only),
  };
}

/**
 * Measures whose section of docs/benchmarks.md stands alone (no table shared with others), so a
 * run of only them can replace their section and leave the rest as it is.
 */
const standaloneSections = [files.id, searchMeasure.id];

/** @param {boolean} quick @param {string[]} only */
function writeDocMode(quick, only) {
  const doc = process.env.BENCH_DOC;
  if (quick || doc === '0') return 'never';
  if (only.length > 0) {
    return doc === '1' && only.every((id) => standaloneSections.includes(id)) ? 'sections' : 'never';
  }
  return doc === '1' ? 'always' : 'when-quiet';
}

/** @typedef {ReturnType<typeof readSettings>} Settings */

/** @returns {Promise<(url: string) => Promise<void>>} */
async function loadMigrate() {
  try {
    const db = await import('@foyer/db');
    return db.migratePostgresDatabase;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot load the built @foyer/db (${reason}). Run \`pnpm build\` first.`);
  }
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (/** @type {string} */ line) => process.stdout.write(`${line}\n`);

/**
 * What to stop when the run is interrupted, so no process or database is left behind.
 * @type {Set<() => Promise<void>>}
 */
const cleanups = new Set();

/**
 * Runs `work` with `cleanup` registered for an interrupt meanwhile.
 * @template T
 * @param {() => Promise<void>} cleanup
 * @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
async function stopOnInterrupt(cleanup, work) {
  cleanups.add(cleanup);
  try {
    return await work();
  } finally {
    cleanups.delete(cleanup);
  }
}
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, async () => {
    say(`\n${signal}: stopping servers and dropping the bench database…`);
    for (const cleanup of [...cleanups].reverse()) await cleanup().catch(() => {});
    process.exit(130);
  });
}

/**
 * Starts a floor's server with the helpers floors.mjs describes.
 * @param {Floor} floor @param {BenchContext} ctx @param {Pinning} pinning
 * @returns {Promise<Target>}
 */
async function startFloor(floor, ctx, pinning) {
  if (!floor.start) throw new Error(`${floor.id} has no start()`);
  /** @type {Target[]} */
  const spawned = [];
  // Every process a start() spawned is stopped with its target, or at once if start() fails.
  const stopAll = async () => {
    for (const target of spawned) await target.stop();
    cleanups.delete(stopAll);
  };
  cleanups.add(stopAll);
  try {
    const target = await floor.start({
      ctx,
      spawn: async (script, options = {}) => {
        const target = await spawnServer(script, ctx, { pinning, ...options });
        spawned.push(target);
        return target;
      },
    });
    return {
      ...target,
      stop: async () => {
        await target.stop();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Statements and round trips per request, through a counting proxy on a separate instance of the
 * server. Each is null when the connection could not be read (TLS).
 * @param {Floor} floor @param {BenchContext} ctx @param {Pinning} pinning @param {Settings} settings
 */
async function countStatements(floor, ctx, pinning, settings) {
  const proxy = await startCountingProxy(ctx.loginUrl);
  const routed = { ...ctx, loginUrl: proxy.route(ctx.loginUrl), superuserUrl: proxy.route(ctx.superuserUrl) };
  const target = await startFloor(floor, routed, pinning).catch(async (error) => {
    await proxy.close();
    throw error;
  });
  try {
    // Concurrent first, so the pool has opened its connections, fetched types and prepared its
    // statements before anything is counted.
    const opening = Array.from({ length: settings.countRequests }, () => get(target));
    for (const { status } of await Promise.all(opening)) {
      if (status < 200 || status > 299) throw new Error(`statement-count pass: answered ${status}`);
    }
    const before = { statements: proxy.statements(), roundTrips: proxy.roundTrips() };
    for (let i = 0; i < settings.countRequests; i++) await expectOk(target);
    const perRequest = (/** @type {number | null} */ from, /** @type {number | null} */ to) =>
      from === null || to === null ? null : (to - from) / settings.countRequests;
    return {
      statements: perRequest(before.statements, proxy.statements()),
      roundTrips: perRequest(before.roundTrips, proxy.roundTrips()),
    };
  } finally {
    await target.stop();
    await proxy.close();
  }
}

/**
 * Warm-up, then the measured run with CPU accounted over its middle (where every process is
 * running and connections are open).
 * @param {Target} target @param {Pinning} pinning @param {Settings} settings
 */
async function measure(target, pinning, settings) {
  const load = { connections: settings.connections, pinning };
  const warmup = startLoad(target, { ...load, seconds: settings.warmup });
  const warm = await stopOnInterrupt(warmup.stop, () => warmup.result);
  if (warm.errors > 0) throw new Error(`errors during warm-up: ${warm.errorDetail}`);

  const run = startLoad(target, { ...load, seconds: settings.seconds });
  return stopOnInterrupt(run.stop, async () => {
    const margin = Math.min(500, (settings.seconds * 1000) / 4);
    await sleep(margin);
    const closeWindow = cpuWindow({ server: target.pid, load: run.pid });
    await sleep(settings.seconds * 1000 - 2 * margin);
    const cpu = closeWindow();
    return { load: await run.result, cpu };
  });
}

/**
 * The same server at a fixed request rate (a fraction of its peak): warm-up at that rate, then
 * the measured run, whose p99 is what a floor's `atRate` judges.
 * @param {Target} target @param {Pinning} pinning @param {Settings} settings @param {number} rate
 */
async function measureAtRate(target, pinning, settings, rate) {
  const load = { connections: settings.connections, pinning, rate };
  const warmup = startLoad(target, { ...load, seconds: settings.warmup });
  await stopOnInterrupt(warmup.stop, () => warmup.result);
  const run = startLoad(target, { ...load, seconds: settings.seconds });
  return { rate, load: await stopOnInterrupt(run.stop, () => run.result) };
}

/**
 * @param {Floor} floor @param {BenchContext} ctx @param {Pinning} pinning @param {Settings} settings
 * @returns {Promise<FloorResult>}
 */
async function runFloor(floor, ctx, pinning, settings) {
  if (settings.only.length > 0 && !settings.only.includes(floor.id)) {
    return { floor, status: 'skipped', note: 'not in BENCH_ONLY' };
  }
  if (floor.pending || !floor.start) return { floor, status: 'pending' };
  /** @type {number | null | undefined} */
  let statements;
  /** @type {number | null | undefined} */
  let roundTrips;
  try {
    if (floor.database) ({ statements, roundTrips } = await countStatements(floor, ctx, pinning, settings));
    const target = await startFloor(floor, ctx, pinning);
    try {
      await expectOk(target);
      const { load, cpu } = await measure(target, pinning, settings);
      if (load.errors > 0)
        return { floor, status: 'failed', load, cpu, statements, roundTrips, note: load.errorDetail };
      if (!floor.atRate) return { floor, status: 'measured', load, cpu, statements, roundTrips };
      const atRate = await measureAtRate(target, pinning, settings, load.rps * floor.atRate.fraction);
      if (atRate.load.errors > 0) {
        const note = `at ${Math.round(atRate.rate)} req/s: ${atRate.load.errorDetail}`;
        return { floor, status: 'failed', load, cpu, statements, roundTrips, atRate, note };
      }
      return { floor, status: 'measured', load, cpu, statements, roundTrips, atRate };
    } finally {
      await target.stop();
    }
  } catch (error) {
    const note = error instanceof Error ? error.message : String(error);
    return { floor, status: 'failed', statements, roundTrips, note };
  }
}

/**
 * S1: W0's server held under load for BENCH_SOAK seconds. Runs in a full run, or when BENCH_ONLY
 * names it; null when skipped.
 * @param {BenchContext} ctx @param {Pinning} pinning @param {Settings} settings
 * @returns {Promise<import('./soak.mjs').SoakResult | null>}
 */
async function runSoakMeasure(ctx, pinning, settings) {
  if (settings.soakSeconds === 0) return null;
  if (settings.only.length > 0 && !settings.only.includes(soak.id)) return null;
  const floor = floors.find((f) => f.id === soak.floor);
  if (!floor) throw new Error(`${soak.id} soaks ${soak.floor}, which floors.mjs lacks`);
  const seconds = settings.soakSeconds;
  try {
    const target = await startFloor(floor, ctx, pinning);
    try {
      await expectOk(target);
      const { warmup, connections, soakWindow: window } = settings;
      const options = { target, pinning, seconds, window, warmup, connections, startLoad, cpuWindow };
      return await runSoak(options);
    } finally {
      await target.stop();
    }
  } catch (error) {
    const note = error instanceof Error ? error.message : String(error);
    return { status: 'failed', seconds, window: settings.soakWindow, rps: [], note };
  }
}

function cpuModel() {
  const line = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('model name'));
  return line?.split(':')[1]?.trim().replace(/\s+/g, ' ') ?? 'unknown CPU';
}

/**
 * Replaces the section that starts with `heading` in `text` (up to the next \`## \` heading) with
 * `section`, or puts it before the notes when the document has none yet.
 * @param {string} text @param {string} heading @param {string} section
 */
function replaceSection(text, heading, section) {
  const start = text.indexOf(`\n${heading}\n`);
  if (start === -1) {
    const notes = text.indexOf('\n## Notes');
    return notes === -1 ? text + section : text.slice(0, notes) + section + text.slice(notes);
  }
  const next = text.indexOf('\n## ', start + 1);
  return text.slice(0, start) + section + (next === -1 ? '' : text.slice(next));
}

/** Hand-written notes at the end of the existing document survive a regeneration. */
function keptNotes() {
  if (!existsSync(docPath)) return '';
  const text = readFileSync(docPath, 'utf8');
  const at = text.indexOf('\n## Notes');
  return at === -1 ? '' : text.slice(at);
}

async function main() {
  const started = performance.now();
  const settings = readSettings();
  const migrate = await loadMigrate();
  ensureWrk();
  const pinning = defaultPinning();
  if (pinning.server === null)
    say('⚠ fewer than 2 cores or no taskset: running unpinned, figures are not comparable');

  say(`Creating and seeding a bench database with ${settings.rows.toLocaleString('en-US')} rows…`);
  const database = await createBenchDatabase({ serverUrl: settings.serverUrl, rows: settings.rows, migrate });
  say(`  ${database.name} ready in ${database.seedSeconds.toFixed(1)} s`);

  /** @type {FloorResult[]} */
  const results = [];
  /** @type {import('./mail.mjs').MailResult[]} */
  let mail = [];
  /** @type {import('./soak.mjs').SoakResult | null} */
  let soakResult = null;
  /** @type {import('./files.mjs').FilesResult | null} */
  let filesResult = null;
  /** @type {import('./sse.mjs').SseResult | null} */
  let sseResult = null;
  /** @type {import('./search.mjs').SearchBenchResult | null} */
  let searchResult = null;
  await stopOnInterrupt(database.drop, async () => {
    try {
      const ctx = { ...database.context, poolSize: settings.poolSize };
      for (const floor of floors) {
        const result = await runFloor(floor, ctx, pinning, settings);
        results.push(result);
        const { load } = result;
        const figures = load
          ? `: ${Math.round(load.rps)} req/s, p50 ${load.p50Ms.toFixed(2)} ms, p99 ${load.p99Ms.toFixed(2)} ms`
          : '';
        say(`  ${floor.id} ${result.status}${figures}${result.note ? ` (${result.note})` : ''}`);
        if (result.atRate) {
          const { rate, load: paced } = result.atRate;
          say(
            `  ${floor.id} at ${Math.round(rate)} req/s: ${Math.round(paced.rps)} req/s, p50 ${paced.p50Ms.toFixed(2)} ms, p99 ${paced.p99Ms.toFixed(2)} ms`,
          );
        }
      }
      soakResult = await runSoakMeasure(ctx, pinning, settings);
      if (soakResult) {
        const { status, rps, ratio, note } = soakResult;
        const figures = rps.map((r) => Math.round(r)).join(', ');
        const summary = ratio === undefined ? '' : `: ${figures} req/s, last/first ${ratio.toFixed(2)}`;
        say(`  ${soak.id} ${status}${summary}${note ? ` (${note})` : ''}`);
      }
      const { seconds, warmup, emails, only } = settings;
      mail = await runMailMeasures({ ctx, pinning, seconds, warmup, emails, only });
      for (const m of mail) {
        const value = m.value === undefined ? '' : `: ${m.value.toFixed(1)} ${m.measure.unit}`;
        say(`  ${m.measure.id} ${m.status}${value}${m.note ? ` (${m.note})` : ''}`);
      }
      if (settings.sseStreams > 0 && (settings.only.length === 0 || settings.only.includes(sse.id))) {
        say(`  ${sse.id}: ${settings.sseStreams.toLocaleString('en-US')} live streams, floor then Foyer…`);
        const guard = (/** @type {() => Promise<void>} */ cleanup) => {
          cleanups.add(cleanup);
          return () => cleanups.delete(cleanup);
        };
        const { sseStreams: streams, sseMessages: messages } = settings;
        sseResult = await runSse({ ctx, pinning, streams, messages, rate: 20, say, guard });
        say(`  ${sse.id} ${sseResult.status}${sseResult.note ? ` (${sseResult.note})` : ''}`);
      }
      if (settings.fileMiB > 0 && (settings.only.length === 0 || settings.only.includes(files.id))) {
        say(`  ${files.id}: a ${settings.fileMiB} MiB file up and down, floor, local directory, S3…`);
        const guard = (/** @type {() => Promise<void>} */ cleanup) => {
          cleanups.add(cleanup);
          return () => cleanups.delete(cleanup);
        };
        filesResult = await runFiles({ ctx, pinning, bytes: settings.fileMiB * 1024 * 1024, say, guard });
        say(`  ${files.id} ${filesResult.status}${filesResult.note ? ` (${filesResult.note})` : ''}`);
      }
      // Last: its seed adds 10,000 tenants to the bench database the others share.
      if (
        settings.searchTenants > 0 &&
        (settings.only.length === 0 || settings.only.includes(searchMeasure.id))
      ) {
        const { searchTenants: tenants, searchMessages: messages, searches, searchWarmup: warmup } = settings;
        say(
          `  ${searchMeasure.id}: seeding ${tenants.toLocaleString('en-US')} tenants, ${messages.toLocaleString('en-US')} messages, then ${searches} searches…`,
        );
        searchResult = await runSearch({ ctx, tenants, messages, searches, warmup, say });
        const { status, verb, note } = searchResult;
        const figures = verb ? `: p50 ${verb.p50Ms.toFixed(1)} ms, p99 ${verb.p99Ms.toFixed(1)} ms` : '';
        say(`  ${searchMeasure.id} ${status}${figures}${note ? ` (${note})` : ''}`);
      }
    } finally {
      await database.drop();
    }
  });

  // Assigned inside the callback above, which TypeScript's narrowing does not follow.
  const soaked = /** @type {import('./soak.mjs').SoakResult | null} */ (soakResult);
  const filed = /** @type {import('./files.mjs').FilesResult | null} */ (filesResult);
  const streamed = /** @type {import('./sse.mjs').SseResult | null} */ (sseResult);
  const searched = /** @type {import('./search.mjs').SearchBenchResult | null} */ (searchResult);

  const facts = {
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    cpus: spawnSync('nproc', { encoding: 'utf8' }).stdout.trim(),
    cpuModel: cpuModel(),
    node: process.version,
    postgres: database.serverVersion,
    wrk: wrkVersion(),
    kernel: release(),
    pinning:
      pinning.server === null
        ? 'none (unpinned)'
        : `wrk on core ${pinning.load}, server on core ${pinning.server}`,
    seconds: settings.seconds,
    warmup: settings.warmup,
    connections: settings.connections,
    rows: settings.rows,
    poolSize: settings.poolSize,
    countRequests: settings.countRequests,
    totalSeconds: (performance.now() - started) / 1000,
  };
  const soakLines = soaked ? `${soakTable(soaked)}\n\n` : '';
  const fileLines = filed ? `\n${filesTable(filed)}\n` : '';
  const sseLines = streamed ? `\n${sseTable(streamed)}\n` : '';
  const searchLines = searched ? `\n${searchTable(searched)}\n` : '';
  say(
    `\n${resultsTable(results)}\n\n${ratiosTable(results, ratios)}\n\n${atRateTable(results)}\n\n${soakLines}${mailTable(mail)}\n${sseLines}${fileLines}${searchLines}`,
  );

  const failed = [
    ...results.filter((r) => r.status === 'failed').map((r) => r.floor),
    ...mail.filter((m) => m.status === 'failed').map((m) => m.measure),
    ...(soaked?.status === 'failed' ? [soak] : []),
    ...(filed?.status === 'failed' ? [files] : []),
    ...(streamed?.status === 'failed' ? [sse] : []),
    ...(searched?.status === 'failed' ? [searchMeasure] : []),
  ];
  const disturbed = [
    ...results.filter((r) => r.cpu && r.cpu.other > BUSY_PERCENT).map((r) => r.floor),
    ...mail.filter((m) => m.cpu && m.cpu.other > BUSY_PERCENT).map((m) => m.measure),
    ...(soaked?.cpu && soaked.cpu.other > BUSY_PERCENT ? [soak] : []),
    ...(filed && filesDisturbed(filed) ? [files] : []),
  ];
  if (failed.length > 0) {
    say(`✖ ${failed.map((f) => f.id).join(', ')} failed; ${docPath} left as it was.`);
    process.exitCode = 1;
  } else if (settings.writeDoc === 'when-quiet' && disturbed.length > 0) {
    say(
      `Not writing ${docPath}: other work disturbed ${disturbed.map((f) => f.id).join(', ')}. ` +
        'Rerun on an idle machine, or set BENCH_DOC=1 to keep these figures anyway.',
    );
  } else if (settings.writeDoc === 'sections') {
    if (!existsSync(docPath)) throw new Error(`${docPath} is missing: a full run writes it first`);
    let text = readFileSync(docPath, 'utf8');
    if (filed) text = replaceSection(text, '## Files', filesSection(filed));
    if (searched) text = replaceSection(text, '## Q1 — search', searchSection(searched));
    writeFileSync(docPath, text);
    say(
      `Rewrote the ${settings.only.join(', ')} section(s) of ${docPath} (run took ${Math.round(facts.totalSeconds)} s).`,
    );
  } else if (settings.writeDoc !== 'never') {
    writeFileSync(
      docPath,
      benchmarksDocument({ facts, results, ratios }) +
        soakSection(soaked) +
        mailSection(mail, settings.emails) +
        sseSection(streamed) +
        filesSection(filed) +
        searchSection(searched) +
        keptNotes(),
    );
    say(`Wrote ${docPath} (run took ${Math.round(facts.totalSeconds)} s).`);
  } else {
    say(
      `Not writing ${docPath}: quick, partial or BENCH_DOC=0 run (took ${Math.round(facts.totalSeconds)} s).`,
    );
  }
}

main().then(
  // Exit explicitly: a floor that leaves a handle open must not keep the run from ending.
  () => process.exit(),
  (error) => {
    process.stderr.write(`\n✖ ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
