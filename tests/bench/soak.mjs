// S1: W0 held under load for a minute. A server that slows down as it ages (postgres.js's queue
// kept a hole per query in a busy pool, docs/benchmarks.md) shows it here and nowhere else: each
// floor measures a process only seconds old.
import { BUSY_PERCENT } from './lib/report.mjs';

/** @typedef {import('./lib/processes.mjs').CpuShare} CpuShare */
/** @typedef {import('./lib/processes.mjs').Pinning} Pinning */
/** @typedef {import('./lib/processes.mjs').Target} Target */
/** @typedef {import('./lib/wrk.mjs').LoadResult} LoadResult */

export const soak = {
  id: 'S1',
  floor: 'W0',
  /** The last window must keep at least this share of the first window's throughput. */
  target: 0.9,
};

/**
 * @typedef {object} SoakResult
 * @property {'measured' | 'failed' | 'skipped'} status
 * @property {number} seconds  of load in all
 * @property {number} window  seconds per window
 * @property {number[]} rps  per window, in order
 * @property {number} [ratio]  last window over first
 * @property {CpuShare} [cpu]  over the whole soak
 * @property {string} [note]
 */

/**
 * Back-to-back wrk runs of `window` seconds against one server process, `seconds` in all, after
 * the usual warm-up: consecutive windows of one minute of a process's life. CPU is accounted over
 * the middle of each window; the result keeps the mean shares, and the largest "other" share
 * (what decides whether the run was disturbed).
 * @param {{
 *   target: Target,
 *   pinning: Pinning,
 *   seconds: number,
 *   window: number,
 *   warmup: number,
 *   connections: number,
 *   startLoad: typeof import('./lib/wrk.mjs').startLoad,
 *   cpuWindow: typeof import('./lib/processes.mjs').cpuWindow,
 * }} options
 * @returns {Promise<SoakResult>}
 */
export async function runSoak({
  target,
  pinning,
  seconds,
  window,
  warmup,
  connections,
  startLoad,
  cpuWindow,
}) {
  const load = { connections, pinning };
  const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const warm = await startLoad(target, { ...load, seconds: warmup }).result;
  if (warm.errors > 0) return { status: 'failed', seconds, window, rps: [], note: warm.errorDetail };
  const windows = Math.max(2, Math.round(seconds / window));
  const margin = Math.min(500, (window * 1000) / 4);
  /** @type {number[]} */
  const rps = [];
  /** @type {CpuShare[]} */
  const shares = [];
  for (let i = 0; i < windows; i++) {
    const run = startLoad(target, { ...load, seconds: window });
    await sleep(margin);
    const close = cpuWindow({ server: target.pid, load: run.pid });
    await sleep(window * 1000 - 2 * margin);
    shares.push(close());
    /** @type {LoadResult} */
    const result = await run.result;
    if (result.errors > 0) return { status: 'failed', seconds, window, rps, note: result.errorDetail };
    rps.push(result.rps);
  }
  const mean = (/** @type {(c: CpuShare) => number} */ pick) =>
    Math.round(shares.reduce((sum, c) => sum + pick(c), 0) / shares.length);
  const cpu = {
    server: mean((c) => c.server),
    postgres: mean((c) => c.postgres),
    load: mean((c) => c.load),
    other: Math.max(...shares.map((c) => c.other)),
  };
  const first = rps[0] ?? 0;
  const last = rps[rps.length - 1] ?? 0;
  return { status: 'measured', seconds: windows * window, window, rps, ratio: last / first, cpu };
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** @param {SoakResult | null} result */
export function soakTable(result) {
  if (!result) return '';
  if (result.status !== 'measured') {
    return `${soak.id} (${soak.floor} held for ${result.seconds} s) ${result.status}${result.note ? `: ${result.note}` : ''}`;
  }
  const header = result.rps.map((_, i) => `${i * result.window}–${(i + 1) * result.window} s`);
  const ratio = result.ratio ?? 0;
  const verdict = ratio >= soak.target ? 'met' : '**missed**';
  const cpu = result.cpu;
  const busy = cpu && cpu.other > BUSY_PERCENT ? ' ⚠' : '';
  return [
    `| ${header.join(' | ')} | last/first | target | verdict | CPU % node · postgres · wrk · other |`,
    `|${header.map(() => '---:').join('|')}|---:|---:|---|---|`,
    `| ${result.rps.map((r) => integer.format(r)).join(' | ')} | ${ratio.toFixed(2)} | ≥ ${soak.target} | ${verdict} | ${cpu ? `${cpu.server} · ${cpu.postgres} · ${cpu.load} · ${cpu.other}${busy}` : ''} |`,
  ].join('\n');
}

/** @param {SoakResult | null} result */
export function soakSection(result) {
  if (!result) return '';
  return `
## Soak

**${soak.id}**: ${soak.floor} (the full stack, \`GET /api/v1/me\`) under the same load for ${result.seconds} s after the
warm-up, one server process throughout, measured in consecutive ${result.window} s windows (back-to-back
wrk runs). A server that slows down as it ages shows here: the last window must keep at least
${soak.target} of the first one's throughput. \`BENCH_SOAK\` sets the length (0 skips it); \`BENCH_ONLY=${soak.id}\`
runs it alone.

${soakTable(result)}
`;
}
