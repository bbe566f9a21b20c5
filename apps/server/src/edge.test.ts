import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../tests/support/databases';
import { createApp } from './app';
import { DEFAULT_BODY_LIMIT, UPLOAD_BODY_LIMITS } from './body-limit';
import { loadConfig } from './env';
import { createLogger } from './log';
import type { PageRenderer } from './web';

/**
 * The request edge over a real socket: bodies capped while they stream in (declared or chunked),
 * and what no page of ours sends (NUL bytes, text/plain, broken multipart, bad JSON) refused
 * before any page or route runs. The database is only the platform host's, so one driver will do.
 */

const MiB = 1024 * 1024;
const HOST = 'foyer.test';
const ORIGIN = `http://${HOST}`;

describe('the request edge', () => {
  let t: TestDatabase;
  let port = 0;
  let close: () => Promise<void>;
  /** Bodies the page renderer received, by path: refused requests must never appear here. */
  const rendered: { path: string; bytes: number }[] = [];

  const pages: PageRenderer = {
    async respond(request) {
      const bytes = request.body ? (await request.arrayBuffer()).byteLength : 0;
      rendered.push({ path: new URL(request.url).pathname, bytes });
      return new Response('rendered', { status: 200 });
    },
  };

  beforeAll(async () => {
    t = await openTestDatabase('pglite');
    const app = createApp({
      config: loadConfig({ PLATFORM_DOMAIN: HOST, PUBLIC_PORT: '80' }),
      db: t.handle,
      pages,
      log: createLogger('silent'),
    });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
    close = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
  });
  afterAll(async () => {
    await close();
    await t.close();
  });

  /** Sends a request with a body, returning status, headers and text. */
  function send(
    path: string,
    body: Uint8Array | string,
    headers: Record<string, string>,
    method = 'POST',
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path, method, headers: { host: HOST, origin: ORIGIN, ...headers } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * Streams `total` bytes of form body chunked (no Content-Length), or with a declared length,
   * over a raw socket; returns the status line and how many body bytes left before the answer.
   */
  function stream(
    total: number,
    options: { declareLength: boolean; path?: string },
  ): Promise<{ statusLine: string; sentBeforeAnswer: number; ms: number }> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      let answer = '';
      let sentBeforeAnswer = -1;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        socket.destroy();
        resolve({
          statusLine: answer.split('\r\n')[0] ?? '',
          sentBeforeAnswer,
          ms: performance.now() - started,
        });
      };
      socket.on('data', (data) => {
        if (sentBeforeAnswer < 0) sentBeforeAnswer = sent;
        answer += data.toString('latin1');
        if (answer.includes('\r\n\r\n')) finish();
      });
      socket.on('error', () => finish());
      socket.on('close', () => finish());
      setTimeout(() => (finished ? undefined : reject(new Error('no answer within 20 s'))), 20_000).unref();
      const head = [
        `POST ${options.path ?? '/login'} HTTP/1.1`,
        `Host: ${HOST}`,
        `Origin: ${ORIGIN}`,
        'Content-Type: application/x-www-form-urlencoded',
        options.declareLength ? `Content-Length: ${total}` : 'Transfer-Encoding: chunked',
        '',
        '',
      ].join('\r\n');
      socket.write(head);
      const pump = () => {
        while (!finished && sent < total && sentBeforeAnswer < 0) {
          const piece = options.declareLength
            ? chunk
            : Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
          sent += chunk.length;
          if (!socket.write(piece)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  }

  it('refuses a declared body over the limit at once, before reading it, and closes the connection', async () => {
    const before = rendered.length;
    const result = await stream(300 * MiB, { declareLength: true });
    expect(result.statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    // The answer came long before 300 MiB could have been sent, and the server hung up.
    expect(result.sentBeforeAnswer).toBeLessThan(32 * MiB);
    expect(result.ms).toBeLessThan(5_000);
    expect(rendered.length).toBe(before);
  });

  it('refuses a chunked body the moment it passes the limit, holding at most the limit', async () => {
    const before = rendered.length;
    const rss = process.memoryUsage().rss;
    const result = await stream(300 * MiB, { declareLength: false });
    expect(result.statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    expect(result.sentBeforeAnswer).toBeLessThan(32 * MiB);
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * MiB);
    expect(rendered.length).toBe(before);
  });

  it('answers 413 in the form the sender reads: a page, an action result, problem+json', async () => {
    const big = 'x='.padEnd(DEFAULT_BODY_LIMIT + 10, 'a');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const page = await send('/login', big, form);
    expect(page.status).toBe(413);
    expect(page.headers.connection).toBe('close');
    expect(page.text).toContain('Too large to accept');

    const action = await send('/login', big, { ...form, 'x-sveltekit-action': 'true' });
    expect(action.status).toBe(413);
    expect(JSON.parse(action.text)).toMatchObject({ type: 'error', status: 413 });

    const api = await send('/api/v1/me', big, { 'content-type': 'application/json' });
    expect(api.status).toBe(413);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(api.text)).toMatchObject({ status: 413 });
  });

  it('lets a body up to the limit through, and gives upload routes their own larger limit', async () => {
    const atLimit = 'x='.padEnd(DEFAULT_BODY_LIMIT, 'a');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await send('/login', atLimit, form)).status).toBe(200);
    expect(rendered.at(-1)).toEqual({ path: '/login', bytes: DEFAULT_BODY_LIMIT });

    const [uploadPath, uploadLimit] = [...UPLOAD_BODY_LIMITS][0] ?? ['', 0];
    const boundary = 'b0undary';
    const file = Buffer.alloc(2 * MiB, 0);
    const multipart = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="logo"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    expect(multipart.byteLength).toBeGreaterThan(DEFAULT_BODY_LIMIT);
    expect(multipart.byteLength).toBeLessThanOrEqual(uploadLimit);
    const upload = await send(`${uploadPath}?/logo`, multipart, {
      'content-type': `multipart/form-data; boundary=${boundary}`,
    });
    // A file may hold NUL bytes; only text fields are checked for them.
    expect(upload.status).toBe(200);
    expect(
      (await send('/login', multipart, { 'content-type': `multipart/form-data; boundary=${boundary}` }))
        .status,
    ).toBe(413);
  });

  it.each([
    [
      'a NUL byte in a urlencoded field',
      'application/x-www-form-urlencoded',
      'email=a%00b%40c.d&password=x',
      400,
    ],
    ['a control character in a field name', 'application/x-www-form-urlencoded', 'e%01mail=a', 400],
    [
      'a NUL byte in a multipart field',
      'multipart/form-data; boundary=zz',
      '--zz\r\nContent-Disposition: form-data; name="email"\r\n\r\na\u0000b@c.d\r\n--zz--\r\n',
      400,
    ],
    [
      'a NUL byte in an uploaded file name',
      'multipart/form-data; boundary=zz',
      '--zz\r\nContent-Disposition: form-data; name="logo"; filename="a\u0000.png"\r\n\r\nx\r\n--zz--\r\n',
      400,
    ],
    [
      'a multipart body cut short',
      'multipart/form-data; boundary=zz',
      '--zz\r\nContent-Disposition: form-data; name="email"\r\n\r\nabc',
      400,
    ],
    [
      'a multipart body without its boundary',
      'multipart/form-data',
      '--zz\r\nContent-Disposition: form-data; name="email"\r\n\r\nabc\r\n--zz--\r\n',
      400,
    ],
    ['a text/plain body', 'text/plain', 'email=a@b.c', 415],
    ['a JSON body', 'application/json', '{"email":"a@b.c"}', 415],
    ['no content type', '', 'email=a@b.c', 415],
  ])('refuses %s on a form action, before any page runs', async (_what, type, body, status) => {
    const before = rendered.length;
    for (const path of ['/login', '/signup', '/account?/name', '/admin/team?/role']) {
      const res = await send(path, body, type ? { 'content-type': type } : {});
      expect(res.status, path).toBe(status);
      expect(res.text, path).not.toContain('Something went wrong');
    }
    expect(rendered.length).toBe(before);
  });

  it('keeps tabs and newlines, which textareas send', async () => {
    const res = await send('/login', 'welcome=line%0D%0Anext%09tab', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(200);
  });

  it('refuses control characters in the query string on any method', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      httpRequest(
        { host: '127.0.0.1', port, path: '/admin/settings/email/log?before=%00', headers: { host: HOST } },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      )
        .on('error', reject)
        .end();
    });
    expect(res).toBe(400);
  });

  it('refuses JSON that does not parse or carries a NUL, with problem+json', async () => {
    for (const body of ['{"a":', '{"a":"b\\u0000c"}', '{"\\u0000":1}']) {
      const res = await send('/api/v1/me', body, { 'content-type': 'application/json' });
      expect(res.status, body).toBe(400);
      expect(res.headers['content-type'], body).toContain('application/problem+json');
    }
    const plain = await send('/api/v1/me', 'x', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
  });
});
