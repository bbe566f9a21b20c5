import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/**
 * The real server (`foyer start` from apps/server/dist) in a process of its own, for tests of
 * several nodes on one database. Each runs in its own process group, which `stop` ends alone.
 * Reads the build: run `pnpm build` first.
 */

const cli = fileURLToPath(new URL('../../apps/server/dist/cli.js', import.meta.url));

export interface ServerProcess {
  port: number;
  /** Output so far, for a failure's message. */
  output(): string;
  stop(): Promise<void>;
}

/** A free loopback port, as the kernel hands one out. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Polls `/healthz` until it answers, or fails after `timeoutMs`. */
async function waitForHealth(port: number, child: ChildProcess, timeoutMs: number, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`the server did not answer within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts a node against an existing, migrated database as `foyer_login` (no migrations, no demo
 * agencies, no worker), sharing `secretKey` with its siblings as every node of a deployment must.
 */
export async function startServerProcess(options: {
  loginUrl: string;
  secretKey: string;
  platformDomain: string;
}): Promise<ServerProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATABASE_LOGIN_URL: options.loginUrl,
    FOYER_SECRET_KEY: options.secretKey,
    FOYER_WORKER: '0',
    FOYER_DATA_DIR: `/tmp/foyer-node-${randomBytes(6).toString('hex')}`,
    PLATFORM_DOMAIN: options.platformDomain,
    PUBLIC_PORT: '80',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  const child = spawn(process.execPath, [cli, 'start'], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const output = () => text;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    process.kill(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }, 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForHealth(port, child, 30_000, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, output, stop };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: ReadableStream<Uint8Array>;
  /** Ends the request (for a stream left open). */
  abort(): void;
}

/**
 * A request to a node with the Host header a browser would send for a tenant's site (fetch does
 * not let a caller set Host). The body streams as it comes.
 */
export function hostRequest(
  port: number,
  host: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host, ...options.headers },
      },
      (res) => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>,
          abort: () => req.destroy(),
        });
      },
    );
    req.once('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** The whole body of an answer, as text. */
export async function textOf(answer: HttpAnswer): Promise<string> {
  return new Response(answer.body).text();
}
