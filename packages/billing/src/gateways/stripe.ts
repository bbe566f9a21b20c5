import Stripe from 'stripe';
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

/** Where the SDK sends its requests: Stripe itself, or a local fake in tests. */
export interface StripeApi {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

export interface StripeGatewayOptions {
  /** The platform's secret key (Connect) or the agency's own. */
  secretKey: string;
  /** The signing secret of the webhook endpoint the notifications arrive at. */
  webhookSecret: string | null;
  /** The agency's connected account (Connect): every request is made on its behalf. Null with own keys. */
  account: string | null;
  api?: StripeApi | null;
}

/** How old a signed notification may be, in seconds (Stripe's own default). */
export const STRIPE_SIGNATURE_TOLERANCE = 300;

/** The metadata key our checkout's id travels under, on the session and its PaymentIntent. */
const CHECKOUT_KEY = 'foyer_checkout';

/** Test or live, read from the key itself (`sk_test_…`, `rk_live_…`). */
export function stripeKeyMode(secretKey: string): GatewayMode {
  return /^(sk|rk)_test_/.test(secretKey) ? 'test' : 'live';
}

/** Whether `text` looks like a Stripe secret or restricted key. */
export const isStripeSecretKey = (text: string) => /^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$/.test(text);
/** Whether `text` looks like a webhook signing secret. */
export const isStripeWebhookSecret = (text: string) => /^whsec_[A-Za-z0-9+/=_-]{8,}$/.test(text);

export function stripeClient(secretKey: string, api?: StripeApi | null): Stripe {
  return new Stripe(secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    ...(api ? { host: api.host, port: api.port, protocol: api.protocol } : {}),
  });
}

/** Reads STRIPE_API_URL (`http://127.0.0.1:12111`) into the SDK's host, port and protocol. */
export function parseStripeApi(url: string): StripeApi {
  const parsed = new URL(url);
  const protocol = parsed.protocol === 'http:' ? 'http' : 'https';
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : protocol === 'http' ? 80 : 443,
    protocol,
  };
}

const upper = (currency: string) => currency.toUpperCase();
const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : (value?.id ?? null);

/** A Stripe error as a message an admin can act on, without anything secret in it. */
function requestError(error: unknown): GatewayRequestError {
  if (error instanceof Stripe.errors.StripeAuthenticationError) {
    return new GatewayRequestError('Stripe refused the key: check that it is a current secret key.', 401);
  }
  if (error instanceof Stripe.errors.StripePermissionError) {
    return new GatewayRequestError('The key may not do this: give it more permissions in Stripe.', 403);
  }
  if (error instanceof Stripe.errors.StripeConnectionError) {
    return new GatewayRequestError('Stripe could not be reached: try again in a minute.', null);
  }
  if (error instanceof Stripe.errors.StripeError) {
    return new GatewayRequestError(error.message || 'Stripe refused the request.', error.statusCode ?? null);
  }
  return new GatewayRequestError('Stripe could not be reached: try again in a minute.', null);
}

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw requestError(error);
  }
}

/** Null for a Stripe object that does not exist (404), the error otherwise. */
async function orMissing<T>(work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError && error.statusCode === 404) return null;
    throw requestError(error);
  }
}

/**
 * Verifies a Stripe notification on its raw body (`Stripe-Signature`, within the tolerance) with
 * the endpoint's secret, and checks it is in the expected mode. The Connect endpoint verifies
 * with the platform's secret before it knows the tenant; an agency's own endpoint with theirs.
 */
export function verifyStripeEvent(
  raw: RawNotification,
  webhookSecret: string,
  mode: GatewayMode,
  now: Date = new Date(),
): Stripe.Event {
  const signature = raw.headers['stripe-signature'];
  if (!signature) throw new GatewaySignatureError('The notification is not signed.');
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(
      raw.body,
      signature,
      webhookSecret,
      STRIPE_SIGNATURE_TOLERANCE,
      undefined,
      // The SDK takes the receive time in milliseconds; seconds here would make every event look
      // fresh, replays included.
      now.getTime(),
    );
  } catch {
    throw new GatewaySignatureError('The notification’s signature does not verify.');
  }
  if (event.livemode !== (mode === 'live')) {
    throw new GatewaySignatureError(
      `A ${event.livemode ? 'live' : 'test'} event reached a ${mode} endpoint.`,
    );
  }
  return event;
}

/** A verified Stripe event in the gateway-neutral form. */
export function stripeNotice(event: Stripe.Event): GatewayNotice {
  const base = {
    eventId: event.id,
    type: event.type,
    livemode: event.livemode,
    account: event.account ?? null,
  };
  const at = new Date(event.created * 1000);
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = event.data.object;
      const paymentRef = idOf(session.payment_intent);
      if (session.payment_status !== 'paid' || !paymentRef || session.amount_total === null) {
        return { ...base, kind: 'other' };
      }
      return {
        ...base,
        kind: 'payment',
        checkoutId: session.client_reference_id ?? session.metadata?.[CHECKOUT_KEY] ?? null,
        checkoutRef: session.id,
        paymentRef,
        amountMinor: session.amount_total,
        currency: upper(session.currency ?? ''),
        at,
      };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      const paymentRef = idOf(charge.payment_intent);
      if (!paymentRef) return { ...base, kind: 'other' };
      return {
        ...base,
        kind: 'refund',
        checkoutId: charge.metadata?.[CHECKOUT_KEY] ?? null,
        paymentRef,
        refundedMinor: charge.amount_refunded,
        currency: upper(charge.currency),
        at,
      };
    }
    case 'charge.dispute.created':
    case 'charge.dispute.updated':
    case 'charge.dispute.closed':
    case 'charge.dispute.funds_withdrawn':
    case 'charge.dispute.funds_reinstated': {
      const dispute = event.data.object;
      const paymentRef = idOf(dispute.payment_intent);
      if (!paymentRef) return { ...base, kind: 'other' };
      return {
        ...base,
        kind: 'dispute',
        checkoutId: dispute.metadata?.[CHECKOUT_KEY] ?? null,
        paymentRef,
        disputeRef: dispute.id,
        amountMinor: dispute.amount,
        currency: upper(dispute.currency),
        status: dispute.status === 'won' ? 'won' : dispute.status === 'lost' ? 'lost' : 'open',
        reason: dispute.reason ?? '',
        at,
      };
    }
    case 'account.updated': {
      const account = event.data.object;
      return {
        ...base,
        account: event.account ?? account.id,
        kind: 'account',
        ready: account.charges_enabled === true,
      };
    }
    default:
      return { ...base, kind: 'other' };
  }
}

function sessionState(session: Stripe.Checkout.Session): PaymentState {
  return {
    status: session.payment_status === 'paid' ? 'paid' : session.status === 'expired' ? 'failed' : 'pending',
    checkoutId: session.client_reference_id ?? session.metadata?.[CHECKOUT_KEY] ?? null,
    paymentRef: idOf(session.payment_intent),
    amountMinor: session.amount_total ?? 0,
    currency: upper(session.currency ?? ''),
    livemode: session.livemode,
  };
}

function intentState(intent: Stripe.PaymentIntent): PaymentState {
  return {
    status: intent.status === 'succeeded' ? 'paid' : intent.status === 'canceled' ? 'failed' : 'pending',
    checkoutId: intent.metadata?.[CHECKOUT_KEY] ?? null,
    paymentRef: intent.id,
    amountMinor: intent.status === 'succeeded' ? intent.amount_received : intent.amount,
    currency: upper(intent.currency),
    livemode: intent.livemode,
  };
}

/**
 * Stripe Checkout, either on an agency's connected account (Connect: the platform's key, every
 * request made on the account's behalf, so the money lands in the agency's balance) or with the
 * agency's own keys.
 */
export function stripeGateway(options: StripeGatewayOptions): PaymentGateway {
  const stripe = stripeClient(options.secretKey, options.api);
  const mode = stripeKeyMode(options.secretKey);
  const onBehalf = options.account ? { stripeAccount: options.account } : {};
  return {
    kind: 'stripe',
    mode,
    async createCheckout(request: CheckoutRequest): Promise<CheckoutStart> {
      const session = await call(() =>
        stripe.checkout.sessions.create(
          {
            mode: 'payment',
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: request.currency.toLowerCase(),
                  unit_amount: request.amountMinor,
                  product_data: { name: request.description },
                },
              },
            ],
            success_url: request.successUrl,
            cancel_url: request.cancelUrl,
            client_reference_id: request.checkoutId,
            ...(request.customerEmail ? { customer_email: request.customerEmail } : {}),
            metadata: { [CHECKOUT_KEY]: request.checkoutId, invoice_number: request.invoiceNumber },
            payment_intent_data: {
              description: request.description,
              metadata: { [CHECKOUT_KEY]: request.checkoutId, invoice_number: request.invoiceNumber },
            },
          },
          { idempotencyKey: request.idempotencyKey, ...onBehalf },
        ),
      );
      if (!session.url) throw new GatewayRequestError('Stripe opened no payment page.');
      return { externalId: session.id, url: session.url };
    },
    async verifyNotification(raw) {
      if (!options.webhookSecret) {
        throw new GatewaySignatureError('No signing secret is set for this endpoint.');
      }
      return stripeNotice(verifyStripeEvent(raw, options.webhookSecret, mode));
    },
    async fetchCheckout(externalId) {
      const session = await orMissing(() => stripe.checkout.sessions.retrieve(externalId, {}, onBehalf));
      return session ? sessionState(session) : null;
    },
    async fetchPayment(paymentRef) {
      const intent = await orMissing(() => stripe.paymentIntents.retrieve(paymentRef, {}, onBehalf));
      return intent ? intentState(intent) : null;
    },
    async refund(paymentRef, amountMinor, idempotencyKey) {
      const refund = await call(() =>
        stripe.refunds.create(
          { payment_intent: paymentRef, amount: amountMinor },
          { idempotencyKey, ...onBehalf },
        ),
      );
      return { refundRef: refund.id };
    },
    async testConnection(): Promise<ConnectionCheck> {
      try {
        const account = options.account
          ? await stripe.accounts.retrieve(options.account)
          : await stripe.accounts.retrieveCurrent();
        const name =
          account.business_profile?.name ||
          account.settings?.dashboard?.display_name ||
          account.email ||
          account.id;
        return { ok: true, mode, account: name };
      } catch (error) {
        return { ok: false, message: requestError(error).message };
      }
    },
  };
}

/** What an agency's Stripe account looks like to onboarding. */
export interface ConnectedAccount {
  id: string;
  /** Can take payments. */
  ready: boolean;
  /** Has finished the onboarding form (it may still be under review). */
  detailsSubmitted: boolean;
  name: string | null;
}

/**
 * The platform's side of Stripe Connect: an account for an agency, and the links that take its
 * admin through Stripe's hosted onboarding.
 */
export function stripeConnect(options: { secretKey: string; api?: StripeApi | null }) {
  const stripe = stripeClient(options.secretKey, options.api);
  const read = (account: Stripe.Account): ConnectedAccount => ({
    id: account.id,
    ready: account.charges_enabled === true,
    detailsSubmitted: account.details_submitted === true,
    name: account.business_profile?.name || account.settings?.dashboard?.display_name || null,
  });
  return {
    mode: stripeKeyMode(options.secretKey),
    async createAccount(input: { email: string | null; name: string; idempotencyKey: string }) {
      const account = await call(() =>
        stripe.accounts.create(
          {
            type: 'standard',
            ...(input.email ? { email: input.email } : {}),
            business_profile: { name: input.name },
          },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      return read(account);
    },
    async onboardingLink(account: string, urls: { refreshUrl: string; returnUrl: string }) {
      const link = await call(() =>
        stripe.accountLinks.create({
          account,
          type: 'account_onboarding',
          refresh_url: urls.refreshUrl,
          return_url: urls.returnUrl,
        }),
      );
      return link.url;
    },
    async account(account: string): Promise<ConnectedAccount | null> {
      const found = await orMissing(() => stripe.accounts.retrieve(account));
      return found ? read(found) : null;
    },
  };
}

export type StripeConnect = ReturnType<typeof stripeConnect>;
