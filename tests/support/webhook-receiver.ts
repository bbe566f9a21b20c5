import { createServer } from 'node:http';
import type { RawNotification } from '@foyer/billing/gateways';

/** A local endpoint that keeps every notification a gateway's fake delivers to it, raw. */
export interface WebhookReceiver {
  url: string;
  received: RawNotification[];
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 at `path` and answers every delivery 200 (with `reply` as JSON, or an
 * empty body), keeping its raw body and headers for the test to verify as a route would.
 */
export async function startWebhookReceiver(
  path: string,
  reply: object | null = null,
): Promise<WebhookReceiver> {
  const received: RawNotification[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers });
      if (reply) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      else response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
