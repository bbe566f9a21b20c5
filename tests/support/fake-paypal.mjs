// A local stand-in for PayPal's REST API (OAuth2, Orders v2, Payments v2, webhook verification) and
// its hosted approval  for tests and local runs. It answers what
// packages/billing/src/gateways/paypal.ts calls in PayPal's wire format (JSON in and out, PayPal's
// error shape, PayPal-Request-Id idempotency) and delivers webhooks to the merchant's endpoint
// before answering the call that caused them. PayPal signs webhooks with RSA and a certificate;
// here the signature is an HMAC with a key only this instance knows, over the same string PayPal
// signs (`transmissionId|time|webhookId|crc32(body)`), so only verify-webhook-signature can tell a
// genuine notification from a forged one, as with PayPal. Everything lives in memory.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { escapeHtml, postWebhook, seeOther, sendJson, sendPage, startFakeServer } from './fake-http.mjs';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** PayPal's ids: 17 upper-case letters and digits (orders, captures, refunds). */
const newId = (length = 17) => [...randomBytes(length)].map((byte) => ALPHABET[byte % 36]).join('');
const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
/** @template T @param {T} value @returns {T} */
const copy = (value) => structuredClone(value);

/** Currencies PayPal takes in whole units only, whatever ISO 4217 says. */
const NO_DECIMALS = new Set(['HUF', 'JPY', 'TWD']);
const digitsOf = (/** @type {string} */ currency) => (NO_DECIMALS.has(currency) ? 0 : 2);

/** An API error in PayPal's shape. */
class PayPalFailure extends Error {
  /** @param {number} status @param {string} name @param {string} message @param {string} [issue] @param {string} [description] */
  constructor(status, name, message, issue, description) {
    super(message);
    this.status = status;
    this.body = {
      name,
      message,
      debug_id: randomBytes(7).toString('hex'),
      ...(issue ? { details: [{ issue, description: description ?? message }] } : {}),
      ...(issue
        ? {
            links: [
              {
                href: `https://developer.paypal.com/api/rest/reference/orders/v2/errors/#${issue}`,
                rel: 'information_link',
                method: 'GET',
              },
            ],
          }
        : {}),
    };
  }
}
const notFound = () =>
  new PayPalFailure(
    404,
    'RESOURCE_NOT_FOUND',
    'The specified resource does not exist.',
    'INVALID_RESOURCE_ID',
    'Specified resource ID does not exist. Please check the resource ID and try again.',
  );
const unprocessable = (/** @type {string} */ issue, /** @type {string} */ description) =>
  new PayPalFailure(
    422,
    'UNPROCESSABLE_ENTITY',
    'The requested action could not be performed, semantically incorrect, or failed business validation.',
    issue,
    description,
  );
const badRequest = (/** @type {string} */ issue, /** @type {string} */ description) =>
  new PayPalFailure(
    400,
    'INVALID_REQUEST',
    'Request is not well-formed, syntactically incorrect, or violates schema.',
    issue,
    description,
  );

/** PayPal's `{ currency_code, value }` to whole minor units of PayPal's own precision. */
function toMinor(/** @type {unknown} */ money) {
  const { currency_code: currency, value } = /** @type {{ currency_code?: unknown, value?: unknown }} */ (
    money ?? {}
  );
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    throw badRequest('INVALID_PARAMETER_VALUE', 'currency_code must be an ISO 4217 code.');
  }
  const match = typeof value === 'string' ? /^(\d{1,15})(?:\.(\d+))?$/.exec(value) : null;
  if (!match) throw badRequest('INVALID_PARAMETER_SYNTAX', 'value must be a decimal string.');
  const digits = digitsOf(currency);
  const fraction = match[2] ?? '';
  if (fraction.length > digits) {
    throw unprocessable(
      digits === 0 ? 'DECIMALS_NOT_SUPPORTED' : 'DECIMAL_PRECISION',
      digits === 0
        ? 'Currency code does not support decimals.'
        : 'If the currency supports decimals, only two decimal place precision is supported.',
    );
  }
  return { currency, minor: Number(`${match[1]}${fraction.padEnd(digits, '0')}`) };
}
const toMoney = (/** @type {number} */ minor, /** @type {string} */ currency) => {
  const digits = digitsOf(currency);
  const text = String(minor).padStart(digits + 1, '0');
  return {
    currency_code: currency,
    value: digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`,
  };
};

/** `url` with `params` added to its query string. */
function withQuery(/** @type {string} */ url, /** @type {Record<string, string>} */ params) {
  const target = new URL(url);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  return target.toString();
}

/** @param {import('./fake-paypal.d.mts').FakePayPalOptions} [options] */
export async function startFakePayPal(options = {}) {
  const tokenLifetime = options.tokenLifetime ?? 32_400;
  // Stands in for PayPal's private signing key: nothing outside this instance can sign.
  const signingKey = randomBytes(32);
  const merchants = new Map();
  const tokens = new Map();
  const orders = new Map();
  const captures = new Map();
  const refunds = new Map();
  const disputes = new Map();
  const idempotent = new Map();
  const requests = [];
  const events = [];
  const deliveries = [];
  let base = '';

  const link = (href, rel, method = 'GET') => ({ href: `${base}${href}`, rel, method });

  function signature(transmissionId, time, webhookId, body) {
    const crc = crc32(Buffer.from(body, 'utf8'));
    return createHmac('sha256', signingKey)
      .update(`${transmissionId}|${time}|${webhookId}|${crc}`)
      .digest('base64');
  }

  /** A notification as PayPal sends it for `webhookId`: the raw body and its headers (lower case). */
  function signedEvent(event, webhookId, signOptions = {}) {
    const body = JSON.stringify(event);
    const transmissionId = signOptions.transmissionId ?? randomUUID();
    const time = (signOptions.time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'paypal-auth-algo': 'SHA256withRSA',
        'paypal-auth-version': 'v2',
        'paypal-cert-url': `${base}/v1/notifications/certs/CERT-360caa42-fca2a594-fake`,
        'paypal-transmission-id': transmissionId,
        'paypal-transmission-sig': signature(transmissionId, time, webhookId, body),
        'paypal-transmission-time': time,
      },
    };
  }

  function paypalEvent(type, resourceType, resource, summary) {
    const id = `WH-${newId(17)}-${newId(17)}`;
    return {
      id,
      event_version: '1.0',
      create_time: isoNow(),
      resource_type: resourceType,
      resource_version: resourceType === 'checkout-order' || resourceType === 'capture' ? '2.0' : '1.0',
      event_type: type,
      summary,
      resource: copy(resource),
      links: [
        link(`/v1/notifications/webhooks-events/${id}`, 'self'),
        link(`/v1/notifications/webhooks-events/${id}/resend`, 'resend', 'POST'),
      ],
    };
  }

  /** Builds the event and delivers it to the merchant's endpoint; resolves once it answered. */
  async function emit(merchant, type, resourceType, resource, summary) {
    const event = paypalEvent(type, resourceType, resource, summary);
    events.push(event);
    if (!merchant.webhookUrl) return event;
    const { status } = await postWebhook(merchant.webhookUrl, signedEvent(event, merchant.webhookId));
    deliveries.push({ eventId: event.id, eventType: type, url: merchant.webhookUrl, status });
    return event;
  }

  function orderRecord(id, merchant) {
    const record = orders.get(id);
    if (!record || (merchant && record.merchant !== merchant)) throw notFound();
    return record;
  }
  function captureRecord(id, merchant) {
    const record = captures.get(id);
    if (!record || (merchant && record.merchant !== merchant)) throw notFound();
    return record;
  }

  /** A capture as GET /v2/payments/captures answers and webhooks carry it. */
  const captureView = (record) => ({
    ...copy(record.capture),
    supplementary_data: { related_ids: { order_id: record.orderId } },
  });

  function createOrder(ctx) {
    const body = ctx.body ?? {};
    if (body.intent !== 'CAPTURE') {
      throw badRequest('INVALID_PARAMETER_VALUE', 'This test double takes intent CAPTURE only.');
    }
    const units = Array.isArray(body.purchase_units) ? body.purchase_units : [];
    if (units.length !== 1) {
      throw badRequest('MISSING_REQUIRED_PARAMETER', 'One purchase unit is required.');
    }
    const unit = units[0] ?? {};
    const { currency, minor } = toMinor(unit.amount);
    if (minor <= 0) throw unprocessable('CANNOT_BE_ZERO_OR_NEGATIVE', 'Must be greater than zero.');
    for (const [field, max] of [
      ['custom_id', 255],
      ['invoice_id', 127],
      ['description', 127],
    ]) {
      if (unit[field] !== undefined && (typeof unit[field] !== 'string' || unit[field].length > max)) {
        throw badRequest('INVALID_STRING_MAX_LENGTH', `${field} is longer than ${max} characters.`);
      }
    }
    const context = body.payment_source?.paypal?.experience_context ?? body.application_context ?? {};
    const viaSource = Boolean(body.payment_source?.paypal);
    const id = newId();
    const order = {
      id,
      intent: 'CAPTURE',
      status: viaSource ? 'PAYER_ACTION_REQUIRED' : 'CREATED',
      ...(viaSource ? { payment_source: { paypal: {} } } : {}),
      purchase_units: [
        {
          reference_id: unit.reference_id ?? 'default',
          amount: toMoney(minor, currency),
          payee: { email_address: ctx.merchant.email, merchant_id: ctx.merchant.merchantId },
          ...(unit.description !== undefined ? { description: unit.description } : {}),
          ...(unit.custom_id !== undefined ? { custom_id: unit.custom_id } : {}),
          ...(unit.invoice_id !== undefined ? { invoice_id: unit.invoice_id } : {}),
        },
      ],
      create_time: isoNow(),
      links: [
        link(`/v2/checkout/orders/${id}`, 'self'),
        link(`/checkoutnow?token=${id}`, viaSource ? 'payer-action' : 'approve'),
        link(`/v2/checkout/orders/${id}`, 'update', 'PATCH'),
        link(`/v2/checkout/orders/${id}/capture`, 'capture', 'POST'),
      ],
    };
    orders.set(id, {
      order,
      merchant: ctx.merchant,
      returnUrl: context.return_url ?? null,
      cancelUrl: context.cancel_url ?? null,
      outcome: 'COMPLETED',
    });
    ctx.status = 201;
    if (ctx.prefer === 'return=representation') return order;
    return {
      id,
      status: order.status,
      ...(order.payment_source ? { payment_source: order.payment_source } : {}),
      links: order.links.filter((l) => l.rel === 'self' || l.rel === 'payer-action' || l.rel === 'approve'),
    };
  }

  async function approveOrder(id, outcome = 'COMPLETED') {
    const record = orderRecord(id);
    const order = record.order;
    if (order.status !== 'CREATED' && order.status !== 'PAYER_ACTION_REQUIRED') {
      throw unprocessable('ORDER_NOT_APPROVABLE', `The order is ${order.status}.`);
    }
    const payerId = newId(13);
    Object.assign(order, {
      status: 'APPROVED',
      payer: {
        name: { given_name: 'Test', surname: 'Payer' },
        email_address: 'payer@example.com',
        payer_id: payerId,
      },
      payment_source: {
        paypal: { email_address: 'payer@example.com', account_id: payerId, account_status: 'VERIFIED' },
      },
      update_time: isoNow(),
    });
    record.outcome = outcome;
    record.payerId = payerId;
    const event = await emit(
      record.merchant,
      'CHECKOUT.ORDER.APPROVED',
      'checkout-order',
      order,
      'An order has been approved by buyer',
    );
    return { record, event };
  }

  async function captureOrder(ctx, id) {
    const record = orderRecord(id, ctx.merchant);
    const order = record.order;
    if (order.status === 'COMPLETED') {
      throw unprocessable(
        'ORDER_ALREADY_CAPTURED',
        'Order already captured. If intent=CAPTURE only one capture per order is allowed.',
      );
    }
    if (order.status !== 'APPROVED') {
      throw unprocessable('ORDER_NOT_APPROVED', 'Payer has not yet approved the Order for payment.');
    }
    // The payer's funding source is refused at capture: the order stays approved, nothing is captured.
    if (record.outcome === 'INSTRUMENT_DECLINED') {
      throw unprocessable(
        'INSTRUMENT_DECLINED',
        'The instrument presented was either declined by the processor or bank, or it can’t be used for this payment.',
      );
    }
    const unit = order.purchase_units[0];
    // The account setting PayPal turns on by default: one payment per invoice id.
    if (unit.invoice_id !== undefined) {
      for (const other of captures.values()) {
        if (other.merchant === ctx.merchant && other.capture.invoice_id === unit.invoice_id) {
          throw unprocessable(
            'DUPLICATE_INVOICE_ID',
            'Duplicate Invoice ID detected. To avoid a potential duplicate transaction your account setting requires that Invoice Id be unique for each transaction.',
          );
        }
      }
    }
    const captureId = newId();
    const { currency, minor } = toMinor(unit.amount);
    const fee =
      record.outcome === 'COMPLETED' ? Math.round(minor * 0.0349) + (digitsOf(currency) ? 49 : 0) : 0;
    const now = isoNow();
    const capture = {
      id: captureId,
      status: record.outcome,
      ...(record.outcome === 'PENDING' ? { status_details: { reason: 'PENDING_REVIEW' } } : {}),
      amount: copy(unit.amount),
      final_capture: true,
      seller_protection: {
        status: 'ELIGIBLE',
        dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'],
      },
      ...(record.outcome === 'COMPLETED'
        ? {
            seller_receivable_breakdown: {
              gross_amount: copy(unit.amount),
              paypal_fee: toMoney(fee, currency),
              net_amount: toMoney(minor - fee, currency),
            },
          }
        : {}),
      ...(unit.custom_id !== undefined ? { custom_id: unit.custom_id } : {}),
      ...(unit.invoice_id !== undefined ? { invoice_id: unit.invoice_id } : {}),
      links: [
        link(`/v2/payments/captures/${captureId}`, 'self'),
        link(`/v2/payments/captures/${captureId}/refund`, 'refund', 'POST'),
        link(`/v2/checkout/orders/${id}`, 'up'),
      ],
      create_time: now,
      update_time: now,
    };
    const captureEntry = { capture, orderId: id, merchant: ctx.merchant, currency, minor, refundedMinor: 0 };
    captures.set(captureId, captureEntry);
    unit.payments = { captures: [capture] };
    Object.assign(order, { status: 'COMPLETED', update_time: now });
    ctx.status = 201;
    // Delivered before the capture is answered, so a test sees it as soon as the call returns.
    await emit(
      ctx.merchant,
      `PAYMENT.CAPTURE.${record.outcome}`,
      'capture',
      captureView(captureEntry),
      `Payment ${record.outcome.toLowerCase()} for ${unit.amount.value} ${currency}`,
    );
    return order;
  }

  function makeRefund(entry, amount, extra = {}) {
    if (entry.capture.status !== 'COMPLETED' && entry.capture.status !== 'PARTIALLY_REFUNDED') {
      if (entry.capture.status === 'REFUNDED') {
        throw unprocessable('CAPTURE_FULLY_REFUNDED', 'The capture has already been fully refunded.');
      }
      throw unprocessable('REFUND_NOT_ALLOWED', `The capture is ${entry.capture.status}.`);
    }
    const remaining = entry.minor - entry.refundedMinor;
    let value = remaining;
    if (amount !== undefined) {
      const parsed = toMinor(amount);
      if (parsed.currency !== entry.currency) {
        throw unprocessable(
          'REFUND_CURRENCY_MISMATCH',
          'Refund must be in the same currency as the capture.',
        );
      }
      value = parsed.minor;
    }
    if (value <= 0) throw unprocessable('CANNOT_BE_ZERO_OR_NEGATIVE', 'Must be greater than zero.');
    if (value > remaining) {
      throw unprocessable(
        'REFUND_AMOUNT_EXCEEDED',
        'The refund amount must be less than or equal to the capture amount that has not yet been refunded.',
      );
    }
    entry.refundedMinor += value;
    entry.capture.status = entry.refundedMinor === entry.minor ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    entry.capture.update_time = isoNow();
    const id = newId();
    const refund = {
      id,
      amount: toMoney(value, entry.currency),
      seller_payable_breakdown: {
        gross_amount: toMoney(value, entry.currency),
        paypal_fee: toMoney(0, entry.currency),
        net_amount: toMoney(value, entry.currency),
        total_refunded_amount: toMoney(entry.refundedMinor, entry.currency),
      },
      ...(entry.capture.invoice_id !== undefined ? { invoice_id: entry.capture.invoice_id } : {}),
      ...(entry.capture.custom_id !== undefined ? { custom_id: entry.capture.custom_id } : {}),
      ...extra,
      status: 'COMPLETED',
      create_time: isoNow(),
      update_time: isoNow(),
      links: [
        link(`/v2/payments/refunds/${id}`, 'self'),
        link(`/v2/payments/captures/${entry.capture.id}`, 'up'),
      ],
    };
    refunds.set(id, { refund, merchant: entry.merchant, captureId: entry.capture.id });
    return refund;
  }

  async function refundCapture(ctx, id) {
    const entry = captureRecord(id, ctx.merchant);
    const refund = makeRefund(entry, ctx.body?.amount);
    ctx.status = 201;
    await emit(
      ctx.merchant,
      'PAYMENT.CAPTURE.REFUNDED',
      'refund',
      refund,
      `A ${refund.amount.value} ${refund.amount.currency_code} capture payment was refunded`,
    );
    if (ctx.prefer === 'return=representation') return refund;
    return { id: refund.id, status: refund.status, links: refund.links };
  }

  function verifySignature(ctx) {
    const body = ctx.body ?? {};
    for (const field of [
      'auth_algo',
      'cert_url',
      'transmission_id',
      'transmission_sig',
      'transmission_time',
      'webhook_id',
    ]) {
      if (typeof body[field] !== 'string' || body[field] === '') {
        throw badRequest('MISSING_REQUIRED_PARAMETER', `${field} is required.`);
      }
    }
    if (typeof body.webhook_event !== 'object' || body.webhook_event === null) {
      throw badRequest('MISSING_REQUIRED_PARAMETER', 'webhook_event is required.');
    }
    // PayPal looks the webhook up among the calling app's own.
    if (merchants.get(ctx.merchant.clientId)?.webhookId !== body.webhook_id) throw notFound();
    const expected = Buffer.from(
      signature(
        body.transmission_id,
        body.transmission_time,
        body.webhook_id,
        JSON.stringify(body.webhook_event),
      ),
    );
    const given = Buffer.from(body.transmission_sig);
    const ok = given.length === expected.length && timingSafeEqual(given, expected);
    return { verification_status: ok ? 'SUCCESS' : 'FAILURE' };
  }

  const routes = [
    ['POST', /^\/v2\/checkout\/orders$/, createOrder],
    ['GET', /^\/v2\/checkout\/orders\/([^/]+)$/, (ctx, id) => orderRecord(id, ctx.merchant).order],
    ['POST', /^\/v2\/checkout\/orders\/([^/]+)\/capture$/, captureOrder],
    ['GET', /^\/v2\/payments\/captures\/([^/]+)$/, (ctx, id) => captureView(captureRecord(id, ctx.merchant))],
    ['POST', /^\/v2\/payments\/captures\/([^/]+)\/refund$/, refundCapture],
    [
      'GET',
      /^\/v2\/payments\/refunds\/([^/]+)$/,
      (ctx, id) => {
        const record = refunds.get(id);
        if (!record || record.merchant !== ctx.merchant) throw notFound();
        return record.refund;
      },
    ],
    ['POST', /^\/v1\/notifications\/verify-webhook-signature$/, verifySignature],
  ];

  const send = (response, status, body) =>
    sendJson(response, status, body, { 'paypal-debug-id': randomBytes(7).toString('hex') });

  function oauth(request, response, text) {
    const header = request.headers.authorization ?? '';
    const [scheme, value = ''] = header.split(' ');
    const decoded = scheme === 'Basic' ? Buffer.from(value, 'base64').toString('utf8') : '';
    const split = decoded.indexOf(':');
    const clientId = split >= 0 ? decoded.slice(0, split) : null;
    const secret = split >= 0 ? decoded.slice(split + 1) : null;
    requests.push({
      method: 'POST',
      path: '/v1/oauth2/token',
      clientId,
      requestId: null,
      prefer: null,
      body: Object.fromEntries(new URLSearchParams(text)),
    });
    const merchant = clientId ? merchants.get(clientId) : null;
    if (!merchant || merchant.clientSecret !== secret) {
      return send(response, 401, {
        error: 'invalid_client',
        error_description: 'Client Authentication failed',
      });
    }
    if (new URLSearchParams(text).get('grant_type') !== 'client_credentials') {
      return send(response, 400, {
        error: 'unsupported_grant_type',
        error_description: 'Grant Type is NULL',
      });
    }
    const token = `A21AA${randomBytes(32).toString('base64url')}`;
    tokens.set(token, { merchant, expiresAt: Date.now() + tokenLifetime * 1000 });
    return send(response, 200, {
      scope:
        'https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/payments/refund',
      access_token: token,
      token_type: 'Bearer',
      app_id: `APP-${newId(17)}`,
      expires_in: tokenLifetime,
      nonce: `${isoNow()}${randomBytes(16).toString('base64url')}`,
    });
  }

  async function api(request, response, url, text) {
    const method = request.method ?? 'GET';
    if (method === 'POST' && url.pathname === '/v1/oauth2/token') return oauth(request, response, text);
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    const session = tokens.get(token);
    const requestId = request.headers['paypal-request-id']?.toString() ?? null;
    const prefer = request.headers.prefer?.toString() ?? null;
    let body = null;
    let malformed = false;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        malformed = true;
      }
    }
    requests.push({
      method,
      path: url.pathname,
      clientId: session?.merchant.clientId ?? null,
      requestId,
      prefer,
      body,
    });
    if (!session || session.expiresAt <= Date.now()) {
      return send(response, 401, {
        error: 'invalid_token',
        error_description: 'Access Token not found in cache',
      });
    }
    const merchant = session.merchant;
    try {
      if (
        method === 'POST' &&
        !String(request.headers['content-type'] ?? '').startsWith('application/json')
      ) {
        throw new PayPalFailure(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request payload is not supported.');
      }
      if (malformed) {
        throw badRequest('MALFORMED_REQUEST_JSON', 'The request JSON is not well formed.');
      }
      const slot =
        method === 'POST' && requestId ? `${merchant.clientId}|${url.pathname}|${requestId}` : null;
      const earlier = slot ? idempotent.get(slot) : null;
      // PayPal answers a repeated PayPal-Request-Id with the first answer (200 for a repeated create).
      if (earlier) return send(response, earlier.status === 201 ? 200 : earlier.status, earlier.body);
      const route = routes.find(([verb, pattern]) => verb === method && pattern.test(url.pathname));
      if (!route) throw notFound();
      const [, pattern, handler] = route;
      const args = (pattern.exec(url.pathname) ?? []).slice(1).map(decodeURIComponent);
      const ctx = { merchant, body, prefer, status: 200 };
      const answer = copy(await handler(ctx, ...args));
      // Only answers that did something are kept (a refusal throws past this): a refused call may
      // be retried with the same id.
      if (slot) idempotent.set(slot, { status: ctx.status, body: answer });
      return send(response, ctx.status, answer);
    } catch (error) {
      if (!(error instanceof PayPalFailure)) throw error;
      return send(response, error.status, error.body);
    }
  }

  async function approvalPage(request, response, url) {
    const record = orders.get(url.searchParams.get('token') ?? '');
    if (!record) return sendPage(response, 404, 'Not found', '<h1>This order does not exist.</h1>');
    const order = record.order;
    if (order.status !== 'CREATED' && order.status !== 'PAYER_ACTION_REQUIRED') {
      return sendPage(response, 410, 'Order closed', `<h1>This order is ${escapeHtml(order.status)}.</h1>`);
    }
    if (request.method === 'POST') {
      await approveOrder(order.id);
      return seeOther(response, withQuery(record.returnUrl, { token: order.id, PayerID: record.payerId }));
    }
    const unit = order.purchase_units[0];
    const amount = `${unit.amount.value} ${unit.amount.currency_code}`;
    const cancel = record.cancelUrl ? withQuery(record.cancelUrl, { token: order.id }) : null;
    return sendPage(
      response,
      200,
      `Pay ${amount} — PayPal (test)`,
      `<h1>${escapeHtml(amount)}</h1><p>${escapeHtml(unit.description ?? '')}</p>` +
        `<form method="post" action="/checkoutnow?token=${escapeHtml(order.id)}">` +
        '<button type="submit">Approve and pay</button></form>' +
        (cancel ? `<p><a href="${escapeHtml(cancel)}">Cancel and return to merchant</a></p>` : ''),
    );
  }

  const server = await startFakeServer({
    port: options.port,
    handle: (request, response, url, text) => {
      if (url.pathname.startsWith('/v1/') || url.pathname.startsWith('/v2/')) {
        return api(request, response, url, text);
      }
      if (url.pathname === '/checkoutnow') return approvalPage(request, response, url);
      return sendPage(response, 404, 'Not found', '<h1>Not found</h1>');
    },
    failed: (response, message) => send(response, 500, { name: 'INTERNAL_SERVER_ERROR', message }),
  });
  base = server.url;

  /** Test controls act as PayPal's side does, so they throw the same failures a call would get. */
  const control =
    (work) =>
    async (...args) => {
      try {
        return await work(...args);
      } catch (error) {
        if (error instanceof PayPalFailure)
          throw new Error(`${error.body.name}: ${error.body.details?.[0]?.issue ?? error.message}`);
        throw error;
      }
    };

  return {
    url: base,
    requests,
    events,
    deliveries,
    merchant({ clientId, clientSecret, webhookId, webhookUrl = null }) {
      merchants.set(clientId, {
        clientId,
        clientSecret,
        webhookId,
        webhookUrl,
        merchantId: newId(13),
        email: `merchant-${clientId.slice(0, 6).toLowerCase()}@example.com`,
      });
    },
    approve: control(async (orderId, approveOptions = {}) => {
      const { event } = await approveOrder(orderId, approveOptions.capture ?? 'COMPLETED');
      return event;
    }),
    refund: control(async (captureId, amountMinor) => {
      const entry = captureRecord(captureId);
      const amount = amountMinor === undefined ? undefined : toMoney(amountMinor, entry.currency);
      const refund = makeRefund(entry, amount);
      return emit(
        entry.merchant,
        'PAYMENT.CAPTURE.REFUNDED',
        'refund',
        refund,
        'A capture payment was refunded',
      );
    }),
    reverse: control(async (captureId) => {
      const entry = captureRecord(captureId);
      const refund = makeRefund(entry, undefined, { note_to_payer: 'Chargeback reversal' });
      return emit(entry.merchant, 'PAYMENT.CAPTURE.REVERSED', 'refund', refund, 'A payment was reversed');
    }),
    dispute: control(async (captureId, outcome = 'open') => {
      const entry = captureRecord(captureId);
      let dispute = disputes.get(captureId);
      let event = null;
      if (!dispute || dispute.status === 'RESOLVED') {
        dispute = {
          dispute_id: `PP-D-${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
          create_time: isoNow(),
          update_time: isoNow(),
          disputed_transactions: [
            {
              seller_transaction_id: captureId,
              create_time: entry.capture.create_time,
              transaction_status: 'COMPLETED',
              gross_amount: copy(entry.capture.amount),
              ...(entry.capture.invoice_id !== undefined ? { invoice_number: entry.capture.invoice_id } : {}),
              ...(entry.capture.custom_id !== undefined ? { custom: entry.capture.custom_id } : {}),
              seller: { merchant_id: entry.merchant.merchantId },
            },
          ],
          reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED',
          status: 'OPEN',
          dispute_amount: copy(entry.capture.amount),
          dispute_life_cycle_stage: 'CHARGEBACK',
          dispute_channel: 'EXTERNAL',
          links: [],
        };
        dispute.links = [link(`/v1/customer/disputes/${dispute.dispute_id}`, 'self')];
        disputes.set(captureId, dispute);
        event = await emit(
          entry.merchant,
          'CUSTOMER.DISPUTE.CREATED',
          'dispute',
          dispute,
          'A new dispute opened',
        );
      }
      if (outcome === 'won' || outcome === 'lost') {
        Object.assign(dispute, {
          status: 'RESOLVED',
          update_time: isoNow(),
          dispute_outcome: {
            outcome_code: outcome === 'won' ? 'RESOLVED_SELLER_FAVOUR' : 'RESOLVED_BUYER_FAVOUR',
            ...(outcome === 'lost' ? { amount_refunded: copy(dispute.dispute_amount) } : {}),
          },
        });
        return emit(
          entry.merchant,
          'CUSTOMER.DISPUTE.RESOLVED',
          'dispute',
          dispute,
          'A dispute was resolved',
        );
      }
      if (event) return event;
      dispute.status = 'UNDER_REVIEW';
      dispute.update_time = isoNow();
      return emit(entry.merchant, 'CUSTOMER.DISPUTE.UPDATED', 'dispute', dispute, 'A dispute was updated');
    }),
    expireTokens() {
      tokens.clear();
    },
    signedEvent,
    close: server.close,
  };
}
