// A local stand-in for Google's OAuth 2.0 / OpenID Connect endpoints, for tests and local runs.
// The authorize endpoint checks the client, the redirect URI and the PKCE challenge, then either
// approves the next identity a test queued (`approveNext`) or shows a small "choose an account"
// page listing the accounts added (`addAccount`, or POST /__fake/accounts from another process).
// The token endpoint checks the client's secret, the redirect URI, the code (once) and that the
// S256 of the verifier is the challenge, and answers with an `id_token` carrying the chosen
// claims. Everything lives in memory.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { escapeHtml, seeOther, sendJson, sendPage, startFakeServer } from './fake-http.mjs';

const b64url = (/** @type {Buffer | string} */ value) => Buffer.from(value).toString('base64url');
const newCode = () => randomBytes(24).toString('base64url');

/**
 * @typedef {{ sub: string, email: string, name?: string, email_verified?: boolean,
 *   claims?: Record<string, unknown> }} FakeGoogleIdentity
 */

/**
 * @param {{ port?: number, clientId: string, clientSecret: string, issuer?: string,
 *   redirectUris?: string[] }} options
 */
export async function startFakeGoogle(options) {
  const issuer = options.issuer ?? 'https://accounts.google.com';
  /** @type {FakeGoogleIdentity[]} */
  const accounts = [];
  /** @type {FakeGoogleIdentity[]} */
  const queued = [];
  /** @type {Map<string, { clientId: string, redirectUri: string, state: string, challenge: string }>} */
  const pending = new Map();
  /** @type {Map<string, { identity: FakeGoogleIdentity, redirectUri: string, challenge: string, used: boolean }>} */
  const codes = new Map();
  /** @type {Array<{ ok: boolean, error?: string }>} */
  const tokenRequests = [];

  /** @param {FakeGoogleIdentity} identity */
  function idToken(identity) {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: issuer,
      aud: options.clientId,
      azp: options.clientId,
      sub: identity.sub,
      email: identity.email,
      email_verified: identity.email_verified ?? true,
      name: identity.name ?? identity.email.split('@')[0],
      iat: now,
      exp: now + 3600,
      ...identity.claims,
    };
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const body = b64url(JSON.stringify(claims));
    const signature = createHmac('sha256', options.clientSecret)
      .update(`${head}.${body}`)
      .digest('base64url');
    return `${head}.${body}.${signature}`;
  }

  /** @param {import('node:http').ServerResponse} response @param {string} flowId @param {FakeGoogleIdentity} identity */
  function approve(response, flowId, identity) {
    const flow = pending.get(flowId);
    if (!flow) return sendPage(response, 400, 'Expired', '<p>That sign-in expired.</p>');
    pending.delete(flowId);
    const code = newCode();
    codes.set(code, { identity, redirectUri: flow.redirectUri, challenge: flow.challenge, used: false });
    const back = new URL(flow.redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', flow.state);
    return seeOther(response, back.toString());
  }

  const server = await startFakeServer({
    port: options.port,
    failed: (response, message) =>
      sendJson(response, 500, { error: 'server_error', error_description: message }),
    handle(request, response, url, text) {
      if (request.method === 'GET' && url.pathname === '/o/oauth2/v2/auth') {
        const q = url.searchParams;
        const redirectUri = q.get('redirect_uri') ?? '';
        if (q.get('client_id') !== options.clientId)
          return sendPage(
            response,
            401,
            'Error 401: invalid_client',
            '<p>The OAuth client was not found.</p>',
          );
        if (options.redirectUris && !options.redirectUris.includes(redirectUri))
          return sendPage(
            response,
            400,
            'Error 400: redirect_uri_mismatch',
            `<p>${escapeHtml(redirectUri)}</p>`,
          );
        if (
          q.get('response_type') !== 'code' ||
          q.get('code_challenge_method') !== 'S256' ||
          !q.get('code_challenge') ||
          !q.get('state') ||
          !(q.get('scope') ?? '').split(' ').includes('openid')
        )
          return sendPage(
            response,
            400,
            'Error 400: invalid_request',
            '<p>Missing PKCE, state or scope.</p>',
          );
        const flowId = newCode();
        pending.set(flowId, {
          clientId: options.clientId,
          redirectUri,
          state: q.get('state') ?? '',
          challenge: q.get('code_challenge') ?? '',
        });
        const next = queued.shift();
        if (next) return approve(response, flowId, next);
        const buttons = accounts
          .map(
            (account, index) =>
              `<li><a role="button" href="/__fake/choose?flow=${flowId}&amp;account=${index}">${escapeHtml(account.name ?? account.email)} &lt;${escapeHtml(account.email)}&gt;</a></li>`,
          )
          .join('');
        return sendPage(
          response,
          200,
          'Choose an account',
          `<h1>Choose an account</h1><ul>${buttons}</ul><p><a href="/__fake/cancel?flow=${flowId}">Cancel</a></p>`,
        );
      }
      if (request.method === 'GET' && url.pathname === '/__fake/choose') {
        const account = accounts[Number(url.searchParams.get('account'))];
        if (!account) return sendPage(response, 404, 'No such account', '<p>No such account.</p>');
        return approve(response, url.searchParams.get('flow') ?? '', account);
      }
      if (request.method === 'GET' && url.pathname === '/__fake/cancel') {
        const flow = pending.get(url.searchParams.get('flow') ?? '');
        if (!flow) return sendPage(response, 400, 'Expired', '<p>That sign-in expired.</p>');
        const back = new URL(flow.redirectUri);
        back.searchParams.set('error', 'access_denied');
        back.searchParams.set('state', flow.state);
        return seeOther(response, back.toString());
      }
      if (request.method === 'POST' && url.pathname === '/__fake/accounts') {
        const identity = JSON.parse(text);
        accounts.push(identity);
        return sendJson(response, 201, { index: accounts.length - 1 });
      }
      if (request.method === 'POST' && url.pathname === '/token') {
        const form = new URLSearchParams(text);
        const refuse = (/** @type {number} */ status, /** @type {string} */ error) => {
          tokenRequests.push({ ok: false, error });
          return sendJson(response, status, { error });
        };
        const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
        const [id, secret] = basic
          ? Buffer.from(basic[1] ?? '', 'base64')
              .toString('utf8')
              .split(':')
              .map(decodeURIComponent)
          : [form.get('client_id'), form.get('client_secret')];
        if (id !== options.clientId || secret !== options.clientSecret) return refuse(401, 'invalid_client');
        if (form.get('grant_type') !== 'authorization_code') return refuse(400, 'unsupported_grant_type');
        const grant = codes.get(form.get('code') ?? '');
        if (!grant || grant.used) return refuse(400, 'invalid_grant');
        grant.used = true;
        if (form.get('redirect_uri') !== grant.redirectUri) return refuse(400, 'invalid_grant');
        const verifier = form.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge)
          return refuse(400, 'invalid_grant');
        tokenRequests.push({ ok: true });
        return sendJson(response, 200, {
          access_token: newCode(),
          token_type: 'Bearer',
          expires_in: 3599,
          scope:
            'openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile',
          id_token: idToken(grant.identity),
        });
      }
      return sendJson(response, 404, { error: 'not_found' });
    },
  });

  return {
    url: server.url,
    port: server.port,
    authorizeUrl: `${server.url}/o/oauth2/v2/auth`,
    tokenUrl: `${server.url}/token`,
    issuer,
    clientSecret: options.clientSecret,
    tokenRequests,
    /** @param {FakeGoogleIdentity} identity */
    addAccount(identity) {
      accounts.push(identity);
    },
    /** @param {FakeGoogleIdentity} identity */
    approveNext(identity) {
      queued.push(identity);
    },
    close: () => server.close(),
  };
}

// Run on its own (tests/e2e's serve.mjs): `node fake-google.mjs <port> <client id> <secret>`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [port, clientId, clientSecret] = process.argv.slice(2);
  const fake = await startFakeGoogle({
    port: Number(port ?? 0),
    clientId: clientId ?? 'foyer-e2e',
    clientSecret: clientSecret ?? 'foyer-e2e-secret',
  });
  console.log(`fake google listening on ${fake.url}`);
}
