// U1's floor: what one Node process on this machine does with the bytes of a file and nothing
// else. PUT reads the body and discards it (the upload floor); GET /?bytes=N writes N generated
// bytes (the download floor), the same bytes the harness uploads.
import { createServer } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { generatedStream } from '../lib/bytes.mjs';
import { announce, listenOnLoopback, onStop, reportFailure } from '../lib/serve.mjs';

const server = createServer((request, response) => {
  if (request.method === 'PUT') {
    let received = 0;
    request.on('data', (/** @type {Buffer} */ chunk) => {
      received += chunk.length;
    });
    request.on('end', () => response.writeHead(204, { 'x-received-bytes': String(received) }).end());
    return;
  }
  const bytes = Number(new URL(request.url ?? '/', 'http://floor').searchParams.get('bytes'));
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    response.writeHead(400).end('bytes must be a whole number');
    return;
  }
  response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes) });
  pipeline(generatedStream(bytes), response).catch(reportFailure);
});

announce({ url: await listenOnLoopback(server) });
onStop(async () => server.close());
