import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import {
  checkoutReturn,
  connectStripe,
  createCtx,
  createInvoice,
  type Deps,
  getInvoice,
  paymentSettings,
  refreshStripeConnect,
  saveStripeKeys,
  sendInvoice,
  setGatewayOffered,
  setPartialPayments,
  startCheckout,
  type TenantSite,
  testGateway,
  voidInvoice,
} from '@foyer/core';
import { type ActingAs, sql, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../apps/server/src/app';
import { loadConfig } from '../../apps/server/src/env';
import { createLogger } from '../../apps/server/src/log';
import type { PageRenderer } from '../../apps/server/src/web';
import { required } from '../support/assert';
import {
  addUser,
  clientInfo,
  deliverQueued,
  expectCoreError,
  type PersonActor,
  siteOf,
  type TestCore,
  type TestUser,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import {
  type FakeStripe,
  type FakeStripeEvent,
  type SignedEvent,
  startFakeStripe,
  stripeEvent,
} from '../support/fake-stripe.mjs';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * Online payments through Stripe, end to end on the local fake: a client opens a hosted checkout,
 * pays at the fake, and the fake's signed notification reaches the real server's route
 * (/webhooks/stripe/<endpoint> for own keys, /webhooks/stripe for Connect), where the raw body is
 * verified and the payment applied once. Replays in any order, forged notifications, other
 * tenants' and companies' checkouts, void invoices and partial amounts are each checked.
 */

const PLATFORM_KEY = `sk_test_platform${randomBytes(8).toString('hex')}`;
const CONNECT_SECRET = `whsec_connect${randomBytes(8).toString('hex')}`;
const PLATFORM_HOST = 'foyer.test';

const noPages: PageRenderer = {
  async respond() {
    return new Response('page', { status: 200 });
  },
};

/** A deterministic shuffle (mulberry32), so a failing order can be run again by its seed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
  const out = [...items];
  for (let index = out.length - 1; index > 0; index--) {
    const other = Math.floor(next() * (index + 1));
    [out[index], out[other]] = [out[other] as T, out[index] as T];
  }
  return out;
}

/** The node:http endpoint the fake delivers to: it hands each request, raw, to the real app. */
interface Relay {
  url: string;
  app: App | null;
  close(): Promise<void>;
}

async function startRelay(): Promise<Relay> {
  const relay: Relay = { url: '', app: null, close: async () => {} };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string' && name !== 'host' && name !== 'content-length')
          headers.set(name, value);
      }
      headers.set('host', PLATFORM_HOST);
      const app = required(relay.app, 'the app behind the relay');
      Promise.resolve(
        app.request(`http://${PLATFORM_HOST}${request.url ?? '/'}`, {
          method: request.method ?? 'POST',
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
        .then(async (answer) => {
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(await answer.text());
        })
        .catch(() => {
          response.writeHead(502).end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  relay.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  relay.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return relay;
}

let fake: FakeStripe;
beforeAll(async () => {
  fake = await startFakeStripe();
});
afterAll(() => fake.close());

const sessionIdOf = (url: string) => required(url.split('/').at(-1), `a session id in ${url}`);

describe.each(drivers)('online payments through Stripe on %s', (driver) => {
  let t: TestDatabase;
  let core: TestCore;
  let deps: Deps;
  let app: App;
  let relay: Relay;

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    relay = await startRelay();
    core = testCore(t);
    deps = {
      ...core.deps,
      payments: {
        ...core.deps.payments,
        stripe: {
          connect: { secretKey: PLATFORM_KEY, webhookSecret: CONNECT_SECRET },
          ownKeys: true,
          api: fake.api,
        },
      },
    };
    app = createApp({
      config: loadConfig({ PLATFORM_DOMAIN: PLATFORM_HOST, PUBLIC_PORT: '80' }),
      db: t.handle,
      pages: noPages,
      // PAYTEST_LOG=1 shows why the server answered a notification 500.
      log: createLogger(process.env.PAYTEST_LOG ? 'debug' : 'silent'),
      core: deps,
    });
    relay.app = app;
    // The platform's Connect endpoint is this database's server (each driver has its own relay).
    fake.connect({
      platformKey: PLATFORM_KEY,
      webhookUrl: `${relay.url}/webhooks/stripe`,
      webhookSecret: CONNECT_SECRET,
    });
  });
  afterAll(async () => {
    await relay.close();
    await t.close();
  });

  const as = (actor: ActingAs, site: TenantSite | null = null) =>
    createCtx(deps, { actor, site, client: clientInfo() });

  /** Posts a notification to the real app, as Stripe would. */
  const post = (path: string, signed: { body: string; headers: Record<string, string> }) =>
    app.request(`http://${PLATFORM_HOST}${path}`, {
      method: 'POST',
      headers: { host: PLATFORM_HOST, ...signed.headers },
      body: signed.body,
    });

  interface Agency {
    tenant: TenantFixture;
    site: TenantSite;
    adminCtx: ReturnType<typeof as>;
    payer: TestUser;
    payerCtx: ReturnType<typeof as>;
    invoiceId: string;
    /** Own keys: the endpoint's path and secret; Connect: the account. */
    webhookPath: string;
    secretKey: string;
    webhookSecret: string;
    account: string | null;
  }

  /** A client user of `clientId` holding `invoices` (with a password, so mail goes out). */
  async function addPayer(tenant: TenantFixture, clientId: string, permissions = '{invoices}') {
    const payer = await addUser(t, tenant, { role: 'client', clientId });
    await t.superuser('update app.users set permissions = $3 where tenant_id = $1 and id = $2', [
      tenant.id,
      payer.id,
      permissions,
    ]);
    return payer;
  }

  /** An issued invoice of 120.00 EUR (100.00 plus 20 % VAT) to the tenant's client company. */
  async function issueInvoice(agency: Pick<Agency, 'tenant' | 'adminCtx'>): Promise<string> {
    const day = new Date().toISOString().slice(0, 10);
    const { id } = await createInvoice({
      ctx: agency.adminCtx,
      input: {
        clientId: agency.tenant.clientId,
        currency: 'EUR',
        issueDate: day,
        dueDate: day,
        lines: [
          { description: 'Design', quantity: '1', unitPrice: '100', taxRateIds: [agency.tenant.taxRateId] },
        ],
      },
    });
    await sendInvoice({ ctx: agency.adminCtx, input: { id } });
    // The invoice-sent mail goes out now, so a test finds only the mail its payment causes.
    await deliverQueued(core, [agency.tenant.id]);
    return id;
  }

  async function agencyBase() {
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const adminCtx = as(tenant.admin, site);
    const payer = await addPayer(tenant, tenant.clientId);
    const invoiceId = await issueInvoice({ tenant, adminCtx });
    return { tenant, site, adminCtx, payer, payerCtx: as(payer.actor, site), invoiceId };
  }

  /**
   * A tenant connected with its own Stripe keys. `deliver: false` leaves the fake without a
   * webhook URL, so the test delivers (or withholds) the notifications itself.
   */
  async function ownKeysAgency({ deliver = true } = {}): Promise<Agency> {
    const base = await agencyBase();
    const secretKey = `sk_test_own${randomBytes(10).toString('hex')}`;
    const webhookSecret = `whsec_own${randomBytes(10).toString('hex')}`;
    fake.ownKeys({ secretKey, webhookSecret, name: base.tenant.name });
    const view = await saveStripeKeys({ ctx: base.adminCtx, input: { secretKey, webhookSecret } });
    const webhookPath = required(view.webhookPath, 'the endpoint path');
    expect(view).toMatchObject({ connection: 'keys', mode: 'test', ready: true });
    if (deliver) {
      fake.ownKeys({
        secretKey,
        webhookSecret,
        webhookUrl: `${relay.url}${webhookPath}`,
        name: base.tenant.name,
      });
    }
    await setGatewayOffered({ ctx: base.adminCtx, input: { gateway: 'stripe', offered: true } });
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

  const gatewayOf = async (tenantId: string) =>
    (
      await t.superuser<{ id: string; connection: string; ready: boolean; account_ref: string | null }>(
        'select id::text, connection, ready, account_ref from app.payment_gateways where tenant_id = $1',
        [tenantId],
      )
    )[0];

  const moneyRows = (invoiceId: string) =>
    t.superuser<{ kind: string; amount_minor: number; external_ref: string | null }>(
      `select kind, amount_minor::int as amount_minor, external_ref from app.invoice_payments
        where invoice_id = $1 order by created_at, kind`,
      [invoiceId],
    );

  const sums = async (invoiceId: string) =>
    required(
      (
        await t.superuser<{ paid: number; refunded: number; paid_at: Date | null }>(
          'select paid_minor::int as paid, refunded_minor::int as refunded, paid_at from app.invoices where id = $1',
          [invoiceId],
        )
      )[0],
      'the invoice',
    );

  const checkoutRow = async (checkoutId: string) =>
    (
      await t.superuser<{
        status: string;
        amount_minor: number;
        external_ref: string | null;
        payment_ref: string | null;
      }>(
        `select status, amount_minor::int as amount_minor, external_ref, payment_ref
           from app.payment_checkouts where id = $1`,
        [checkoutId],
      )
    )[0];

  const eventsOf = (tenantId: string) =>
    t.superuser<{
      event_id: string;
      type: string;
      outcome: string;
      detail: string;
      invoice_id: string | null;
    }>(
      `select event_id, type, outcome, detail, invoice_id::text from app.gateway_events
        where tenant_id = $1 order by received_at`,
      [tenantId],
    );

  const bells = (tenantId: string, userId: string, event: string) =>
    t.superuser<{ title: string; body: string }>(
      'select title, body from app.notifications where tenant_id = $1 and user_id = $2 and event = $3',
      [tenantId, userId, event],
    );

  /** The fake's events about one PaymentIntent (and its session), in the order they happened. */
  const eventsAbout = (paymentIntent: string, sessionId: string) =>
    fake.events.filter((event) => {
      const object = event.data.object as { id: string; payment_intent?: string | null };
      return object.payment_intent === paymentIntent || object.id === sessionId;
    });

  const paymentIntentOf = (event: FakeStripeEvent) =>
    required((event.data.object as { payment_intent?: string }).payment_intent, 'a payment intent');

  /** Signed with `secret` and posted to `path`: the answer's status and body. */
  async function deliver(path: string, event: object, secret: string, timestamp?: number) {
    const answer = await post(path, fake.signedEvent(event, secret, timestamp ? { timestamp } : {}));
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  }

  it('own keys: the client pays at Stripe, the notification marks the invoice paid once, mails the client and tells the admins', async () => {
    const agency = await ownKeysAgency();
    const first = await startCheckout({
      ctx: agency.payerCtx,
      input: { id: agency.invoiceId, gateway: 'stripe' },
    });
    const again = await startCheckout({
      ctx: agency.payerCtx,
      input: { id: agency.invoiceId, gateway: 'stripe' },
    });
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
      { eventId: paid.id, url: `${relay.url}${agency.webhookPath}`, status: 200 },
    ]);

    const invoice = await getInvoice({ ctx: agency.adminCtx, input: { id: agency.invoiceId } });
    expect(invoice).toMatchObject({ status: 'paid', paidMinor: 12000, refundedMinor: 0 });
    expect(await moneyRows(agency.invoiceId)).toEqual([
      { kind: 'payment', amount_minor: 12000, external_ref: paymentIntent },
    ]);
    expect(await checkoutRow(first.checkoutId)).toMatchObject({ status: 'paid', payment_ref: paymentIntent });
    expect(await eventsOf(agency.tenant.id)).toEqual([
      expect.objectContaining({ event_id: paid.id, outcome: 'applied', invoice_id: agency.invoiceId }),
    ]);

    const mailBefore = core.mail.length;
    await deliverQueued(core, [agency.tenant.id]);
    const receipts = core.mail.slice(mailBefore).filter((mail) => mail.to === agency.payer.email);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.text).toContain(required(invoice.number, 'a number'));
    const queued = await t.superuser<{ template: string }>(
      `select template from app.outbox where tenant_id = $1 and user_id = $2 and template = 'payment-received'`,
      [agency.tenant.id, agency.payer.id],
    );
    expect(queued).toHaveLength(1);
    expect(await bells(agency.tenant.id, agency.tenant.admin.userId, 'payment-online')).toEqual([
      expect.objectContaining({ title: `€120.00 paid online for invoice ${invoice.number}` }),
    ]);

    // The same notification again (Stripe retries) changes nothing.
    const replay = await deliver(agency.webhookPath, paid, agency.webhookSecret);
    expect(replay).toEqual({ status: 200, body: { received: true, outcome: 'duplicate' } });
    expect(await moneyRows(agency.invoiceId)).toHaveLength(1);
    // Nothing is left to pay.
    await expectCoreError(
      startCheckout({ ctx: agency.payerCtx, input: { id: agency.invoiceId, gateway: 'stripe' } }),
      'conflict',
    );
    // The admin's "test the connection" reads the account with the sealed key.
    expect(await testGateway({ ctx: agency.adminCtx, input: { gateway: 'stripe' } })).toMatchObject({
      checkError: null,
      label: agency.tenant.name,
    });
  });

  it('the payer coming back applies the payment at once; the notification after it changes nothing', async () => {
    const agency = await ownKeysAgency({ deliver: false });
    const { checkoutId, url } = await startCheckout({
      ctx: agency.payerCtx,
      input: { id: agency.invoiceId, gateway: 'stripe' },
    });
    // Before paying, the return page says processing and applies nothing.
    expect(
      await checkoutReturn({ ctx: agency.payerCtx, input: { id: agency.invoiceId, checkout: checkoutId } }),
    ).toEqual({ outcome: 'processing', amount: '€120.00' });
    const paid = await fake.pay(sessionIdOf(url));
    expect(fake.deliveries.some((delivery) => delivery.eventId === paid.id)).toBe(false);

    expect(
      await checkoutReturn({ ctx: agency.payerCtx, input: { id: agency.invoiceId, checkout: checkoutId } }),
    ).toEqual({ outcome: 'paid', amount: '€120.00' });
    expect(await moneyRows(agency.invoiceId)).toEqual([
      { kind: 'payment', amount_minor: 12000, external_ref: paymentIntentOf(paid) },
    ]);
    expect(await sums(agency.invoiceId)).toMatchObject({ paid: 12000, refunded: 0 });
    expect(await checkoutRow(checkoutId)).toMatchObject({ status: 'paid' });

    const late = await deliver(agency.webhookPath, paid, agency.webhookSecret);
    expect(late).toEqual({ status: 200, body: { received: true, outcome: 'ignored' } });
    expect(await moneyRows(agency.invoiceId)).toHaveLength(1);
    expect(await sums(agency.invoiceId)).toMatchObject({ paid: 12000, refunded: 0 });
    const receipts = await t.superuser(
      `select 1 from app.outbox where tenant_id = $1 and template = 'payment-received'`,
      [agency.tenant.id],
    );
    expect(receipts).toHaveLength(1);
    // Coming back again reads the checkout as paid, without asking Stripe.
    expect(
      await checkoutReturn({ ctx: agency.payerCtx, input: { id: agency.invoiceId, checkout: checkoutId } }),
    ).toEqual({ outcome: 'paid', amount: '€120.00' });
  });

  it('replays of a payment, two refunds and a dispute won, five times each in shuffled orders, end in the same sums', async () => {
    const agency = await ownKeysAgency({ deliver: false });
    for (const seed of [1, 7, 42, 2024, 65537]) {
      const invoiceId = seed === 1 ? agency.invoiceId : await issueInvoice(agency);
      const { url } = await startCheckout({
        ctx: agency.payerCtx,
        input: { id: invoiceId, gateway: 'stripe' },
      });
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
      const order = shuffled(
        events.flatMap((event) => Array.from({ length: 5 }, () => event)),
        seed,
      );
      for (const event of order) {
        const answer = await deliver(agency.webhookPath, event, agency.webhookSecret);
        expect(answer.status, `${event.type} with seed ${seed}`).toBe(200);
      }
      const finalRefunded = Number(refunded.data.object.amount_refunded);
      expect(finalRefunded).toBe(5000);
      const money = await moneyRows(invoiceId);
      const of = (kind: string) => money.filter((row) => row.kind === kind);
      expect(of('payment'), `seed ${seed}`).toEqual([
        { kind: 'payment', amount_minor: 12000, external_ref: paymentIntent },
      ]);
      expect(
        of('refund').reduce((sum, row) => sum + row.amount_minor, 0),
        `seed ${seed}`,
      ).toBe(finalRefunded);
      expect(of('dispute'), `seed ${seed}`).toHaveLength(1);
      expect(of('reinstatement'), `seed ${seed}`).toHaveLength(1);
      expect(await sums(invoiceId), `seed ${seed}`).toMatchObject({ paid: 12000, refunded: 5000 });
      // Every event id is logged once, however often it came.
      const logged = (await eventsOf(agency.tenant.id)).filter((row) => row.invoice_id === invoiceId);
      expect(logged.map((row) => row.event_id).sort()).toEqual(events.map((event) => event.id).sort());
    }
  });

  it('a refund and a dispute arriving before their payment are applied after asking Stripe for the payment', async () => {
    const agency = await ownKeysAgency({ deliver: false });
    const { url, checkoutId } = await startCheckout({
      ctx: agency.payerCtx,
      input: { id: agency.invoiceId, gateway: 'stripe' },
    });
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
    const { url } = await startCheckout({
      ctx: agency.payerCtx,
      input: { id: agency.invoiceId, gateway: 'stripe' },
    });
    const paid = await fake.pay(sessionIdOf(url));
    const genuine = fake.signedEvent(paid, agency.webhookSecret);
    const send = async (
      path: string,
      signed: SignedEvent | { body: string; headers: Record<string, string> },
    ) => {
      const answer = await post(path, signed);
      return answer.status;
    };

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

    expect(await moneyRows(agency.invoiceId)).toEqual([]);
    expect(await eventsOf(agency.tenant.id)).toEqual([]);
    expect(await sums(agency.invoiceId)).toMatchObject({ paid: 0, refunded: 0 });

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
    await t.superuser('insert into app.clients (tenant_id, id, name) values ($1, $2, $3)', [
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
      withActor(t.handle.db, actor, (tx) =>
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
    await t.superuser('delete from app.payment_checkouts where tenant_id = $1', [a.tenant.id]);

    // A's client pays; the notification is withheld from A and replayed at B's endpoint instead,
    // signed with B's secret and naming A's checkout.
    const { checkoutId, url } = await startCheckout({
      ctx: a.payerCtx,
      input: { id: a.invoiceId, gateway: 'stripe' },
    });
    const paid = await fake.pay(sessionIdOf(url));
    const atB = stripeEvent({ type: 'checkout.session.completed', object: paid.data.object });
    expect(atB.data.object.client_reference_id).toBe(checkoutId);
    expect(await deliver(b.webhookPath, atB, b.webhookSecret)).toEqual({
      status: 200,
      body: { received: true, outcome: 'ignored' },
    });
    expect(await moneyRows(a.invoiceId)).toEqual([]);
    expect(await moneyRows(b.invoiceId)).toEqual([]);
    expect(await checkoutRow(checkoutId)).toMatchObject({ status: 'open', payment_ref: null });
    expect(await eventsOf(a.tenant.id)).toEqual([]);
    expect(await eventsOf(b.tenant.id)).toEqual([
      expect.objectContaining({ event_id: atB.id, outcome: 'ignored', invoice_id: null }),
    ]);
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
    const dCheckout = await startCheckout({ ctx: d.payerCtx, input: { id: d.invoiceId, gateway: 'stripe' } });
    const { url, checkoutId } = await startCheckout({
      ctx: c.payerCtx,
      input: { id: c.invoiceId, gateway: 'stripe' },
    });
    const session = fake.requests.findLast(
      (request) => request.method === 'POST' && request.path === '/v1/checkout/sessions',
    );
    expect(session).toMatchObject({ key: PLATFORM_KEY, stripeAccount: c.account });
    const paid = await fake.pay(sessionIdOf(url));
    expect(paid.account).toBe(c.account);
    expect(fake.deliveries.filter((delivery) => delivery.eventId === paid.id)).toEqual([
      { eventId: paid.id, url: `${relay.url}/webhooks/stripe`, status: 200 },
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
    const { url, checkoutId } = await startCheckout({
      ctx: agency.payerCtx,
      input: { id: agency.invoiceId, gateway: 'stripe' },
    });
    await voidInvoice({ ctx: agency.adminCtx, input: { id: agency.invoiceId, reason: 'Issued in error' } });
    const paid = await fake.pay(sessionIdOf(url));
    expect(fake.deliveries.find((delivery) => delivery.eventId === paid.id)?.status).toBe(200);
    expect(await moneyRows(agency.invoiceId)).toEqual([]);
    expect(await sums(agency.invoiceId)).toMatchObject({ paid: 0, refunded: 0 });
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
    const receipts = await t.superuser(
      `select 1 from app.outbox where tenant_id = $1 and template = 'payment-received'`,
      [agency.tenant.id],
    );
    expect(receipts).toEqual([]);
  });

  it('pays part of the balance only where the agency allows it, and never more than the balance', async () => {
    const agency = await ownKeysAgency();
    const start = (amount: string) =>
      startCheckout({ ctx: agency.payerCtx, input: { id: agency.invoiceId, gateway: 'stripe', amount } });
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
