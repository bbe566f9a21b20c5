// The child side of the harness: every server under test runs in its own process (pinned to its
// own core by the parent), reads its context from the environment and announces its address on
// stdout. See floors.mjs for how a floor is added.
import { readContext } from './context.mjs';

export { randomClientKey } from './context.mjs';

/** The first stdout line that starts with this marker carries `{ url, headers? }`. */
export const READY_MARKER = 'BENCH_READY ';

export function benchContext() {
  return readContext(process.env);
}

/**
 * Listens on an ephemeral loopback port (so floors never collide) and returns the base URL.
 * @param {import('node:net').Server} server
 */
export async function listenOnLoopback(server) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * Tells the parent where to send load. `headers` are sent with every request (a Host naming the
 * tenant, a session cookie): the load generator cannot log in by itself.
 * @param {{ url: string, headers?: Record<string, string> }} target
 */
export function announce(target) {
  process.stdout.write(`${READY_MARKER}${JSON.stringify(target)}\n`);
}

/**
 * Runs `close` when the parent stops this server, so pools end their PostgreSQL sessions cleanly
 * instead of leaving backends for DROP DATABASE to kill.
 * @param {() => Promise<unknown>} close
 */
export function onStop(close) {
  process.once('SIGTERM', () => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

let reported = 0;

/**
 * Logs a failed request. Only the first few: the load generator already counts every non-2xx
 * answer, and a line per failure at thousands per second would be what gets measured.
 */
export function reportFailure(/** @type {unknown} */ error) {
  if (reported++ >= 5) return;
  process.stderr.write(`bench server: ${error instanceof Error ? error.message : String(error)}\n`);
}

/**
 * A node:http request handler that answers every request with the JSON of what `read()` gives,
 * or 500 when it fails (reported through reportFailure).
 * @param {() => Promise<unknown>} read
 * @returns {import('node:http').RequestListener}
 */
export function jsonHandler(read) {
  return (_request, response) => {
    read()
      .then((body) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      })
      .catch((error) => {
        reportFailure(error);
        response.writeHead(500).end();
      });
  };
}
