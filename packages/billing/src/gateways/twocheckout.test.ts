import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Fake2Checkout,
  type Fake2CheckoutIpn,
  ipnDate,
  isIpnReceipt,
  startFake2Checkout,
} from '../../../../tests/support/fake-2checkout.mjs';
import {
  lengthPrefixed,
  type TwocheckoutGatewayOptions,
  twocheckoutBuyLinkSignature,
  twocheckoutGateway,
  verifyTwocheckoutIpn,
} from './twocheckout';
import {
  type CheckoutRequest,
  GatewayRequestError,
  GatewaySignatureError,
  type PaymentGateway,
  type RawNotification,
} from './types';

const TEST = {
  merchantCode: 'FOYERTEST1',
  secretKey: 'tEsT-secret-key-7731',
  buyLinkSecret: 'buy-link-word-1',
};
const LIVE = {
  merchantCode: 'FOYERLIVE1',
  secretKey: 'lIvE-secret-key-4402',
  buyLinkSecret: 'buy-link-word-2',
};
const OTHER = {
  merchantCode: 'FOYEROTHER',
  secretKey: 'oThEr-secret-key-0099',
  buyLinkSecret: 'buy-link-word-3',
};

let fake: Fake2Checkout;
let listener: Listener;

function gateway(overrides: Partial<TwocheckoutGatewayOptions> = {}): PaymentGateway {
  return twocheckoutGateway({
    ...TEST,
    mode: 'test',
    api: { checkout: fake.checkoutUrl, rest: fake.restUrl },
    ...overrides,
  });
}
const liveGateway = () => gateway({ ...LIVE, mode: 'live' });
const otherGateway = () => gateway({ ...OTHER });

/**
 * The merchant's IPN listener, as the webhook route would be: each path verifies with its
 * gateway and answers with the gateway's acknowledgement; /ipn/plain answers a bare "OK".
 */
interface Listener {
  url: string;
  received: Array<RawNotification & { path: string }>;
  close(): Promise<void>;
}

async function startListener(): Promise<Listener> {
  const received: Listener['received'] = [];
  const gateways: Record<string, () => PaymentGateway> = {
    '/ipn/test': gateway,
    '/ipn/live': liveGateway,
    '/ipn/other': otherGateway,
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const path = request.url ?? '';
      const raw = { body: Buffer.concat(chunks).toString('utf8'), headers };
      received.push({ ...raw, path });
      const make = gateways[path];
      if (!make) return response.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      try {
        const own = make();
        await own.verifyNotification(raw);
        const receipt = own.acknowledge?.(raw, new Date());
        response
          .writeHead(200, { 'content-type': receipt?.contentType ?? 'text/plain' })
          .end(receipt?.body ?? '');
      } catch {
        response.writeHead(400, { 'content-type': 'text/plain' }).end('refused');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

beforeAll(async () => {
  [fake, listener] = await Promise.all([startFake2Checkout(), startListener()]);
  fake.merchant({ ...TEST, ipnUrl: `${listener.url}/ipn/test` });
  fake.merchant({ ...LIVE, ipnUrl: `${listener.url}/ipn/live` });
  fake.merchant({ ...OTHER, ipnUrl: `${listener.url}/ipn/other` });
});

afterAll(async () => {
  await Promise.all([fake?.close(), listener?.close()]);
});

let serial = 0;
function checkoutRequest(overrides: Partial<CheckoutRequest> = {}): CheckoutRequest {
  serial += 1;
  const number = `INV-${String(serial).padStart(4, '0')}`;
  return {
    checkoutId: `chk_2co_${serial}_${Date.now()}`,
    invoiceNumber: number,
    description: `Invoice ${number} from Northwind Studio`,
    amountMinor: 1250,
    currency: 'EUR',
    successUrl: 'https://northwind.example/pay/done?invoice=42',
    cancelUrl: 'https://northwind.example/pay/cancelled',
    customerEmail: 'client@example.com',
    idempotencyKey: `checkout-${serial}`,
    ...overrides,
  };
}

/** The notification as the listener received it for an IPN the fake sent. */
function received(ipn: Fake2CheckoutIpn): RawNotification {
  const found = listener.received.find((raw) => raw.body === ipn.body);
  if (!found) throw new Error(`The IPN for ${ipn.refNo} did not reach the listener`);
  return { body: found.body, headers: found.headers };
}

const fieldsOf = (raw: RawNotification): Array<[string, string]> => [...new URLSearchParams(raw.body)];
const field = (pairs: Array<[string, string]>, name: string) => pairs.find(([key]) => key === name)?.[1];
/** The fields with some replaced, in place, so the order 2Checkout signed stays. */
const withFields = (pairs: Array<[string, string]>, changes: Record<string, string>) =>
  pairs.map(([name, value]): [string, string] => [name, name in changes ? (changes[name] ?? '') : value]);

async function paidOrder(request = checkoutRequest()) {
  const start = await gateway().createCheckout(request);
  const ipn = await fake.pay(start.url);
  return { request, start, ipn, refNo: ipn.refNo };
}

describe('the 2Checkout formats, against the documentation’s examples', () => {
  it('prefixes each value with its length in bytes', () => {
    // The REST authentication example, and the IPN read receipt example.
    expect(lengthPrefixed(['AVANGATE', '2010-05-13 12:12:12'])).toBe('8AVANGATE192010-05-13 12:12:12');
    expect(lengthPrefixed(['1', 'Software program', '20050303123434', '20050303123434'])).toBe(
      '1116Software program14200503031234341420050303123434',
    );
    expect(lengthPrefixed(['', 'Zürich'])).toBe('07Zürich');
  });

  it('signs a buy link over the signed parameters sorted by name, leaving the merchant out', () => {
    const params = { prod: 'Custom Design', price: '20.00', qty: '1', type: 'PRODUCT', currency: 'USD' };
    const expected = createHmac('sha256', 'secret-word')
      .update('3USD520.0013Custom Design117PRODUCT')
      .digest('hex');
    expect(twocheckoutBuyLinkSignature(params, 'secret-word')).toBe(expected);
    expect(
      twocheckoutBuyLinkSignature({ ...params, merchant: 'X', dynamic: '1', test: '1' }, 'secret-word'),
    ).toBe(expected);
  });
});

describe('createCheckout', () => {
  it('makes a signed buy link the hosted cart accepts, the same for the same request', async () => {
    const request = checkoutRequest();
    const start = await gateway().createCheckout(request);
    expect(start.externalId).toBe(request.checkoutId);
    expect(start.url.startsWith(`${fake.checkoutUrl}/checkout/buy?`)).toBe(true);
    const query = Object.fromEntries(new URL(start.url).searchParams);
    expect(query).toEqual({
      merchant: TEST.merchantCode,
      dynamic: '1',
      prod: request.description,
      price: '12.50',
      qty: '1',
      type: 'PRODUCT',
      tangible: '0',
      currency: 'EUR',
      'order-ext-ref': request.checkoutId,
      'item-ext-ref': request.invoiceNumber,
      'customer-ext-ref': 'client@example.com',
      'return-url': request.successUrl,
      'return-type': 'redirect',
      email: 'client@example.com',
      test: '1',
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(fake.requests).toHaveLength(0);

    const page = await fetch(start.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>Pay €12.50 — 2Checkout test</title>');
    expect(html).toContain(request.description);
    expect(html).toContain('Place order');

    expect(await gateway().createCheckout(request)).toEqual(start);
  });

  it('writes amounts in the currency’s own decimals and leaves test off in live mode', async () => {
    const yen = await gateway().createCheckout(checkoutRequest({ amountMinor: 1250, currency: 'JPY' }));
    expect(new URL(yen.url).searchParams.get('price')).toBe('1250');
    const cents = await gateway().createCheckout(checkoutRequest({ amountMinor: 5, customerEmail: null }));
    const params = new URL(cents.url).searchParams;
    expect(params.get('price')).toBe('0.05');
    expect(params.has('customer-ext-ref')).toBe(false);
    expect(params.has('email')).toBe(false);
    expect((await fetch(cents.url)).status).toBe(200);

    const live = await liveGateway().createCheckout(checkoutRequest());
    expect(new URL(live.url).searchParams.has('test')).toBe(false);
    expect((await fetch(live.url)).status).toBe(200);
  });

  it('is refused by the cart with a tampered price or reference, or another secret word', async () => {
    const start = await gateway().createCheckout(checkoutRequest());
    const tampered = new URL(start.url);
    tampered.searchParams.set('price', '0.01');
    const page = await fetch(tampered);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('signature is not valid');
    await expect(fake.pay(tampered.toString())).rejects.toThrow(/signature/);
    expect((await fetch(tampered, { method: 'POST', redirect: 'manual' })).status).toBe(400);

    const otherReference = new URL(start.url);
    otherReference.searchParams.set('order-ext-ref', 'chk_someone_else');
    expect((await fetch(otherReference)).status).toBe(400);

    const unsigned = new URL(start.url);
    unsigned.searchParams.delete('signature');
    expect((await fetch(unsigned)).status).toBe(400);

    const wrongWord = await gateway({ buyLinkSecret: 'not-the-word' }).createCheckout(checkoutRequest());
    expect((await fetch(wrongWord.url)).status).toBe(400);
    expect(fake.ipns.some((ipn) => field(ipn.fields, 'IPN_TOTALGENERAL') === '0.01')).toBe(false);
  });
});

describe('paying and the IPN', () => {
  it('a paid order’s IPN verifies and reads as the payment, and the receipt satisfies 2Checkout', async () => {
    const { request, ipn, refNo } = await paidOrder();
    expect(ipn).toMatchObject({ status: 'COMPLETE', url: `${listener.url}/ipn/test`, acknowledged: true });
    expect(ipn.response.status).toBe(200);
    expect(ipn.response.body).toMatch(/^<sig algo="sha256" date="\d{14}">[0-9a-f]{64}<\/sig>$/);

    const raw = received(ipn);
    const date = field(fieldsOf(raw), 'IPN_DATE');
    const notice = await gateway().verifyNotification(raw);
    expect(notice).toEqual({
      kind: 'payment',
      eventId: `${refNo}:COMPLETE:${date}`,
      type: 'COMPLETE',
      livemode: false,
      account: null,
      checkoutId: request.checkoutId,
      checkoutRef: request.checkoutId,
      paymentRef: refNo,
      amountMinor: 1250,
      currency: 'EUR',
      at: expect.any(Date),
    });
    if (notice.kind === 'payment') expect(Math.abs(notice.at.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('the browser’s "Place order" pays and sends the payer back to the return URL', async () => {
    const request = checkoutRequest({ amountMinor: 4200 });
    const start = await gateway().createCheckout(request);
    const placed = await fetch(start.url, { method: 'POST', redirect: 'manual' });
    expect(placed.status).toBe(303);
    expect(placed.headers.get('location')).toBe(request.successUrl);
    const ipn = fake.ipns.findLast((i) => field(i.fields, 'REFNOEXT') === request.checkoutId);
    expect(ipn).toMatchObject({ status: 'COMPLETE', acknowledged: true });
    expect(field(ipn?.fields ?? [], 'IPN_TOTALGENERAL')).toBe('42.00');
  });

  it('acknowledges with the documented receipt, which the fake refuses from the wrong key or a bare OK', async () => {
    const { ipn } = await paidOrder();
    const raw = received(ipn);
    const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    const receipt = gateway().acknowledge?.(raw, at);
    const pairs = fieldsOf(raw);
    const expected = createHmac('sha256', TEST.secretKey)
      .update(
        lengthPrefixed([
          field(pairs, 'IPN_PID[]') ?? '',
          field(pairs, 'IPN_PNAME[]') ?? '',
          field(pairs, 'IPN_DATE') ?? '',
          '20240102030405',
        ]),
      )
      .digest('hex');
    expect(receipt).toEqual({
      contentType: 'text/plain; charset=utf-8',
      body: `<sig algo="sha256" date="20240102030405">${expected}</sig>`,
    });
    expect(isIpnReceipt(receipt?.body ?? '', pairs, TEST.secretKey)).toBe(true);
    const forged = gateway({ secretKey: 'guessed' }).acknowledge?.(raw, at);
    expect(isIpnReceipt(forged?.body ?? '', pairs, TEST.secretKey)).toBe(false);
    expect(gateway().acknowledge?.({ body: 'hello=1', headers: {} }, at)).toBeNull();

    // A listener that answers without the receipt leaves the IPN unacknowledged at 2Checkout.
    const plain = { merchantCode: 'FOYERPLAIN', secretKey: 'pLaIn-key', buyLinkSecret: 'plain-word' };
    fake.merchant({ ...plain, ipnUrl: `${listener.url}/ipn/plain` });
    const start = await gateway({ ...plain }).createCheckout(checkoutRequest());
    const unacknowledged = await fake.pay(start.url);
    expect(unacknowledged).toMatchObject({ response: { status: 200, body: 'OK' }, acknowledged: false });
  });

  it('refuses a tampered field, a wrong secret, an MD5-only IPN, a stale or future date, and the wrong mode', async () => {
    const { ipn } = await paidOrder();
    const raw = received(ipn);
    const pairs = fieldsOf(raw);
    const own = gateway();
    const refused = (notification: RawNotification, by = own) =>
      expect(by.verifyNotification(notification)).rejects.toBeInstanceOf(GatewaySignatureError);

    const tampered = new URLSearchParams(withFields(pairs, { IPN_TOTALGENERAL: '1250.00' })).toString();
    expect(tampered).not.toBe(raw.body);
    await refused({ ...raw, body: tampered });
    await refused({
      ...raw,
      body: new URLSearchParams(withFields(pairs, { REFNOEXT: 'chk_other' })).toString(),
    });
    await refused(fake.signedIpn(pairs, 'someone-elses-key'));
    await refused(raw, gateway({ secretKey: 'someone-elses-key' }));

    const md5Only = pairs.filter(([name]) => name !== 'SIGNATURE_SHA2_256' && name !== 'SIGNATURE_SHA3_256');
    expect(field(md5Only, 'HASH')).toMatch(/^[0-9a-f]{32}$/);
    await refused({ ...raw, body: new URLSearchParams(md5Only).toString() });
    await refused({ body: '', headers: {} });

    const hoursAgo = (hours: number) => ipnDate(new Date(Date.now() - hours * 3_600_000));
    await refused(fake.signedIpn(withFields(pairs, { IPN_DATE: hoursAgo(25) }), TEST.secretKey));
    await expect(
      own.verifyNotification(fake.signedIpn(withFields(pairs, { IPN_DATE: hoursAgo(23) }), TEST.secretKey)),
    ).resolves.toMatchObject({ kind: 'payment' });
    await refused(fake.signedIpn(withFields(pairs, { IPN_DATE: hoursAgo(-2) }), TEST.secretKey));
    await refused(fake.signedIpn(withFields(pairs, { IPN_DATE: '2024-01-01' }), TEST.secretKey));
    // The very IPN delivered, replayed a day later.
    const dayLater = new Date(Date.now() + 86_400_000 + 60_000);
    expect(() => verifyTwocheckoutIpn(raw, TEST.secretKey, 'test', dayLater)).toThrow(GatewaySignatureError);
    expect(verifyTwocheckoutIpn(raw, TEST.secretKey, 'test').get('REFNO')).toBe(ipn.refNo);

    // The mode check: a test order at a live gateway, a live one at a test gateway.
    await refused(fake.signedIpn(pairs, LIVE.secretKey), liveGateway());
    await refused(fake.signedIpn(withFields(pairs, { TEST_ORDER: '0' }), TEST.secretKey));
    const livePaid = await fake.pay((await liveGateway().createCheckout(checkoutRequest())).url);
    expect(livePaid.acknowledged).toBe(true);
    await expect(liveGateway().verifyNotification(received(livePaid))).resolves.toMatchObject({
      kind: 'payment',
      livemode: true,
    });
  });

  it('maps chargebacks to disputes, and pending or reversed orders to other', async () => {
    const { request, ipn, refNo } = await paidOrder();
    const pairs = fieldsOf(received(ipn));
    const signed = (changes: Record<string, string>) =>
      fake.signedIpn(withFields(pairs, { IPN_DATE: ipnDate(), ...changes }), TEST.secretKey);

    const opened = await gateway().verifyNotification(
      signed({ CHARGEBACK_RESOLUTION: 'OPEN', CHARGEBACK_REASON_CODE: 'FRAUD' }),
    );
    expect(opened).toMatchObject({
      kind: 'dispute',
      type: 'CHARGEBACK_OPEN',
      checkoutId: request.checkoutId,
      paymentRef: refNo,
      disputeRef: `${refNo}:chargeback`,
      amountMinor: 1250,
      currency: 'EUR',
      status: 'open',
      reason: 'FRAUD',
    });
    const won = await gateway().verifyNotification(signed({ CHARGEBACK_RESOLUTION: 'WON' }));
    expect(won).toMatchObject({ kind: 'dispute', status: 'won', disputeRef: `${refNo}:chargeback` });
    expect(won.eventId).not.toBe(opened.eventId);
    expect(await gateway().verifyNotification(signed({ CHARGEBACK_RESOLUTION: 'LOST' }))).toMatchObject({
      kind: 'dispute',
      status: 'lost',
    });

    for (const status of ['PENDING', 'PAYMENT_AUTHORIZED', 'REVERSED', 'CANCELED']) {
      const notice = await gateway().verifyNotification(signed({ ORDERSTATUS: status }));
      expect(notice).toEqual({
        kind: 'other',
        eventId: expect.stringContaining(`${refNo}:${status}:`),
        type: status,
        livemode: false,
        account: null,
      });
    }
  });
});

describe('fetchCheckout and fetchPayment', () => {
  it('know nothing before payment, and report the paid order after', async () => {
    const request = checkoutRequest({ amountMinor: 7300, currency: 'GBP' });
    const start = await gateway().createCheckout(request);
    expect(await gateway().fetchCheckout(start.externalId)).toBeNull();
    const search = fake.requests.at(-1);
    expect(search).toMatchObject({
      method: 'GET',
      path: '/orders/',
      merchantCode: TEST.merchantCode,
      query: { ExternalRefNo: request.checkoutId, IncludeTestOrders: 'ONLY' },
    });

    const ipn = await fake.pay(start.url);
    const paid = {
      status: 'paid',
      checkoutId: request.checkoutId,
      paymentRef: ipn.refNo,
      amountMinor: 7300,
      currency: 'GBP',
      livemode: false,
    };
    expect(await gateway().fetchCheckout(start.externalId)).toEqual(paid);
    expect(await gateway().fetchPayment(ipn.refNo)).toEqual(paid);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: `/orders/${ipn.refNo}/` });
  });

  it('give null for unknown references and for another merchant’s orders', async () => {
    expect(await gateway().fetchPayment('999999999')).toBeNull();
    const { start, refNo } = await paidOrder();
    expect(await otherGateway().fetchCheckout(start.externalId)).toBeNull();
    expect(await otherGateway().fetchPayment(refNo)).toBeNull();
    // A live gateway does not search test orders.
    expect(await liveGateway().fetchCheckout(start.externalId)).toBeNull();
  });
});

describe('refund', () => {
  it('refunds part then the rest, and the refund IPNs read as running totals', async () => {
    const { request, refNo } = await paidOrder(checkoutRequest({ amountMinor: 2000 }));
    const first = await gateway().refund(refNo, 500, `refund-${refNo}-1`);
    expect(first.refundRef).toBe(`${refNo}:refund-${refNo}-1`);
    const sent = fake.requests.findLast((r) => r.method === 'POST');
    const order = await fetch(`${fake.restUrl}/orders/${refNo}/`, {
      headers: { 'x-avangate-authentication': 'code="nobody" date="x" hash="y"' },
    });
    expect(order.status).toBe(401);
    expect(sent).toMatchObject({
      path: `/orders/${refNo}/refund/`,
      merchantCode: TEST.merchantCode,
      body: {
        amount: 5,
        comment: `Refund refund-${refNo}-1`,
        reason: 'Other',
        items: [{ LineItemReference: expect.stringMatching(/^[0-9a-f]{40}$/), Quantity: 1, Amount: 5 }],
      },
    });
    await fake.settled();
    const partial = fake.ipns.findLast((ipn) => ipn.refNo === refNo);
    expect(partial).toMatchObject({ status: 'REFUND', acknowledged: true });
    expect(await gateway().verifyNotification(received(partial as Fake2CheckoutIpn))).toMatchObject({
      kind: 'refund',
      type: 'REFUND',
      checkoutId: request.checkoutId,
      paymentRef: refNo,
      refundedMinor: 500,
      currency: 'EUR',
    });

    await gateway().refund(refNo, 1500, `refund-${refNo}-2`);
    // Less than the order's total, so it names the line too, though it refunds what is left.
    expect(fake.requests.findLast((r) => r.method === 'POST')?.body).toMatchObject({
      amount: 15,
      items: [{ Quantity: 1, Amount: 15 }],
    });
    await fake.settled();
    const full = fake.ipns.findLast((ipn) => ipn.refNo === refNo);
    expect(field(full?.fields ?? [], 'REFUND_TYPE')).toBe('FULL');
    const notice = await gateway().verifyNotification(received(full as Fake2CheckoutIpn));
    expect(notice).toMatchObject({ kind: 'refund', refundedMinor: 2000, paymentRef: refNo });
    expect(notice.eventId).toContain(':REFUND:FULL:');
    expect(await gateway().fetchPayment(refNo)).toMatchObject({ status: 'paid', amountMinor: 2000 });

    const again = gateway().refund(refNo, 1, `refund-${refNo}-3`);
    await expect(again).rejects.toBeInstanceOf(GatewayRequestError);
    await expect(again).rejects.toMatchObject({ status: 400 });
    await expect(gateway().refund('999999999', 100, 'refund-missing')).rejects.toMatchObject({ status: 404 });
  });

  it('a refund made in 2Checkout’s control panel arrives as a refund notice', async () => {
    const { refNo } = await paidOrder(checkoutRequest({ amountMinor: 3000 }));
    const ipn = await fake.refund(refNo);
    expect(ipn.acknowledged).toBe(true);
    expect(await gateway().verifyNotification(received(ipn))).toMatchObject({
      kind: 'refund',
      refundedMinor: 3000,
    });
  });
});

describe('testConnection', () => {
  it('reads the orders with the merchant’s credentials', async () => {
    expect(await gateway().testConnection()).toEqual({ ok: true, mode: 'test', account: TEST.merchantCode });
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/orders/',
      merchantCode: TEST.merchantCode,
      query: { Limit: '1' },
    });
    expect(await liveGateway().testConnection()).toEqual({
      ok: true,
      mode: 'live',
      account: LIVE.merchantCode,
    });
  });

  it('reports a refused secret key without repeating it', async () => {
    const secretKey = 'wrong-secret-9876';
    const check = await gateway({ secretKey }).testConnection();
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message).toMatch(/refused the merchant code or secret key/);
    expect(check.message).not.toContain(secretKey);
    expect(check.message).not.toContain('9876');
    expect(fake.requests.at(-1)?.merchantCode).toBeNull();

    const unknown = await gateway({ merchantCode: 'NOSUCHCODE' }).testConnection();
    expect(unknown).toMatchObject({ ok: false });
    const unreachable = await gateway({
      api: { checkout: fake.url, rest: 'http://127.0.0.1:1/rest/6.0' },
    }).testConnection();
    expect(unreachable).toEqual({ ok: false, message: expect.stringMatching(/could not be reached/) });
  });
});
