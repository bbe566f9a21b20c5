import { randomBytes, randomUUID } from 'node:crypto';
import {
  connectStripe,
  getInvoice,
  paymentSettings,
  recordPayment,
  refreshStripeConnect,
  refundOnline,
  saveStripeKeys,
  setGatewayOffered,
  setPartialPayments,
  startCheckout,
  voidInvoice,
} from '@foyer/core';
import { sql, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import { expectCoreError, type PersonActor } from '../support/auth';
import { drivers } from '../support/databases';
import {
  type FakeStripe,
  type FakeStripeEvent,
  type SignedEvent,
  startFakeStripe,
  stripeEvent,
} from '../support/fake-stripe.mjs';
import {
  type GatewayAgency,
  paymentsBed,
  replayOrder,
  returned,
  type SignedRequest,
} from '../support/payments';

/**
 * Online payments through Stripe, end to end on the local fake: a client opens a hosted checkout,
 * pays at the fake, and the fake's signed notification reaches the real server's route
 * (/webhooks/stripe/<endpoint> for own keys, /webhooks/stripe for Connect), where the raw body is
 * verified and the payment applied once. Replays in any order, forged notifications, other
 * tenants' and companies' checkouts, void invoices and partial amounts are each checked.
 */

const PLATFORM_KEY = `sk_test_platform${randomBytes(8).toString('hex')}`;
const CONNECT_SECRET = `whsec_connect${randomBytes(8).toString('hex')}`;

let fake: FakeStripe;
beforeAll(async () => {
  fake = await startFakeStripe();
});
afterAll(() => fake.close());

const sessionIdOf = (url: string) => required(url.split('/').at(-1), `a session id in ${url}`);

describe.each(drivers)('online payments through Stripe on %s', (driver) => {
  const bed = paymentsBed(driver, (payments) => ({
    ...payments,
    stripe: {
      connect: { secretKey: PLATFORM_KEY, webhookSecret: CONNECT_SECRET },
      ownKeys: true,
      api: fake.api,
    },
  }));
  const {
    agencyBase,
    as,
    addPayer,
    bells,
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

  beforeAll(() => {
    // The platform's Connect endpoint is this database's server (each driver has its own relay).
    fake.connect({
      platformKey: PLATFORM_KEY,
      webhookUrl: `${bed.relayUrl}/webhooks/stripe`,
      webhookSecret: CONNECT_SECRET,
    });
  });

  interface Agency extends GatewayAgency {
    /** Own keys: the endpoint's secrets; Connect: the platform's, and the account. */
    secretKey: string;
    webhookSecret: string;
    account: string | null;
  }

  /**
   * A tenant connected with its own Stripe keys. `deliver: false` leaves the fake without a
   * webhook URL, so the test delivers (or withholds) the notifications itself.
   */
  async function ownKeysAgency({ deliver = true } = {}): Promise<Agency> {
    const base = await agencyBase();
    const secretKey = `sk_test_own${randomBytes(10).toString('hex')}`;
    const webhookSecret = `whsec_own${randomBytes(10).toString('hex')}`;
    const name = base.tenant.name;
    fake.ownKeys({ secretKey, webhookSecret, name });
    const webhookPath = await bed.offerKeys(
      base,
      'stripe',
      () => saveStripeKeys({ ctx: base.adminCtx, input: { secretKey, webhookSecret } }),
      deliver ? (webhookUrl) => fake.ownKeys({ secretKey, webhookSecret, webhookUrl, name }) : undefined,
    );
    return { ...base, webhookPath, secretKey, webhookSecret, account: null };
  }

  /** A tenant connected through the platform's Connect, onboarding finished at the fake. */
  async function connectAgency(): Promise<Agency> {
    const base = await agencyBase();
    const { url } = await connectStripe({ ctx: base.adminCtx });
    const before = await gatewayOf(base.tenant.id);
    expect(before).toMatchObject({ connection: 'connect', ready: false });
    // The admin finishes the hosted form; the fake then sends account.updated to /webhooks/stripe.
    const finished = await fetch(url, { method: 'POST', redirect: 'manual' });
    expect(finished.status).toBe(303);
    expect(finished.headers.get('location')).toBe(
      `${base.site.tenant.origin}/admin/settings/payments/stripe/return`,
    );
    const view = await refreshStripeConnect({ ctx: base.adminCtx });
    expect(view).toMatchObject({ connection: 'connect', ready: true, webhookPath: null });
    await setGatewayOffered({ ctx: base.adminCtx, input: { gateway: 'stripe', offered: true } });
    return {
      ...base,
      webhookPath: '/webhooks/stripe',
      secretKey: PLATFORM_KEY,
      webhookSecret: CONNECT_SECRET,
      account: required(before?.account_ref, 'the connected account'),
    };
  }

  /** The fake's events about one PaymentIntent (and its session), in the order they happened. */
  const eventsAbout = (paymentIntent: string, sessionId: string) =>
    fake.events.filter((event) => {
      const object = event.data.object as { id: string; payment_intent?: string | null };
      return object.payment_intent === paymentIntent || object.id === sessionId;
    });

  const paymentIntentOf = (event: FakeStripeEvent) =>
    required((event.data.object as { payment_intent?: string }).payment_intent, 'a payment intent');

  /** Signed with `secret` and posted to `path`: the answer's status and body. */
  const deliver = (path: string, event: object, secret: string) =>
    bed.notify(path, fake.signedEvent(event, secret));

  it('own keys: the client pays at Stripe, the notification marks the invoice paid once, mails the client and tells the admins', async () => {
    const agency = await ownKeysAgency();
    const first = await checkout(agency, 'stripe');
    const again = await checkout(agency, 'stripe');
    // A double click: the same checkout and the same hosted page (one session at Stripe).
    expect(again).toEqual(first);
    expect(first.url.startsWith(`${fake.url}/checkout/pay/`)).toBe(true);
    const creates = fake.requests.filter(
      (request) =>
        request.method === 'POST' &&
        request.path === '/v1/checkout/sessions' &&
        request.key === agency.secretKey,
    );
    expect(creates.map((request) => request.idempotencyKey)).toEqual([
      `foyer-checkout-${first.checkoutId}`,
      `foyer-checkout-${first.checkoutId}`,
    ]);
    expect(creates[0]?.params).toMatchObject({
      client_reference_id: first.checkoutId,
      line_items: [{ price_data: { currency: 'eur', unit_amount: '12000' } }],
      customer_email: agency.payer.email,
    });
    const sessionId = sessionIdOf(first.url);
    expect(await checkoutRow(first.checkoutId)).toMatchObject({
      status: 'open',
      amount_minor: 12000,
      external_ref: sessionId,
    });

    const paid = await fake.pay(sessionId);
    const paymentIntent = paymentIntentOf(paid);
    // The fake delivered through the relay to /webhooks/stripe/<endpoint>, and the app said yes.
    expect(fake.deliveries.filter((delivery) => delivery.eventId === paid.id)).toEqual([
      { eventId: paid.id, url: `${bed.relayUrl}${agency.webhookPath}`, status: 200 },
    ]);
    await expectPaidOnce(agency, first.checkoutId, paymentIntent);
    // The worker's entry names the client who opened the checkout: it is in their activity.
    const payments = await bed.t.superuser<{ client: string | null }>(
      "select data->>'client' as client from app.activity where tenant_id = $1 and verb = 'invoice.payment'",
      [agency.tenant.id],
    );
    expect(payments).toEqual([{ client: agency.payer.id }]);
    expect(await eventsOf(agency.tenant.id)).toEqual([
      expect.objectContaining({ event_id: paid.id, outcome: 'applied', invoice_id: agency.invoiceId }),
    ]);

    // The same notification again (Stripe retries) changes nothing.
    const replay = await deliver(agency.webhookPath, paid, agency.webhookSecret);
    expect(replay).toEqual({ status: 200, body: { received: true, outcome: 'duplicate' } });
    expect(await moneyRows(agency.invoiceId)).toHaveLength(1);
    // Nothing is left to pay.
    await expectCoreError(checkout(agency, 'stripe'), 'conflict');
    // The admin's "test the connection" reads the account with the sealed key.
    await expectKeysKept(agency, 'stripe', agency.secretKey, agency.tenant.name);
  });

  it('an admin refunds a gateway payment through Stripe: once per click, at most what is left, recorded when Stripe confirms', async () => {
    const agency = await ownKeysAgency();
    const { url } = await checkout(agency, 'stripe');
    const paymentIntent = paymentIntentOf(await fake.pay(sessionIdOf(url)));
    const detail = await getInvoice({ ctx: agency.adminCtx, input: { id: agency.invoiceId } });
    expect(detail.payments.map((p) => p.refundableOnlineMinor)).toEqual([12000]);
    const paymentId = required(detail.payments[0], 'the payment').id;

    const refund = (amount: string) =>
      refundOnline({ ctx: agency.adminCtx, input: { invoiceId: agency.invoiceId, paymentId, amount } });
    await expectCoreError(refund('120.01'), 'validation');
    await expectCoreError(refund('0'), 'validation');
    // A double click: the same idempotency key, one refund at Stripe.
    await refund('30.00');
    await refund('30.00');
    await fake.settled();
    const asked = fake.requests.filter(
      (r) => r.method === 'POST' && r.path === '/v1/refunds' && r.key === agency.secretKey,
    );
    expect(new Set(asked.map((r) => r.idempotencyKey))).toEqual(
      new Set([`foyer-refund-${paymentId}-0-3000`]),
    );
    expect(fake.refunds.filter((r) => r.payment_intent === paymentIntent)).toHaveLength(1);
    // Stripe's notification recorded it: the invoice shows what Stripe says, no more.
    expect(await sums(agency.invoiceId)).toMatchObject({ paid: 12000, refunded: 3000 });
    const after = await getInvoice({ ctx: agency.adminCtx, input: { id: agency.invoiceId } });
    expect(after.payments.find((p) => p.id === paymentId)?.refundableOnlineMinor).toBe(9000);
    await expectCoreError(refund('90.01'), 'validation');

    // A payment recorded by hand is refunded by hand: nothing goes to Stripe.
    await recordPayment({
      ctx: agency.adminCtx,
      input: {
        id: agency.invoiceId,
        kind: 'refund',
        amount: '1.00',
        paidOn: new Date().toISOString().slice(0, 10),
        method: 'Bank',
        reference: '',
      },
    });
    const byHand = (
      await getInvoice({ ctx: agency.adminCtx, input: { id: agency.invoiceId } })
    ).payments.find((row) => row.kind === 'refund' && row.method === 'Bank');
    // Gateway refunds and payments recorded by hand have nothing to refund through a gateway.
    expect(byHand?.refundableOnlineMinor).toBeNull();
    await expectCoreError(
      refundOnline({
        ctx: agency.adminCtx,
        input: {
          invoiceId: agency.invoiceId,
          paymentId: required(byHand, 'the refund by hand').id,
          amount: '1.00',
        },
      }),
      'not_found',
    );
    // The client can't.
    await expectCoreError(
      refundOnline({
        ctx: agency.payerCtx,
        input: { invoiceId: agency.invoiceId, paymentId, amount: '1.00' },
      }),
      'forbidden',
    );
  });

  it('the payer coming back applies the payment at once; the notification after it changes nothing', async () => {
    const agency = await ownKeysAgency({ deliver: false });
    const { checkoutId, url } = await checkout(agency, 'stripe');
    // Before paying, the return page says processing and applies nothing.
    expect(await returnOf(agency, checkoutId)).toEqual(returned.processing);
    const paid = await fake.pay(sessionIdOf(url));
    expect(fake.deliveries.some((delivery) => delivery.eventId === paid.id)).toBe(false);

    expect(await returnOf(agency, checkoutId)).toEqual(returned.paid);
    expect(await moneyRows(agency.invoiceId)).toEqual([
      { kind: 'payment', amount_minor: 12000, external_ref: paymentIntentOf(paid) },
    ]);
    expect(await sums(agency.invoiceId)).toMatchObject({ paid: 12000, refunded: 0 });
    expect(await checkoutRow(checkoutId)).toMatchObject({ status: 'paid' });

    const late = await deliver(agency.webhookPath, paid, agency.webhookSecret);
    expect(late).toEqual({ status: 200, body: { received: true, outcome: 'ignored' } });
    expect(await moneyRows(agency.invoiceId)).toHaveLength(1);
    expect(await sums(agency.invoiceId)).toMatchObject({ paid: 12000, refunded: 0 });
    expect(await receiptsQueued(agency.tenant.id)).toHaveLength(1);
    // Coming back again reads the checkout as paid, without asking Stripe.
    expect(await returnOf(agency, checkoutId)).toEqual(returned.paid);
  });

  it('replays of a payment, two refunds and a dispute won, five times each in shuffled orders, end in the same sums', async () => {
    const agency = await ownKeysAgency({ deliver: false });
    for (const seed of [1, 7, 42, 2024, 65537]) {
      const invoiceId = seed === 1 ? agency.invoiceId : await issueInvoice(agency);
      const { url } = await checkout(agency, 'stripe', { invoiceId });
      const sessionId = sessionIdOf(url);
      const paymentIntent = paymentIntentOf(await fake.pay(sessionId));
      await fake.refund(paymentIntent, 3000);
      const refunded = await fake.refund(paymentIntent, 2000);
      await fake.dispute(paymentIntent, 'won');
      const events = eventsAbout(paymentIntent, sessionId);
      expect(events.map((event) => event.type)).toEqual([
        'checkout.session.completed',
        'charge.refunded',
        'charge.refunded',
        'charge.dispute.created',
        'charge.dispute.closed',
      ]);
      for (const event of replayOrder(events, seed)) {
        const answer = await deliver(agency.webhookPath, event, agency.webhookSecret);
        expect(answer.status, `${event.type} with seed ${seed}`).toBe(200);
      }
      const finalRefunded = Number(refunded.data.object.amount_refunded);
      expect(finalRefunded).toBe(5000);
      await expectReplayedMoney(invoiceId, `seed ${seed}`, {
        paymentRef: paymentIntent,
        refunds: finalRefunded,
        reinstatements: 1,
        refunded: 5000,
      });
      await expectLoggedOnce(agency, invoiceId, events);
    }
  });

  it('a refund and a dispute arriving before their payment are applied after asking Stripe for the payment', async () => {
    const agency = await ownKeysAgency({ deliver: false });
    const { url, checkoutId } = await checkout(agency, 'stripe');
    const sessionId = sessionIdOf(url);
    const payment = await fake.pay(sessionId);
    const paymentIntent = paymentIntentOf(payment);
    const refund = await fake.refund(paymentIntent, 1500);
    const dispute = await fake.dispute(paymentIntent, 'needs_response');
    const asked = () =>
      fake.requests.filter(
        (request) => request.method === 'GET' && request.path === `/v1/payment_intents/${paymentIntent}`,
      ).length;

    // The dispute first: its metadata is empty, so only Stripe's PaymentIntent names the checkout.
    expect(await deliver(agency.webhookPath, dispute, agency.webhookSecret)).toMatchObject({
      status: 200,
      body: { outcome: 'applied' },
    });
    expect(asked()).toBe(1);
    expect(await deliver(agency.webhookPath, refund, agency.webhookSecret)).toMatchObject({
      status: 200,
      body: { outcome: 'applied' },
    });
    expect(await deliver(agency.webhookPath, payment, agency.webhookSecret)).toMatchObject({
      status: 200,
      body: { outcome: 'ignored' },
    });
    const money = await moneyRows(agency.invoiceId);
    expect(money.map((row) => [row.kind, row.amount_minor]).sort()).toEqual(
      [
        ['dispute', 12000],
        ['payment', 12000],
        ['refund', 1500],
      ].sort(),
    );
    // The whole charge is disputed after part of it was refunded: what is held or given back is
    // capped at what was paid, rather than the notification failing on every retry.
    expect(await sums(agency.invoiceId)).toMatchObject({ paid: 12000, refunded: 12000 });
    expect(await checkoutRow(checkoutId)).toMatchObject({ status: 'paid', payment_ref: paymentIntent });
    const admins = await bells(agency.tenant.id, agency.tenant.admin.userId, 'payment-online');
    expect(admins.map((bell) => bell.title)).toContain(`Payment disputed: invoice INV-0001`);
    // Won: the held money is back, and only the refund stays.
    const won = await fake.dispute(paymentIntent, 'won');
    expect(await deliver(agency.webhookPath, won, agency.webhookSecret)).toMatchObject({
      status: 200,
      body: { outcome: 'applied' },
    });
    expect(await sums(agency.invoiceId)).toMatchObject({ paid: 12000, refunded: 1500 });
    expect(asked()).toBe(1);
  });

  it('refuses forged, stale, unsigned and wrong-mode notifications over HTTP, and unknown endpoints', async () => {
    const agency = await ownKeysAgency({ deliver: false });
    const { url } = await checkout(agency, 'stripe');
    const paid = await fake.pay(sessionIdOf(url));
    const genuine = fake.signedEvent(paid, agency.webhookSecret);
    const send = async (path: string, signed: SignedEvent | SignedRequest) =>
      (await post(path, signed)).status;

    // The body changed after signing: the amount paid made smaller.
    const tampered = { ...genuine, body: genuine.body.replace('"amount_total": 12000', '"amount_total": 1') };
    expect(tampered.body).not.toBe(genuine.body);
    expect(await send(agency.webhookPath, tampered)).toBe(400);
    // Signed with another secret.
    expect(
      await send(agency.webhookPath, fake.signedEvent(paid, `whsec_other${randomBytes(8).toString('hex')}`)),
    ).toBe(400);
    // Signed more than 300 s ago (a captured notification played back later).
    const old = Math.floor(Date.now() / 1000) - 301;
    expect(
      await send(agency.webhookPath, fake.signedEvent(paid, agency.webhookSecret, { timestamp: old })),
    ).toBe(400);
    // No signature at all.
    expect(
      await send(agency.webhookPath, { body: genuine.body, headers: { 'content-type': 'application/json' } }),
    ).toBe(400);
    // A live event at this test-mode endpoint, correctly signed.
    const live = stripeEvent({
      type: 'checkout.session.completed',
      object: { ...paid.data.object, livemode: true },
      livemode: true,
    });
    expect(await send(agency.webhookPath, fake.signedEvent(live, agency.webhookSecret))).toBe(400);
    // Endpoints that do not exist (a random id, not an id at all).
    expect(await send(`/webhooks/stripe/${randomUUID()}`, genuine)).toBe(404);
    expect(await send('/webhooks/stripe/not-an-endpoint', genuine)).toBe(404);
    // The Connect endpoint verifies with the platform's secret: this tenant's does not pass there.
    expect(await send('/webhooks/stripe', genuine)).toBe(400);

    await expectNoMoney(agency);
    expect(await eventsOf(agency.tenant.id)).toEqual([]);

    // The genuine one, just under the tolerance, is applied: the refusals above were the defects.
    const recent = Math.floor(Date.now() / 1000) - 280;
    expect(
      await send(agency.webhookPath, fake.signedEvent(paid, agency.webhookSecret, { timestamp: recent })),
    ).toBe(200);
    expect(await sums(agency.invoiceId)).toMatchObject({ paid: 12000 });
  });

  it('keeps checkouts to the company and people that may pay, and notifications to their own tenant', async () => {
    const a = await ownKeysAgency({ deliver: false });
    const b = await ownKeysAgency({ deliver: false });

    // Another company of the same tenant, with a client who holds `invoices`.
    const otherCompany = randomUUID();
    await bed.t.superuser('insert into app.clients (tenant_id, id, name) values ($1, $2, $3)', [
      a.tenant.id,
      otherCompany,
      'Other company',
    ]);
    const outsider = await addPayer(a.tenant, otherCompany);
    // Someone of the right company without `invoices`.
    const noInvoices = await addPayer(a.tenant, a.tenant.clientId, '{projects}');
    await expectCoreError(
      startCheckout({ ctx: as(outsider.actor, a.site), input: { id: a.invoiceId, gateway: 'stripe' } }),
      'not_found',
    );
    await expectCoreError(
      startCheckout({ ctx: as(noInvoices.actor, a.site), input: { id: a.invoiceId, gateway: 'stripe' } }),
      'forbidden',
    );
    const gatewayId = required(await gatewayOf(a.tenant.id), 'a gateway').id;
    const insertAs = (actor: PersonActor) =>
      withActor(bed.t.handle.db, actor, (tx) =>
        tx.execute(
          sql`insert into app.payment_checkouts (tenant_id, id, invoice_id, gateway_id, amount_minor, currency, created_by)
              values (${a.tenant.id}::uuid, ${randomUUID()}::uuid, ${a.invoiceId}::uuid, ${gatewayId}::uuid, 12000, 'EUR',
                      ${actor.userId}::uuid)`,
        ),
      );
    await expect(insertAs(outsider.actor)).rejects.toThrow();
    await expect(insertAs(noInvoices.actor)).rejects.toThrow();
    // The same insert by the invoice's own client passes: the refusals are the policy's.
    await insertAs(a.payer.actor);
    await bed.t.superuser('delete from app.payment_checkouts where tenant_id = $1', [a.tenant.id]);

    // A's client pays; the notification is withheld from A and replayed at B's endpoint instead,
    // signed with B's secret and naming A's checkout.
    const { checkoutId, url } = await checkout(a, 'stripe');
    const paid = await fake.pay(sessionIdOf(url));
    const atB = stripeEvent({ type: 'checkout.session.completed', object: paid.data.object });
    expect(atB.data.object.client_reference_id).toBe(checkoutId);
    expect(await deliver(b.webhookPath, atB, b.webhookSecret)).toEqual({
      status: 200,
      body: { received: true, outcome: 'ignored' },
    });
    await expectNothingCrossed(a, b, checkoutId, 1);
    expect((await eventsOf(b.tenant.id))[0]?.event_id).toBe(atB.id);
    // At A's own endpoint the same event pays A's invoice (so B's refusal was not a broken event).
    expect(await deliver(a.webhookPath, atB, a.webhookSecret)).toMatchObject({
      body: { outcome: 'applied' },
    });
    expect(await sums(a.invoiceId)).toMatchObject({ paid: 12000 });
  });

  it('Connect: onboarding makes the gateway ready, a payment reaches only the tenant holding the account', async () => {
    const c = await connectAgency();
    const d = await connectAgency();
    expect(c.account).not.toBe(d.account);
    // account.updated came through /webhooks/stripe and was applied to each tenant's gateway.
    for (const agency of [c, d]) {
      expect(await eventsOf(agency.tenant.id)).toEqual([
        expect.objectContaining({ type: 'account.updated', outcome: 'applied' }),
      ]);
    }
    const dCheckout = await checkout(d, 'stripe');
    const { url, checkoutId } = await checkout(c, 'stripe');
    const session = fake.requests.findLast(
      (request) => request.method === 'POST' && request.path === '/v1/checkout/sessions',
    );
    expect(session).toMatchObject({ key: PLATFORM_KEY, stripeAccount: c.account });
    const paid = await fake.pay(sessionIdOf(url));
    expect(paid.account).toBe(c.account);
    expect(fake.deliveries.filter((delivery) => delivery.eventId === paid.id)).toEqual([
      { eventId: paid.id, url: `${bed.relayUrl}/webhooks/stripe`, status: 200 },
    ]);
    expect(await sums(c.invoiceId)).toMatchObject({ paid: 12000 });
    expect(await checkoutRow(checkoutId)).toMatchObject({ status: 'paid' });

    // An event of C's account that names D's checkout is routed to C, where it finds nothing.
    const forged = stripeEvent({
      type: 'checkout.session.completed',
      object: {
        ...paid.data.object,
        id: `cs_test_${randomBytes(8).toString('hex')}`,
        client_reference_id: dCheckout.checkoutId,
        metadata: { foyer_checkout: dCheckout.checkoutId },
        payment_intent: `pi_${randomBytes(8).toString('hex')}`,
      },
      account: required(c.account, 'an account'),
    });
    expect(await deliver('/webhooks/stripe', forged, CONNECT_SECRET)).toEqual({
      status: 200,
      body: { received: true, outcome: 'ignored' },
    });
    expect(await moneyRows(d.invoiceId)).toEqual([]);
    expect(await checkoutRow(dCheckout.checkoutId)).toMatchObject({ status: 'open' });
    expect((await eventsOf(d.tenant.id)).map((row) => row.type)).toEqual(['account.updated']);
    expect((await eventsOf(c.tenant.id)).map((row) => row.outcome)).toEqual([
      'applied',
      'applied',
      'ignored',
    ]);
    // An account no tenant holds is acknowledged and applied nowhere.
    const stranger = stripeEvent({
      type: 'checkout.session.completed',
      object: paid.data.object,
      account: 'acct_nobody',
    });
    expect(await deliver('/webhooks/stripe', stranger, CONNECT_SECRET)).toEqual({
      status: 200,
      body: { received: true, outcome: 'no tenant holds this account' },
    });
  });

  it('money for a void invoice is flagged for the admins, not applied', async () => {
    const agency = await ownKeysAgency();
    const { url, checkoutId } = await checkout(agency, 'stripe');
    await voidInvoice({ ctx: agency.adminCtx, input: { id: agency.invoiceId, reason: 'Issued in error' } });
    const paid = await fake.pay(sessionIdOf(url));
    expect(fake.deliveries.find((delivery) => delivery.eventId === paid.id)?.status).toBe(200);
    await expectNoMoney(agency);
    const [logged] = await eventsOf(agency.tenant.id);
    expect(logged).toMatchObject({ event_id: paid.id, outcome: 'flagged', invoice_id: agency.invoiceId });
    expect(logged?.detail).toContain('void');
    expect(await checkoutRow(checkoutId)).toMatchObject({ status: 'paid' });
    const admins = await bells(agency.tenant.id, agency.tenant.admin.userId, 'payment-online');
    expect(admins.map((bell) => bell.title)).toEqual(['A payment needs a look: invoice INV-0001']);
    const settings = await paymentSettings({ ctx: agency.adminCtx });
    expect(settings.flagged).toEqual([
      expect.objectContaining({ invoiceId: agency.invoiceId, outcome: 'flagged', gateway: 'Stripe' }),
    ]);
    expect(await receiptsQueued(agency.tenant.id)).toEqual([]);
  });

  it('pays part of the balance only where the agency allows it, and never more than the balance', async () => {
    const agency = await ownKeysAgency();
    const start = (amount: string) => checkout(agency, 'stripe', { amount });
    await expectCoreError(start('50.00'), 'validation', 'amount');
    await setPartialPayments({ ctx: agency.adminCtx, input: { partialPayments: true } });
    expect((await paymentSettings({ ctx: agency.adminCtx })).partialPayments).toBe(true);
    await expectCoreError(start('120.01'), 'validation', 'amount');
    await expectCoreError(start('0'), 'validation', 'amount');
    await expectCoreError(start('12.345'), 'validation', 'amount');
    const sessionsBefore = fake.requests.filter((request) => request.key === agency.secretKey).length;
    const part = await start('50.00');
    const creates = fake.requests.filter(
      (request) => request.key === agency.secretKey && request.path === '/v1/checkout/sessions',
    );
    // Only the accepted amount reached Stripe.
    expect(creates).toHaveLength(1);
    expect(fake.requests.filter((request) => request.key === agency.secretKey).length).toBe(
      sessionsBefore + 1,
    );
    expect(creates[0]?.params).toMatchObject({ line_items: [{ price_data: { unit_amount: '5000' } }] });
    expect(await checkoutRow(part.checkoutId)).toMatchObject({ amount_minor: 5000 });

    await fake.pay(sessionIdOf(part.url));
    const invoice = await getInvoice({ ctx: agency.adminCtx, input: { id: agency.invoiceId } });
    expect(invoice).toMatchObject({ status: 'partially_paid', paidMinor: 5000 });
    // What is left is the most the next attempt may take; all of it opens a new checkout.
    await expectCoreError(start('70.01'), 'validation', 'amount');
    const rest = await start('');
    expect(rest.checkoutId).not.toBe(part.checkoutId);
    expect(await checkoutRow(rest.checkoutId)).toMatchObject({ amount_minor: 7000 });
  });
});
