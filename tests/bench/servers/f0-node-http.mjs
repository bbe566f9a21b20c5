// F0: the ceiling of this machine for one Node process: node:http answering "ok".
import { createServer } from 'node:http';
import { announce, listenOnLoopback, onStop } from '../lib/serve.mjs';

const server = createServer((_request, response) => {
  // The same headers Hono's c.text() sends, so F1/F0 compares frameworks, not header sizes.
  response.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' });
  response.end('ok');
});

announce({ url: await listenOnLoopback(server) });
onStop(async () => server.close());
