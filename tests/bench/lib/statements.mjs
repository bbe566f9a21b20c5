// Statements per request, measured rather than assumed: a separate instance of the server under
// test connects through a small TCP proxy that counts the Execute and Query messages the driver
// sends (one per statement in postgres.js, drizzle included), and the round trips: how often a
// connection speaks again after PostgreSQL has answered it (statements written together, as a
// pipelined transaction writes them, are one). The proxy is never in the timed run.
// pg_stat_statements would count statements from the server side, but it must be preloaded, which
// the shared test cluster is not.
import { createConnection, createServer } from 'node:net';

const EXECUTE = 0x45; // 'E', extended protocol
const QUERY = 0x51; // 'Q', simple protocol
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/**
 * @typedef {object} CountingProxy
 * @property {(url: string) => string} route  the same connection string, through the proxy
 * @property {() => number | null} statements  so far; null once a connection could not be read
 * @property {() => number | null} roundTrips  so far; null once a connection could not be read
 * @property {() => Promise<void>} close
 */

/**
 * @param {string} databaseUrl any URL of the PostgreSQL server to forward to
 * @returns {Promise<CountingProxy>}
 */
export async function startCountingProxy(databaseUrl) {
  const upstream = new URL(databaseUrl);
  const host = upstream.hostname || '127.0.0.1';
  const port = Number(upstream.port || 5432);
  let statements = 0;
  let roundTrips = 0;
  let readable = true;
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();

  const server = createServer((client) => {
    const backend = createConnection({ host, port });
    sockets.add(client).add(backend);
    const forget = () => {
      client.destroy();
      backend.destroy();
      sockets.delete(client);
      sockets.delete(backend);
    };
    client.on('close', forget).on('error', forget);
    backend.on('close', forget).on('error', forget);
    client.setNoDelay(true);
    backend.setNoDelay(true);
    // Whether PostgreSQL has answered since this connection last spoke.
    let answered = true;
    backend.on('data', (chunk) => {
      answered = true;
      client.write(chunk);
    });

    // Frontend messages: the first (startup) has no type byte; every later one is
    // type(1) + length(4, including itself) + body.
    let startup = true;
    let header = Buffer.alloc(0);
    let skip = 0;
    client.on('data', (chunk) => {
      backend.write(chunk);
      if (answered) roundTrips++;
      answered = false;
      let at = 0;
      while (at < chunk.length) {
        if (skip > 0) {
          const n = Math.min(skip, chunk.length - at);
          skip -= n;
          at += n;
          continue;
        }
        const need = startup ? 8 : 5;
        const take = Math.min(need - header.length, chunk.length - at);
        header = Buffer.concat([header, chunk.subarray(at, at + take)]);
        at += take;
        if (header.length < need) break;
        if (startup) {
          const code = header.readInt32BE(4);
          // After an encryption request the bytes are TLS: nothing more can be counted.
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) readable = false;
          skip = header.readInt32BE(0) - 8;
          startup = false;
        } else {
          if (header[0] === EXECUTE || header[0] === QUERY) statements++;
          skip = header.readInt32BE(1) - 4;
        }
        header = Buffer.alloc(0);
      }
    });
  });

  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no TCP address');

  return {
    route(url) {
      const routed = new URL(url);
      routed.hostname = '127.0.0.1';
      routed.port = String(address.port);
      return routed.toString();
    },
    statements: () => (readable ? statements : null),
    roundTrips: () => (readable ? roundTrips : null),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
