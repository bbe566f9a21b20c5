import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that watches what clients send, for tests that must show
 * how many statements and round trips a piece of database work costs (the bench's counting proxy,
 * tests/bench/lib/statements.mjs, counts statements the same way).
 */
export interface WireCounter {
  /** `url` with host and port replaced by the proxy's. */
  route(url: string): string;
  /** Execute and Query messages since the last reset: one per statement. */
  statements(): number;
  /** Times a client spoke again after the server had answered, since the last reset. */
  roundTrips(): number;
  reset(): void;
  close(): Promise<void>;
}

const EXECUTE = 0x45;
const QUERY = 0x51;

export async function startWireCounter(databaseUrl: string): Promise<WireCounter> {
  const upstream = new URL(databaseUrl);
  let statements = 0;
  let roundTrips = 0;
  const sockets = new Set<Socket>();

  const server = createServer((client) => {
    const backend = createConnection({ host: upstream.hostname, port: Number(upstream.port || 5432) });
    sockets.add(client).add(backend);
    const forget = () => {
      client.destroy();
      backend.destroy();
      sockets.delete(client);
      sockets.delete(backend);
    };
    client.on('close', forget).on('error', forget);
    backend.on('close', forget).on('error', forget);

    // Whether the server has answered since the client last spoke.
    let answered = true;
    backend.on('data', (chunk) => {
      answered = true;
      client.write(chunk);
    });

    // Frontend messages: the startup message has no type byte, every later one is
    // type (1) + length (4, counting itself) + body.
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

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the wire counter has no TCP address');

  return {
    route(url) {
      const routed = new URL(url);
      routed.hostname = '127.0.0.1';
      routed.port = String(address.port);
      return routed.toString();
    },
    statements: () => statements,
    roundTrips: () => roundTrips,
    reset() {
      statements = 0;
      roundTrips = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
