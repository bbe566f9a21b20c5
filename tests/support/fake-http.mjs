// The HTTP plumbing the gateway fakes (fake-stripe, fake-paypal, fake-2checkout) have in common:
// their server, their hosted pages' HTML and JSON answers, and the webhooks they send. What each
// gateway says, and how it signs, stays in its own fake.
import { createServer } from 'node:http';

/** @param {unknown} text */
export const escapeHtml = (text) =>
  String(text ?? '').replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * Answers with a hosted page: `title` is escaped here, `body` is HTML the caller escaped.
 * @param {import('node:http').ServerResponse} response @param {number} status
 * @param {string} title @param {string} body
 */
export function sendPage(response, status, title, body) {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  response.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
      `<body style="font-family:system-ui;max-width:32rem;margin:4rem auto">${body}</body></html>`,
  );
}

/**
 * @param {import('node:http').ServerResponse} response @param {number} status @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function sendJson(response, status, body, headers = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** A 303 to `location`, as a hosted page sends the browser back. */
export function seeOther(
  /** @type {import('node:http').ServerResponse} */ response,
  /** @type {string} */ location,
) {
  response.writeHead(303, { location });
  response.end();
}

/** @param {import('node:http').IncomingMessage} request */
async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * @typedef {(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse,
 *   url: URL, text: string) => unknown} Handler
 */

/**
 * Serves `handle` on 127.0.0.1 (`port` 0 picks a free one), each request's body read first.
 * A request that throws is answered by `failed` with the error's message, or cut off when the
 * answer had begun.
 * @param {{ port?: number, handle: Handler,
 *   failed: (response: import('node:http').ServerResponse, message: string) => void }} options
 */
export async function startFakeServer({ port = 0, handle, failed }) {
  let base = '';
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', base);
    readBody(request)
      .then((text) => handle(request, response, url, text))
      .catch((error) => {
        if (response.headersSent) return response.destroy();
        failed(response, String(error?.message ?? error));
      });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const listening = typeof address === 'object' && address ? address.port : 0;
  base = `http://127.0.0.1:${listening}`;
  return {
    url: base,
    port: listening,
    /** @returns {Promise<void>} */
    close() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve(undefined)));
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Posts a signed notification to `url` as a gateway does: the endpoint's status and answer, or
 * status 0 when it could not be reached in time (as a gateway lists a failed attempt).
 * @param {string} url @param {{ body: string, headers: Record<string, string> }} signed
 */
export async function postWebhook(url, signed) {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: await response.text() };
  } catch {
    return { status: 0, body: '' };
  }
}

/** Webhooks a gateway sends on its own time, after answering the call that caused them. */
export function laterDeliveries() {
  /** @type {Set<Promise<unknown>>} */
  const inFlight = new Set();
  return {
    /** @param {() => Promise<unknown>} deliver */
    start(deliver) {
      const delivery = deliver().finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    },
    /** Resolves once every delivery started, including ones started meanwhile, has ended. */
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
