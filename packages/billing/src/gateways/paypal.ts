import { createHash } from 'node:crypto';
import { minorToDecimal, parseMoney } from '../currency';
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

// PayPal's REST API (OAuth2, Orders v2, Payments v2, webhook verification) through `fetch`, not
// @paypal/paypal-server-sdk: the SDK's Client knows two environments (Sandbox, Production) with
// their URLs written into it and takes no base URL, so neither tests nor local runs could point
// it at a local PayPal. The calls below are the few the adapter needs.

export interface PayPalGatewayOptions {
  clientId: string;
  clientSecret: string;
  /** The id of the webhook PayPal delivers this agency's notifications to (from its REST app). */
  webhookId: string;
  mode: GatewayMode;
  /** Another API address (a local fake in tests); PayPal's sandbox or live API when null. */
  apiBase?: string | null;
}

/** How far a notification's transmission time may be from now, either way, in seconds. */
export const PAYPAL_NOTIFICATION_TOLERANCE = 300;

const API_BASES: Record<GatewayMode, string> = {
  test: 'https://api-m.sandbox.paypal.com',
  live: 'https://api-m.paypal.com',
};

/** The longest description, invoice id and custom id PayPal takes on a purchase unit. */
const DESCRIPTION_MAX = 127;
const INVOICE_ID_MAX = 127;

/** Currencies whose ISO amounts have cents that PayPal will not take (whole units only). */
const WHOLE_UNITS_ONLY = new Set(['HUF', 'TWD']);

/** Refresh a cached token this many seconds before PayPal says it expires. */
const TOKEN_MARGIN_SECONDS = 60;

const REQUEST_TIMEOUT_MS = 20_000;

const SIGNATURE_HEADERS = [
  'paypal-auth-algo',
  'paypal-cert-url',
  'paypal-transmission-id',
  'paypal-transmission-sig',
  'paypal-transmission-time',
] as const;

interface Money {
  currency_code: string;
  value: string;
}

interface Link {
  href: string;
  rel: string;
}

interface Capture {
  id: string;
  status: string;
  amount: Money;
  custom_id?: string;
  supplementary_data?: { related_ids?: { order_id?: string } };
  links?: Link[];
}

interface Order {
  id: string;
  status: string;
  purchase_units?: Array<{ custom_id?: string; amount?: Money; payments?: { captures?: Capture[] } }>;
  links?: Link[];
}

interface Refund {
  id: string;
  custom_id?: string;
  seller_payable_breakdown?: { total_refunded_amount?: Money };
  links?: Link[];
}

interface Dispute {
  dispute_id: string;
  status?: string;
  reason?: string;
  dispute_amount?: Money;
  disputed_transactions?: Array<{ seller_transaction_id?: string; custom?: string; gross_amount?: Money }>;
  dispute_outcome?: { outcome_code?: string };
}

interface PayPalEvent {
  id: string;
  event_type: string;
  create_time?: string;
  resource?: unknown;
}

/** PayPal refused a call; `issue` is PayPal's name for why (ORDER_ALREADY_CAPTURED…), when it gave one. */
export class PayPalRequestError extends GatewayRequestError {
  constructor(
    message: string,
    status: number | null,
    readonly issue: string | null = null,
  ) {
    super(message, status);
  }
}

/** PayPal's `{ currency_code, value }` in minor units of the ISO currency. */
function minorOf(money: Money | undefined): { amountMinor: number; currency: string } {
  const currency = money?.currency_code?.toUpperCase() ?? '';
  try {
    return { amountMinor: parseMoney(money?.value ?? '', currency), currency };
  } catch {
    throw new PayPalRequestError(`PayPal sent an amount that cannot be read (${currency}).`, null);
  }
}

/** Minor units as the decimal string PayPal takes for `currency`. */
export function paypalValue(amountMinor: number, currency: string): string {
  const decimal = minorToDecimal(amountMinor, currency);
  if (!WHOLE_UNITS_ONLY.has(currency)) return decimal;
  if (!decimal.endsWith('.00')) {
    throw new PayPalRequestError(`PayPal takes ${currency} amounts in whole units only.`, null);
  }
  return decimal.slice(0, -3);
}

/**
 * The invoice id PayPal keeps with the payment. PayPal refuses a second payment with an invoice
 * id it has seen, and an invoice may be paid in parts, so our checkout's id goes with the number.
 */
function invoiceId(request: CheckoutRequest): string {
  const combined = `${request.invoiceNumber}-${request.checkoutId}`;
  return combined.length <= INVOICE_ID_MAX ? combined : request.checkoutId.slice(0, INVOICE_ID_MAX);
}

const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The client id as shown to an admin: enough to recognise it, not the whole 80 characters. */
const shortClientId = (clientId: string) =>
  clientId.length <= 16 ? clientId : `${clientId.slice(0, 8)}…${clientId.slice(-4)}`;

function captureStatus(status: string): PaymentState['status'] {
  switch (status) {
    case 'COMPLETED':
    case 'PARTIALLY_REFUNDED':
    case 'REFUNDED':
      return 'paid';
    case 'DECLINED':
    case 'FAILED':
    case 'VOIDED':
      return 'failed';
    default:
      return 'pending';
  }
}

/** A PayPal error answer as a message an admin can act on; nothing secret is in PayPal's answers. */
async function errorFrom(response: Response): Promise<PayPalRequestError> {
  let body: {
    message?: string;
    details?: Array<{ issue?: string; description?: string }>;
    error_description?: string;
  } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  if (response.status === 401) {
    return new PayPalRequestError(
      'PayPal refused the client ID and secret: check both, and that they are for the chosen mode (sandbox or live).',
      401,
    );
  }
  const detail = body.details?.[0];
  const message =
    detail?.description ?? body.message ?? body.error_description ?? 'PayPal refused the request.';
  return new PayPalRequestError(
    detail?.issue ? `${message} (${detail.issue})` : message,
    response.status,
    detail?.issue ?? null,
  );
}

const unreachable = () => new PayPalRequestError('PayPal could not be reached: try again in a minute.', null);

interface CachedToken {
  token: string;
  /** Epoch milliseconds after which a new token is fetched. */
  refreshAt: number;
}

/**
 * Access tokens by API, client id and a hash of the secret. Module-wide because the core builds an
 * adapter per use; the secret is part of the key so a wrong secret never borrows a good token.
 */
const tokenCache = new Map<string, CachedToken>();
const tokenRequests = new Map<string, Promise<CachedToken>>();

/** A small client for the few PayPal calls the adapter makes. */
function paypalApi(base: string, clientId: string, clientSecret: string) {
  const cacheKey = `${base}\n${clientId}\n${createHash('sha256').update(clientSecret).digest('hex')}`;

  async function fetchToken(): Promise<CachedToken> {
    let response: Response;
    try {
      response = await fetch(`${base}/v1/oauth2/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch {
      throw unreachable();
    }
    if (!response.ok) throw await errorFrom(response);
    const body = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw new PayPalRequestError('PayPal gave no access token.', response.status);
    const lifetime = Number(body.expires_in ?? 0);
    const cached = {
      token: body.access_token,
      refreshAt: Date.now() + (lifetime - TOKEN_MARGIN_SECONDS) * 1000,
    };
    const now = Date.now();
    for (const [key, entry] of tokenCache) if (entry.refreshAt <= now) tokenCache.delete(key);
    if (cached.refreshAt > now) tokenCache.set(cacheKey, cached);
    return cached;
  }

  /** A current token: the cached one, or a new one (one request however many callers wait). */
  async function token(fresh = false): Promise<string> {
    const cached = tokenCache.get(cacheKey);
    if (!fresh && cached && cached.refreshAt > Date.now()) return cached.token;
    let pending = tokenRequests.get(cacheKey);
    if (!pending) {
      pending = fetchToken().finally(() => tokenRequests.delete(cacheKey));
      tokenRequests.set(cacheKey, pending);
    }
    return (await pending).token;
  }

  /**
   * One API call with a JSON body already written out. Null for a 404 when `missingIsNull`; a
   * PayPalRequestError for other refusals. A 401 (a token revoked, or expired early) is retried
   * once with a new token.
   */
  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    options: { json?: string; requestId?: string; missingIsNull?: boolean } = {},
  ): Promise<T | null> {
    for (let attempt = 0; ; attempt++) {
      const bearer = await token(attempt > 0);
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${bearer}`,
            accept: 'application/json',
            ...(method === 'POST'
              ? { 'content-type': 'application/json', prefer: 'return=representation' }
              : {}),
            ...(options.requestId ? { 'paypal-request-id': options.requestId } : {}),
          },
          ...(method === 'POST' ? { body: options.json ?? '{}' } : {}),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch {
        throw unreachable();
      }
      if (response.status === 401 && attempt === 0) {
        await response.arrayBuffer();
        tokenCache.delete(cacheKey);
        continue;
      }
      if (response.status === 404 && options.missingIsNull) {
        await response.arrayBuffer();
        return null;
      }
      if (!response.ok) throw await errorFrom(response);
      return (await response.json()) as T;
    }
  }

  return {
    token,
    get: <T>(path: string) => call<T>('GET', path, { missingIsNull: true }),
    post: async <T>(path: string, body: unknown, requestId?: string): Promise<T> =>
      (await call<T>('POST', path, { json: JSON.stringify(body), ...(requestId ? { requestId } : {}) })) as T,
    postJson: async <T>(path: string, json: string): Promise<T> =>
      (await call<T>('POST', path, { json })) as T,
  };
}

const orderPath = (orderId: string) => `/v2/checkout/orders/${encodeURIComponent(orderId)}`;
const capturePath = (captureId: string) => `/v2/payments/captures/${encodeURIComponent(captureId)}`;

function captureState(capture: Capture, checkoutId: string | null, livemode: boolean): PaymentState {
  return {
    status: captureStatus(capture.status),
    checkoutId,
    paymentRef: capture.id,
    ...minorOf(capture.amount),
    livemode,
  };
}

function orderState(order: Order, livemode: boolean): PaymentState {
  const unit = order.purchase_units?.[0];
  const checkoutId = unit?.custom_id ?? null;
  const capture = unit?.payments?.captures?.[0];
  if (capture) return captureState(capture, capture.custom_id ?? checkoutId, livemode);
  return {
    status: order.status === 'VOIDED' ? 'failed' : 'pending',
    checkoutId,
    paymentRef: null,
    ...minorOf(unit?.amount),
    livemode,
  };
}

/** The capture id a refund belongs to, from its `up` link (…/v2/payments/captures/{id}). */
function capturedBy(links: Link[] | undefined): string | null {
  const up = links?.find((link) => link.rel === 'up')?.href ?? '';
  const match = /\/v2\/payments\/captures\/([^/?#]+)/.exec(up);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

/** A verified PayPal event in the gateway-neutral form. PayPal's events carry no mode: it is the adapter's. */
export function paypalNotice(event: PayPalEvent, mode: GatewayMode): GatewayNotice {
  const base = { eventId: event.id, type: event.event_type, livemode: mode === 'live', account: null };
  const other: GatewayNotice = { ...base, kind: 'other' };
  const created = new Date(event.create_time ?? Number.NaN);
  const at = Number.isNaN(created.getTime()) ? new Date() : created;
  switch (event.event_type) {
    case 'PAYMENT.CAPTURE.COMPLETED': {
      const capture = event.resource as Capture | undefined;
      if (!capture?.id || capture.status !== 'COMPLETED') return other;
      return {
        ...base,
        kind: 'payment',
        checkoutId: capture.custom_id ?? null,
        checkoutRef: capture.supplementary_data?.related_ids?.order_id ?? null,
        paymentRef: capture.id,
        ...minorOf(capture.amount),
        at,
      };
    }
    case 'CHECKOUT.ORDER.APPROVED': {
      // The payer approved on PayPal's page; the capture is ours to make, even if they never return.
      const order = event.resource as { id?: string; purchase_units?: { custom_id?: string }[] } | undefined;
      if (!order?.id) return other;
      return {
        ...base,
        kind: 'approved',
        checkoutId: order.purchase_units?.[0]?.custom_id ?? null,
        checkoutRef: order.id,
      };
    }
    case 'PAYMENT.CAPTURE.REFUNDED':
    case 'PAYMENT.CAPTURE.REVERSED': {
      const refund = event.resource as Refund | undefined;
      const paymentRef = capturedBy(refund?.links);
      const total = refund?.seller_payable_breakdown?.total_refunded_amount;
      // Without the running total a notice cannot say what is refunded in all (this refund's own
      // amount would undo a larger total seen before), so it is only logged.
      if (!paymentRef || !total) return other;
      const { amountMinor, currency } = minorOf(total);
      return {
        ...base,
        kind: 'refund',
        checkoutId: refund?.custom_id ?? null,
        paymentRef,
        refundedMinor: amountMinor,
        currency,
        at,
      };
    }
    case 'CUSTOMER.DISPUTE.CREATED':
    case 'CUSTOMER.DISPUTE.UPDATED':
    case 'CUSTOMER.DISPUTE.RESOLVED': {
      const dispute = event.resource as Dispute | undefined;
      const transaction = dispute?.disputed_transactions?.[0];
      const paymentRef = transaction?.seller_transaction_id;
      const amount = dispute?.dispute_amount ?? transaction?.gross_amount;
      if (!dispute?.dispute_id || !paymentRef || !amount) return other;
      const outcome = dispute.dispute_outcome?.outcome_code;
      const resolved = event.event_type === 'CUSTOMER.DISPUTE.RESOLVED';
      return {
        ...base,
        kind: 'dispute',
        checkoutId: transaction.custom ?? null,
        paymentRef,
        disputeRef: dispute.dispute_id,
        ...minorOf(amount),
        // A payer who withdraws the dispute leaves the money with the agency, as a win does.
        status: !resolved
          ? 'open'
          : outcome === 'RESOLVED_SELLER_FAVOUR' || outcome === 'CANCELED_BY_BUYER'
            ? 'won'
            : 'lost',
        reason: dispute.reason ?? '',
        at,
      };
    }
    default:
      return other;
  }
}

/** Checks what can be checked without PayPal: every signature header, the time, a JSON event. */
function readNotification(raw: RawNotification, now: Date) {
  const headers: Record<(typeof SIGNATURE_HEADERS)[number], string> = {
    'paypal-auth-algo': '',
    'paypal-cert-url': '',
    'paypal-transmission-id': '',
    'paypal-transmission-sig': '',
    'paypal-transmission-time': '',
  };
  for (const name of SIGNATURE_HEADERS) {
    const value = raw.headers[name];
    if (!value) throw new GatewaySignatureError(`The notification has no ${name} header.`);
    headers[name] = value;
  }
  const sent = Date.parse(headers['paypal-transmission-time']);
  if (Number.isNaN(sent))
    throw new GatewaySignatureError('The notification’s transmission time is unreadable.');
  if (Math.abs(now.getTime() - sent) > PAYPAL_NOTIFICATION_TOLERANCE * 1000) {
    throw new GatewaySignatureError('The notification’s transmission time is too far from now.');
  }
  let event: unknown;
  try {
    event = JSON.parse(raw.body);
  } catch {
    throw new GatewaySignatureError('The notification’s body is not JSON.');
  }
  const candidate = event as Partial<PayPalEvent> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    Array.isArray(candidate) ||
    typeof candidate.id !== 'string' ||
    typeof candidate.event_type !== 'string'
  ) {
    throw new GatewaySignatureError('The notification is not a PayPal event.');
  }
  return { headers, event: candidate as PayPalEvent };
}

/** PayPal Checkout (Orders v2) with an agency's own REST app: its client id, secret and webhook. */
export function paypalGateway(options: PayPalGatewayOptions): PaymentGateway {
  const { mode } = options;
  const livemode = mode === 'live';
  const api = paypalApi(
    (options.apiBase ?? API_BASES[mode]).replace(/\/+$/, ''),
    options.clientId,
    options.clientSecret,
  );

  /**
   * Captures an approved order, once: the request id makes a retry PayPal's first answer, and an
   * order captured meanwhile (by another request) is read instead.
   */
  async function capture(orderId: string): Promise<PaymentState> {
    try {
      const order = await api.post<Order>(`${orderPath(orderId)}/capture`, {}, `capture-${orderId}`);
      return orderState(order, livemode);
    } catch (error) {
      if (!(error instanceof PayPalRequestError)) throw error;
      const readAgain = error.issue === 'ORDER_ALREADY_CAPTURED' || error.issue === 'INSTRUMENT_DECLINED';
      const order = readAgain ? await api.get<Order>(orderPath(orderId)) : null;
      if (!order) throw error;
      // A declined funding source leaves the order approved: this payment failed, the payer may try another.
      const state = orderState(order, livemode);
      return error.issue === 'INSTRUMENT_DECLINED' ? { ...state, status: 'failed' } : state;
    }
  }

  return {
    kind: 'paypal',
    mode,
    async createCheckout(request: CheckoutRequest): Promise<CheckoutStart> {
      const order = await api.post<Order>(
        '/v2/checkout/orders',
        {
          intent: 'CAPTURE',
          purchase_units: [
            {
              custom_id: request.checkoutId,
              invoice_id: invoiceId(request),
              description: truncate(request.description, DESCRIPTION_MAX),
              amount: {
                currency_code: request.currency,
                value: paypalValue(request.amountMinor, request.currency),
              },
            },
          ],
          payment_source: {
            paypal: {
              ...(request.customerEmail ? { email_address: request.customerEmail } : {}),
              experience_context: {
                return_url: request.successUrl,
                cancel_url: request.cancelUrl,
                user_action: 'PAY_NOW',
                // An invoice for services: PayPal would otherwise ask the payer for a postal address.
                shipping_preference: 'NO_SHIPPING',
              },
            },
          },
        },
        request.idempotencyKey,
      );
      const url = order.links?.find((link) => link.rel === 'payer-action' || link.rel === 'approve')?.href;
      if (!url) throw new PayPalRequestError('PayPal opened no payment page.', null);
      return { externalId: order.id, url };
    },

    async verifyNotification(raw) {
      const { headers, event } = readNotification(raw, new Date());
      // PayPal checks the signature over the event as it sent it, so the body goes back byte for
      // byte rather than parsed and written out again; it parsed as a JSON object, so it splices safely.
      const fields = JSON.stringify({
        auth_algo: headers['paypal-auth-algo'],
        cert_url: headers['paypal-cert-url'],
        transmission_id: headers['paypal-transmission-id'],
        transmission_sig: headers['paypal-transmission-sig'],
        transmission_time: headers['paypal-transmission-time'],
        webhook_id: options.webhookId,
      });
      let answer: { verification_status?: string };
      try {
        answer = await api.postJson<{ verification_status?: string }>(
          '/v1/notifications/verify-webhook-signature',
          `${fields.slice(0, -1)},"webhook_event":${raw.body}}`,
        );
      } catch (error) {
        // PayPal refusing to check it (a webhook id it does not know, a malformed request) is a
        // failed verification; PayPal unreachable, or our credentials refused, is not the sender's fault.
        if (
          error instanceof PayPalRequestError &&
          error.status !== null &&
          error.status >= 400 &&
          error.status < 500 &&
          error.status !== 401 &&
          error.status !== 429
        ) {
          throw new GatewaySignatureError('PayPal would not verify the notification.');
        }
        throw error;
      }
      if (answer.verification_status !== 'SUCCESS') {
        throw new GatewaySignatureError('The notification’s signature does not verify.');
      }
      return paypalNotice(event, mode);
    },

    async fetchCheckout(orderId) {
      const order = await api.get<Order>(orderPath(orderId));
      if (!order) return null;
      return order.status === 'APPROVED' ? capture(orderId) : orderState(order, livemode);
    },

    async fetchPayment(captureId) {
      const found = await api.get<Capture>(capturePath(captureId));
      return found ? captureState(found, found.custom_id ?? null, livemode) : null;
    },

    async refund(captureId, amountMinor, idempotencyKey) {
      if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
        throw new PayPalRequestError('A refund must be of a positive amount.', null);
      }
      // PayPal wants the refund in the capture's currency: the capture says which.
      const found = await api.get<Capture>(capturePath(captureId));
      if (!found)
        throw new PayPalRequestError('PayPal does not know this payment.', 404, 'INVALID_RESOURCE_ID');
      const currency = found.amount.currency_code;
      const refund = await api.post<Refund>(
        `${capturePath(captureId)}/refund`,
        { amount: { currency_code: currency, value: paypalValue(amountMinor, currency) } },
        idempotencyKey,
      );
      return { refundRef: refund.id };
    },

    async testConnection(): Promise<ConnectionCheck> {
      try {
        await api.token(true);
        return { ok: true, mode, account: shortClientId(options.clientId) };
      } catch (error) {
        return {
          ok: false,
          message: error instanceof GatewayRequestError ? error.message : unreachable().message,
        };
      }
    },
  };
}
