// Starting servers under test in their own processes, and reading where CPU time went.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { contextEnvironment } from './context.mjs';
import { READY_MARKER } from './serve.mjs';

/** @typedef {import('./context.mjs').BenchContext} BenchContext */

/**
 * @typedef {object} Target  a running server under test
 * @property {string} url  where the load goes (path included)
 * @property {Record<string, string>} headers  sent with every request
 * @property {number} pid
 * @property {() => Promise<void>} stop
 */

/**
 * @typedef {object} Pinning  which core each side gets; null means unpinned
 * @property {string | null} load
 * @property {string | null} server
 */

/** wrk on core 0, the server on core 1; PostgreSQL is left to the scheduler on both. */
export function defaultPinning() {
  const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!hasTaskset || availableParallelism() < 2) return { load: null, server: null };
  return { load: '0', server: '1' };
}

/**
 * `command args…` under `taskset -c core` when a core is given. taskset execs the command, so the
 * child's pid is the command's own (what /proc accounting and kill() need).
 * @param {string | null} core
 * @param {string} command
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
export function pinned(core, command, args) {
  return core === null ? [command, args] : ['taskset', ['-c', core, command, ...args]];
}

/**
 * Starts `script` (relative to tests/bench/) in its own Node process and waits for it to announce
 * its address. Every floor that runs a server goes through here.
 * @param {string} script
 * @param {BenchContext} ctx
 * @param {{ pinning: Pinning, env?: Record<string, string>, path?: string }} options
 * @returns {Promise<Target>}
 */
export function spawnServer(script, ctx, { pinning, env = {}, path = '/' }) {
  const file = fileURLToPath(new URL(`../${script}`, import.meta.url));
  // BENCH_NODE_ARGS reaches only the servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see
  // where their time goes (Node refuses --cpu-prof in NODE_OPTIONS).
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
    let buffered = '';
    const onData = (/** @type {Buffer} */ chunk) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((l) => l.startsWith(READY_MARKER));
      if (!line) return;
      child.stdout.off('data', onData);
      // Keep draining: a server that logs a line per request must never block on a full pipe.
      child.stdout.resume();
      clearTimeout(timeout);
      /** @type {{ url: string, headers?: Record<string, string> }} */
      const ready = JSON.parse(line.slice(READY_MARKER.length));
      const pid = child.pid;
      if (pid === undefined) return reject(new Error(`${script}: no pid`));
      resolve({ url: new URL(path, ready.url).toString(), headers: ready.headers ?? {}, pid, stop });
    };
    const timeout = setTimeout(() => {
      stop().finally(() => reject(new Error(`${script} did not announce itself within 30 s`)));
    }, 30_000);
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timeout);
      reject(new Error(`${script} exited before it was ready (${signal ?? `code ${code}`})`));
    });
  });
}

/** Clock ticks per second for /proc/<pid>/stat; 100 on every Linux this runs on, but ask. */
const ticksPerSecond = (() => {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(result.stdout?.trim()) || 100;
})();

/** utime + stime of a process in seconds, or 0 once it is gone. */
export function processSeconds(/** @type {number | string} */ pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** Every PostgreSQL process on the machine (the postmaster, backends, background workers). */
function postgresSeconds() {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += processSeconds(entry);
    } catch {
      // The process ended between readdir and read.
    }
  }
  return total;
}

/** Busy seconds of all cores together, from the first line of /proc/stat. */
export function machineSeconds() {
  const [, ...values] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = values.map(Number);
  return (user + nice + system + irq + softirq + steal) / ticksPerSecond;
}

/**
 * @typedef {object} CpuShare  CPU used during a window, in % of one core
 * @property {number} server
 * @property {number} postgres
 * @property {number} load  the load generator
 * @property {number} other  everything else on the machine (other work skews the figures)
 */

/**
 * Starts a CPU-accounting window over the server, the load generator and PostgreSQL; the
 * returned function closes it. Both processes must still be running when it does.
 * @param {{ server: number, load: number }} pids
 * @returns {() => CpuShare}
 */
export function cpuWindow(pids) {
  const started = performance.now();
  const before = { server: processSeconds(pids.server), load: processSeconds(pids.load) };
  const postgres = postgresSeconds();
  const machine = machineSeconds();
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const used = {
      server: processSeconds(pids.server) - before.server,
      load: processSeconds(pids.load) - before.load,
      postgres: postgresSeconds() - postgres,
    };
    const other = machineSeconds() - machine - used.server - used.load - used.postgres;
    const percent = (/** @type {number} */ s) => Math.max(0, Math.round((100 * s) / seconds));
    return {
      server: percent(used.server),
      postgres: percent(used.postgres),
      load: percent(used.load),
      other: percent(other),
    };
  };
}
