// The load generator: wrk, a C program on its own core, so the client side costs little and
// never shares an event loop with the server it measures.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pinned } from './processes.mjs';

/** @typedef {import('./processes.mjs').Pinning} Pinning */

/**
 * @typedef {object} LoadResult
 * @property {number} requests
 * @property {number} seconds
 * @property {number} rps
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} maxMs
 * @property {number} errors  socket errors, timeouts and non-2xx/3xx answers together
 * @property {string} errorDetail
 */

const MARKER = 'BENCH_WRK ';

/** @type {Record<string, string>} */
const errorNames = {
  connect: 'connect errors',
  read: 'read errors',
  write: 'write errors',
  status: 'non-2xx/3xx answers',
  timeout: 'timeouts',
};
const script = fileURLToPath(new URL('./wrk.lua', import.meta.url));
/** The same summary, with requests paced to a fixed rate. */
const rateScript = fileURLToPath(new URL('./wrk-rate.lua', import.meta.url));

const found = (/** @type {string} */ command) =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/**
 * Machines are not kept between sessions, so the harness installs wrk itself where it can
 * (root with apt-get, as scripts/run.mjs does for Chromium) and says how otherwise.
 */
export function ensureWrk() {
  if (found('wrk')) return;
  if (process.getuid?.() === 0 && found('apt-get')) {
    process.stdout.write("Installing Debian's wrk (the load generator)…\n");
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    const install = spawnSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'inherit' });
    if (update.status === 0 && install.status === 0 && found('wrk')) return;
  }
  throw new Error('The benchmark needs wrk on the PATH. Install it with: sudo apt-get install -y wrk');
}

/** @returns {string} */
export function wrkVersion() {
  const result = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  return (
    (result.stdout || result.stderr)
      .split('\n')[0]
      ?.replace(/ Copyright.*/, '')
      .trim() ?? 'wrk'
  );
}

/**
 * Starts one wrk run. `pid` is there so the caller can account wrk's CPU while it runs. With
 * `rate`, requests are paced to that many per second across all connections (wrk-rate.lua);
 * without, every connection sends its next request as soon as the last is answered.
 * @param {{ url: string, headers: Record<string, string> }} target
 * @param {{ seconds: number, connections: number, pinning: Pinning, rate?: number }} options
 * @returns {{ pid: number, result: Promise<LoadResult>, stop: () => Promise<void> }}
 */
export function startLoad(target, { seconds, connections, pinning, rate }) {
  const headerArgs = Object.entries(target.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  // One thread: wrk gets one core, and a second thread would only contend for it.
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s'];
  const scriptArgs = rate === undefined ? ['-s', script] : ['-s', rateScript];
  const rateArgs = rate === undefined ? [] : ['--', rate.toFixed(1)];
  const [command, commandArgs] = pinned(pinning.load, 'wrk', [
    ...args,
    ...scriptArgs,
    ...headerArgs,
    target.url,
    ...rateArgs,
  ]);
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const result = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => {
      const line = output.split('\n').find((l) => l.startsWith(MARKER));
      if (!line) return reject(new Error(`wrk gave no summary:\n${output.trim()}`));
      /** @type {{ requests: number, durationUs: number, p50Us: number, p99Us: number, maxUs: number, errors: Record<string, number> }} */
      const raw = JSON.parse(line.slice(MARKER.length));
      const seconds = raw.durationUs / 1e6;
      const errors = Object.values(raw.errors).reduce((a, b) => a + b, 0);
      resolve({
        requests: raw.requests,
        seconds,
        rps: raw.requests / seconds,
        p50Ms: raw.p50Us / 1000,
        p99Ms: raw.p99Us / 1000,
        maxMs: raw.maxUs / 1000,
        errors,
        errorDetail: Object.entries(raw.errors)
          .filter(([, n]) => n > 0)
          .map(([kind, n]) => `${n} ${errorNames[kind] ?? kind}`)
          .join(', '),
      });
    });
  });
  if (child.pid === undefined) throw new Error('wrk did not start');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await result.catch(() => {});
  };
  return { pid: child.pid, result, stop };
}
