/** Where the fake listens: port 0 (the default) picks a free one. */
export interface FakeStripeOptions {
  port?: number;
}

/** An API request as the fake received it. */
export interface FakeStripeRequest {
  method: string;
  /** Without the query string. */
  path: string;
  /** The Stripe-Account header (Connect), or null. */
  stripeAccount: string | null;
  /** The Idempotency-Key header, or null (the SDK sets one on every POST). */
  idempotencyKey: string | null;
  /** The API key from the Authorization header, or null. */
  key: string | null;
  /** The form body (POST) or query string (GET) decoded into nested objects; values are strings. */
  params: Record<string, unknown>;
}

/** A Stripe event as the fake builds and sends it. */
export interface FakeStripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  livemode: boolean;
  type: string;
  /** Present on events from a connected account only. */
  account?: string;
  data: { object: Record<string, unknown> & { id: string }; previous_attributes?: Record<string, unknown> };
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
}

export interface FakeStripeDelivery {
  eventId: string;
  url: string;
  /** The endpoint's HTTP status; 0 when it could not be reached. */
  status: number;
}

/** A signed notification: the raw body and the headers (lower case) Stripe would send with it. */
export interface SignedEvent {
  body: string;
  headers: { 'content-type': string; 'stripe-signature': string };
}

export interface FakeStripeEndpoint {
  webhookUrl?: string | null;
  webhookSecret?: string | null;
  /** The name GET /v1/account reports for the key's own account. */
  name?: string;
}

export interface FakeStripe {
  /** e.g. http://127.0.0.1:43121 */
  url: string;
  /** For the SDK's host, port and protocol options (stripeGateway's `api`). */
  api: { host: '127.0.0.1'; port: number; protocol: 'http' };
  requests: FakeStripeRequest[];
  /** Every event built, in order, delivered or not. */
  events: FakeStripeEvent[];
  deliveries: FakeStripeDelivery[];
  refunds: Array<{ id: string; amount: number; payment_intent: string; charge: string; currency: string }>;
  /** A platform key: the accounts it creates are Connect accounts, whose events go to this endpoint. */
  connect(options: { platformKey: string } & FakeStripeEndpoint): void;
  /** An agency's own key and its endpoint; its events carry no `account`. */
  ownKeys(options: { secretKey: string } & FakeStripeEndpoint): void;
  signedEvent(event: object, secret: string, options?: { timestamp?: number }): SignedEvent;
  /** What the hosted page's Pay button does; resolves once checkout.session.completed is delivered. */
  pay(sessionId: string): Promise<FakeStripeEvent>;
  /** Lets a session lapse, as Stripe does after 24 hours (checkout.session.expired). */
  expire(sessionId: string): Promise<FakeStripeEvent>;
  /** A refund made in Stripe's dashboard (charge.refunded); the whole remainder without an amount. */
  refund(paymentIntentId: string, amountMinor?: number): Promise<FakeStripeEvent>;
  /**
   * Opens a dispute on the payment (charge.dispute.created), or closes the open one as won or lost
   * (charge.dispute.closed, opening it first when none is open). Resolves to the last event.
   */
  dispute(paymentIntentId: string, status: 'needs_response' | 'won' | 'lost'): Promise<FakeStripeEvent>;
  /** Waits for webhooks that API calls (refunds) set off after answering. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export function startFakeStripe(options?: FakeStripeOptions): Promise<FakeStripe>;
export function signedEvent(event: object, secret: string, options?: { timestamp?: number }): SignedEvent;
/** An event in Stripe's shape, for tests that craft notifications. */
export function stripeEvent(input: {
  type: string;
  object: object;
  livemode?: boolean;
  account?: string | null;
  previous?: object;
}): FakeStripeEvent;
/** Decodes a form body or query string with bracket keys into nested objects and arrays. */
export function decodeStripeForm(text: string): Record<string, unknown>;
