// A few requests from the harness itself (smoke checks, the statement-count pass); the load
// itself always comes from wrk.
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * GET with the target's headers. node:http rather than fetch, because fetch may not send a
 * Host header of our choosing and the tenant floors need one.
 * @param {{ url: string, headers: Record<string, string> }} target
 * @returns {Promise<{ status: number, body: string }>}
 */
export function get(target) {
  return new Promise((resolve, reject) => {
    const req = request(target.url, { agent, headers: target.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Fails unless the target answers 2xx: a floor that answers 401 or 500 fast measures nothing. */
export async function expectOk(/** @type {{ url: string, headers: Record<string, string> }} */ target) {
  const { status, body } = await get(target);
  if (status < 200 || status > 299) {
    throw new Error(`GET ${target.url} answered ${status}: ${body.slice(0, 200)}`);
  }
}
