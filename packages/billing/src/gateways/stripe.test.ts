import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeStripe,
  type FakeStripeEvent,
  startFakeStripe,
  stripeEvent,
} from '../../../../tests/support/fake-stripe.mjs';
import { startWebhookReceiver, type WebhookReceiver } from '../../../../tests/support/webhook-receiver';
import {
  STRIPE_SIGNATURE_TOLERANCE,
  type StripeGatewayOptions,
  stripeConnect,
  stripeGateway,
  stripeNotice,
  verifyStripeEvent,
} from './stripe';
import {
  type CheckoutRequest,
  GatewayRequestError,
  GatewaySignatureError,
  type RawNotification,
} from './types';

const PLATFORM_KEY = 'sk_test_platform51Fooyer000001';
const CONNECT_SECRET = 'whsec_connectEndpoint000001';
const OWN_KEY = 'sk_test_ownAgencyKey0000002';
const OWN_SECRET = 'whsec_ownEndpoint000002';
const LIVE_KEY = 'sk_live_ownAgencyKey0000003';

/** A webhook endpoint that keeps every notification as the route would receive it. */
type Receiver = WebhookReceiver;
const startReceiver = () => startWebhookReceiver('/webhooks/stripe', { received: true });

let fake: FakeStripe;
let connectEndpoint: Receiver;
let ownEndpoint: Receiver;

beforeAll(async () => {
  [fake, connectEndpoint, ownEndpoint] = await Promise.all([
    startFakeStripe(),
    startReceiver(),
    startReceiver(),
  ]);
  fake.connect({ platformKey: PLATFORM_KEY, webhookUrl: connectEndpoint.url, webhookSecret: CONNECT_SECRET });
  fake.ownKeys({
    secretKey: OWN_KEY,
    webhookUrl: ownEndpoint.url,
    webhookSecret: OWN_SECRET,
    name: 'Northwind',
  });
});

afterAll(async () => {
  await Promise.all([fake?.close(), connectEndpoint?.close(), ownEndpoint?.close()]);
});

let serial = 0;
function checkoutRequest(overrides: Partial<CheckoutRequest> = {}): CheckoutRequest {
  serial += 1;
  return {
    checkoutId: `chk_${serial}`,
    invoiceNumber: `INV-${String(serial).padStart(4, '0')}`,
    description: `Invoice INV-${String(serial).padStart(4, '0')} from Northwind Studio`,
    amountMinor: 1250,
    currency: 'EUR',
    successUrl: 'https://northwind.example/pay/done',
    cancelUrl: 'https://northwind.example/pay/cancelled',
    customerEmail: 'client@example.com',
    idempotencyKey: `checkout-${serial}-${Date.now()}`,
    ...overrides,
  };
}

const platform = () => stripeConnect({ secretKey: PLATFORM_KEY, api: fake.api });

/** A connected account that has finished onboarding, so it can take payments. */
async function connectedAccount(name = 'Northwind Studio') {
  const account = await platform().createAccount({
    email: null,
    name,
    idempotencyKey: `acct-${name}-${Date.now()}`,
  });
  const link = await platform().onboardingLink(account.id, {
    refreshUrl: 'https://foyer.example/refresh',
    returnUrl: 'https://foyer.example/return',
  });
  const finished = await fetch(link, { method: 'POST', redirect: 'manual' });
  expect(finished.status).toBe(303);
  return account.id;
}

function connectGateway(account: string, overrides: Partial<StripeGatewayOptions> = {}) {
  return stripeGateway({
    secretKey: PLATFORM_KEY,
    webhookSecret: CONNECT_SECRET,
    account,
    api: fake.api,
    ...overrides,
  });
}
const ownGateway = () =>
  stripeGateway({ secretKey: OWN_KEY, webhookSecret: OWN_SECRET, account: null, api: fake.api });

/** The notification an endpoint received for an event. */
function deliveredTo(endpoint: Receiver, event: FakeStripeEvent): RawNotification {
  const found = endpoint.received.find((raw) => (JSON.parse(raw.body) as { id: string }).id === event.id);
  if (!found) throw new Error(`${event.type} ${event.id} did not reach ${endpoint.url}`);
  return found;
}

const asEvent = (event: object) => event as unknown as Stripe.Event;

describe('createCheckout', () => {
  it('opens a session on the connected account with the request’s idempotency key', async () => {
    const account = await connectedAccount();
    const request = checkoutRequest();
    const start = await connectGateway(account).createCheckout(request);

    expect(start.externalId).toMatch(/^cs_test_/);
    expect(start.url).toBe(`${fake.url}/checkout/pay/${start.externalId}`);
    const sent = fake.requests.filter((r) => r.path === '/v1/checkout/sessions').at(-1);
    expect(sent).toMatchObject({
      method: 'POST',
      key: PLATFORM_KEY,
      stripeAccount: account,
      idempotencyKey: request.idempotencyKey,
      params: {
        mode: 'payment',
        client_reference_id: request.checkoutId,
        customer_email: 'client@example.com',
        line_items: [
          {
            quantity: '1',
            price_data: { currency: 'eur', unit_amount: '1250', product_data: { name: request.description } },
          },
        ],
        metadata: { foyer_checkout: request.checkoutId, invoice_number: request.invoiceNumber },
        payment_intent_data: { metadata: { foyer_checkout: request.checkoutId } },
      },
    });
  });

  it('gives one session for the same idempotency key, and refuses the key with other parameters', async () => {
    const gateway = connectGateway(await connectedAccount());
    const request = checkoutRequest();
    const first = await gateway.createCheckout(request);
    const again = await gateway.createCheckout(request);
    expect(again).toEqual(first);
    expect(fake.requests.filter((r) => r.idempotencyKey === request.idempotencyKey)).toHaveLength(2);

    const changed = gateway.createCheckout({ ...request, amountMinor: 999 });
    await expect(changed).rejects.toBeInstanceOf(GatewayRequestError);
    await expect(changed).rejects.toMatchObject({ status: 400 });
  });

  it('sends no Stripe-Account with an agency’s own key', async () => {
    const request = checkoutRequest({ customerEmail: null });
    const start = await ownGateway().createCheckout(request);
    const sent = fake.requests.find((r) => r.idempotencyKey === request.idempotencyKey);
    expect(sent).toMatchObject({ key: OWN_KEY, stripeAccount: null });
    expect(sent?.params).not.toHaveProperty('customer_email');
    expect(start.url).toBe(`${fake.url}/checkout/pay/${start.externalId}`);
  });

  it('leads to a hosted page with the amount and description', async () => {
    const request = checkoutRequest({ amountMinor: 4200 });
    const start = await ownGateway().createCheckout(request);
    const page = await (await fetch(start.url)).text();
    expect(page).toContain('<title>Pay €42.00 — test checkout</title>');
    expect(page).toContain(request.description);
    expect(page).toContain('href="https://northwind.example/pay/cancelled"');
  });

  it('opens a live session with a live key', async () => {
    fake.ownKeys({ secretKey: LIVE_KEY });
    const gateway = stripeGateway({ secretKey: LIVE_KEY, webhookSecret: null, account: null, api: fake.api });
    expect(gateway.mode).toBe('live');
    const start = await gateway.createCheckout(checkoutRequest());
    expect(start.externalId).toMatch(/^cs_live_/);
    expect(await gateway.fetchCheckout(start.externalId)).toMatchObject({ livemode: true });
  });
});

describe('verifyNotification', () => {
  let account: string;
  let completed: FakeStripeEvent;
  let request: CheckoutRequest;

  beforeAll(async () => {
    account = await connectedAccount();
    request = checkoutRequest();
    const start = await connectGateway(account).createCheckout(request);
    completed = await fake.pay(start.externalId);
  });

  it('verifies the delivered event and reads the payment from it', async () => {
    const notice = await connectGateway(account).verifyNotification(deliveredTo(connectEndpoint, completed));
    expect(notice).toMatchObject({
      kind: 'payment',
      eventId: completed.id,
      type: 'checkout.session.completed',
      account,
      livemode: false,
      checkoutId: request.checkoutId,
      checkoutRef: completed.data.object.id,
      paymentRef: expect.stringMatching(/^pi_/),
      amountMinor: 1250,
      currency: 'EUR',
    });
  });

  it('verifies an event signed by the SDK’s own test header', async () => {
    const payload = JSON.stringify(completed);
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: CONNECT_SECRET });
    const notice = await connectGateway(account).verifyNotification({
      body: payload,
      headers: { 'stripe-signature': header },
    });
    expect(notice).toMatchObject({ kind: 'payment', eventId: completed.id });
  });

  it('refuses a tampered body, a wrong secret, a stale timestamp, a live event and no signature', async () => {
    const gateway = connectGateway(account);
    const delivered = deliveredTo(connectEndpoint, completed);
    const tampered = {
      ...delivered,
      body: delivered.body.replace('"amount_total": 1250', '"amount_total": 1'),
    };
    expect(tampered.body).not.toBe(delivered.body);
    await expect(gateway.verifyNotification(tampered)).rejects.toBeInstanceOf(GatewaySignatureError);

    const otherSecret = fake.signedEvent(completed, 'whsec_someoneElse000000');
    await expect(gateway.verifyNotification(otherSecret)).rejects.toBeInstanceOf(GatewaySignatureError);

    const unix = Math.floor(Date.now() / 1000);
    const stale = fake.signedEvent(completed, CONNECT_SECRET, { timestamp: unix - 301 });
    await expect(gateway.verifyNotification(stale)).rejects.toBeInstanceOf(GatewaySignatureError);
    const recent = fake.signedEvent(completed, CONNECT_SECRET, { timestamp: unix - 200 });
    await expect(gateway.verifyNotification(recent)).resolves.toMatchObject({ kind: 'payment' });
    // The same notification replayed later than the tolerance is refused.
    const replayedAt = new Date(Date.now() + (STRIPE_SIGNATURE_TOLERANCE + 5) * 1000);
    expect(() => verifyStripeEvent(delivered, CONNECT_SECRET, 'test', replayedAt)).toThrow(
      GatewaySignatureError,
    );
    expect(verifyStripeEvent(delivered, CONNECT_SECRET, 'test').id).toBe(completed.id);

    const live = fake.signedEvent({ ...completed, livemode: true }, CONNECT_SECRET);
    await expect(gateway.verifyNotification(live)).rejects.toBeInstanceOf(GatewaySignatureError);

    await expect(gateway.verifyNotification({ body: delivered.body, headers: {} })).rejects.toBeInstanceOf(
      GatewaySignatureError,
    );
    const unset = connectGateway(account, { webhookSecret: null });
    await expect(unset.verifyNotification(delivered)).rejects.toBeInstanceOf(GatewaySignatureError);
  });

  it('verifies an agency’s own endpoint with its secret, and its events carry no account', async () => {
    const gateway = ownGateway();
    const start = await gateway.createCheckout(checkoutRequest());
    const event = await fake.pay(start.externalId);
    expect(event).not.toHaveProperty('account');
    const delivered = deliveredTo(ownEndpoint, event);
    await expect(gateway.verifyNotification(delivered)).resolves.toMatchObject({
      kind: 'payment',
      account: null,
    });
    await expect(connectGateway(account).verifyNotification(delivered)).rejects.toBeInstanceOf(
      GatewaySignatureError,
    );
  });
});

describe('stripeNotice', () => {
  it('maps a paid checkout, and an unpaid (asynchronous) one to other', async () => {
    const start = await ownGateway().createCheckout(checkoutRequest());
    const paid = await fake.pay(start.externalId);
    expect(stripeNotice(asEvent(paid))).toMatchObject({ kind: 'payment', checkoutRef: start.externalId });

    const unpaid = stripeEvent({
      type: 'checkout.session.completed',
      object: { ...paid.data.object, payment_status: 'unpaid', payment_intent: 'pi_pendingBankTransfer' },
    });
    expect(stripeNotice(asEvent(unpaid))).toEqual({
      kind: 'other',
      eventId: unpaid.id,
      type: 'checkout.session.completed',
      livemode: false,
      account: null,
    });
  });

  it('maps refunds, disputes (open, won, lost) and account updates', async () => {
    const account = await connectedAccount('Contoso Design');
    const gateway = connectGateway(account);
    const first = await gateway.createCheckout(checkoutRequest({ amountMinor: 5000 }));
    const paid = await fake.pay(first.externalId);
    const paymentRef = String(paid.data.object.payment_intent);

    const refunded = stripeNotice(asEvent(await fake.refund(paymentRef, 1500)));
    expect(refunded).toMatchObject({
      kind: 'refund',
      paymentRef,
      refundedMinor: 1500,
      currency: 'EUR',
      account,
    });
    expect(refunded).toMatchObject({ checkoutId: expect.stringMatching(/^chk_/) });

    const opened = stripeNotice(asEvent(await fake.dispute(paymentRef, 'needs_response')));
    expect(opened).toMatchObject({
      kind: 'dispute',
      type: 'charge.dispute.created',
      paymentRef,
      disputeRef: expect.stringMatching(/^dp_/),
      amountMinor: 5000,
      currency: 'EUR',
      status: 'open',
      reason: 'fraudulent',
    });
    const won = stripeNotice(asEvent(await fake.dispute(paymentRef, 'won')));
    expect(won).toMatchObject({ kind: 'dispute', type: 'charge.dispute.closed', status: 'won' });
    if (opened.kind === 'dispute' && won.kind === 'dispute') expect(won.disputeRef).toBe(opened.disputeRef);

    const second = await gateway.createCheckout(checkoutRequest());
    const secondRef = String((await fake.pay(second.externalId)).data.object.payment_intent);
    const lost = stripeNotice(asEvent(await fake.dispute(secondRef, 'lost')));
    expect(lost).toMatchObject({
      kind: 'dispute',
      type: 'charge.dispute.closed',
      status: 'lost',
      paymentRef: secondRef,
    });

    const updated = fake.events.findLast((e) => e.type === 'account.updated' && e.account === account);
    expect(updated).toBeDefined();
    expect(stripeNotice(asEvent(updated as FakeStripeEvent))).toMatchObject({
      kind: 'account',
      account,
      ready: true,
    });
  });

  it('maps an event type it does not know to other', () => {
    const event = stripeEvent({ type: 'customer.created', object: { id: 'cus_1', object: 'customer' } });
    expect(stripeNotice(asEvent(event))).toEqual({
      kind: 'other',
      eventId: event.id,
      type: 'customer.created',
      livemode: false,
      account: null,
    });
  });
});

describe('fetchCheckout and fetchPayment', () => {
  it('report pending before payment and paid after', async () => {
    const gateway = connectGateway(await connectedAccount());
    const request = checkoutRequest({ amountMinor: 7300, currency: 'GBP' });
    const start = await gateway.createCheckout(request);
    expect(await gateway.fetchCheckout(start.externalId)).toEqual({
      status: 'pending',
      checkoutId: request.checkoutId,
      paymentRef: null,
      amountMinor: 7300,
      currency: 'GBP',
      livemode: false,
    });

    await fake.pay(start.externalId);
    const after = await gateway.fetchCheckout(start.externalId);
    expect(after).toMatchObject({ status: 'paid', paymentRef: expect.stringMatching(/^pi_/) });
    expect(await gateway.fetchPayment(String(after?.paymentRef))).toEqual({
      status: 'paid',
      checkoutId: request.checkoutId,
      paymentRef: after?.paymentRef,
      amountMinor: 7300,
      currency: 'GBP',
      livemode: false,
    });
  });

  it('report an expired checkout as failed', async () => {
    const gateway = ownGateway();
    const start = await gateway.createCheckout(checkoutRequest());
    await fake.expire(start.externalId);
    expect(await gateway.fetchCheckout(start.externalId)).toMatchObject({
      status: 'failed',
      paymentRef: null,
    });
  });

  it('give null for unknown ids and for another account’s checkout', async () => {
    const gateway = connectGateway(await connectedAccount());
    expect(await gateway.fetchCheckout('cs_test_doesNotExist')).toBeNull();
    expect(await gateway.fetchPayment('pi_doesNotExist')).toBeNull();

    const start = await gateway.createCheckout(checkoutRequest());
    await fake.pay(start.externalId);
    const paymentRef = String((await gateway.fetchCheckout(start.externalId))?.paymentRef);

    const other = connectGateway(await connectedAccount('Other Agency'));
    expect(await other.fetchCheckout(start.externalId)).toBeNull();
    expect(await other.fetchPayment(paymentRef)).toBeNull();
    expect(await ownGateway().fetchCheckout(start.externalId)).toBeNull();
    expect(await ownGateway().fetchPayment(paymentRef)).toBeNull();
  });
});

describe('refund', () => {
  it('refunds on the account and the notices carry the running total', async () => {
    const account = await connectedAccount();
    const gateway = connectGateway(account);
    const start = await gateway.createCheckout(checkoutRequest({ amountMinor: 2000 }));
    await fake.pay(start.externalId);
    const paymentRef = String((await gateway.fetchCheckout(start.externalId))?.paymentRef);

    const first = await gateway.refund(paymentRef, 500, `refund-${paymentRef}-1`);
    expect(first.refundRef).toMatch(/^re_/);
    const sent = fake.requests.find((r) => r.idempotencyKey === `refund-${paymentRef}-1`);
    expect(sent).toMatchObject({
      path: '/v1/refunds',
      stripeAccount: account,
      params: { payment_intent: paymentRef, amount: '500' },
    });
    // A retried refund with the same key is the same refund, not a second one.
    expect(await gateway.refund(paymentRef, 500, `refund-${paymentRef}-1`)).toEqual(first);
    await gateway.refund(paymentRef, 300, `refund-${paymentRef}-2`);
    await fake.settled();

    expect(fake.refunds.filter((r) => r.payment_intent === paymentRef).map((r) => r.amount)).toEqual([
      500, 300,
    ]);
    const refundEvents = fake.events.filter(
      (e) => e.type === 'charge.refunded' && e.data.object.payment_intent === paymentRef,
    );
    const notices = await Promise.all(
      refundEvents.map((event) => gateway.verifyNotification(deliveredTo(connectEndpoint, event))),
    );
    expect(notices.map((n) => (n.kind === 'refund' ? n.refundedMinor : null))).toEqual([500, 800]);
    expect(notices[1]).toMatchObject({ kind: 'refund', paymentRef, account, currency: 'EUR' });

    const tooMuch = gateway.refund(paymentRef, 1201, `refund-${paymentRef}-3`);
    await expect(tooMuch).rejects.toBeInstanceOf(GatewayRequestError);
    await expect(tooMuch).rejects.toMatchObject({ status: 400 });
  });
});

describe('testConnection', () => {
  it('names the connected account, or the agency’s own', async () => {
    const account = await connectedAccount('Fabrikam Creative');
    expect(await connectGateway(account).testConnection()).toEqual({
      ok: true,
      mode: 'test',
      account: 'Fabrikam Creative',
    });
    expect(await ownGateway().testConnection()).toEqual({ ok: true, mode: 'test', account: 'Northwind' });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/account', key: OWN_KEY });
  });

  it('reports a refused key without repeating it', async () => {
    const badKey = 'sk_test_notAKeyStripeKnows9876';
    const check = await stripeGateway({
      secretKey: badKey,
      webhookSecret: null,
      account: null,
      api: fake.api,
    }).testConnection();
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message).toMatch(/refused the key/);
    expect(check.message).not.toContain(badKey);
    expect(check.message).not.toContain('9876');

    const raw = await fetch(`${fake.url}/v1/account`, { headers: { authorization: `Bearer ${badKey}` } });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({
      error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****9876' },
    });
  });
});

describe('stripeConnect', () => {
  it('creates an account, and onboarding makes it ready', async () => {
    const connect = platform();
    const created = await connect.createAccount({
      email: 'owner@wideworld.example',
      name: 'Wide World Agency',
      idempotencyKey: `tenant-wideworld-${Date.now()}`,
    });
    expect(created).toEqual({
      id: expect.stringMatching(/^acct_/),
      ready: false,
      detailsSubmitted: false,
      name: 'Wide World Agency',
    });
    expect(fake.requests.filter((r) => r.path === '/v1/accounts').at(-1)).toMatchObject({
      key: PLATFORM_KEY,
      stripeAccount: null,
      params: {
        type: 'standard',
        email: 'owner@wideworld.example',
        business_profile: { name: 'Wide World Agency' },
      },
    });

    const urls = {
      refreshUrl: 'https://foyer.example/stripe/refresh',
      returnUrl: 'https://foyer.example/stripe/back',
    };
    const link = await connect.onboardingLink(created.id, urls);
    expect(link.startsWith(`${fake.url}/connect/onboard/${created.id}?`)).toBe(true);
    expect(link).not.toContain('foyer.example');
    const page = await (await fetch(link)).text();
    expect(page).toContain('Stripe (test) — set up payments for Wide World Agency');
    expect(page).toContain('Finish setup');
    expect(await connect.account(created.id)).toMatchObject({ ready: false, detailsSubmitted: false });

    const finished = await fetch(link, { method: 'POST', redirect: 'manual' });
    expect(finished.status).toBe(303);
    expect(finished.headers.get('location')).toBe(urls.returnUrl);
    expect(await connect.account(created.id)).toEqual({ ...created, ready: true, detailsSubmitted: true });

    const updated = fake.events.findLast((e) => e.type === 'account.updated' && e.account === created.id);
    expect(updated).toBeDefined();
    const notice = await connectGateway(created.id).verifyNotification(
      deliveredTo(connectEndpoint, updated as FakeStripeEvent),
    );
    expect(notice).toMatchObject({ kind: 'account', account: created.id, ready: true });

    // A spent link sends the admin back for a fresh one.
    const spent = await fetch(link, { redirect: 'manual' });
    expect(spent.headers.get('location')).toBe(urls.refreshUrl);
  });

  it('gives null for an account it does not know, and an own key may not create accounts', async () => {
    expect(await platform().account('acct_doesNotExist0000')).toBeNull();
    const own = stripeConnect({ secretKey: OWN_KEY, api: fake.api });
    await expect(
      own.createAccount({ email: null, name: 'Nope', idempotencyKey: `own-${Date.now()}` }),
    ).rejects.toBeInstanceOf(GatewayRequestError);
  });
});
