import { randomBytes, randomUUID } from 'node:crypto';
import { paypalGateway } from '@foyer/billing/gateways';
import {
  type Ctx,
  type GatewayView,
  paymentSettings,
  payOptions,
  savePayPal,
  saveTwoCheckout,
} from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import { expectCoreError } from '../support/auth';
import { drivers } from '../support/databases';
import {
  type Fake2Checkout,
  type Fake2CheckoutIpn,
  ipnDate,
  isIpnReceipt,
  startFake2Checkout,
} from '../support/fake-2checkout.mjs';
import { type FakePayPal, type FakePayPalEvent, startFakePayPal } from '../support/fake-paypal.mjs';
import {
  type GatewayAgency,
  paymentsBed,
  replayOrder,
  returned,
  type SignedRequest,
} from '../support/payments';

/**
 * Online payments through PayPal and 2Checkout, end to end on their local fakes: a client opens the
 * gateway's hosted page, approves (PayPal) or pays (2Checkout) there, and comes back or not; the
 * fake's signed notification reaches the real server's /webhooks/<gateway>/<endpoint> through a
 * node:http relay, where it is verified on the raw body and applied once. PayPal's approval makes
 * the core capture the order itself; 2Checkout's IPN is answered with its signed read receipt.
 * Replays in any order, forged notifications and other tenants' checkouts are each checked.
 */

let paypal: FakePayPal;
let twoco: Fake2Checkout;
beforeAll(async () => {
  [paypal, twoco] = await Promise.all([startFakePayPal(), startFake2Checkout()]);
});
afterAll(async () => {
  await Promise.all([paypal?.close(), twoco?.close()]);
});

/** The PayPal order id in an approval link (…/checkoutnow?token=<order>). */
const orderIdOf = (url: string) => required(new URL(url).searchParams.get('token'), `an order in ${url}`);

/** An IPN's fields with some replaced in place, so the order 2Checkout signed stays. */
const withFields = (pairs: Array<[string, string]>, changes: Record<string, string>) =>
  pairs.map(([name, value]): [string, string] => [name, name in changes ? (changes[name] ?? '') : value]);
const fieldsOf = (body: string): Array<[string, string]> => [...new URLSearchParams(body)];
const hoursAgo = (hours: number) => ipnDate(new Date(Date.now() - hours * 3_600_000));

describe.each(drivers)('online payments through PayPal and 2Checkout on %s', (driver) => {
  const bed = paymentsBed(driver, (payments) => ({
    ...payments,
    paypal: { apiBase: paypal.url },
    twocheckout: { api: { checkout: twoco.checkoutUrl, rest: twoco.restUrl } },
  }));
  const {
    agencyBase,
    checkout,
    checkoutRow,
    eventsOf,
    expectKeysKept,
    expectLoggedOnce,
    expectNoMoney,
    expectNothingCrossed,
    expectPaidOnce,
    expectReplayedMoney,
    gatewayOf,
    issueInvoice,
    moneyRows,
    post,
    receiptsQueued,
    returnOf,
    sums,
  } = bed;

  type Agency = GatewayAgency;

  /**
   * An admin connects a gateway with its own keys: `wrong` is refused on `field` and nothing is
   * kept; `keys` make the gateway ready, kept sealed, and offered to the invoice's payer.
   */
  async function expectConnects<Keys>(
    gateway: 'paypal' | 'twocheckout',
    name: string,
    save: (ctx: Ctx, keys: Keys) => Promise<GatewayView>,
    { keys, wrong, field, secret }: { keys: Keys; wrong: Keys; field: string; secret: string },
  ): Promise<GatewayView> {
    const base = await agencyBase();
    await expectCoreError(save(base.adminCtx, wrong), 'validation', field);
    expect(await gatewayOf(base.tenant.id)).toBeUndefined();
    expect((await paymentSettings({ ctx: base.adminCtx }))[gateway]).toBeNull();

    const view = await save(base.adminCtx, keys);
    const row = required(await gatewayOf(base.tenant.id), 'the gateway');
    expect(view).toMatchObject({
      kind: gateway,
      name,
      ready: true,
      offered: true,
      checkError: null,
      webhookPath: `/webhooks/${gateway}/${row.endpoint_id}`,
    });
    await expectKeysKept(base, gateway, secret, view.label);
    expect(await payOptions({ ctx: base.payerCtx, input: { id: base.invoiceId } })).toMatchObject({
      options: [{ gateway, label: `Pay with ${name}`, mode: 'test' }],
      balanceMinor: 12000,
    });
    return view;
  }

  describe('PayPal', () => {
    interface PayPalAgency extends Agency {
      clientId: string;
      clientSecret: string;
      webhookId: string;
    }

    /**
     * A tenant connected with its own PayPal REST app. `deliver: false` leaves the app's webhook
     * without a URL, so the test delivers (or withholds) the notifications itself.
     */
    async function paypalAgency({ deliver = true } = {}): Promise<PayPalAgency> {
      const base = await agencyBase();
      const clientId = `AZ${randomBytes(20).toString('hex')}`;
      const clientSecret = `EK${randomBytes(20).toString('hex')}`;
      const webhookId = `WH${randomBytes(8).toString('hex').toUpperCase()}`;
      paypal.merchant({ clientId, clientSecret, webhookId });
      const webhookPath = await bed.offerKeys(
        base,
        'paypal',
        () => savePayPal({ ctx: base.adminCtx, input: { clientId, clientSecret, webhookId, mode: 'test' } }),
        deliver
          ? (webhookUrl) => {
              paypal.merchant({ clientId, clientSecret, webhookId, webhookUrl });
              // The fake's tokens belong to the merchant as registered before; new ones see the webhook URL.
              paypal.expireTokens();
            }
          : undefined,
      );
      return { ...base, webhookPath, clientId, clientSecret, webhookId };
    }

    /** Signed for `webhookId` and posted to `path`. */
    const deliver = (path: string, event: object, webhookId: string) =>
      bed.notify(path, paypal.signedEvent(event, webhookId));

    const captureRequests = (orderId: string) =>
      paypal.requests.filter(
        (request) => request.method === 'POST' && request.path === `/v2/checkout/orders/${orderId}/capture`,
      );

    const completedOf = (events: readonly FakePayPalEvent[]) =>
      required(
        events.find((event) => event.event_type === 'PAYMENT.CAPTURE.COMPLETED'),
        'the capture event',
      );
    const captureOf = (events: readonly FakePayPalEvent[]) =>
      required(completedOf(events).resource.id, 'a capture');

    /** The agency's own PayPal app, used outside this server (as when our answer was lost). */
    const outsideOf = (agency: PayPalAgency) =>
      paypalGateway({
        clientId: agency.clientId,
        clientSecret: agency.clientSecret,
        webhookId: agency.webhookId,
        mode: 'test',
        apiBase: paypal.url,
      });

    it('connects with a REST app PayPal accepts; a wrong secret is refused on its field and nothing is kept', async () => {
      const clientId = `AZ${randomBytes(20).toString('hex')}`;
      const clientSecret = `EK${randomBytes(20).toString('hex')}`;
      paypal.merchant({ clientId, clientSecret, webhookId: 'WH-CONNECT' });
      const keys = { clientId, clientSecret, webhookId: 'WH-CONNECT', mode: 'test' as const };
      const view = await expectConnects('paypal', 'PayPal', (ctx, input) => savePayPal({ ctx, input }), {
        keys,
        wrong: { ...keys, clientSecret: `${clientSecret}x` },
        field: 'clientSecret',
        secret: clientSecret,
      });
      // Named by a shortened client id.
      expect(view.label).toBe(`${clientId.slice(0, 8)}…${clientId.slice(-4)}`);
    });

    // The fake delivers the capture's notification before it answers the capture: the core asks
    // PayPal with no transaction open, so even on PGlite (one transaction at a time) that
    // delivery is applied while the capture is still on its way.
    it('the payer approves at PayPal: the delivered approval captures once and pays the invoice; coming back twice changes nothing', async () => {
      const agency = await paypalAgency();
      const first = await checkout(agency, 'paypal');
      const again = await checkout(agency, 'paypal');
      // A double click: the same checkout and the same order at PayPal (one request id).
      expect(again).toEqual(first);
      expect(first.url.startsWith(`${paypal.url}/checkoutnow?token=`)).toBe(true);
      const orderId = orderIdOf(first.url);
      const creates = paypal.requests.filter(
        (request) =>
          request.method === 'POST' &&
          request.path === '/v2/checkout/orders' &&
          request.clientId === agency.clientId,
      );
      expect(creates.map((request) => request.requestId)).toEqual([
        `foyer-checkout-${first.checkoutId}`,
        `foyer-checkout-${first.checkoutId}`,
      ]);
      expect(creates[0]?.body).toMatchObject({
        intent: 'CAPTURE',
        purchase_units: [{ custom_id: first.checkoutId, amount: { currency_code: 'EUR', value: '120.00' } }],
      });
      expect(await checkoutRow(first.checkoutId)).toMatchObject({
        status: 'open',
        amount_minor: 12000,
        external_ref: orderId,
      });

      // The payer presses "Approve and pay" on PayPal's page and is sent back to the portal.
      const mark = paypal.events.length;
      const approved = await fetch(first.url, { method: 'POST', redirect: 'manual' });
      expect(approved.status).toBe(303);
      const back = new URL(required(approved.headers.get('location'), 'the return address'));
      expect(back.origin).toBe(agency.site.tenant.origin);
      expect(back.searchParams.get('checkout')).toBe(first.checkoutId);
      expect(back.searchParams.get('token')).toBe(orderId);

      const events = paypal.events.slice(mark);
      expect(events.map((event) => event.event_type).sort()).toEqual([
        'CHECKOUT.ORDER.APPROVED',
        'PAYMENT.CAPTURE.COMPLETED',
      ]);
      const captureId = captureOf(events);
      // Both reached /webhooks/paypal/<endpoint> through the relay and were answered 200.
      for (const event of events) {
        expect(paypal.deliveries.filter((delivery) => delivery.eventId === event.id)).toEqual([
          {
            eventId: event.id,
            eventType: event.event_type,
            url: `${bed.relayUrl}${agency.webhookPath}`,
            status: 200,
          },
        ]);
      }
      expect(captureRequests(orderId)).toHaveLength(1);
      await expectPaidOnce(agency, first.checkoutId, captureId);
      const logged = await eventsOf(agency.tenant.id);
      expect(logged.map((row) => row.event_id).sort()).toEqual(events.map((event) => event.id).sort());
      expect(logged.filter((row) => row.outcome === 'applied')).toHaveLength(1);

      // The payer's browser arrives (twice: a reload): paid, without asking PayPal to capture again.
      for (let visit = 0; visit < 2; visit++) {
        expect(await returnOf(agency, first.checkoutId)).toEqual(returned.paid);
      }
      expect(captureRequests(orderId)).toHaveLength(1);
      // PayPal retries both notifications: nothing changes.
      for (const event of events) {
        expect(await deliver(agency.webhookPath, event, agency.webhookId)).toEqual({
          status: 200,
          body: { received: true, outcome: 'duplicate' },
        });
      }
      expect(await moneyRows(agency.invoiceId)).toHaveLength(1);
      expect(await receiptsQueued(agency.tenant.id)).toHaveLength(1);
      await expectCoreError(checkout(agency, 'paypal'), 'conflict');
    });

    it('the payer comes back before any notification: the return captures once, and the notifications after it change nothing', async () => {
      const agency = await paypalAgency({ deliver: false });
      const { checkoutId, url } = await checkout(agency, 'paypal');
      const orderId = orderIdOf(url);
      // Before approving, the return page says processing, and nothing is captured.
      expect(await returnOf(agency, checkoutId)).toEqual(returned.processing);
      expect(captureRequests(orderId)).toHaveLength(0);

      const mark = paypal.events.length;
      await paypal.approve(orderId);
      expect(await returnOf(agency, checkoutId)).toEqual(returned.paid);
      expect(await returnOf(agency, checkoutId)).toEqual(returned.paid);
      expect(captureRequests(orderId)).toHaveLength(1);
      const events = paypal.events.slice(mark);
      expect(events.map((event) => event.event_type)).toEqual([
        'CHECKOUT.ORDER.APPROVED',
        'PAYMENT.CAPTURE.COMPLETED',
      ]);
      expect(
        paypal.deliveries.some((delivery) => events.some((event) => event.id === delivery.eventId)),
      ).toBe(false);
      const captureId = captureOf(events);
      await expectPaidOnce(agency, checkoutId, captureId);

      // The withheld notifications arrive late: read as already recorded, and no second capture.
      for (const event of events) {
        expect(await deliver(agency.webhookPath, event, agency.webhookId)).toEqual({
          status: 200,
          body: { received: true, outcome: 'ignored' },
        });
      }
      expect(captureRequests(orderId)).toHaveLength(1);
      expect(await moneyRows(agency.invoiceId)).toHaveLength(1);
      expect(await sums(agency.invoiceId)).toMatchObject({ paid: 12000, refunded: 0 });
      expect(await receiptsQueued(agency.tenant.id)).toHaveLength(1);
    });

    it('the payer approves and never comes back: the approval alone makes the core capture once and pay the invoice', async () => {
      const agency = await paypalAgency({ deliver: false });
      const { checkoutId, url } = await checkout(agency, 'paypal');
      const orderId = orderIdOf(url);
      const mark = paypal.events.length;
      const approved = await paypal.approve(orderId);
      expect(captureRequests(orderId)).toHaveLength(0);
      expect(await deliver(agency.webhookPath, approved, agency.webhookId)).toEqual({
        status: 200,
        body: { received: true, outcome: 'applied' },
      });
      expect(captureRequests(orderId)).toHaveLength(1);
      const events = paypal.events.slice(mark);
      expect(events.map((event) => event.event_type)).toEqual([
        'CHECKOUT.ORDER.APPROVED',
        'PAYMENT.CAPTURE.COMPLETED',
      ]);
      const completed = events[1] as FakePayPalEvent;
      await expectPaidOnce(agency, checkoutId, captureOf(events));
      // The capture's own notification, and the approval again, change nothing.
      expect(await deliver(agency.webhookPath, completed, agency.webhookId)).toMatchObject({
        body: { outcome: 'ignored' },
      });
      expect(await deliver(agency.webhookPath, approved, agency.webhookId)).toMatchObject({
        body: { outcome: 'duplicate' },
      });
      expect(await moneyRows(agency.invoiceId)).toHaveLength(1);
      expect(captureRequests(orderId)).toHaveLength(1);
      expect(await eventsOf(agency.tenant.id)).toEqual([
        expect.objectContaining({ event_id: approved.id, outcome: 'applied', invoice_id: agency.invoiceId }),
        expect.objectContaining({ event_id: completed.id, outcome: 'ignored', invoice_id: agency.invoiceId }),
      ]);
    });

    it('a capture made without us (its notification alone) pays the invoice', async () => {
      const agency = await paypalAgency({ deliver: false });
      const { checkoutId, url } = await checkout(agency, 'paypal');
      const orderId = orderIdOf(url);
      const mark = paypal.events.length;
      await paypal.approve(orderId);
      // The order captured with the agency's app outside this server (as when our answer was lost).
      const outside = outsideOf(agency);
      expect(await outside.fetchCheckout(orderId)).toMatchObject({ status: 'paid', checkoutId });
      const completed = completedOf(paypal.events.slice(mark));
      expect(await deliver(agency.webhookPath, completed, agency.webhookId)).toEqual({
        status: 200,
        body: { received: true, outcome: 'applied' },
      });
      await expectPaidOnce(agency, checkoutId, required(completed.resource.id, 'a capture'));
      expect(await returnOf(agency, checkoutId)).toEqual(returned.paid);
      expect(captureRequests(orderId)).toHaveLength(1);
    });

    it('replays of approval, capture, two refunds and a dispute, five times each in shuffled orders, end in the same sums', async () => {
      const agency = await paypalAgency({ deliver: false });
      const outside = outsideOf(agency);
      for (const [seed, outcome] of [
        [1, 'won'],
        [7, 'lost'],
        [42, 'won'],
        [2024, 'won'],
      ] as const) {
        const invoiceId = seed === 1 ? agency.invoiceId : await issueInvoice(agency);
        const { url, checkoutId } = await checkout(agency, 'paypal', { invoiceId });
        const orderId = orderIdOf(url);
        const mark = paypal.events.length;
        await paypal.approve(orderId);
        // Captured before any notification is delivered, so every one of them is a candidate first.
        await outside.fetchCheckout(orderId);
        const captureId = captureOf(paypal.events.slice(mark));
        await paypal.refund(captureId, 3000);
        await paypal.refund(captureId, 2000);
        await paypal.dispute(captureId, outcome);
        const events = paypal.events.slice(mark);
        expect(events.map((event) => event.event_type)).toEqual([
          'CHECKOUT.ORDER.APPROVED',
          'PAYMENT.CAPTURE.COMPLETED',
          'PAYMENT.CAPTURE.REFUNDED',
          'PAYMENT.CAPTURE.REFUNDED',
          'CUSTOMER.DISPUTE.CREATED',
          'CUSTOMER.DISPUTE.RESOLVED',
        ]);
        for (const event of replayOrder(events, seed)) {
          const answer = await deliver(agency.webhookPath, event, agency.webhookId);
          expect(answer.status, `${event.event_type} with seed ${seed}`).toBe(200);
        }
        await expectReplayedMoney(invoiceId, `seed ${seed}`, {
          paymentRef: captureId,
          // PayPal's running total: 3000 then 5000 refunded in all, whichever came first.
          refunds: 5000,
          reinstatements: outcome === 'won' ? 1 : 0,
          // A lost dispute keeps the whole charge with the payer (capped at what was paid).
          refunded: outcome === 'won' ? 5000 : 12000,
        });
        expect(await checkoutRow(checkoutId)).toMatchObject({ status: 'paid', payment_ref: captureId });
        // One capture only: the approval, whenever it came, found the order captured.
        expect(captureRequests(orderId)).toHaveLength(1);
        await expectLoggedOnce(agency, invoiceId, events);
      }
      expect(await receiptsQueued(agency.tenant.id)).toHaveLength(4);
    });

    it('refuses tampered, wrongly signed, stale and unsigned notifications over HTTP, and unknown endpoints', async () => {
      const agency = await paypalAgency({ deliver: false });
      const { url, checkoutId } = await checkout(agency, 'paypal');
      const orderId = orderIdOf(url);
      const approved = await paypal.approve(orderId);
      const genuine = paypal.signedEvent(approved, agency.webhookId);
      const verifications = () =>
        paypal.requests.filter(
          (request) =>
            request.path === '/v1/notifications/verify-webhook-signature' &&
            request.clientId === agency.clientId,
        ).length;
      const send = async (path: string, signed: SignedRequest) => (await post(path, signed)).status;

      // The body changed after signing: the amount made smaller.
      const tampered = { ...genuine, body: genuine.body.replace('"value":"120.00"', '"value":"1.00"') };
      expect(tampered.body).not.toBe(genuine.body);
      expect(await send(agency.webhookPath, tampered)).toBe(400);
      // Signed for another webhook (another app's notification sent here).
      expect(await send(agency.webhookPath, paypal.signedEvent(approved, 'WH-SOMEONE-ELSE'))).toBe(400);
      expect(verifications()).toBe(2);
      // Sent more than 300 s ago (a captured notification played back later): refused before asking PayPal.
      const stale = paypal.signedEvent(approved, agency.webhookId, { time: new Date(Date.now() - 301_000) });
      expect(await send(agency.webhookPath, stale)).toBe(400);
      // No signature at all, or one of the headers PayPal signs with missing.
      const { 'paypal-transmission-sig': _sig, ...unsigned } = genuine.headers;
      expect(await send(agency.webhookPath, { body: genuine.body, headers: unsigned })).toBe(400);
      const { 'paypal-cert-url': _cert, ...noCert } = genuine.headers;
      expect(await send(agency.webhookPath, { body: genuine.body, headers: noCert })).toBe(400);
      expect(verifications()).toBe(2);
      // An unsigned request is refused before its endpoint is looked up.
      expect(await send(`/webhooks/paypal/${randomUUID()}`, { body: genuine.body, headers: unsigned })).toBe(
        400,
      );
      // Endpoints that do not exist, and this endpoint under another gateway's path.
      expect(await send(`/webhooks/paypal/${randomUUID()}`, genuine)).toBe(404);
      expect(await send('/webhooks/paypal/not-an-endpoint', genuine)).toBe(404);
      const endpoint = required(agency.webhookPath.split('/').at(-1), 'the endpoint id');
      expect(
        await send(`/webhooks/stripe/${endpoint}`, {
          body: genuine.body,
          headers: { ...genuine.headers, 'stripe-signature': 't=1,v1=00' },
        }),
      ).toBe(404);

      await expectNoMoney(agency);
      expect(await eventsOf(agency.tenant.id)).toEqual([]);
      expect(captureRequests(orderId)).toHaveLength(0);

      // The genuine one, sent just under the tolerance, is applied: the refusals above were the defects.
      const recent = paypal.signedEvent(approved, agency.webhookId, { time: new Date(Date.now() - 280_000) });
      expect(await send(agency.webhookPath, recent)).toBe(200);
      expect(await sums(agency.invoiceId)).toMatchObject({ paid: 12000 });
      expect(await checkoutRow(checkoutId)).toMatchObject({ status: 'paid' });
    });

    it('tenant B’s endpoint receiving events that name A’s checkout changes nothing in A, and captures nothing', async () => {
      const a = await paypalAgency({ deliver: false });
      const b = await paypalAgency({ deliver: false });
      const { url, checkoutId } = await checkout(a, 'paypal');
      const orderId = orderIdOf(url);
      const approved = await paypal.approve(orderId);
      expect((approved.resource.purchase_units as Array<{ custom_id?: string }>)[0]?.custom_id).toBe(
        checkoutId,
      );
      // Signed for B's webhook, so B's endpoint verifies it; it names A's order and checkout.
      expect(await deliver(b.webhookPath, approved, b.webhookId)).toEqual({
        status: 200,
        body: { received: true, outcome: 'ignored' },
      });
      expect(captureRequests(orderId)).toHaveLength(0);

      // A's order captured (outside), and the capture's notification replayed at B's endpoint.
      const mark = paypal.events.length;
      await outsideOf(a).fetchCheckout(orderId);
      const completed = completedOf(paypal.events.slice(mark));
      expect(await deliver(b.webhookPath, completed, b.webhookId)).toEqual({
        status: 200,
        body: { received: true, outcome: 'ignored' },
      });
      const captureId = required(completed.resource.id, 'a capture');
      const refunded = await paypal.refund(captureId, 1000);
      expect(await deliver(b.webhookPath, refunded, b.webhookId)).toMatchObject({
        body: { outcome: 'ignored' },
      });

      await expectNothingCrossed(a, b, checkoutId, 3);
      // At A's own endpoint the same capture pays A's invoice (so B's refusal was not a broken event).
      expect(await deliver(a.webhookPath, completed, a.webhookId)).toMatchObject({
        body: { outcome: 'applied' },
      });
      expect(await sums(a.invoiceId)).toMatchObject({ paid: 12000 });
    });
  });

  describe('2Checkout', () => {
    interface TwoCheckoutAgency extends Agency {
      merchantCode: string;
      secretKey: string;
      buyLinkSecret: string;
    }

    /**
     * A tenant connected with its own 2Checkout account. `deliver: false` leaves the account
     * without an IPN URL: the fake records each IPN, and the test delivers (or withholds) it.
     */
    async function twocoAgency({ deliver = true } = {}): Promise<TwoCheckoutAgency> {
      const base = await agencyBase();
      const merchantCode = `FOYER${randomBytes(5).toString('hex').toUpperCase()}`;
      const secretKey = `sk-${randomBytes(16).toString('hex')}`;
      const buyLinkSecret = `word-${randomBytes(8).toString('hex')}`;
      twoco.merchant({ merchantCode, secretKey, buyLinkSecret });
      const webhookPath = await bed.offerKeys(
        base,
        'twocheckout',
        () =>
          saveTwoCheckout({
            ctx: base.adminCtx,
            input: { merchantCode, secretKey, buyLinkSecret, mode: 'test' },
          }),
        deliver ? (ipnUrl) => twoco.merchant({ merchantCode, secretKey, buyLinkSecret, ipnUrl }) : undefined,
      );
      return { ...base, webhookPath, merchantCode, secretKey, buyLinkSecret };
    }

    /** Posts an IPN (already signed) to `path`: the status, and whether the answer is its signed receipt. */
    async function deliverIpn(path: string, body: string, secretKey: string) {
      const answer = await post(path, {
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      return {
        status: answer.status,
        receipt: isIpnReceipt(answer.text, fieldsOf(body), secretKey),
      };
    }

    /** The order's IPN re-signed with some fields changed and a fresh IPN_DATE (a chargeback). */
    const changedIpn = (ipn: Fake2CheckoutIpn, changes: Record<string, string>, secretKey: string) =>
      twoco.signedIpn(withFields(ipn.fields, { IPN_DATE: ipnDate(), ...changes }), secretKey).body;

    const orderRequests = (merchantCode: string) =>
      twoco.requests.filter((request) => request.merchantCode === merchantCode);

    it('connects with the account 2Checkout accepts; a wrong secret key is refused on its field and nothing is kept', async () => {
      const merchantCode = `FOYER${randomBytes(5).toString('hex').toUpperCase()}`;
      const secretKey = `sk-${randomBytes(16).toString('hex')}`;
      twoco.merchant({ merchantCode, secretKey, buyLinkSecret: 'word' });
      const keys = { merchantCode, secretKey, buyLinkSecret: 'word', mode: 'test' as const };
      const view = await expectConnects(
        'twocheckout',
        '2Checkout',
        (ctx, input) => saveTwoCheckout({ ctx, input }),
        { keys, wrong: { ...keys, secretKey: `${secretKey}x` }, field: 'secretKey', secret: secretKey },
      );
      // Named by the merchant code; saving and the connection test each asked 2Checkout's API.
      expect(view.label).toBe(merchantCode);
      expect(orderRequests(merchantCode).length).toBeGreaterThanOrEqual(2);
    });

    it('the payer pays the buy link and never comes back: the IPN alone pays the invoice once and gets its signed receipt', async () => {
      const agency = await twocoAgency();
      const first = await checkout(agency, 'twocheckout');
      const again = await checkout(agency, 'twocheckout');
      // The same attempt, the same signed link; no API call is needed to make one.
      expect(again).toEqual(first);
      expect(orderRequests(agency.merchantCode)).toHaveLength(1);
      const link = new URL(first.url);
      expect(`${link.origin}${link.pathname}`).toBe(`${twoco.checkoutUrl}/checkout/buy`);
      expect(Object.fromEntries(link.searchParams)).toMatchObject({
        merchant: agency.merchantCode,
        'order-ext-ref': first.checkoutId,
        price: '120.00',
        currency: 'EUR',
        test: '1',
      });
      expect(await checkoutRow(first.checkoutId)).toMatchObject({
        status: 'open',
        amount_minor: 12000,
        external_ref: first.checkoutId,
      });

      const ipn = await twoco.pay(first.url);
      // Delivered through the relay to /webhooks/twocheckout/<endpoint>, and answered with the
      // receipt 2Checkout requires (otherwise it would send the IPN again).
      expect(ipn).toMatchObject({
        status: 'COMPLETE',
        url: `${bed.relayUrl}${agency.webhookPath}`,
        response: { status: 200 },
        acknowledged: true,
      });
      expect(ipn.response.body).toMatch(/^<sig algo="sha256" date="\d{14}">[0-9a-f]{64}<\/sig>$/);
      await expectPaidOnce(agency, first.checkoutId, ipn.refNo);
      expect(await eventsOf(agency.tenant.id)).toEqual([
        expect.objectContaining({ type: 'COMPLETE', outcome: 'applied', invoice_id: agency.invoiceId }),
      ]);

      // 2Checkout sends it again: receipted again, and nothing changes.
      expect(await deliverIpn(agency.webhookPath, ipn.body, agency.secretKey)).toEqual({
        status: 200,
        receipt: true,
      });
      expect(await moneyRows(agency.invoiceId)).toHaveLength(1);
      expect(await eventsOf(agency.tenant.id)).toHaveLength(1);
      // Were the payer to come back now, the page says paid.
      expect(await returnOf(agency, first.checkoutId)).toEqual(returned.paid);

      // A refund made in 2Checkout's control panel comes as its own IPN, receipted and applied.
      const refund = await twoco.refund(ipn.refNo, 2000);
      expect(refund).toMatchObject({ status: 'REFUND', acknowledged: true });
      expect(await sums(agency.invoiceId)).toMatchObject({ paid: 12000, refunded: 2000 });
      expect(await receiptsQueued(agency.tenant.id)).toHaveLength(1);
    });

    it('the payer comes back before the IPN: the order found by its reference is paid once, and the IPN after it changes nothing', async () => {
      const agency = await twocoAgency({ deliver: false });
      const { checkoutId, url } = await checkout(agency, 'twocheckout');
      expect(await returnOf(agency, checkoutId)).toEqual(returned.processing);
      const ipn = await twoco.pay(url);
      expect(ipn).toMatchObject({ url: null, acknowledged: false });

      expect(await returnOf(agency, checkoutId)).toEqual(returned.paid);
      const searches = orderRequests(agency.merchantCode).filter((request) => request.path === '/orders/');
      expect(searches.at(-1)?.query).toMatchObject({ ExternalRefNo: checkoutId, IncludeTestOrders: 'ONLY' });
      // Coming back again reads the checkout as paid, without asking 2Checkout.
      const asked = orderRequests(agency.merchantCode).length;
      expect(await returnOf(agency, checkoutId)).toEqual(returned.paid);
      expect(orderRequests(agency.merchantCode)).toHaveLength(asked);
      await expectPaidOnce(agency, checkoutId, ipn.refNo);

      // The IPN arrives late: receipted, read as already recorded.
      expect(await deliverIpn(agency.webhookPath, ipn.body, agency.secretKey)).toEqual({
        status: 200,
        receipt: true,
      });
      expect(await moneyRows(agency.invoiceId)).toHaveLength(1);
      expect((await eventsOf(agency.tenant.id)).map((row) => [row.type, row.outcome])).toEqual([
        ['checkout.return', 'applied'],
        ['COMPLETE', 'ignored'],
      ]);
      expect(await receiptsQueued(agency.tenant.id)).toHaveLength(1);
    });

    it('replays of the payment, a partial and a full refund and a chargeback, five times each in shuffled orders, end in the same sums', async () => {
      const agency = await twocoAgency({ deliver: false });
      // The adapter reads a partial refund's IPN as that refund's own amount and a full one as
      // the order's total (see its comments): one partial refund, or one followed by the rest.
      for (const [seed, refundTheRest] of [
        [1, false],
        [7, true],
        [42, false],
        [2024, true],
      ] as const) {
        const invoiceId = seed === 1 ? agency.invoiceId : await issueInvoice(agency);
        const { url, checkoutId } = await checkout(agency, 'twocheckout', { invoiceId });
        const paid = await twoco.pay(url);
        const ipns = [paid, await twoco.refund(paid.refNo, 3000)];
        if (refundTheRest) ipns.push(await twoco.refund(paid.refNo));
        const bodies = [
          ...ipns.map((ipn) => ipn.body),
          changedIpn(
            paid,
            { CHARGEBACK_RESOLUTION: 'OPEN', CHARGEBACK_REASON_CODE: 'MERCHANDISE_NOT_RECEIVED' },
            agency.secretKey,
          ),
          changedIpn(paid, { CHARGEBACK_RESOLUTION: 'WON' }, agency.secretKey),
        ];
        for (const body of replayOrder(bodies, seed)) {
          const answer = await deliverIpn(agency.webhookPath, body, agency.secretKey);
          expect(answer, `${new URLSearchParams(body).get('ORDERSTATUS')} with seed ${seed}`).toEqual({
            status: 200,
            receipt: true,
          });
        }
        const refunded = refundTheRest ? 12000 : 3000;
        const money = await expectReplayedMoney(invoiceId, `seed ${seed}`, {
          paymentRef: paid.refNo,
          refunds: refunded,
          reinstatements: 1,
          refunded,
        });
        expect(
          money.filter((row) => row.kind === 'dispute'),
          `seed ${seed}`,
        ).toEqual([{ kind: 'dispute', amount_minor: 12000, external_ref: `${paid.refNo}:chargeback` }]);
        expect(await checkoutRow(checkoutId)).toMatchObject({ status: 'paid', payment_ref: paid.refNo });
        // Every IPN is logged once, however often it came.
        const logged = (await eventsOf(agency.tenant.id)).filter((row) => row.invoice_id === invoiceId);
        expect(logged, `seed ${seed}`).toHaveLength(bodies.length);
        expect(new Set(logged.map((row) => row.event_id)).size).toBe(bodies.length);
      }
      expect(await receiptsQueued(agency.tenant.id)).toHaveLength(4);
    });

    it('refuses tampered, wrongly signed, MD5-only, stale, live and unsigned IPNs over HTTP, and unknown endpoints', async () => {
      const agency = await twocoAgency({ deliver: false });
      const { url, checkoutId } = await checkout(agency, 'twocheckout');
      const ipn = await twoco.pay(url);
      const send = async (path: string, body: string) =>
        (await deliverIpn(path, body, agency.secretKey)).status;
      const signed = (pairs: Array<[string, string]>, key = agency.secretKey) =>
        twoco.signedIpn(pairs, key).body;
      const unsignedPairs = ipn.fields.filter(
        ([name]) => !['HASH', 'SIGNATURE_SHA2_256', 'SIGNATURE_SHA3_256'].includes(name),
      );

      // The body changed after signing: the amount made smaller.
      const tampered = ipn.body.replace('IPN_TOTALGENERAL=120.00', 'IPN_TOTALGENERAL=1.00');
      expect(tampered).not.toBe(ipn.body);
      expect(await send(agency.webhookPath, tampered)).toBe(400);
      // Signed with another account's secret key.
      expect(
        await send(agency.webhookPath, signed(ipn.fields, `sk-${randomBytes(16).toString('hex')}`)),
      ).toBe(400);
      // The legacy MD5 hash alone (a genuine one): not trusted without the SHA-256 signature.
      const md5Only = new URLSearchParams(
        fieldsOf(signed(unsignedPairs)).filter(
          ([name]) => name !== 'SIGNATURE_SHA2_256' && name !== 'SIGNATURE_SHA3_256',
        ),
      ).toString();
      expect(md5Only).toContain('HASH=');
      expect(await send(agency.webhookPath, md5Only)).toBe(400);
      // Correctly signed, but sent more than a day ago.
      expect(await send(agency.webhookPath, signed(withFields(ipn.fields, { IPN_DATE: hoursAgo(25) })))).toBe(
        400,
      );
      // A live order at this test-mode endpoint, correctly signed.
      expect(await send(agency.webhookPath, signed(withFields(ipn.fields, { TEST_ORDER: '0' })))).toBe(400);
      // No signature at all: refused before the endpoint is looked up.
      const bare = new URLSearchParams(unsignedPairs).toString();
      expect(await send(agency.webhookPath, bare)).toBe(400);
      expect(await send(`/webhooks/twocheckout/${randomUUID()}`, bare)).toBe(400);
      // Endpoints that do not exist, and this endpoint under PayPal's path.
      expect(await send(`/webhooks/twocheckout/${randomUUID()}`, ipn.body)).toBe(404);
      expect(await send('/webhooks/twocheckout/not-an-endpoint', ipn.body)).toBe(404);
      const endpoint = required(agency.webhookPath.split('/').at(-1), 'the endpoint id');
      const atPayPal = await post(`/webhooks/paypal/${endpoint}`, {
        body: ipn.body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'paypal-transmission-sig': 'x' },
      });
      expect(atPayPal.status).toBe(404);

      await expectNoMoney(agency);
      expect(await eventsOf(agency.tenant.id)).toEqual([]);

      // Signed 23 hours ago it is still taken: the refusals above were the defects.
      expect(
        await deliverIpn(
          agency.webhookPath,
          signed(withFields(ipn.fields, { IPN_DATE: hoursAgo(23) })),
          agency.secretKey,
        ),
      ).toEqual({ status: 200, receipt: true });
      expect(await sums(agency.invoiceId)).toMatchObject({ paid: 12000 });
      expect(await checkoutRow(checkoutId)).toMatchObject({ status: 'paid', payment_ref: ipn.refNo });
    });

    it('tenant B’s endpoint receiving an IPN that names A’s checkout and order changes nothing in A', async () => {
      const a = await twocoAgency({ deliver: false });
      const b = await twocoAgency({ deliver: false });
      const { url, checkoutId } = await checkout(a, 'twocheckout');
      const paid = await twoco.pay(url);
      expect(new URLSearchParams(paid.body).get('REFNOEXT')).toBe(checkoutId);
      // Signed with B's secret key, so B's endpoint verifies it; it names A's checkout and order.
      const atB = twoco.signedIpn(paid.fields, b.secretKey).body;
      expect(await deliverIpn(b.webhookPath, atB, b.secretKey)).toEqual({ status: 200, receipt: true });
      const refundAtB = changedIpn(
        paid,
        { ORDERSTATUS: 'REFUND', REFUND_TYPE: 'PARTIAL', IPN_TOTALGENERAL: '10.00' },
        b.secretKey,
      );
      expect(await deliverIpn(b.webhookPath, refundAtB, b.secretKey)).toEqual({ status: 200, receipt: true });
      const chargebackAtB = changedIpn(paid, { CHARGEBACK_RESOLUTION: 'OPEN' }, b.secretKey);
      expect(await deliverIpn(b.webhookPath, chargebackAtB, b.secretKey)).toEqual({
        status: 200,
        receipt: true,
      });

      await expectNothingCrossed(a, b, checkoutId, 3);
      // B's credentials asked 2Checkout about A's order, which B's account does not hold.
      expect(
        twoco.requests.filter(
          (request) => request.merchantCode === b.merchantCode && request.path === `/orders/${paid.refNo}/`,
        ).length,
      ).toBeGreaterThan(0);
      // At A's own endpoint the IPN as sent pays A's invoice (so B's refusal was not a broken IPN).
      expect(await deliverIpn(a.webhookPath, paid.body, a.secretKey)).toEqual({ status: 200, receipt: true });
      expect(await sums(a.invoiceId)).toMatchObject({ paid: 12000 });
    });
  });
});
