/** Where the fake listens: port 0 (the default) picks a free one. */
export interface Fake2CheckoutOptions {
  port?: number;
}

/** A REST API request as the fake received it. */
export interface Fake2CheckoutRequest {
  method: string;
  /** Below /rest/6.0, without the query string, e.g. `/orders/123456789/refund/`. */
  path: string;
  query: Record<string, string>;
  /** The merchant the X-Avangate-Authentication header proved, or null when it did not. */
  merchantCode: string | null;
  /** The JSON body, or null. */
  body: unknown;
}

/** One IPN the fake sent, with the answer it got. */
export interface Fake2CheckoutIpn {
  refNo: string;
  /** The IPN's ORDERSTATUS, e.g. COMPLETE or REFUND. */
  status: string;
  /** The merchant's IPN URL, or null when none is set (then nothing was sent). */
  url: string | null;
  /** The form body as posted. */
  body: string;
  /** The fields in the order sent, signatures last. */
  fields: Array<[string, string]>;
  /** The listener's answer; status 0 when it could not be reached. */
  response: { status: number; body: string };
  /** Whether the answer held the signed read receipt 2Checkout requires. */
  acknowledged: boolean;
}

/** A signed IPN: the form body and the headers 2Checkout would send with it. */
export interface SignedIpn {
  body: string;
  headers: { 'content-type': string };
}

export interface Fake2CheckoutMerchant {
  merchantCode: string;
  secretKey: string;
  buyLinkSecret: string;
  /** Where IPNs go; none are sent without it. */
  ipnUrl?: string | null;
}

export interface Fake2Checkout {
  /** e.g. http://127.0.0.1:43121 */
  url: string;
  /** The hosted cart's base (twocheckoutGateway's `api.checkout`). */
  checkoutUrl: string;
  /** The REST API's base, version included (twocheckoutGateway's `api.rest`). */
  restUrl: string;
  requests: Fake2CheckoutRequest[];
  ipns: Fake2CheckoutIpn[];
  merchant(merchant: Fake2CheckoutMerchant): void;
  /**
   * What the hosted cart's "Place order" does: checks the buy link (a bad one throws), makes a
   * paid order and resolves once its IPN has been answered.
   */
  pay(buyLinkUrl: string): Promise<Fake2CheckoutIpn>;
  /** A refund made in 2Checkout's control panel; the whole remainder without an amount. */
  refund(refNo: string, amountMinor?: number): Promise<Fake2CheckoutIpn>;
  signedIpn(fields: Array<[string, string]> | Record<string, string>, secretKey: string): SignedIpn;
  /** Waits for IPNs that API calls (refunds) set off after answering. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export function startFake2Checkout(options?: Fake2CheckoutOptions): Promise<Fake2Checkout>;
export function signedIpn(
  fields: Array<[string, string]> | Record<string, string>,
  secretKey: string,
): SignedIpn;
/** A buy link's signature as 2Checkout computes it. */
export function buyLinkSignature(params: Record<string, string>, buyLinkSecret: string): string;
/** Each value preceded by its length in bytes. */
export function lengthPrefixed(values: string[]): string;
/** YYYYMMDDHHMMSS in UTC. */
export function ipnDate(at?: Date): string;
/** Whether a listener's answer is the signed read receipt for an IPN with these fields. */
export function isIpnReceipt(answer: string, fields: Array<[string, string]>, secretKey: string): boolean;
