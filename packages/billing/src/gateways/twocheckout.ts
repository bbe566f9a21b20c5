import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type CheckoutRequest,
  type CheckoutStart,
  type ConnectionCheck,
  type GatewayMode,
  type GatewayNotice,
  GatewayRequestError,
  GatewaySignatureError,
  type PaymentGateway,
  type PaymentState,
  type RawNotification,
} from './types';

/**
 * 2Checkout (Verifone) through its REST API 6.0, its ConvertPlus hosted cart and its IPN. It has no
 * maintained SDK, so the signatures are made and checked here, as 2Checkout documents them:
 * - a dynamic buy link is signed with the Buy Link Secret Word: HMAC-SHA256 over the signed
 *   parameters present, sorted by name, each value preceded by its length in bytes;
 * - the REST API wants `X-Avangate-Authentication: code="…" date="…" hash="…"`, the hash an
 *   HMAC of the merchant code and the UTC date, each preceded by its length, with the secret key;
 * - an IPN carries HMACs (with the secret key) over every field's length and value in the order
 *   sent, and wants a signed read receipt back, or 2Checkout sends it again.
 */

/** Where the adapter talks to: 2Checkout itself, or a local fake in tests. */
export interface TwocheckoutApi {
  /** The hosted cart, e.g. https://secure.2checkout.com */
  checkout: string;
  /** The REST API's base, version included, e.g. https://api.2checkout.com/rest/6.0 */
  rest: string;
}

export interface TwocheckoutGatewayOptions {
  merchantCode: string;
  /** The account's secret key: signs REST requests and IPNs. */
  secretKey: string;
  /** The Buy Link Secret Word: signs buy links. */
  buyLinkSecret: string;
  mode: GatewayMode;
  api?: TwocheckoutApi | null;
}

export const TWOCHECKOUT_API: TwocheckoutApi = {
  checkout: 'https://secure.2checkout.com',
  rest: 'https://api.2checkout.com/rest/6.0',
};

/** How old an IPN may be, in seconds, by its IPN_DATE. */
export const TWOCHECKOUT_IPN_TOLERANCE = 86_400;
/** How far ahead of our clock an IPN_DATE may be, in seconds (clock drift, not replays). */
const IPN_FUTURE_TOLERANCE = 3_600;

/** The buy-link parameters 2Checkout requires to be signed when present (general and dynamic). */
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

/** The IPN fields that are signatures themselves, left out of what they sign. */
const IPN_SIGNATURE_FIELDS = new Set(['HASH', 'SIGNATURE_SHA2_256', 'SIGNATURE_SHA3_256']);

/** 2Checkout's serialisation for every HMAC it uses: each value preceded by its length in bytes. */
export function lengthPrefixed(values: readonly string[]): string {
  return values.map((value) => `${Buffer.byteLength(value, 'utf8')}${value}`).join('');
}

const hmacSha256 = (key: string, message: string) => createHmac('sha256', key).update(message).digest('hex');

function sameHex(expected: string, received: string): boolean {
  const a = Buffer.from(expected.toLowerCase());
  const b = Buffer.from(received.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The `signature` of a ConvertPlus buy link with these parameters (unencoded values). */
export function twocheckoutBuyLinkSignature(params: Record<string, string>, buyLinkSecret: string): string {
  const names = Object.keys(params)
    .filter((name) => SIGNED_BUY_LINK_PARAMS.has(name))
    .sort();
  return hmacSha256(buyLinkSecret, lengthPrefixed(names.map((name) => params[name] ?? '')));
}

/** Minor units per major unit of a currency (JPY 1, EUR 100, KWD 1000). */
function minorFactor(currency: string): number {
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency });
    return 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2);
  } catch {
    // Not an ISO 4217 code Intl knows: two decimals, as for most currencies.
    return 100;
  }
}

/** Minor units as the decimal 2Checkout reads, e.g. 1250 EUR → "12.50". */
function toDecimal(amountMinor: number, currency: string): string {
  const factor = minorFactor(currency);
  const digits = Math.round(Math.log10(factor));
  const sign = amountMinor < 0 ? '-' : '';
  const whole = Math.abs(amountMinor);
  const major = Math.floor(whole / factor);
  if (digits === 0) return `${sign}${major}`;
  return `${sign}${major}.${String(whole % factor).padStart(digits, '0')}`;
}

/** A decimal amount from 2Checkout (a string in an IPN, a number in the REST API) in minor units. */
function toMinor(amount: string | number | null | undefined, currency: string): number | null {
  if (amount === null || amount === undefined || amount === '') return null;
  const value = Number(amount);
  if (!Number.isFinite(value)) return null;
  return Math.round(value * minorFactor(currency));
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** YYYY-MM-DD HH:MM:SS in UTC, the REST API's authentication date. */
function restDate(at: Date): string {
  return (
    `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ` +
    `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`
  );
}

/** YYYYMMDDHHMMSS in UTC, the IPN's date format. */
function ipnDate(at: Date): string {
  return restDate(at).replace(/[- :]/g, '');
}

function parseIpnDate(text: string | undefined): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text ?? '');
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const at = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 0, hour ?? 0, minute ?? 0, second ?? 0));
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The X-Avangate-Authentication header for a request made now. */
export function twocheckoutAuthentication(merchantCode: string, secretKey: string, now: Date = new Date()) {
  const date = restDate(now);
  const hash = hmacSha256(secretKey, lengthPrefixed([merchantCode, date]));
  return `code="${merchantCode}" date="${date}" hash="${hash}" algo="sha256"`;
}

/** An IPN's fields in the order 2Checkout sent them; arrays (`IPN_PID[]`) repeat their name. */
export interface TwocheckoutIpn {
  pairs: Array<[string, string]>;
  /** A field's value, or an array field's first value (`IPN_PID` reads `IPN_PID[]`); '' when absent. */
  get(name: string): string;
}

function readIpn(body: string): TwocheckoutIpn {
  const pairs = [...new URLSearchParams(body)];
  const first = new Map<string, string>();
  for (const [name, value] of pairs) {
    const key = name.replace(/\[\d*\]$/, '');
    if (!first.has(key)) first.set(key, value);
  }
  return { pairs, get: (name) => first.get(name) ?? '' };
}

/**
 * Verifies an IPN (a form POST) with the account's secret key: the HMAC-SHA256 in
 * SIGNATURE_SHA2_256 over every other field's length and value, in the order sent. Only SHA-256
 * is accepted: 2Checkout sends it beside the legacy HMAC-MD5 `HASH`, and an IPN with the MD5 hash
 * alone is refused rather than trusted on a weaker signature. Also refuses an IPN_DATE more than
 * a day old, and a test order at a live gateway or a live one at a test gateway.
 */
export function verifyTwocheckoutIpn(
  raw: RawNotification,
  secretKey: string,
  mode: GatewayMode,
  now: Date = new Date(),
): TwocheckoutIpn {
  const ipn = readIpn(raw.body);
  const signature = ipn.get('SIGNATURE_SHA2_256');
  if (!signature) throw new GatewaySignatureError('The notification carries no SHA-256 signature.');
  const signed = lengthPrefixed(
    ipn.pairs.filter(([name]) => !IPN_SIGNATURE_FIELDS.has(name)).map(([, v]) => v),
  );
  if (!sameHex(hmacSha256(secretKey, signed), signature)) {
    throw new GatewaySignatureError('The notification’s signature does not verify.');
  }
  const sent = parseIpnDate(ipn.get('IPN_DATE'));
  if (!sent) throw new GatewaySignatureError('The notification has no valid IPN_DATE.');
  const age = (now.getTime() - sent.getTime()) / 1000;
  if (age > TWOCHECKOUT_IPN_TOLERANCE || age < -IPN_FUTURE_TOLERANCE) {
    throw new GatewaySignatureError('The notification is too old, or dated in the future.');
  }
  const test = ipn.get('TEST_ORDER') === '1';
  if (test !== (mode === 'test')) {
    throw new GatewaySignatureError(`A ${test ? 'test' : 'live'} order reached a ${mode} endpoint.`);
  }
  return ipn;
}

/** A chargeback's state from CHARGEBACK_RESOLUTION; null when the IPN is not about one. */
function chargebackStatus(resolution: string): 'open' | 'won' | 'lost' | null {
  switch (resolution.toUpperCase()) {
    case 'OPEN':
      return 'open';
    case 'WON':
      return 'won';
    case 'LOST':
    case 'ACCEPTED':
      return 'lost';
    default:
      // NONE (or absent) on every IPN that is not about a chargeback.
      return null;
  }
}

/** One order as the REST API returns it; only what the adapter reads. */
interface RestOrder {
  RefNo: string;
  ExternalReference: string | null;
  Status: string;
  TestOrder: boolean;
  Currency: string;
  GrossPrice: number | string;
  Items?: Array<{ LineItemReference?: string | null }>;
}

function orderState(order: RestOrder): PaymentState {
  const currency = order.Currency.toUpperCase();
  const status = order.Status.toUpperCase();
  return {
    // A refunded order was paid; the refund is reported on its own.
    status:
      status === 'COMPLETE' || status === 'REFUND'
        ? 'paid'
        : status === 'CANCELED' || status === 'REVERSED'
          ? 'failed'
          : 'pending',
    checkoutId: order.ExternalReference || null,
    paymentRef: order.RefNo ? String(order.RefNo) : null,
    amountMinor: toMinor(order.GrossPrice, currency) ?? 0,
    currency,
    livemode: !order.TestOrder,
  };
}

/** 2Checkout's refusal of the credentials, in words an admin can act on and without the secret. */
const refused = () =>
  new GatewayRequestError(
    '2Checkout refused the merchant code or secret key: check both in 2Checkout’s Integrations settings.',
    401,
  );

/** A 2Checkout account: ConvertPlus buy links for payments, its IPN for what happens to them. */
export function twocheckoutGateway(options: TwocheckoutGatewayOptions): PaymentGateway {
  const api = options.api ?? TWOCHECKOUT_API;
  const { mode, merchantCode, secretKey } = options;

  /** A REST call; null for 404, the parsed JSON otherwise, a GatewayRequestError on any failure. */
  async function rest<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T | null> {
    let response: Response;
    try {
      response = await fetch(`${api.rest}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          'x-avangate-authentication': twocheckoutAuthentication(merchantCode, secretKey),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(20_000),
      });
    } catch {
      throw new GatewayRequestError('2Checkout could not be reached: try again in a minute.', null);
    }
    const text = await response.text();
    if (response.status === 401 || response.status === 403) throw refused();
    if (response.status === 404) return null;
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: a proxy's error page, reported by status below.
    }
    if (!response.ok) {
      const message = (parsed as { message?: unknown } | null)?.message;
      throw new GatewayRequestError(
        typeof message === 'string' && message ? message : '2Checkout refused the request.',
        response.status,
      );
    }
    return parsed as T;
  }

  const orderPath = (refNo: string) => `/orders/${encodeURIComponent(refNo)}/`;

  return {
    kind: 'twocheckout',
    mode,
    async createCheckout(request: CheckoutRequest): Promise<CheckoutStart> {
      // ConvertPlus types a dynamic item PRODUCT, SHIPPING or TAX; tangible=0 makes it digital.
      const params: Record<string, string> = {
        prod: request.description,
        price: toDecimal(request.amountMinor, request.currency),
        qty: '1',
        type: 'PRODUCT',
        tangible: '0',
        currency: request.currency.toUpperCase(),
        'order-ext-ref': request.checkoutId,
        'item-ext-ref': request.invoiceNumber,
        ...(request.customerEmail ? { 'customer-ext-ref': request.customerEmail } : {}),
        'return-url': request.successUrl,
        'return-type': 'redirect',
      };
      const query = new URLSearchParams({ merchant: merchantCode, dynamic: '1', ...params });
      if (request.customerEmail) query.set('email', request.customerEmail);
      if (mode === 'test') query.set('test', '1');
      query.set('signature', twocheckoutBuyLinkSignature(params, options.buyLinkSecret));
      // No API call, and the link is the same for the same request: a retried request opens the
      // same checkout. 2Checkout's order number exists only once the payer has paid, so our
      // checkout id (the order's external reference) is the checkout's id at 2Checkout too.
      return { externalId: request.checkoutId, url: `${api.checkout}/checkout/buy?${query}` };
    },

    async verifyNotification(raw) {
      const ipn = verifyTwocheckoutIpn(raw, secretKey, mode);
      const refNo = ipn.get('REFNO');
      const status = ipn.get('ORDERSTATUS').toUpperCase();
      const currency = ipn.get('CURRENCY').toUpperCase();
      const sent = ipn.get('IPN_DATE');
      const at = parseIpnDate(sent) ?? new Date();
      const checkoutId = ipn.get('REFNOEXT') || null;
      const total = toMinor(ipn.get('IPN_TOTALGENERAL'), currency);
      const resolution = ipn.get('CHARGEBACK_RESOLUTION').toUpperCase();
      const chargeback = chargebackStatus(resolution);
      const refundType = ipn.get('REFUND_TYPE').toUpperCase();
      const type = chargeback ? `CHARGEBACK_${resolution}` : status;
      const base = {
        // One order sends several IPNs (paid, refunded, disputed); each is its own event.
        eventId: [refNo, status, chargeback ? type : refundType, sent].filter(Boolean).join(':'),
        type,
        livemode: mode === 'live',
        account: null,
      };
      const other: GatewayNotice = { ...base, kind: 'other' };
      if (!refNo || !currency || total === null) return other;

      if (chargeback) {
        return {
          ...base,
          kind: 'dispute',
          checkoutId,
          paymentRef: refNo,
          // 2Checkout keeps one chargeback per order.
          disputeRef: `${refNo}:chargeback`,
          amountMinor: total,
          currency,
          status: chargeback,
          reason: ipn.get('CHARGEBACK_REASON_CODE'),
          at,
        };
      }
      if (status === 'REFUND') {
        // A refund IPN's amount is what that refund gave back, not the running total the core
        // keeps. A full refund has given back the whole order, whose total the REST API knows;
        // a partial one is reported with its own amount, the least refunded so far, which is the
        // running total for the usual single partial refund.
        let refundedMinor = total;
        if (refundType !== 'PARTIAL') {
          const order = await rest<RestOrder>('GET', orderPath(refNo));
          refundedMinor = (order && toMinor(order.GrossPrice, currency)) ?? total;
        }
        return { ...base, kind: 'refund', checkoutId, paymentRef: refNo, refundedMinor, currency, at };
      }
      if (status === 'COMPLETE') {
        return {
          ...base,
          kind: 'payment',
          checkoutId,
          // The checkout's id is ours (createCheckout's externalId), carried back as REFNOEXT.
          checkoutRef: checkoutId,
          paymentRef: refNo,
          amountMinor: total,
          currency,
          at,
        };
      }
      // PENDING, PAYMENT_AUTHORIZED, PURCHASE_PENDING, CANCELED, and REVERSED (an authorisation
      // given back before the money was taken, not a refund): nothing for the core to apply.
      return other;
    },

    acknowledge(raw, now) {
      const ipn = readIpn(raw.body);
      const ipnDateText = ipn.get('IPN_DATE');
      if (!ipnDateText) return null;
      const date = ipnDate(now);
      const hash = hmacSha256(
        secretKey,
        lengthPrefixed([ipn.get('IPN_PID'), ipn.get('IPN_PNAME'), ipnDateText, date]),
      );
      return {
        contentType: 'text/plain; charset=utf-8',
        body: `<sig algo="sha256" date="${date}">${hash}</sig>`,
      };
    },

    async fetchCheckout(externalId) {
      const since = new Date(Date.now() - 365 * 86_400_000);
      const query = new URLSearchParams({
        ExternalRefNo: externalId,
        IncludeTestOrders: mode === 'test' ? 'ONLY' : 'NO',
        // Without a start date the search covers the last 7 days only.
        StartDate: restDate(since).slice(0, 10),
        Limit: '20',
        Page: '1',
      });
      const found = await rest<{ Items?: RestOrder[] }>('GET', `/orders/?${query}`);
      const orders = (found?.Items ?? []).filter((order) => order.ExternalReference === externalId);
      // A payer may have tried more than once: the paid order is the one that counts.
      const order =
        orders.find((o) => ['COMPLETE', 'REFUND'].includes(o.Status.toUpperCase())) ?? orders.at(-1);
      return order ? orderState(order) : null;
    },

    async fetchPayment(paymentRef) {
      const order = await rest<RestOrder>('GET', orderPath(paymentRef));
      return order ? orderState(order) : null;
    },

    async refund(paymentRef, amountMinor, idempotencyKey) {
      const order = await rest<RestOrder>('GET', orderPath(paymentRef));
      if (!order) throw new GatewayRequestError(`2Checkout knows no order ${paymentRef}.`, 404);
      const currency = order.Currency.toUpperCase();
      const amount = Number(toDecimal(amountMinor, currency));
      const partial = amountMinor < (toMinor(order.GrossPrice, currency) ?? 0);
      const lineItem = order.Items?.[0]?.LineItemReference;
      const done = await rest<boolean>('POST', `${orderPath(paymentRef)}refund/`, {
        amount,
        // 2Checkout takes no idempotency key; the key in the comment at least shows a retried
        // refund for what it is in the control panel.
        comment: `Refund ${idempotencyKey}`,
        reason: 'Other',
        // A partial refund names the line it comes from; the order has the one line we sold.
        ...(partial && lineItem
          ? { items: [{ LineItemReference: lineItem, Quantity: 1, Amount: amount }] }
          : {}),
      });
      if (done !== true) throw new GatewayRequestError('2Checkout did not issue the refund.', null);
      // The API answers only `true`: the refund has no id of its own at 2Checkout.
      return { refundRef: `${paymentRef}:${idempotencyKey}` };
    },

    async testConnection(): Promise<ConnectionCheck> {
      try {
        await rest('GET', '/orders/?Limit=1&Page=1');
        return { ok: true, mode, account: merchantCode };
      } catch (error) {
        if (error instanceof GatewayRequestError) return { ok: false, message: error.message };
        return { ok: false, message: '2Checkout could not be reached: try again in a minute.' };
      }
    },
  };
}
