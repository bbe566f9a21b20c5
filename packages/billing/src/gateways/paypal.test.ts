import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakePayPal,
  type FakePayPalEvent,
  startFakePayPal,
} from '../../../../tests/support/fake-paypal.mjs';
import { startWebhookReceiver, type WebhookReceiver } from '../../../../tests/support/webhook-receiver';
import {
  PAYPAL_NOTIFICATION_TOLERANCE,
  type PayPalGatewayOptions,
  paypalGateway,
  paypalNotice,
  paypalValue,
} from './paypal';
import {
  type CheckoutRequest,
  GatewayRequestError,
  GatewaySignatureError,
  type PaymentGateway,
  type RawNotification,
} from './types';

/** A webhook endpoint that keeps every notification as the route would receive it. */
type Receiver = WebhookReceiver;
const startReceiver = () => startWebhookReceiver('/webhooks/paypal', null);

interface Merchant {
  clientId: string;
  clientSecret: string;
  webhookId: string;
}

let fake: FakePayPal;
let northwindEndpoint: Receiver;
let contosoEndpoint: Receiver;
let northwind: Merchant;
let contoso: Merchant;

/** A REST app at the fake, with credentials shaped like PayPal's (80-character client ids). */
function newMerchant(webhookUrl: string | null = null, on: FakePayPal = fake): Merchant {
  const merchant = {
    clientId: `A${randomBytes(60).toString('base64url')}`.slice(0, 80),
    clientSecret: `E${randomBytes(60).toString('base64url')}`.slice(0, 80),
    webhookId: `${randomBytes(9).toString('hex').toUpperCase().slice(0, 17)}`,
  };
  on.merchant({ ...merchant, webhookUrl });
  return merchant;
}

const gatewayOf = (merchant: Merchant, overrides: Partial<PayPalGatewayOptions> = {}): PaymentGateway =>
  paypalGateway({ ...merchant, mode: 'test', apiBase: fake.url, ...overrides });

beforeAll(async () => {
  [fake, northwindEndpoint, contosoEndpoint] = await Promise.all([
    startFakePayPal(),
    startReceiver(),
    startReceiver(),
  ]);
  northwind = newMerchant(northwindEndpoint.url);
  contoso = newMerchant(contosoEndpoint.url);
});

afterAll(async () => {
  await Promise.all([fake?.close(), northwindEndpoint?.close(), contosoEndpoint?.close()]);
});

let serial = 0;
function checkoutRequest(overrides: Partial<CheckoutRequest> = {}): CheckoutRequest {
  serial += 1;
  const number = `INV-${String(serial).padStart(4, '0')}`;
  return {
    checkoutId: `chk_${serial}_${randomBytes(4).toString('hex')}`,
    invoiceNumber: number,
    description: `Invoice ${number} from Northwind Studio`,
    amountMinor: 1250,
    currency: 'EUR',
    successUrl: 'https://northwind.example/pay/done',
    cancelUrl: 'https://northwind.example/pay/cancelled',
    customerEmail: 'client@example.com',
    idempotencyKey: `checkout-${serial}-${Date.now()}`,
    ...overrides,
  };
}

/** A checkout the payer approved and the adapter captured. */
async function paidCheckout(
  gateway: PaymentGateway = gatewayOf(northwind),
  overrides: Partial<CheckoutRequest> = {},
) {
  const request = checkoutRequest(overrides);
  const start = await gateway.createCheckout(request);
  await fake.approve(start.externalId);
  const state = await gateway.fetchCheckout(start.externalId);
  if (state?.status !== 'paid' || !state.paymentRef) throw new Error(`not paid: ${JSON.stringify(state)}`);
  return { request, start, state, captureId: state.paymentRef };
}

/** The notification an endpoint received for an event. */
function deliveredTo(endpoint: Receiver, event: FakePayPalEvent): RawNotification {
  const found = endpoint.received.find((raw) => (JSON.parse(raw.body) as { id: string }).id === event.id);
  if (!found) throw new Error(`${event.event_type} ${event.id} did not reach ${endpoint.url}`);
  return found;
}

/** The last event of a type about a capture (its id, or the capture a refund or dispute is of). */
function eventFor(type: string, captureId: string): FakePayPalEvent {
  const found = fake.events.findLast(
    (event) => event.event_type === type && JSON.stringify(event.resource).includes(captureId),
  );
  if (!found) throw new Error(`no ${type} for ${captureId}`);
  return found;
}

const requestsTo = (path: string | RegExp) =>
  fake.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path)));

describe('createCheckout', () => {
  it('creates an order with the request id, the amount as a decimal and the return urls', async () => {
    const request = checkoutRequest();
    const start = await gatewayOf(northwind).createCheckout(request);

    expect(start.externalId).toMatch(/^[A-Z0-9]{17}$/);
    expect(start.url).toBe(`${fake.url}/checkoutnow?token=${start.externalId}`);
    const sent = requestsTo('/v2/checkout/orders').at(-1);
    expect(sent).toMatchObject({
      method: 'POST',
      clientId: northwind.clientId,
      requestId: request.idempotencyKey,
    });
    expect(sent?.body).toEqual({
      intent: 'CAPTURE',
      purchase_units: [
        {
          custom_id: request.checkoutId,
          invoice_id: `${request.invoiceNumber}-${request.checkoutId}`,
          description: request.description,
          amount: { currency_code: 'EUR', value: '12.50' },
        },
      ],
      payment_source: {
        paypal: {
          email_address: 'client@example.com',
          experience_context: {
            return_url: request.successUrl,
            cancel_url: request.cancelUrl,
            user_action: 'PAY_NOW',
            shipping_preference: 'NO_SHIPPING',
          },
        },
      },
    });
  });

  it('gives the same order for a repeated idempotency key', async () => {
    const gateway = gatewayOf(northwind);
    const request = checkoutRequest();
    const first = await gateway.createCheckout(request);
    expect(await gateway.createCheckout(request)).toEqual(first);
    expect(
      requestsTo('/v2/checkout/orders').filter((r) => r.requestId === request.idempotencyKey),
    ).toHaveLength(2);
    const other = await gateway.createCheckout({ ...request, idempotencyKey: `${request.idempotencyKey}-b` });
    expect(other.externalId).not.toBe(first.externalId);
  });

  it('writes amounts in each currency’s decimals, and refuses cents PayPal does not take', async () => {
    expect(paypalValue(1250, 'EUR')).toBe('12.50');
    expect(paypalValue(5, 'USD')).toBe('0.05');
    expect(paypalValue(1250, 'JPY')).toBe('1250');
    expect(paypalValue(12_300, 'HUF')).toBe('123');
    expect(() => paypalValue(12_345, 'HUF')).toThrow(GatewayRequestError);

    const gateway = gatewayOf(northwind);
    await gateway.createCheckout(checkoutRequest({ amountMinor: 1250, currency: 'JPY' }));
    expect(requestsTo('/v2/checkout/orders').at(-1)?.body).toMatchObject({
      purchase_units: [{ amount: { currency_code: 'JPY', value: '1250' } }],
    });
    const before = fake.requests.length;
    await expect(
      gateway.createCheckout(checkoutRequest({ amountMinor: 12_345, currency: 'HUF' })),
    ).rejects.toBeInstanceOf(GatewayRequestError);
    expect(fake.requests.length).toBe(before);
  });

  it('shortens a description longer than PayPal takes, and leads to the approval page', async () => {
    const request = checkoutRequest({
      description: `Invoice for ${'design work, '.repeat(20)}`,
      amountMinor: 4200,
    });
    const start = await gatewayOf(northwind).createCheckout(request);
    const sent = requestsTo('/v2/checkout/orders').at(-1)?.body as {
      purchase_units: Array<{ description: string }>;
    };
    expect(sent.purchase_units[0]?.description).toHaveLength(127);

    const page = await (await fetch(start.url)).text();
    expect(page).toContain('<title>Pay 42.00 EUR — PayPal (test)</title>');
    expect(page).toContain('Approve and pay');
    expect(page).toContain(`href="https://northwind.example/pay/cancelled?token=${start.externalId}"`);
  });

  it('reports PayPal’s refusal as a GatewayRequestError', async () => {
    const refused = gatewayOf(northwind).createCheckout(checkoutRequest({ amountMinor: 0 }));
    await expect(refused).rejects.toBeInstanceOf(GatewayRequestError);
    await expect(refused).rejects.toMatchObject({ status: 422, issue: 'CANNOT_BE_ZERO_OR_NEGATIVE' });
  });
});

describe('fetchCheckout', () => {
  it('reports an order the payer has not approved as pending, without capturing', async () => {
    const gateway = gatewayOf(northwind);
    const request = checkoutRequest();
    const start = await gateway.createCheckout(request);
    expect(await gateway.fetchCheckout(start.externalId)).toEqual({
      status: 'pending',
      checkoutId: request.checkoutId,
      paymentRef: null,
      amountMinor: 1250,
      currency: 'EUR',
      livemode: false,
    });
    expect(requestsTo(`/v2/checkout/orders/${start.externalId}/capture`)).toHaveLength(0);
  });

  it('captures an approved order once, and reports the same capture when asked again', async () => {
    const gateway = gatewayOf(northwind);
    const request = checkoutRequest({ amountMinor: 9999 });
    const start = await gateway.createCheckout(request);

    // The payer approves on PayPal's page and is sent back with the order's token.
    const approved = await fetch(start.url, { method: 'POST', redirect: 'manual' });
    expect(approved.status).toBe(303);
    const back = new URL(String(approved.headers.get('location')));
    expect(`${back.origin}${back.pathname}`).toBe(request.successUrl);
    expect(back.searchParams.get('token')).toBe(start.externalId);
    expect(back.searchParams.get('PayerID')).toMatch(/^[A-Z0-9]+$/);

    const state = await gateway.fetchCheckout(start.externalId);
    expect(state).toEqual({
      status: 'paid',
      checkoutId: request.checkoutId,
      paymentRef: expect.stringMatching(/^[A-Z0-9]{17}$/),
      amountMinor: 9999,
      currency: 'EUR',
      livemode: false,
    });
    const captures = requestsTo(`/v2/checkout/orders/${start.externalId}/capture`);
    expect(captures).toHaveLength(1);
    expect(captures[0]).toMatchObject({ method: 'POST', requestId: `capture-${start.externalId}` });
    // The capture's notification was delivered before the capture was answered.
    const completed = eventFor('PAYMENT.CAPTURE.COMPLETED', String(state?.paymentRef));
    expect(() => deliveredTo(northwindEndpoint, completed)).not.toThrow();

    expect(await gateway.fetchCheckout(start.externalId)).toEqual(state);
    expect(requestsTo(`/v2/checkout/orders/${start.externalId}/capture`)).toHaveLength(1);
    expect(
      fake.events.filter(
        (e) => e.event_type === 'PAYMENT.CAPTURE.COMPLETED' && e.resource.id === state?.paymentRef,
      ),
    ).toHaveLength(1);
  });

  it('captures once when two requests find the order approved at the same time', async () => {
    const gateway = gatewayOf(northwind);
    const start = await gateway.createCheckout(checkoutRequest());
    await fake.approve(start.externalId);
    const [first, second] = await Promise.all([
      gateway.fetchCheckout(start.externalId),
      gatewayOf(northwind).fetchCheckout(start.externalId),
    ]);
    expect(first?.status).toBe('paid');
    expect(second).toEqual(first);
    expect(
      fake.events.filter(
        (e) => e.event_type === 'PAYMENT.CAPTURE.COMPLETED' && e.resource.id === first?.paymentRef,
      ),
    ).toHaveLength(1);
  });

  it('reports a capture PayPal holds for review as pending, and a declined one as failed', async () => {
    const gateway = gatewayOf(northwind);
    const held = await gateway.createCheckout(checkoutRequest());
    await fake.approve(held.externalId, { capture: 'PENDING' });
    const pending = await gateway.fetchCheckout(held.externalId);
    expect(pending).toMatchObject({ status: 'pending', paymentRef: expect.stringMatching(/^[A-Z0-9]{17}$/) });
    expect(await gateway.fetchPayment(String(pending?.paymentRef))).toMatchObject({ status: 'pending' });

    const declined = await gateway.createCheckout(checkoutRequest());
    await fake.approve(declined.externalId, { capture: 'DECLINED' });
    expect(await gateway.fetchCheckout(declined.externalId)).toMatchObject({
      status: 'failed',
      paymentRef: expect.stringMatching(/^[A-Z0-9]{17}$/),
    });

    // A funding source refused at capture: nothing was captured, and the order is left approved.
    const refused = await gateway.createCheckout(checkoutRequest());
    await fake.approve(refused.externalId, { capture: 'INSTRUMENT_DECLINED' });
    expect(await gateway.fetchCheckout(refused.externalId)).toMatchObject({
      status: 'failed',
      paymentRef: null,
    });
  });

  it('gives null for an unknown order and for another merchant’s', async () => {
    expect(await gatewayOf(northwind).fetchCheckout('0000000000000000X')).toBeNull();
    const start = await gatewayOf(northwind).createCheckout(checkoutRequest());
    await fake.approve(start.externalId);
    expect(await gatewayOf(contoso).fetchCheckout(start.externalId)).toBeNull();
    // The other merchant's look did not capture it.
    expect(requestsTo(`/v2/checkout/orders/${start.externalId}/capture`)).toHaveLength(0);
  });
});

describe('fetchPayment', () => {
  it('reads a capture, with our checkout id; null for unknown and other merchants’ captures', async () => {
    const { request, captureId } = await paidCheckout(gatewayOf(northwind), {
      amountMinor: 3050,
      currency: 'USD',
    });
    const gateway = gatewayOf(northwind);
    expect(await gateway.fetchPayment(captureId)).toEqual({
      status: 'paid',
      checkoutId: request.checkoutId,
      paymentRef: captureId,
      amountMinor: 3050,
      currency: 'USD',
      livemode: false,
    });
    expect(requestsTo(`/v2/payments/captures/${captureId}`).at(-1)).toMatchObject({ method: 'GET' });
    // A refunded payment was still paid; the refund is a notice of its own.
    await fake.refund(captureId, 50);
    expect(await gateway.fetchPayment(captureId)).toMatchObject({ status: 'paid', amountMinor: 3050 });

    expect(await gateway.fetchPayment('0000000000000000X')).toBeNull();
    expect(await gatewayOf(contoso).fetchPayment(captureId)).toBeNull();
  });
});

describe('refund', () => {
  it('refunds in the capture’s currency, once per key, and the notices carry the running total', async () => {
    const gateway = gatewayOf(northwind);
    const { captureId, request } = await paidCheckout(gateway, { amountMinor: 2000 });

    const first = await gateway.refund(captureId, 500, `refund-${captureId}-1`);
    expect(first.refundRef).toMatch(/^[A-Z0-9]{17}$/);
    const sent = requestsTo(`/v2/payments/captures/${captureId}/refund`);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      requestId: `refund-${captureId}-1`,
      body: { amount: { currency_code: 'EUR', value: '5.00' } },
    });
    // A retried refund with the same key is the same refund, not a second one.
    expect(await gateway.refund(captureId, 500, `refund-${captureId}-1`)).toEqual(first);
    await gateway.refund(captureId, 300, `refund-${captureId}-2`);

    const refundEvents = fake.events.filter(
      (e) => e.event_type === 'PAYMENT.CAPTURE.REFUNDED' && JSON.stringify(e.resource).includes(captureId),
    );
    expect(refundEvents).toHaveLength(2);
    const notices = await Promise.all(
      refundEvents.map((event) => gateway.verifyNotification(deliveredTo(northwindEndpoint, event))),
    );
    expect(notices).toEqual([
      expect.objectContaining({ kind: 'refund', paymentRef: captureId, refundedMinor: 500, currency: 'EUR' }),
      expect.objectContaining({
        kind: 'refund',
        paymentRef: captureId,
        refundedMinor: 800,
        checkoutId: request.checkoutId,
        livemode: false,
        account: null,
      }),
    ]);

    const tooMuch = gateway.refund(captureId, 1201, `refund-${captureId}-3`);
    await expect(tooMuch).rejects.toBeInstanceOf(GatewayRequestError);
    await expect(tooMuch).rejects.toMatchObject({ status: 422, issue: 'REFUND_AMOUNT_EXCEEDED' });
    await expect(gateway.refund('0000000000000000X', 100, 'refund-unknown')).rejects.toMatchObject({
      status: 404,
    });
    await expect(gatewayOf(contoso).refund(captureId, 100, 'refund-other')).rejects.toMatchObject({
      status: 404,
    });
    await expect(gateway.refund(captureId, 0, 'refund-zero')).rejects.toBeInstanceOf(GatewayRequestError);
  });
});

describe('verifyNotification', () => {
  let paid: Awaited<ReturnType<typeof paidCheckout>>;
  let completed: FakePayPalEvent;
  let delivered: RawNotification;

  beforeAll(async () => {
    paid = await paidCheckout();
    completed = eventFor('PAYMENT.CAPTURE.COMPLETED', paid.captureId);
    delivered = deliveredTo(northwindEndpoint, completed);
  });

  it('verifies a genuine notification with PayPal and reads the payment from it', async () => {
    const notice = await gatewayOf(northwind).verifyNotification(delivered);
    expect(notice).toEqual({
      kind: 'payment',
      eventId: completed.id,
      type: 'PAYMENT.CAPTURE.COMPLETED',
      livemode: false,
      account: null,
      checkoutId: paid.request.checkoutId,
      checkoutRef: paid.start.externalId,
      paymentRef: paid.captureId,
      amountMinor: 1250,
      currency: 'EUR',
      at: new Date(completed.create_time),
    });
    const asked = requestsTo('/v1/notifications/verify-webhook-signature').at(-1);
    expect(asked).toMatchObject({ clientId: northwind.clientId });
    expect(asked?.body).toEqual({
      auth_algo: delivered.headers['paypal-auth-algo'],
      cert_url: delivered.headers['paypal-cert-url'],
      transmission_id: delivered.headers['paypal-transmission-id'],
      transmission_sig: delivered.headers['paypal-transmission-sig'],
      transmission_time: delivered.headers['paypal-transmission-time'],
      webhook_id: northwind.webhookId,
      webhook_event: JSON.parse(delivered.body),
    });
  });

  it('refuses a tampered body, as PayPal finds', async () => {
    const tampered = { ...delivered, body: delivered.body.replace('"value":"12.50"', '"value":"0.01"') };
    expect(tampered.body).not.toBe(delivered.body);
    const before = requestsTo('/v1/notifications/verify-webhook-signature').length;
    await expect(gatewayOf(northwind).verifyNotification(tampered)).rejects.toBeInstanceOf(
      GatewaySignatureError,
    );
    expect(requestsTo('/v1/notifications/verify-webhook-signature')).toHaveLength(before + 1);

    const otherTransmission = {
      ...delivered,
      headers: { ...delivered.headers, 'paypal-transmission-id': '00000000-0000-4000-8000-000000000000' },
    };
    await expect(gatewayOf(northwind).verifyNotification(otherTransmission)).rejects.toBeInstanceOf(
      GatewaySignatureError,
    );
  });

  it('refuses a notification signed for another webhook, or checked against an unknown one', async () => {
    // Another agency's genuine notification, sent to this agency's endpoint.
    await expect(gatewayOf(contoso).verifyNotification(delivered)).rejects.toBeInstanceOf(
      GatewaySignatureError,
    );
    // The same event, signed for another webhook id.
    const forOther = fake.signedEvent(completed, contoso.webhookId);
    await expect(gatewayOf(northwind).verifyNotification(forOther)).rejects.toBeInstanceOf(
      GatewaySignatureError,
    );
    // A webhook id PayPal does not know for this app.
    const misconfigured = gatewayOf(northwind, { webhookId: 'WH0000000000000000' });
    await expect(misconfigured.verifyNotification(delivered)).rejects.toBeInstanceOf(GatewaySignatureError);
  });

  it('refuses a stale or future transmission time before asking PayPal', async () => {
    const gateway = gatewayOf(northwind);
    const before = requestsTo('/v1/notifications/verify-webhook-signature').length;
    const tolerance = PAYPAL_NOTIFICATION_TOLERANCE * 1000;
    const stale = fake.signedEvent(completed, northwind.webhookId, {
      time: new Date(Date.now() - tolerance - 5000),
    });
    await expect(gateway.verifyNotification(stale)).rejects.toBeInstanceOf(GatewaySignatureError);
    const future = fake.signedEvent(completed, northwind.webhookId, {
      time: new Date(Date.now() + tolerance + 5000),
    });
    await expect(gateway.verifyNotification(future)).rejects.toBeInstanceOf(GatewaySignatureError);
    const unreadable = {
      ...delivered,
      headers: { ...delivered.headers, 'paypal-transmission-time': 'yesterday' },
    };
    await expect(gateway.verifyNotification(unreadable)).rejects.toBeInstanceOf(GatewaySignatureError);
    expect(requestsTo('/v1/notifications/verify-webhook-signature')).toHaveLength(before);

    const recent = fake.signedEvent(completed, northwind.webhookId, { time: new Date(Date.now() - 200_000) });
    await expect(gateway.verifyNotification(recent)).resolves.toMatchObject({ kind: 'payment' });
  });

  it('refuses a missing header and a body that is not a PayPal event', async () => {
    const gateway = gatewayOf(northwind);
    for (const name of [
      'paypal-auth-algo',
      'paypal-cert-url',
      'paypal-transmission-id',
      'paypal-transmission-sig',
      'paypal-transmission-time',
    ]) {
      const headers = { ...delivered.headers, [name]: undefined };
      await expect(gateway.verifyNotification({ body: delivered.body, headers })).rejects.toThrow(
        new GatewaySignatureError(`The notification has no ${name} header.`),
      );
    }
    await expect(gateway.verifyNotification({ ...delivered, body: '{"id":' })).rejects.toBeInstanceOf(
      GatewaySignatureError,
    );
    await expect(gateway.verifyNotification({ ...delivered, body: '[1,2]' })).rejects.toBeInstanceOf(
      GatewaySignatureError,
    );
  });

  it('reads the mode from the adapter, and does not blame the sender when PayPal is unreachable', async () => {
    const live = gatewayOf(northwind, { mode: 'live' });
    expect(live.mode).toBe('live');
    await expect(live.verifyNotification(delivered)).resolves.toMatchObject({
      kind: 'payment',
      livemode: true,
    });

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const port = typeof address === 'object' && address ? address.port : 0;
    const away = gatewayOf(northwind, { apiBase: `http://127.0.0.1:${port}` });
    const attempt = away.verifyNotification(delivered);
    await expect(attempt).rejects.toBeInstanceOf(GatewayRequestError);
    await expect(attempt).rejects.toThrow(/could not be reached/);
  });
});

describe('event mapping', () => {
  const verify = (event: FakePayPalEvent, merchant = northwind, endpoint = northwindEndpoint) =>
    gatewayOf(merchant).verifyNotification(deliveredTo(endpoint, event));

  it('maps the payer’s approval to an approved checkout, and a capture held for review to other', async () => {
    const gateway = gatewayOf(northwind);
    const request = checkoutRequest();
    const start = await gateway.createCheckout(request);
    const approved = await fake.approve(start.externalId, { capture: 'PENDING' });
    expect(await verify(approved)).toEqual({
      kind: 'approved',
      eventId: approved.id,
      type: 'CHECKOUT.ORDER.APPROVED',
      livemode: false,
      account: null,
      checkoutId: request.checkoutId,
      checkoutRef: start.externalId,
    });
    const state = await gateway.fetchCheckout(start.externalId);
    const pending = eventFor('PAYMENT.CAPTURE.PENDING', String(state?.paymentRef));
    expect(await verify(pending)).toMatchObject({ kind: 'other', type: 'PAYMENT.CAPTURE.PENDING' });
  });

  it('maps refunds made at PayPal and a reversal to the running refunded total', async () => {
    const { captureId, request } = await paidCheckout(gatewayOf(contoso), { amountMinor: 5000 });
    const first = await fake.refund(captureId, 1500);
    expect(await verify(first, contoso, contosoEndpoint)).toMatchObject({
      kind: 'refund',
      type: 'PAYMENT.CAPTURE.REFUNDED',
      checkoutId: request.checkoutId,
      paymentRef: captureId,
      refundedMinor: 1500,
      currency: 'EUR',
    });
    const reversed = await fake.reverse(captureId);
    expect(await verify(reversed, contoso, contosoEndpoint)).toMatchObject({
      kind: 'refund',
      type: 'PAYMENT.CAPTURE.REVERSED',
      paymentRef: captureId,
      refundedMinor: 5000,
    });
  });

  it('maps disputes: opened and updated are open, resolved is won or lost', async () => {
    const { captureId, request } = await paidCheckout(gatewayOf(northwind), { amountMinor: 7000 });
    const created = await verify(await fake.dispute(captureId, 'open'));
    expect(created).toMatchObject({
      kind: 'dispute',
      type: 'CUSTOMER.DISPUTE.CREATED',
      checkoutId: request.checkoutId,
      paymentRef: captureId,
      disputeRef: expect.stringMatching(/^PP-D-/),
      amountMinor: 7000,
      currency: 'EUR',
      status: 'open',
      reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED',
    });
    const updated = await verify(await fake.dispute(captureId, 'open'));
    expect(updated).toMatchObject({ type: 'CUSTOMER.DISPUTE.UPDATED', status: 'open' });
    const won = await verify(await fake.dispute(captureId, 'won'));
    expect(won).toMatchObject({ type: 'CUSTOMER.DISPUTE.RESOLVED', status: 'won' });
    if (created.kind === 'dispute' && won.kind === 'dispute') expect(won.disputeRef).toBe(created.disputeRef);

    const second = await paidCheckout(gatewayOf(northwind));
    const lost = await verify(await fake.dispute(second.captureId, 'lost'));
    expect(lost).toMatchObject({
      kind: 'dispute',
      type: 'CUSTOMER.DISPUTE.RESOLVED',
      paymentRef: second.captureId,
      status: 'lost',
    });
  });

  it('maps an unknown type, and events it cannot place, to other', () => {
    const base = { id: 'WH-1', create_time: '2026-01-02T03:04:05Z' };
    expect(
      paypalNotice({ ...base, event_type: 'BILLING.SUBSCRIPTION.CREATED', resource: {} }, 'test'),
    ).toEqual({
      kind: 'other',
      eventId: 'WH-1',
      type: 'BILLING.SUBSCRIPTION.CREATED',
      livemode: false,
      account: null,
    });
    // A refund without the running total, or without the capture it belongs to.
    const refund = {
      id: 'R1',
      seller_payable_breakdown: { total_refunded_amount: { currency_code: 'EUR', value: '1.00' } },
      links: [{ rel: 'up', href: 'https://api-m.paypal.com/v2/payments/captures/C1' }],
    };
    expect(
      paypalNotice({ ...base, event_type: 'PAYMENT.CAPTURE.REFUNDED', resource: refund }, 'live'),
    ).toMatchObject({
      kind: 'refund',
      paymentRef: 'C1',
      refundedMinor: 100,
      livemode: true,
      at: new Date('2026-01-02T03:04:05Z'),
    });
    expect(
      paypalNotice(
        {
          ...base,
          event_type: 'PAYMENT.CAPTURE.REFUNDED',
          resource: { ...refund, seller_payable_breakdown: {} },
        },
        'test',
      ).kind,
    ).toBe('other');
    expect(
      paypalNotice(
        { ...base, event_type: 'PAYMENT.CAPTURE.REFUNDED', resource: { ...refund, links: [] } },
        'test',
      ).kind,
    ).toBe('other');
    // A payer who withdraws the dispute leaves the money with the agency.
    const dispute = {
      dispute_id: 'PP-D-1',
      disputed_transactions: [{ seller_transaction_id: 'C1' }],
      dispute_amount: { currency_code: 'JPY', value: '500' },
      dispute_outcome: { outcome_code: 'CANCELED_BY_BUYER' },
    };
    expect(
      paypalNotice({ ...base, event_type: 'CUSTOMER.DISPUTE.RESOLVED', resource: dispute }, 'test'),
    ).toMatchObject({
      kind: 'dispute',
      status: 'won',
      amountMinor: 500,
      currency: 'JPY',
      checkoutId: null,
    });
  });
});

describe('testConnection', () => {
  it('gets a token and names the app by its shortened client id', async () => {
    const merchant = newMerchant();
    const check = await gatewayOf(merchant).testConnection();
    expect(check).toEqual({
      ok: true,
      mode: 'test',
      account: `${merchant.clientId.slice(0, 8)}…${merchant.clientId.slice(-4)}`,
    });
    expect(requestsTo('/v1/oauth2/token').at(-1)).toMatchObject({
      clientId: merchant.clientId,
      body: { grant_type: 'client_credentials' },
    });
  });

  it('reports a wrong secret without repeating it, even after the right one got a token', async () => {
    const merchant = newMerchant();
    expect((await gatewayOf(merchant).testConnection()).ok).toBe(true);
    const wrong = `${merchant.clientSecret.slice(0, -4)}9876`;
    const check = await gatewayOf({ ...merchant, clientSecret: wrong }).testConnection();
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message).toMatch(/refused the client ID and secret/);
    expect(check.message).not.toContain(wrong);
    expect(check.message).not.toContain('9876');
    // Calls with the wrong secret fail too, rather than borrowing the good secret's token.
    await expect(gatewayOf({ ...merchant, clientSecret: wrong }).fetchPayment('X')).rejects.toMatchObject({
      status: 401,
    });
  });

  it('reports an unreachable PayPal', async () => {
    const check = await gatewayOf(newMerchant(), { apiBase: 'http://127.0.0.1:1' }).testConnection();
    expect(check).toEqual({ ok: false, message: 'PayPal could not be reached: try again in a minute.' });
  });
});

describe('access tokens', () => {
  it('are fetched once and shared by adapters with the same credentials', async () => {
    const merchant = newMerchant();
    const { captureId } = await paidCheckout(gatewayOf(merchant));
    await gatewayOf(merchant).fetchPayment(captureId);
    const tokenRequests = requestsTo('/v1/oauth2/token').filter((r) => r.clientId === merchant.clientId);
    expect(tokenRequests).toHaveLength(1);
    const calls = fake.requests.filter(
      (r) => r.clientId === merchant.clientId && r.path !== '/v1/oauth2/token',
    );
    expect(calls.length).toBeGreaterThanOrEqual(4);
  });

  it('are fetched again once PayPal has forgotten them', async () => {
    const merchant = newMerchant();
    const gateway = gatewayOf(merchant);
    const { captureId } = await paidCheckout(gateway);
    fake.expireTokens();
    expect(await gateway.fetchPayment(captureId)).toMatchObject({ status: 'paid' });
    expect(requestsTo('/v1/oauth2/token').filter((r) => r.clientId === merchant.clientId)).toHaveLength(2);
  });

  it('are not kept when they expire within the margin', async () => {
    const shortLived = await startFakePayPal({ tokenLifetime: 30 });
    try {
      const merchant = newMerchant(null, shortLived);
      const gateway = paypalGateway({ ...merchant, mode: 'test', apiBase: shortLived.url });
      await gateway.createCheckout(checkoutRequest());
      await gateway.createCheckout(checkoutRequest());
      expect(shortLived.requests.filter((r) => r.path === '/v1/oauth2/token')).toHaveLength(2);
    } finally {
      await shortLived.close();
    }
  });
});
