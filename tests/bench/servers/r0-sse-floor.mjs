// R0: the floor of live delivery on this machine: bare node:http holding server-sent event
// streams, and a LISTEN connection whose notices name their recipients, so a notice costs one
// write per recipient stream and nothing else (no session, no audience, no reads as the person).
import { createServer } from 'node:http';
import postgres from 'postgres';
import { announce, benchContext, listenOnLoopback, onStop } from '../lib/serve.mjs';

/** The channel the harness notifies; its payload is `{ users, event, thread, message }`. */
const channel = process.env.BENCH_SSE_CHANNEL;
if (!channel) throw new Error('BENCH_SSE_CHANNEL is not set: start this through the harness (bench.mjs)');

const ctx = benchContext();
/** @type {Map<string, Set<import('node:http').ServerResponse>>} */
const streams = new Map();

const server = createServer((request, response) => {
  const user = String(request.headers['x-bench-user'] ?? '');
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  response.write('retry: 3000\n\n');
  let held = streams.get(user);
  if (!held) {
    held = new Set();
    streams.set(user, held);
  }
  held.add(response);
  response.once('close', () => {
    held.delete(response);
    if (held.size === 0) streams.delete(user);
  });
});

const sql = postgres(ctx.loginUrl, { max: 1, onnotice: () => {} });
await sql.listen(channel, (payload) => {
  const notice = JSON.parse(payload);
  const frame = `id: ${notice.event}\nevent: message.posted\ndata: ${JSON.stringify({ thread: notice.thread, message: notice.message })}\n\n`;
  for (const user of notice.users) for (const response of streams.get(user) ?? []) response.write(frame);
});

announce({ url: await listenOnLoopback(server) });
onStop(async () => {
  server.closeAllConnections();
  server.close();
  await sql.end({ timeout: 1 });
});
