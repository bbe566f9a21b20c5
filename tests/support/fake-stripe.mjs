// A local stand-in for Stripe's API and its hosted pages (Checkout, Connect onboarding), for tests
// and local runs. The stripe SDK points at it with host/port/protocol; it answers what
// packages/billing/src/gateways/stripe.ts calls in Stripe's wire format (form-encoded bodies with
// bracket keys in, JSON and Stripe's error shape out, idempotency keys honoured) and delivers
// signed webhooks to the endpoint Stripe would, so the code under test is the code that runs
// against Stripe. Everything lives in memory, one instance per test file.
import { createHmac, randomBytes } from 'node:crypto';
import {
  escapeHtml,
  laterDeliveries,
  postWebhook,
  seeOther,
  sendJson,
  sendPage,
  startFakeServer,
} from './fake-http.mjs';

const API_VERSION = '2026-02-25.clover';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** @param {string} prefix */
const newId = (prefix) => `${prefix}_${[...randomBytes(24)].map((byte) => ALPHABET[byte % 62]).join('')}`;
const now = () => Math.floor(Date.now() / 1000);
const isLiveKey = (/** @type {string} */ key) => /^(sk|rk)_live_/.test(key);
/** @template T @param {T} value @returns {T} */
const copy = (value) => structuredClone(value);

/** An API error in Stripe's shape; thrown by handlers and the test controls alike. */
class StripeFailure extends Error {
  /** @param {number} status @param {Record<string, unknown>} error */
  constructor(status, error) {
    super(String(error.message));
    this.status = status;
    this.error = error;
  }
}
const missing = (/** @type {string} */ kind, /** @type {string} */ id, status = 404) =>
  new StripeFailure(status, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${kind}: '${id}'`,
    param: status === 400 ? kind : 'id',
  });
const invalid = (/** @type {string} */ message, /** @type {Record<string, unknown>} */ extra = {}) =>
  new StripeFailure(400, { type: 'invalid_request_error', message, ...extra });

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Decodes a form body or query string with bracket keys (`a[b][0][c]=1`) into nested objects and
 * arrays, as Stripe's API reads them. Values stay strings, as on the wire.
 * @param {string} text
 * @returns {Record<string, unknown>}
 */
export function decodeStripeForm(text) {
  /** @type {Record<string, any>} */
  const root = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
    if (!match?.[1]) continue;
    const path = [
      match[1],
      ...[...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((found) => found[1] ?? ''),
    ];
    if (path.some((key) => UNSAFE_KEYS.has(key))) continue;
    let node = root;
    for (let index = 0; index < path.length; index++) {
      const key = path[index] === '' && Array.isArray(node) ? String(node.length) : String(path[index]);
      if (index === path.length - 1) {
        node[key] = value;
      } else {
        if (typeof node[key] !== 'object' || node[key] === null) {
          node[key] = /^\d*$/.test(path[index + 1] ?? '') ? [] : {};
        }
        node = node[key];
      }
    }
  }
  return root;
}

/**
 * Signs an event as Stripe does: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>`.
 * @param {object} event @param {string} secret @param {{ timestamp?: number }} [options]
 */
export function signedEvent(event, secret, options = {}) {
  const body = JSON.stringify(event, null, 2);
  const timestamp = options.timestamp ?? now();
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return {
    body,
    headers: { 'content-type': 'application/json', 'stripe-signature': `t=${timestamp},v1=${signature}` },
  };
}

/**
 * An event object as Stripe sends it; `account` only for events from a connected account.
 * @param {{ type: string, object: object, livemode?: boolean, account?: string | null, previous?: object }} input
 */
export function stripeEvent({ type, object, livemode = false, account = null, previous }) {
  return {
    id: newId('evt'),
    object: 'event',
    api_version: API_VERSION,
    created: now(),
    data: { object: copy(object), ...(previous ? { previous_attributes: previous } : {}) },
    livemode,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    ...(account ? { account } : {}),
  };
}

/** A Standard account; a new connected one is not ready until onboarding is finished. */
function accountObject({ name, email, type = 'standard', ready }) {
  return {
    id: newId('acct'),
    object: 'account',
    type,
    email,
    country: 'US',
    charges_enabled: ready,
    payouts_enabled: ready,
    details_submitted: ready,
    business_profile: { name },
    settings: { dashboard: { display_name: name } },
    metadata: {},
    created: now(),
  };
}

function formatAmount(/** @type {number} */ minor, /** @type {string} */ currency) {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() });
  return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

/** @param {string | undefined} header */
function keyFrom(header) {
  if (!header) return null;
  const [scheme, value = ''] = header.split(' ');
  if (scheme === 'Bearer') return value;
  if (scheme === 'Basic') return Buffer.from(value, 'base64').toString('utf8').split(':')[0] ?? null;
  return null;
}

/** @param {import('./fake-stripe.d.mts').FakeStripeOptions} [options] */
export async function startFakeStripe(options = {}) {
  /** Keys we know: the Connect platform's and agencies' own, each with its webhook endpoint. */
  const keys = new Map();
  /** Connected accounts, with the platform key that created them. */
  const accounts = new Map();
  const links = new Map();
  /** Sessions and payments, each with the scope it belongs to: a connected account or an own key. */
  const sessions = new Map();
  const intents = new Map();
  const disputes = new Map();
  const idempotent = new Map();
  /** Deliveries started after an API response was sent, for `settled()`. */
  const later = laterDeliveries();
  const requests = [];
  const events = [];
  const deliveries = [];
  const refunds = [];
  let base = '';

  function addKey(secretKey, kind, webhookUrl, webhookSecret, name) {
    const account = accountObject({ name, email: null, type: 'standard', ready: true });
    keys.set(secretKey, {
      kind,
      webhookUrl: webhookUrl ?? null,
      webhookSecret: webhookSecret ?? null,
      account,
    });
  }

  /** Where a scope's events go: the platform's Connect endpoint for accounts, else the key's own. */
  function endpointOf(scope) {
    const owner = scope.account ? keys.get(accounts.get(scope.account)?.platformKey) : keys.get(scope.key);
    return owner?.webhookUrl && owner.webhookSecret ? owner : null;
  }

  async function emit(type, object, scope, previous) {
    const event = stripeEvent({ type, object, livemode: scope.livemode, account: scope.account, previous });
    events.push(event);
    const endpoint = endpointOf(scope);
    if (!endpoint) return event;
    const { status } = await postWebhook(endpoint.webhookUrl, signedEvent(event, endpoint.webhookSecret));
    deliveries.push({ eventId: event.id, url: endpoint.webhookUrl, status });
    return event;
  }

  const scopeOf = (key, account) => ({
    key,
    account,
    livemode: isLiveKey(key),
    owner: account ?? `key:${key}`,
  });
  const find = (map, id, ctx) => {
    const record = map.get(id);
    return record && record.scope.owner === ctx.owner ? record : null;
  };

  function paySession(id) {
    const record = sessions.get(id);
    if (!record) throw missing('checkout.session', id);
    const session = record.object;
    if (session.status !== 'open') throw invalid(`This Checkout Session is ${session.status}, not open.`);
    const intentData = record.intentData;
    const chargeId = newId('ch');
    const amount = session.amount_total;
    const intent = {
      id: newId('pi'),
      object: 'payment_intent',
      amount,
      amount_received: amount,
      currency: session.currency,
      description: intentData.description ?? null,
      latest_charge: chargeId,
      livemode: session.livemode,
      metadata: intentData.metadata ?? {},
      payment_method_types: ['card'],
      status: 'succeeded',
      created: now(),
    };
    const charge = {
      id: chargeId,
      object: 'charge',
      amount,
      amount_captured: amount,
      amount_refunded: 0,
      captured: true,
      currency: session.currency,
      disputed: false,
      livemode: session.livemode,
      // Stripe copies the PaymentIntent's metadata onto the charges it makes.
      metadata: { ...intent.metadata },
      paid: true,
      payment_intent: intent.id,
      refunded: false,
      status: 'succeeded',
      created: now(),
    };
    intents.set(intent.id, { object: intent, charge, scope: record.scope });
    Object.assign(session, { payment_intent: intent.id, payment_status: 'paid', status: 'complete' });
    return emit('checkout.session.completed', session, record.scope);
  }

  function makeRefund(record, amount) {
    const charge = record.charge;
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining <= 0) {
      throw invalid(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
    }
    const value = amount === undefined ? remaining : Number(amount);
    if (!Number.isInteger(value) || value <= 0) {
      throw invalid('Invalid positive integer', { param: 'amount' });
    }
    if (value > remaining) {
      throw invalid(`Refund amount (${value}) is greater than unrefunded amount on charge (${remaining})`, {
        param: 'amount',
      });
    }
    charge.amount_refunded += value;
    charge.refunded = charge.amount_refunded === charge.amount;
    const refund = {
      id: newId('re'),
      object: 'refund',
      amount: value,
      charge: charge.id,
      currency: charge.currency,
      metadata: {},
      payment_intent: record.object.id,
      status: 'succeeded',
      created: now(),
    };
    refunds.push(copy(refund));
    return { refund, deliver: () => emit('charge.refunded', charge, record.scope) };
  }

  function createAccount(ctx) {
    if (ctx.owner.kind !== 'platform') {
      throw invalid("You can only create new accounts if you've signed up for Connect.");
    }
    const account = accountObject({
      name: ctx.params.business_profile?.name ?? null,
      email: ctx.params.email ?? null,
      type: ctx.params.type,
      ready: false,
    });
    accounts.set(account.id, { object: account, platformKey: ctx.key });
    return account;
  }

  function retrieveAccount(ctx, id) {
    if (ctx.owner.account.id === id) return ctx.owner.account;
    const record = accounts.get(id);
    if (!record || record.platformKey !== ctx.key) throw missing('account', id);
    return record.object;
  }

  function createAccountLink(ctx) {
    const id = String(ctx.params.account ?? '');
    if (accounts.get(id)?.platformKey !== ctx.key) throw missing('account', id, 400);
    const token = randomBytes(12).toString('hex');
    // The return and refresh URLs stay here, as at Stripe: the link itself names neither.
    links.set(token, { account: id, returnUrl: ctx.params.return_url, refreshUrl: ctx.params.refresh_url });
    const created = now();
    const url = `${base}/connect/onboard/${id}?link=${token}`;
    return { object: 'account_link', created, expires_at: created + 300, url };
  }

  function createSession(ctx) {
    const items = Array.isArray(ctx.params.line_items) ? ctx.params.line_items : [];
    if (items.length === 0) {
      throw invalid('Missing required param: line_items.', { code: 'parameter_missing' });
    }
    const amount = items.reduce(
      (sum, item) => sum + Number(item.price_data?.unit_amount ?? 0) * Number(item.quantity ?? 1),
      0,
    );
    const id = newId(ctx.scope.livemode ? 'cs_live' : 'cs_test');
    const created = now();
    const session = {
      id,
      object: 'checkout.session',
      amount_subtotal: amount,
      amount_total: amount,
      cancel_url: ctx.params.cancel_url ?? null,
      client_reference_id: ctx.params.client_reference_id ?? null,
      created,
      currency: String(items[0]?.price_data?.currency ?? 'usd').toLowerCase(),
      customer_email: ctx.params.customer_email ?? null,
      expires_at: created + 86_400,
      livemode: ctx.scope.livemode,
      metadata: ctx.params.metadata ?? {},
      mode: ctx.params.mode ?? 'payment',
      payment_intent: null,
      payment_status: 'unpaid',
      status: 'open',
      success_url: ctx.params.success_url ?? null,
      url: `${base}/checkout/pay/${id}`,
    };
    sessions.set(id, {
      object: session,
      scope: ctx.scope,
      intentData: ctx.params.payment_intent_data ?? {},
      description: items[0]?.price_data?.product_data?.name ?? '',
    });
    return session;
  }

  function retrieveSession(ctx, id) {
    const record = find(sessions, id, ctx.scope);
    if (!record) throw missing('checkout.session', id);
    return record.object;
  }

  function retrieveIntent(ctx, id) {
    const record = find(intents, id, ctx.scope);
    if (!record) throw missing('payment_intent', id);
    return record.object;
  }

  function createRefund(ctx) {
    const id = String(ctx.params.payment_intent ?? '');
    const record = find(intents, id, ctx.scope);
    if (!record) throw missing('payment_intent', id, 400);
    const { refund, deliver } = makeRefund(record, ctx.params.amount);
    ctx.after = deliver;
    return refund;
  }

  const currentAccount = (ctx) => (ctx.account ? accounts.get(ctx.account).object : ctx.owner.account);
  const routes = [
    ['POST', /^\/v1\/accounts$/, createAccount],
    ['GET', /^\/v1\/account$/, currentAccount],
    ['GET', /^\/v1\/accounts\/([^/]+)$/, retrieveAccount],
    ['POST', /^\/v1\/account_links$/, createAccountLink],
    ['POST', /^\/v1\/checkout\/sessions$/, createSession],
    ['GET', /^\/v1\/checkout\/sessions\/([^/]+)$/, retrieveSession],
    ['GET', /^\/v1\/payment_intents\/([^/]+)$/, retrieveIntent],
    ['POST', /^\/v1\/refunds$/, createRefund],
  ];

  const send = (response, status, body, headers = {}) =>
    sendJson(response, status, body, { 'request-id': newId('req'), ...headers });

  async function api(request, response, url, text) {
    const key = keyFrom(request.headers.authorization);
    const stripeAccount = request.headers['stripe-account']?.toString() ?? null;
    const idempotencyKey = request.headers['idempotency-key']?.toString() ?? null;
    const method = request.method ?? 'GET';
    const params = decodeStripeForm(method === 'POST' ? text : url.search.slice(1));
    requests.push({ method, path: url.pathname, stripeAccount, idempotencyKey, key, params });
    const fail = (status, error) => send(response, status, { error });
    if (!key) return fail(401, { type: 'invalid_request_error', message: 'You did not provide an API key.' });
    const owner = keys.get(key);
    if (!owner) {
      const shown = `${key.match(/^[a-z]+_(test|live)_/)?.[0] ?? ''}****${key.slice(-4)}`;
      return fail(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${shown}` });
    }
    if (stripeAccount && accounts.get(stripeAccount)?.platformKey !== key) {
      return fail(403, {
        type: 'invalid_request_error',
        code: 'account_invalid',
        message: `The provided key does not have access to account '${stripeAccount}' (or that account does not exist).`,
      });
    }
    const slot =
      method === 'POST' && idempotencyKey ? `${key}|${stripeAccount ?? ''}|${idempotencyKey}` : null;
    const fingerprint = JSON.stringify([url.pathname, params]);
    const earlier = slot ? idempotent.get(slot) : null;
    if (earlier) {
      if (earlier.fingerprint === fingerprint) {
        return send(response, earlier.status, earlier.body, { 'idempotent-replayed': 'true' });
      }
      return fail(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
      });
    }
    const ctx = {
      key,
      owner,
      account: stripeAccount,
      params,
      scope: scopeOf(key, stripeAccount),
      after: null,
    };
    let status = 200;
    let body;
    const route = routes.find(([verb, pattern]) => verb === method && pattern.test(url.pathname));
    try {
      if (!route) {
        throw new StripeFailure(404, {
          type: 'invalid_request_error',
          message: `Unrecognized request URL (${method}: ${url.pathname}).`,
        });
      }
      const [, pattern, handler] = route;
      const args = (pattern.exec(url.pathname) ?? []).slice(1).map(decodeURIComponent);
      body = copy(handler(ctx, ...args));
    } catch (error) {
      if (!(error instanceof StripeFailure)) throw error;
      status = error.status;
      body = { error: error.error };
    }
    if (slot) idempotent.set(slot, { fingerprint, status, body });
    send(response, status, body);
    // Stripe sends the webhook on its own time; here right after the answer, and `settled()` waits.
    if (ctx.after) later.start(ctx.after);
  }

  async function pages(request, response, url) {
    const pay = /^\/checkout\/pay\/([^/]+)$/.exec(url.pathname);
    const onboard = /^\/connect\/onboard\/([^/]+)$/.exec(url.pathname);
    if (pay?.[1]) {
      const record = sessions.get(decodeURIComponent(pay[1]));
      if (!record) return sendPage(response, 404, 'Not found', '<h1>This checkout does not exist.</h1>');
      const session = record.object;
      if (session.status !== 'open') {
        return sendPage(
          response,
          410,
          'Checkout closed',
          `<h1>This checkout is ${escapeHtml(session.status)}.</h1>`,
        );
      }
      if (request.method === 'POST') {
        // The payer's return and the webhook race at real Stripe; here the webhook always wins.
        await paySession(session.id);
        return seeOther(response, session.success_url);
      }
      const amount = formatAmount(session.amount_total, session.currency);
      return sendPage(
        response,
        200,
        `Pay ${amount} — test checkout`,
        `<h1>${escapeHtml(amount)}</h1><p>${escapeHtml(record.description)}</p>` +
          '<form method="post"><button type="submit">Pay</button></form>' +
          `<p><a href="${escapeHtml(session.cancel_url)}">Cancel</a></p>`,
      );
    }
    if (onboard?.[1]) {
      const record = accounts.get(decodeURIComponent(onboard[1]));
      const link = links.get(url.searchParams.get('link') ?? '');
      if (!record || link?.account !== record.object.id) {
        return sendPage(response, 404, 'Not found', '<h1>This link does not exist.</h1>');
      }
      // Account links are single-use: a spent one sends the admin to refresh_url for a new one.
      if (link.used) return seeOther(response, link.refreshUrl);
      const account = record.object;
      const name = account.business_profile.name ?? account.id;
      if (request.method === 'POST') {
        link.used = true;
        const previous = { charges_enabled: false, details_submitted: false, payouts_enabled: false };
        Object.assign(account, { charges_enabled: true, details_submitted: true, payouts_enabled: true });
        await emit('account.updated', account, scopeOf(record.platformKey, account.id), previous);
        return seeOther(response, link.returnUrl);
      }
      return sendPage(
        response,
        200,
        `Stripe (test) — set up payments for ${name}`,
        `<h1>Stripe (test) — set up payments for ${escapeHtml(name)}</h1>` +
          '<form method="post"><button type="submit">Finish setup</button></form>',
      );
    }
    return sendPage(response, 404, 'Not found', '<h1>Not found</h1>');
  }

  const server = await startFakeServer({
    port: options.port,
    handle: (request, response, url, text) =>
      url.pathname.startsWith('/v1/') ? api(request, response, url, text) : pages(request, response, url),
    failed: (response, message) => send(response, 500, { error: { type: 'api_error', message } }),
  });
  base = server.url;

  const intentRecord = (id) => {
    const record = intents.get(id);
    if (!record) throw missing('payment_intent', id);
    return record;
  };

  return {
    url: base,
    api: { host: '127.0.0.1', port: server.port, protocol: 'http' },
    requests,
    events,
    deliveries,
    refunds,
    connect({ platformKey, webhookUrl, webhookSecret, name }) {
      addKey(platformKey, 'platform', webhookUrl, webhookSecret, name ?? 'Foyer platform (test)');
    },
    ownKeys({ secretKey, webhookUrl, webhookSecret, name }) {
      addKey(secretKey, 'own', webhookUrl, webhookSecret, name ?? 'Own Stripe account (test)');
    },
    signedEvent,
    pay: (sessionId) => paySession(sessionId),
    expire(sessionId) {
      const record = sessions.get(sessionId);
      if (!record) throw missing('checkout.session', sessionId);
      record.object.status = 'expired';
      return emit('checkout.session.expired', record.object, record.scope);
    },
    refund(paymentIntentId, amountMinor) {
      return makeRefund(intentRecord(paymentIntentId), amountMinor).deliver();
    },
    async dispute(paymentIntentId, status) {
      const record = intentRecord(paymentIntentId);
      let dispute = disputes.get(paymentIntentId);
      let event = null;
      if (!dispute || dispute.status === 'won' || dispute.status === 'lost') {
        dispute = {
          id: newId('dp'),
          object: 'dispute',
          amount: record.charge.amount,
          charge: record.charge.id,
          currency: record.charge.currency,
          is_charge_refundable: false,
          livemode: record.scope.livemode,
          // A dispute's metadata is its own, empty until someone sets it; not the payment's.
          metadata: {},
          payment_intent: paymentIntentId,
          reason: 'fraudulent',
          status: 'needs_response',
          created: now(),
        };
        disputes.set(paymentIntentId, dispute);
        record.charge.disputed = true;
        event = await emit('charge.dispute.created', dispute, record.scope);
      }
      if (status === 'won' || status === 'lost') {
        dispute.status = status;
        return emit('charge.dispute.closed', dispute, record.scope);
      }
      return event ?? emit('charge.dispute.updated', dispute, record.scope);
    },
    settled: later.settled,
    close: server.close,
  };
}
