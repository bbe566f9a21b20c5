// A local stand-in for 2Checkout (Verifone): its ConvertPlus hosted cart (/checkout/buy), the REST
// API 6.0 calls packages/billing/src/gateways/twocheckout.ts makes (/rest/6.0/orders/...), and its
// IPN, delivered signed to the merchant's IPN URL, whose answer is checked for the signed read
// receipt 2Checkout requires. Signatures follow 2Checkout's documentation and are computed here
// independently of the adapter, so a test passing against the fake means the adapter signs and
// verifies as 2Checkout does. Everything lives in memory, one instance per test file.
//
// What the fake assumes where 2Checkout's documentation is thin: a refund's IPN has ORDERSTATUS
// REFUND, REFUND_TYPE FULL or PARTIAL, and the refunded amount in IPN_TOTALGENERAL; a partial
// refund through the API names the order's line item.
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

/** The buy-link parameters 2Checkout signs when present (general and dynamic-product ones). */
const SIGNED_BUY_LINK_PARAMS = new Set([
  'return-url',
  'return-type',
  'expiration',
  'order-ext-ref',
  'item-ext-ref',
  'customer-ref',
  'customer-ext-ref',
  'lock',
  'currency',
  'prod',
  'price',
  'qty',
  'tangible',
  'type',
  'opt',
  'description',
  'recurrence',
  'duration',
  'renewal-price',
]);
const SIGNATURE_FIELDS = new Set(['HASH', 'SIGNATURE_SHA2_256', 'SIGNATURE_SHA3_256']);
/** How far a REST request's date may be from the fake's clock, in milliseconds. */
const REST_DATE_TOLERANCE = 10 * 60_000;

/** Each value preceded by its length in bytes: the source string of every 2Checkout HMAC. */
export function lengthPrefixed(/** @type {string[]} */ values) {
  return values.map((value) => `${Buffer.byteLength(value, 'utf8')}${value}`).join('');
}

const hmac = (/** @type {string} */ algo, /** @type {string} */ key, /** @type {string} */ text) =>
  createHmac(algo, key).update(text).digest('hex');

/**
 * A ConvertPlus buy link's signature: HMAC-SHA256 with the Buy Link Secret Word over the signed
 * parameters present, sorted by name, values (unencoded) length-prefixed.
 * @param {Record<string, string>} params @param {string} buyLinkSecret
 */
export function buyLinkSignature(params, buyLinkSecret) {
  const names = Object.keys(params)
    .filter((name) => SIGNED_BUY_LINK_PARAMS.has(name))
    .sort();
  return hmac('sha256', buyLinkSecret, lengthPrefixed(names.map((name) => params[name] ?? '')));
}

const pad = (/** @type {number} */ value) => String(value).padStart(2, '0');
/** YYYY-MM-DD HH:MM:SS in UTC. */
function sqlDate(/** @type {Date} */ at) {
  return (
    `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ` +
    `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`
  );
}
/** YYYYMMDDHHMMSS in UTC, as IPN_DATE and the read receipt's DATE are written. */
export function ipnDate(at = new Date()) {
  return sqlDate(at).replace(/[- :]/g, '');
}

/** @param {Array<[string, string]> | Record<string, string>} fields */
const pairsOf = (fields) =>
  (Array.isArray(fields) ? fields : Object.entries(fields)).map(([k, v]) => [k, String(v)]);

/**
 * An IPN as 2Checkout posts it: the fields in the given order (array fields named `IPN_PID[]`),
 * then HASH (HMAC-MD5), SIGNATURE_SHA2_256 and SIGNATURE_SHA3_256, each over every field's
 * length and value in order, with the account's secret key.
 * @param {Array<[string, string]> | Record<string, string>} fields @param {string} secretKey
 */
export function signedIpn(fields, secretKey) {
  const pairs = pairsOf(fields).filter(([name]) => !SIGNATURE_FIELDS.has(name));
  const source = lengthPrefixed(pairs.map(([, value]) => value));
  pairs.push(
    ['HASH', hmac('md5', secretKey, source)],
    ['SIGNATURE_SHA2_256', hmac('sha256', secretKey, source)],
    ['SIGNATURE_SHA3_256', hmac('sha3-256', secretKey, source)],
  );
  return {
    body: new URLSearchParams(pairs).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

/**
 * Whether an IPN listener's answer holds the read receipt 2Checkout wants: `<sig algo="sha256"
 * date="DATE">HASH</sig>` (or sha3-256, or the legacy `<EPAYMENT>DATE|HASH</EPAYMENT>` with
 * HMAC-MD5), HASH over IPN_PID[0], IPN_PNAME[0], IPN_DATE and DATE with the secret key.
 * @param {string} answer @param {Array<[string, string]>} pairs @param {string} secretKey
 */
export function isIpnReceipt(answer, pairs, secretKey) {
  const first = (/** @type {string} */ name) => pairs.find(([key]) => key === name)?.[1] ?? '';
  const sig = /<sig algo="(sha256|sha3-256)" date="(\d{14})">([0-9a-fA-F]+)<\/sig>/.exec(answer);
  const legacy = /<EPAYMENT>(\d{14})\|([0-9a-fA-F]+)<\/EPAYMENT>/.exec(answer);
  const [algo, date, hash] = sig
    ? [sig[1], sig[2], sig[3]]
    : legacy
      ? ['md5', legacy[1], legacy[2]]
      : [null, null, null];
  if (!algo || !date || !hash) return false;
  const source = lengthPrefixed([first('IPN_PID[]'), first('IPN_PNAME[]'), first('IPN_DATE'), date]);
  return hmac(algo, secretKey, source) === hash.toLowerCase();
}

function minorFactor(/** @type {string} */ currency) {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  return 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2);
}
const toMinor = (/** @type {number} */ amount, /** @type {string} */ currency) =>
  Math.round(amount * minorFactor(currency));
function toDecimal(/** @type {number} */ minor, /** @type {string} */ currency) {
  const factor = minorFactor(currency);
  return (minor / factor).toFixed(Math.round(Math.log10(factor)));
}
function formatAmount(/** @type {number} */ minor, /** @type {string} */ currency) {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(minor / minorFactor(currency));
}

/** A refused request, answered with 2Checkout's error shape. */
class TwocheckoutFailure extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** @param {import('./fake-2checkout.d.mts').Fake2CheckoutOptions} [options] */
export async function startFake2Checkout(options = {}) {
  /** @type {Map<string, { merchantCode: string, secretKey: string, buyLinkSecret: string, ipnUrl: string | null }>} */
  const merchants = new Map();
  /** Orders by RefNo, each with its merchant and what the buy link said. */
  const orders = new Map();
  const requests = [];
  const ipns = [];
  const later = laterDeliveries();
  let serial = 0;
  let refNoSeed = 200_000_000 + Math.floor(Math.random() * 90_000_000);
  let base = '';

  /**
   * Checks a buy link as the hosted cart does; the reason it is refused, or its parts.
   * @param {URLSearchParams} query
   */
  function readBuyLink(query) {
    const merchant = merchants.get(query.get('merchant') ?? '');
    if (!merchant) return { error: 'The merchant is unknown.' };
    if (query.get('dynamic') !== '1') return { error: 'Only dynamic products are sold here.' };
    /** @type {Record<string, string>} */
    const params = {};
    for (const [name, value] of query) if (SIGNED_BUY_LINK_PARAMS.has(name)) params[name] = value;
    const signature = query.get('signature') ?? '';
    if (!signature || buyLinkSignature(params, merchant.buyLinkSecret) !== signature.toLowerCase()) {
      return { error: 'The link’s signature is not valid.' };
    }
    const expiration = Number(params.expiration ?? 'NaN');
    if (params.expiration && (!Number.isFinite(expiration) || expiration * 1000 < Date.now())) {
      return { error: 'The link has expired.' };
    }
    const currency = (params.currency ?? '').toUpperCase();
    const price = Number(params.price);
    const qty = Number(params.qty ?? '1');
    if (!params.prod || !/^[A-Z]{3}$/.test(currency) || !(price > 0) || !Number.isInteger(qty) || qty < 1) {
      return { error: 'The link names no product, price, quantity or currency.' };
    }
    return {
      merchant,
      params,
      currency,
      amountMinor: toMinor(price, currency) * qty,
      test: query.get('test') === '1',
      email: query.get('email') ?? params['customer-ext-ref'] ?? 'payer@example.com',
    };
  }

  /** The IPN fields for an order, in 2Checkout's order, before the signatures. */
  function ipnFields(record, status, amountMinor, extra = {}) {
    const { order } = record;
    const currency = order.Currency.toUpperCase();
    const amount = toDecimal(amountMinor, currency);
    return [
      ['GIFT_ORDER', '0'],
      ['SALEDATE', order.OrderDate],
      ['PAYMENTDATE', order.OrderDate],
      ['REFNO', order.RefNo],
      ['REFNOEXT', order.ExternalReference ?? ''],
      ['ORDERNO', String(order.OrderNo)],
      ['ORDERSTATUS', status],
      ['PAYMETHOD', 'Visa/MasterCard'],
      ['PAYMETHOD_CODE', 'CCVISAMC'],
      ['FIRSTNAME', 'Test'],
      ['LASTNAME', 'Payer'],
      ['CUSTOMEREMAIL', order.BillingDetails.Email],
      ['COMPLETE_DATE', order.FinishDate ?? ''],
      ['CURRENCY', currency],
      ['LANGUAGE', 'en'],
      ['ORDERFLOW', 'REGULAR'],
      ['IPN_PID[]', record.productId],
      ['IPN_PNAME[]', order.Items[0].ProductDetails.Name],
      ['IPN_PCODE[]', ''],
      ['IPN_EXTERNAL_REFERENCE[]', order.Items[0].ExternalReference ?? ''],
      ['IPN_QTY[]', String(order.Items[0].Quantity)],
      ['IPN_PRICE[]', amount],
      ['IPN_VAT[]', '0.00'],
      ['IPN_TOTAL[]', amount],
      ['IPN_TOTALGENERAL', amount],
      ['IPN_SHIPPING', '0.00'],
      ['EXTERNAL_CUSTOMER_REFERENCE', order.CustomerDetails.ExternalCustomerReference ?? ''],
      ['REFUND_TYPE', extra.refundType ?? ''],
      ['CHARGEBACK_RESOLUTION', 'NONE'],
      ['CHARGEBACK_REASON_CODE', ''],
      ['TEST_ORDER', order.TestOrder ? '1' : '0'],
      ['FRAUD_STATUS', 'APPROVED'],
      ['IPN_DATE', ipnDate()],
      ['VENDOR_CODE', order.MerchantCode],
    ];
  }

  /** Posts a signed IPN to the merchant's listener and records it with the answer it got. */
  async function deliver(record, fields) {
    const merchant = merchants.get(record.order.MerchantCode);
    const signed = signedIpn(fields, merchant.secretKey);
    const pairs = [...new URLSearchParams(signed.body)];
    const entry = {
      refNo: record.order.RefNo,
      status: fields.find(([name]) => name === 'ORDERSTATUS')?.[1] ?? '',
      url: merchant.ipnUrl,
      body: signed.body,
      fields: pairs,
      response: { status: 0, body: '' },
      acknowledged: false,
    };
    if (merchant.ipnUrl) {
      entry.response = await postWebhook(merchant.ipnUrl, signed);
      // 2Checkout counts the IPN as received only with its read receipt; otherwise it retries.
      entry.acknowledged =
        entry.response.status === 200 && isIpnReceipt(entry.response.body, pairs, merchant.secretKey);
    }
    ipns.push(entry);
    return entry;
  }

  /** The hosted cart's "Place order": a paid (COMPLETE) order and its IPN. */
  async function placeOrder(link) {
    const { merchant, params, currency, amountMinor, test, email } = link;
    serial += 1;
    refNoSeed += 1 + Math.floor(Math.random() * 50);
    const now = sqlDate(new Date());
    const gross = amountMinor / minorFactor(currency);
    const order = {
      RefNo: String(refNoSeed),
      OrderNo: serial,
      ExternalReference: params['order-ext-ref'] ?? null,
      MerchantCode: merchant.merchantCode,
      Status: 'COMPLETE',
      ApproveStatus: 'OK',
      OrderDate: now,
      FinishDate: now,
      TestOrder: test,
      // The REST API writes currencies in lower case.
      Currency: currency.toLowerCase(),
      NetPrice: gross,
      GrossPrice: gross,
      BillingDetails: { Email: email },
      CustomerDetails: { ExternalCustomerReference: params['customer-ext-ref'] ?? null },
      Items: [
        {
          ProductDetails: { Name: params.prod, IsDynamic: true, Tangible: params.tangible === '1' },
          LineItemReference: randomBytes(20).toString('hex'),
          PurchaseType: params.type ?? 'PRODUCT',
          ExternalReference: params['item-ext-ref'] ?? '',
          Quantity: Number(params.qty ?? '1'),
          Price: { GrossPrice: gross, Currency: currency.toLowerCase() },
        },
      ],
    };
    const record = {
      order,
      productId: String(40_000_000 + serial),
      amountMinor,
      refundedMinor: 0,
      returnUrl: params['return-url'] ?? null,
      returnType: params['return-type'] ?? null,
    };
    orders.set(order.RefNo, record);
    const ipn = await deliver(record, ipnFields(record, 'COMPLETE', amountMinor));
    return { record, ipn };
  }

  /** Gives back part or all of what is left of an order; fully refunded, its status is REFUND. */
  function applyRefund(record, amountMinor) {
    const remaining = record.amountMinor - record.refundedMinor;
    if (record.order.Status !== 'COMPLETE' || remaining <= 0) {
      throw new TwocheckoutFailure(400, 'INVALID_ORDER', 'The order cannot be refunded.');
    }
    if (!Number.isInteger(amountMinor) || amountMinor <= 0 || amountMinor > remaining) {
      throw new TwocheckoutFailure(400, 'INVALID_AMOUNT', 'The refund amount is not valid for this order.');
    }
    record.refundedMinor += amountMinor;
    const full = record.refundedMinor === record.amountMinor;
    if (full) record.order.Status = 'REFUND';
    return () =>
      deliver(record, ipnFields(record, 'REFUND', amountMinor, { refundType: full ? 'FULL' : 'PARTIAL' }));
  }

  /** The merchant a REST request authenticates as, or a TwocheckoutFailure. */
  function authenticate(header) {
    const match = /code="([^"]*)"\s+date="([^"]*)"\s+hash="([^"]*)"(?:\s+algo="([^"]*)")?/.exec(header ?? '');
    const denied = new TwocheckoutFailure(
      401,
      'AUTHENTICATION_ERROR',
      'Authentication needed for this resource',
    );
    if (!match) throw denied;
    const [, code = '', date = '', hash = '', algo = 'md5'] = match;
    const merchant = merchants.get(code);
    if (!merchant || !['md5', 'sha256', 'sha3-256'].includes(algo)) throw denied;
    const at = Date.parse(`${date.replace(' ', 'T')}Z`);
    if (!Number.isFinite(at) || Math.abs(Date.now() - at) > REST_DATE_TOLERANCE) throw denied;
    if (hmac(algo, merchant.secretKey, lengthPrefixed([code, date])) !== hash.toLowerCase()) throw denied;
    return merchant;
  }

  const ownOrder = (merchant, refNo) => {
    const record = orders.get(refNo);
    if (!record || record.order.MerchantCode !== merchant.merchantCode) {
      throw new TwocheckoutFailure(404, 'ORDER_NOT_FOUND', 'Order not found.');
    }
    return record;
  };

  function searchOrders(merchant, query) {
    const tests = (query.get('IncludeTestOrders') ?? 'NO').toUpperCase();
    const external = query.get('ExternalRefNo');
    const start = query.get('StartDate');
    // Without StartDate 2Checkout returns the last 7 days (or since Newer).
    const since = start ? Date.parse(`${start}T00:00:00Z`) : Date.now() - 7 * 86_400_000;
    const limit = Math.max(1, Math.min(200, Number(query.get('Limit') ?? '10') || 10));
    const pageNumber = Math.max(1, Number(query.get('Page') ?? '1') || 1);
    const matching = [...orders.values()]
      .map((record) => record.order)
      .filter((order) => order.MerchantCode === merchant.merchantCode)
      .filter((order) => (tests === 'ONLY' ? order.TestOrder : tests === 'YES' ? true : !order.TestOrder))
      .filter((order) => !external || order.ExternalReference === external)
      .filter((order) => Date.parse(`${order.OrderDate.replace(' ', 'T')}Z`) >= since);
    return {
      Items: matching.slice((pageNumber - 1) * limit, pageNumber * limit),
      Pagination: { Page: pageNumber, Limit: limit, Count: matching.length },
    };
  }

  function refundOrder(merchant, refNo, body) {
    const record = ownOrder(merchant, refNo);
    const currency = record.order.Currency.toUpperCase();
    const amount = Number(body?.amount);
    if (!Number.isFinite(amount) || !body?.reason) {
      throw new TwocheckoutFailure(400, 'INVALID_PARAMETERS', 'A refund needs an amount and a reason.');
    }
    const amountMinor = toMinor(amount, currency);
    // A partial refund names the line items it gives money back for, as the API documents.
    if (record.refundedMinor + amountMinor < record.amountMinor) {
      const items = Array.isArray(body.items) ? body.items : [];
      const lines = new Set(record.order.Items.map((item) => item.LineItemReference));
      const itemsMinor = items.reduce((sum, item) => sum + toMinor(Number(item?.Amount), currency), 0);
      if (
        items.length === 0 ||
        items.some((item) => !lines.has(item?.LineItemReference)) ||
        itemsMinor !== amountMinor
      ) {
        throw new TwocheckoutFailure(
          400,
          'INVALID_ITEMS',
          'A partial refund must name its line items and amounts.',
        );
      }
    }
    return { answer: true, after: applyRefund(record, amountMinor) };
  }

  async function rest(request, response, url, text) {
    const method = request.method ?? 'GET';
    const path = url.pathname.slice('/rest/6.0'.length);
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Recorded as null; a handler that needs a body refuses it.
    }
    const entry = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      merchantCode: null,
      body,
    };
    requests.push(entry);
    try {
      const merchant = authenticate(request.headers['x-avangate-authentication']?.toString());
      entry.merchantCode = merchant.merchantCode;
      const one = /^\/orders\/([^/]+)\/$/.exec(path);
      const refund = /^\/orders\/([^/]+)\/refund\/$/.exec(path);
      if (method === 'GET' && path === '/orders/')
        return sendJson(response, 200, searchOrders(merchant, url.searchParams));
      if (method === 'GET' && one?.[1]) {
        return sendJson(response, 200, ownOrder(merchant, decodeURIComponent(one[1])).order);
      }
      if (method === 'POST' && refund?.[1]) {
        const { answer, after } = refundOrder(merchant, decodeURIComponent(refund[1]), body);
        sendJson(response, 200, answer);
        // 2Checkout sends the refund's IPN on its own time; here right after the answer.
        later.start(after);
        return;
      }
      throw new TwocheckoutFailure(404, 'NOT_FOUND', `No such resource: ${method} ${path}`);
    } catch (error) {
      if (!(error instanceof TwocheckoutFailure)) throw error;
      sendJson(response, error.status, { error_code: error.code, message: error.message });
    }
  }

  async function cart(request, response, url) {
    if (url.pathname !== '/checkout/buy') {
      return sendPage(response, 404, 'Not found', '<h1>Not found</h1>');
    }
    const link = readBuyLink(url.searchParams);
    if (link.error) {
      return sendPage(
        response,
        400,
        'Invalid buy link — 2Checkout test',
        `<h1>This link cannot be used</h1><p>${escapeHtml(link.error)}</p>`,
      );
    }
    const amount = formatAmount(link.amountMinor, link.currency);
    if (request.method === 'POST') {
      const { record } = await placeOrder(link);
      if (record.returnUrl && record.returnType === 'redirect') {
        return seeOther(response, record.returnUrl);
      }
      const back = record.returnUrl
        ? `<p><a href="${escapeHtml(record.returnUrl)}">Back to the merchant</a></p>`
        : '';
      return sendPage(
        response,
        200,
        'Thank you — 2Checkout test',
        `<h1>Thank you for your order</h1>${back}`,
      );
    }
    return sendPage(
      response,
      200,
      `Pay ${amount} — 2Checkout test`,
      `<h1>${escapeHtml(amount)}</h1><p>${escapeHtml(link.params.prod)}</p>` +
        (link.test ? '<p><strong>Test order</strong>: no money moves.</p>' : '') +
        '<form method="post"><button type="submit">Place order</button></form>',
    );
  }

  const server = await startFakeServer({
    port: options.port,
    handle: (request, response, url, text) =>
      url.pathname.startsWith('/rest/6.0/')
        ? rest(request, response, url, text)
        : cart(request, response, url),
    failed: (response, message) => sendJson(response, 500, { error_code: 'INTERNAL_ERROR', message }),
  });
  base = server.url;

  return {
    url: base,
    checkoutUrl: base,
    restUrl: `${base}/rest/6.0`,
    requests,
    ipns,
    merchant({ merchantCode, secretKey, buyLinkSecret, ipnUrl }) {
      merchants.set(merchantCode, { merchantCode, secretKey, buyLinkSecret, ipnUrl: ipnUrl ?? null });
    },
    async pay(buyLinkUrl) {
      const link = readBuyLink(new URL(buyLinkUrl).searchParams);
      if (link.error) throw new Error(link.error);
      return (await placeOrder(link)).ipn;
    },
    refund(refNo, amountMinor) {
      const record = orders.get(refNo);
      if (!record) throw new Error(`No order ${refNo}`);
      return applyRefund(record, amountMinor ?? record.amountMinor - record.refundedMinor)();
    },
    signedIpn,
    settled: later.settled,
    close: server.close,
  };
}
