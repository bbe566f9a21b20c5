export interface FakePayPalOptions {
  /** Where the fake listens: port 0 (the default) picks a free one. */
  port?: number;
  /** The `expires_in` of the access tokens it hands out, in seconds (PayPal's: 32,400). */
  tokenLifetime?: number;
}

/** An API request as the fake received it. */
export interface FakePayPalRequest {
  method: string;
  /** Without the query string. */
  path: string;
  /** The app the request was made as (from its token, or Basic auth for /v1/oauth2/token), or null. */
  clientId: string | null;
  /** The PayPal-Request-Id header, or null. */
  requestId: string | null;
  /** The Prefer header, or null. */
  prefer: string | null;
  /** The JSON body (the form fields for /v1/oauth2/token), or null. */
  body: Record<string, unknown> | null;
}

export interface PayPalMoney {
  currency_code: string;
  value: string;
}

/** A webhook event as PayPal builds and sends it. */
export interface FakePayPalEvent {
  /** `WH-…` */
  id: string;
  event_version: string;
  create_time: string;
  resource_type: 'checkout-order' | 'capture' | 'refund' | 'dispute';
  resource_version: string;
  event_type: string;
  summary: string;
  resource: Record<string, unknown> & { id?: string };
  links: Array<{ href: string; rel: string; method: string }>;
}

export interface FakePayPalDelivery {
  eventId: string;
  eventType: string;
  url: string;
  /** The endpoint's HTTP status; 0 when it could not be reached. */
  status: number;
}

/** A signed notification: the raw body and the headers (lower case) PayPal sends with it. */
export interface SignedPayPalEvent {
  body: string;
  headers: {
    'content-type': string;
    'paypal-auth-algo': string;
    'paypal-auth-version': string;
    'paypal-cert-url': string;
    'paypal-transmission-id': string;
    'paypal-transmission-sig': string;
    'paypal-transmission-time': string;
  };
}

export interface FakePayPalMerchant {
  clientId: string;
  clientSecret: string;
  /** The id of the merchant's one webhook: deliveries are signed for it. */
  webhookId: string;
  /** Where the webhook's events are delivered; none when null. */
  webhookUrl?: string | null;
}

export interface FakePayPal {
  /** e.g. http://127.0.0.1:43121, the adapter's apiBase. */
  url: string;
  requests: FakePayPalRequest[];
  /** Every event built, in order, delivered or not. */
  events: FakePayPalEvent[];
  deliveries: FakePayPalDelivery[];
  /** A REST app (client id and secret) with its webhook. */
  merchant(merchant: FakePayPalMerchant): void;
  /**
   * What the payer does on PayPal's page (CHECKOUT.ORDER.APPROVED); `capture` is how the
   * merchant's capture will then turn out (COMPLETED unless told): a capture with that status, or
   * for INSTRUMENT_DECLINED a 422 refusal that leaves the order approved.
   */
  approve(
    orderId: string,
    options?: { capture?: 'COMPLETED' | 'PENDING' | 'DECLINED' | 'INSTRUMENT_DECLINED' },
  ): Promise<FakePayPalEvent>;
  /** A refund made in PayPal's dashboard (PAYMENT.CAPTURE.REFUNDED); the whole remainder without an amount. */
  refund(captureId: string, amountMinor?: number): Promise<FakePayPalEvent>;
  /** PayPal takes the rest of the payment back (a chargeback): PAYMENT.CAPTURE.REVERSED. */
  reverse(captureId: string): Promise<FakePayPalEvent>;
  /**
   * Opens a dispute on the capture (CUSTOMER.DISPUTE.CREATED), moves the open one on
   * (CUSTOMER.DISPUTE.UPDATED), or resolves it (CUSTOMER.DISPUTE.RESOLVED, opening it first when
   * none is open) for the merchant (won) or the payer (lost). Resolves to the last event.
   */
  dispute(captureId: string, outcome?: 'open' | 'won' | 'lost'): Promise<FakePayPalEvent>;
  /** Forgets every access token handed out, as when PayPal revokes them. */
  expireTokens(): void;
  /** Signs an event for a webhook id as this fake does its deliveries; `time` defaults to now. */
  signedEvent(
    event: object,
    webhookId: string,
    options?: { time?: Date; transmissionId?: string },
  ): SignedPayPalEvent;
  close(): Promise<void>;
}

export function startFakePayPal(options?: FakePayPalOptions): Promise<FakePayPal>;
