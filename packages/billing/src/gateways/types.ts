/**
 * One interface for every payment gateway. Invoice code talks to a `PaymentGateway` and reads
 * `GatewayNotice`s; it never names Stripe, PayPal or 2Checkout. Each adapter turns its provider's
 * API and notifications into these shapes, and verifies every notification before returning it.
 */

export const GATEWAY_KINDS = ['stripe', 'paypal', 'twocheckout'] as const;
export type GatewayKind = (typeof GATEWAY_KINDS)[number];

/** Test (sandbox) or live money. A notification whose mode differs from its gateway's is refused. */
export type GatewayMode = 'test' | 'live';

/** What a checkout is for: one payment towards one invoice. */
export interface CheckoutRequest {
  /** Our checkout's id: travels with the payment (metadata, custom id) and comes back with it. */
  checkoutId: string;
  invoiceNumber: string;
  /** What the payer is told they pay for, e.g. "Invoice INV-0042 from Northwind Studio". */
  description: string;
  amountMinor: number;
  /** ISO 4217, upper case. */
  currency: string;
  /** Where the gateway sends the payer back after paying, and after giving up. */
  successUrl: string;
  cancelUrl: string;
  /** The payer's email, to prefill the hosted page; null when not known. */
  customerEmail: string | null;
  /**
   * Derived from the invoice and the amount, so a double click or a retried request opens the
   * same checkout at the gateway rather than a second one.
   */
  idempotencyKey: string;
}

export interface CheckoutStart {
  /** The gateway's id for the checkout (a Checkout Session, an order, a buy link's reference). */
  externalId: string;
  /** The gateway's hosted page; the payer's browser goes there. */
  url: string;
}

/**
 * A notification the adapter verified (signature, timestamp, mode), in the gateway-neutral form
 * the core applies. Every notice has the gateway's own event id, by which it is applied once.
 */
export type GatewayNotice =
  | PaymentNotice
  | ApprovedNotice
  | RefundNotice
  | DisputeNotice
  | AccountNotice
  | {
      kind: 'other';
      eventId: string;
      /** The gateway's name for the event, kept in the event log. */
      type: string;
      livemode: boolean;
      /** The connected account it came from, where the gateway has such a thing. */
      account: string | null;
    };

interface NoticeBase {
  eventId: string;
  type: string;
  livemode: boolean;
  /** The connected account the event belongs to (Stripe Connect), or null. */
  account: string | null;
}

/** Money arrived: the payment is confirmed by the gateway. */
export interface PaymentNotice extends NoticeBase {
  kind: 'payment';
  /** Our checkout id as the gateway carried it back, or null if it did not. */
  checkoutId: string | null;
  /** The gateway's id for the checkout (its Checkout Session, order), or null. */
  checkoutRef: string | null;
  /** The gateway's id for the money movement (a PaymentIntent, a capture, a sale). */
  paymentRef: string;
  amountMinor: number;
  currency: string;
  at: Date;
}

/**
 * The payer approved a checkout that the merchant must still complete (PayPal's order approval):
 * the core completes it with `fetchCheckout`, so a payer who never comes back still pays.
 */
export interface ApprovedNotice extends NoticeBase {
  kind: 'approved';
  checkoutId: string | null;
  /** The gateway's id for the checkout, as `fetchCheckout` takes it. */
  checkoutRef: string;
}

/**
 * What has been refunded of a payment so far, in all: notices can come twice and in any order,
 * so the core keeps the largest total it has seen rather than adding each notice.
 */
export interface RefundNotice extends NoticeBase {
  kind: 'refund';
  checkoutId: string | null;
  paymentRef: string;
  refundedMinor: number;
  currency: string;
  at: Date;
}

/** A payer disputed a payment (a chargeback): the money is held until the dispute closes. */
export interface DisputeNotice extends NoticeBase {
  kind: 'dispute';
  checkoutId: string | null;
  paymentRef: string;
  disputeRef: string;
  amountMinor: number;
  currency: string;
  /** Open while under review; won gives the money back to the agency, lost keeps it with the payer. */
  status: 'open' | 'won' | 'lost';
  reason: string;
  at: Date;
}

/** A connected account changed (onboarding finished, payouts disabled). */
export interface AccountNotice extends NoticeBase {
  kind: 'account';
  /** Whether the account can take payments now. */
  ready: boolean;
}

/** A payment as the gateway reports it when asked, e.g. when the payer comes back. */
export interface PaymentState {
  status: 'paid' | 'pending' | 'failed';
  checkoutId: string | null;
  /** Set once the payment exists at the gateway. */
  paymentRef: string | null;
  amountMinor: number;
  currency: string;
  livemode: boolean;
}

/** What "test the connection" found. */
export type ConnectionCheck =
  | {
      ok: true;
      mode: GatewayMode;
      /** The account as the gateway names it. */
      account: string;
    }
  | { ok: false; message: string };

/** An HTTP request as the webhook route received it: the raw body, before any parsing. */
export interface RawNotification {
  body: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
}

export interface PaymentGateway {
  readonly kind: GatewayKind;
  readonly mode: GatewayMode;
  /** Opens a hosted checkout for one payment. */
  createCheckout(request: CheckoutRequest): Promise<CheckoutStart>;
  /**
   * Verifies a notification on its raw body and reads it. Throws `GatewaySignatureError` when the
   * signature, timestamp or mode is wrong; nothing in an unverified body is trusted.
   */
  verifyNotification(raw: RawNotification): Promise<GatewayNotice>;
  /**
   * Asks the gateway how a checkout (by its `externalId`) stands, when the payer comes back. Where
   * the gateway wants the merchant to complete an approved payment (PayPal's capture), this does
   * so, and reports the answer. Null when the gateway does not know the checkout.
   */
  fetchCheckout(externalId: string): Promise<PaymentState | null>;
  /** Asks the gateway how a payment (by its `paymentRef`) stands. Null when it does not know it. */
  fetchPayment(paymentRef: string): Promise<PaymentState | null>;
  /** Refunds part or all of a payment; the refund is applied when the gateway's notice comes. */
  refund(paymentRef: string, amountMinor: number, idempotencyKey: string): Promise<{ refundRef: string }>;
  /** Checks the credentials with a harmless read. */
  testConnection(): Promise<ConnectionCheck>;
  /**
   * The answer a gateway requires to a notification it sent, once verified (2Checkout's IPN wants
   * a signed receipt back). Absent or null: a plain 200 will do.
   */
  acknowledge?(raw: RawNotification, now: Date): { contentType: string; body: string } | null;
}

/** A notification that failed verification: answered 400, applied never. */
export class GatewaySignatureError extends Error {
  override readonly name = 'GatewaySignatureError';
}

/** The gateway answered with an error (declined, bad credentials, unreachable). */
export class GatewayRequestError extends Error {
  override readonly name = 'GatewayRequestError';

  constructor(
    message: string,
    /** The gateway's own status code, when it answered. */
    readonly status: number | null = null,
  ) {
    super(message);
  }
}
