import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { paypalGateway } from '@foyer/billing/gateways';
import {
  checkoutReturn,
  createCtx,
  createInvoice,
  type Deps,
  getInvoice,
  paymentSettings,
  payOptions,
  savePayPal,
  saveTwoCheckout,
  sendInvoice,
  setGatewayOffered,
  startCheckout,
  type TenantSite,
  testGateway,
} from '@foyer/core';
import type { ActingAs } from '@foyer/db';
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
  siteOf,
  type TestCore,
  type TestUser,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import {
  type Fake2Checkout,
  type Fake2CheckoutIpn,
  ipnDate,
  isIpnReceipt,
  startFake2Checkout,
} from '../support/fake-2checkout.mjs';
import { type FakePayPal, type FakePayPalEvent, startFakePayPal } from '../support/fake-paypal.mjs';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * Online payments through PayPal and 2Checkout, end to end on their local fakes: a client opens the
 * gateway's hosted page, approves (PayPal) or pays (2Checkout) there, and comes back or not; the
 * fake's signed notification reaches the real server's /webhooks/<gateway>/<endpoint> through a
 * node:http relay, where it is verified on the raw body and applied once. PayPal's approval makes
 * the core capture the order itself; 2Checkout's IPN is answered with its signed read receipt.
 * Replays in any order, forged notifications and other tenants' checkouts are each checked.
 */

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

const fivefold = <T>(items: readonly T[]) => items.flatMap((item) => Array.from({ length: 5 }, () => item));

/** The node:http endpoint the fakes deliver to: it hands each request, raw, to the real app. */
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
          // The app's own content type: 2Checkout's receipt is text, the others' answers JSON.
          response.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          });
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
        paypal: { apiBase: paypal.url },
        twocheckout: { api: { checkout: twoco.checkoutUrl, rest: twoco.restUrl } },
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
  });
  afterAll(async () => {
    await relay?.close();
    await t?.close();
  });

  const as = (actor: ActingAs, site: TenantSite | null = null) =>
    createCtx(deps, { actor, site, client: clientInfo() });

  /** Posts a notification to the real app, as the gateway would: the status and the raw answer. */
  async function post(path: string, signed: { body: string; headers: Record<string, string> }) {
    const answer = await app.request(`http://${PLATFORM_HOST}${path}`, {
      method: 'POST',
      headers: { host: PLATFORM_HOST, ...signed.headers },
      body: signed.body,
    });
    return { status: answer.status, text: await answer.text() };
  }

  interface Agency {
    tenant: TenantFixture;
    site: TenantSite;
    adminCtx: ReturnType<typeof as>;
    payer: TestUser;
    payerCtx: ReturnType<typeof as>;
    invoiceId: string;
    webhookPath: string;
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

  /** A tenant with a client user holding `invoices` (with a password, so mail goes out) and an invoice. */
  async function agencyBase() {
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const adminCtx = as(tenant.admin, site);
    const payer = await addUser(t, tenant, { role: 'client', clientId: tenant.clientId });
    await t.superuser('update app.users set permissions = $3 where tenant_id = $1 and id = $2', [
      tenant.id,
      payer.id,
      '{invoices}',
    ]);
    const invoiceId = await issueInvoice({ tenant, adminCtx });
    return { tenant, site, adminCtx, payer, payerCtx: as(payer.actor, site), invoiceId };
  }

  const gatewayOf = async (tenantId: string) =>
    (
      await t.superuser<{ id: string; kind: string; label: string; endpoint_id: string }>(
        'select id::text, kind, label, endpoint_id::text from app.payment_gateways where tenant_id = $1',
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

  const receiptsQueued = (tenantId: string) =>
    t.superuser(`select 1 from app.outbox where tenant_id = $1 and template = 'payment-received'`, [
      tenantId,
    ]);

  const returnOf = (agency: Agency, checkoutId: string, invoiceId = agency.invoiceId) =>
    checkoutReturn({ ctx: agency.payerCtx, input: { id: invoiceId, checkout: checkoutId } });

  /** What the payment left behind: one payment row, the checkout paid, the client mailed, the admins told. */
  async function expectPaidOnce(agency: Agency, checkoutId: string, paymentRef: string) {
    const invoice = await getInvoice({ ctx: agency.adminCtx, input: { id: agency.invoiceId } });
    expect(invoice).toMatchObject({ status: 'paid', paidMinor: 12000, refundedMinor: 0 });
    expect(await moneyRows(agency.invoiceId)).toEqual([
      { kind: 'payment', amount_minor: 12000, external_ref: paymentRef },
    ]);
    expect(await checkoutRow(checkoutId)).toMatchObject({ status: 'paid', payment_ref: paymentRef });
    const mailBefore = core.mail.length;
    await deliverQueued(core, [agency.tenant.id]);
    const receipts = core.mail.slice(mailBefore).filter((mail) => mail.to === agency.payer.email);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.text).toContain(required(invoice.number, 'a number'));
    expect(await receiptsQueued(agency.tenant.id)).toHaveLength(1);
    expect(await bells(agency.tenant.id, agency.tenant.admin.userId, 'payment-online')).toEqual([
      expect.objectContaining({ title: `€120.00 paid online for invoice ${invoice.number}` }),
    ]);
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
      const view = await savePayPal({
        ctx: base.adminCtx,
        input: { clientId, clientSecret, webhookId, mode: 'test' },
      });
      expect(view).toMatchObject({ kind: 'paypal', connection: 'keys', mode: 'test', ready: true });
      const webhookPath = required(view.webhookPath, 'the endpoint path');
      if (deliver) {
        paypal.merchant({ clientId, clientSecret, webhookId, webhookUrl: `${relay.url}${webhookPath}` });
        // The fake's tokens belong to the merchant as registered before; new ones see the webhook URL.
        paypal.expireTokens();
      }
      await setGatewayOffered({ ctx: base.adminCtx, input: { gateway: 'paypal', offered: true } });
      return { ...base, webhookPath, clientId, clientSecret, webhookId };
    }

    /** Signed for `webhookId` (the agency's unless told) and posted to `path`. */
    async function deliver(
      path: string,
      event: object,
      webhookId: string,
      options: { time?: Date } = {},
    ): Promise<{ status: number; body: Record<string, unknown> }> {
      const answer = await post(path, paypal.signedEvent(event, webhookId, options));
      return { status: answer.status, body: JSON.parse(answer.text) as Record<string, unknown> };
    }

    const captureRequests = (orderId: string) =>
      paypal.requests.filter(
        (request) => request.method === 'POST' && request.path === `/v2/checkout/orders/${orderId}/capture`,
      );

    const captureOf = (events: readonly FakePayPalEvent[]) =>
      required(
        events.find((event) => event.event_type === 'PAYMENT.CAPTURE.COMPLETED')?.resource.id,
        'a capture',
      );

    it('connects with a REST app PayPal accepts; a wrong secret is refused on its field and nothing is kept', async () => {
      const base = await agencyBase();
      const clientId = `AZ${randomBytes(20).toString('hex')}`;
      const clientSecret = `EK${randomBytes(20).toString('hex')}`;
      paypal.merchant({ clientId, clientSecret, webhookId: 'WH-CONNECT' });
      await expectCoreError(
        savePayPal({
          ctx: base.adminCtx,
          input: { clientId, clientSecret: `${clientSecret}x`, webhookId: 'WH-CONNECT', mode: 'test' },
        }),
        'validation',
        'clientSecret',
      );
      expect(await gatewayOf(base.tenant.id)).toBeUndefined();
      expect((await paymentSettings({ ctx: base.adminCtx })).paypal).toBeNull();

      const view = await savePayPal({
        ctx: base.adminCtx,
        input: { clientId, clientSecret, webhookId: 'WH-CONNECT', mode: 'test' },
      });
      const row = required(await gatewayOf(base.tenant.id), 'the gateway');
      expect(view).toMatchObject({
        kind: 'paypal',
        name: 'PayPal',
        ready: true,
        offered: true,
        checkError: null,
        webhookPath: `/webhooks/paypal/${row.endpoint_id}`,
      });
      // Named by a shortened client id, and the secret is stored sealed, not as given.
      expect(view.label).toBe(`${clientId.slice(0, 8)}…${clientId.slice(-4)}`);
      const [stored] = await t.superuser<{ credentials: string }>(
        'select credentials from app.payment_gateways where id = $1',
        [row.id],
      );
      expect(stored?.credentials).not.toContain(clientSecret);
      expect(await testGateway({ ctx: base.adminCtx, input: { gateway: 'paypal' } })).toMatchObject({
        checkError: null,
        label: view.label,
      });
      expect(await payOptions({ ctx: base.payerCtx, input: { id: base.invoiceId } })).toMatchObject({
        options: [{ gateway: 'paypal', label: 'Pay with PayPal', mode: 'test' }],
        balanceMinor: 12000,
      });
    });

    // The fake delivers the capture's notification before it answers the capture: the core asks
    // PayPal with no transaction open, so even on PGlite (one transaction at a time) that
    // delivery is applied while the capture is still on its way.
    it('the payer approves at PayPal: the delivered approval captures once and pays the invoice; coming back twice changes nothing', async () => {
      const agency = await paypalAgency();
      const first = await startCheckout({
        ctx: agency.payerCtx,
        input: { id: agency.invoiceId, gateway: 'paypal' },
      });
      const again = await startCheckout({
        ctx: agency.payerCtx,
        input: { id: agency.invoiceId, gateway: 'paypal' },
      });
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
            url: `${relay.url}${agency.webhookPath}`,
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
        expect(await returnOf(agency, first.checkoutId)).toEqual({ outcome: 'paid', amount: '€120.00' });
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
      await expectCoreError(
        startCheckout({ ctx: agency.payerCtx, input: { id: agency.invoiceId, gateway: 'paypal' } }),
        'conflict',
      );
    });

    it('the payer comes back before any notification: the return captures once, and the notifications after it change nothing', async () => {
      const agency = await paypalAgency({ deliver: false });
      const { checkoutId, url } = await startCheckout({
        ctx: agency.payerCtx,
        input: { id: agency.invoiceId, gateway: 'paypal' },
      });
      const orderId = orderIdOf(url);
      // Before approving, the return page says processing, and nothing is captured.
      expect(await returnOf(agency, checkoutId)).toEqual({ outcome: 'processing', amount: '€120.00' });
      expect(captureRequests(orderId)).toHaveLength(0);

      const mark = paypal.events.length;
      await paypal.approve(orderId);
      expect(await returnOf(agency, checkoutId)).toEqual({ outcome: 'paid', amount: '€120.00' });
      expect(await returnOf(agency, checkoutId)).toEqual({ outcome: 'paid', amount: '€120.00' });
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
      const { checkoutId, url } = await startCheckout({
        ctx: agency.payerCtx,
        input: { id: agency.invoiceId, gateway: 'paypal' },
      });
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
      const { checkoutId, url } = await startCheckout({
        ctx: agency.payerCtx,
        input: { id: agency.invoiceId, gateway: 'paypal' },
      });
      const orderId = orderIdOf(url);
      const mark = paypal.events.length;
      await paypal.approve(orderId);
      // The order captured with the agency's app outside this server (as when our answer was lost).
      const outside = paypalGateway({
        clientId: agency.clientId,
        clientSecret: agency.clientSecret,
        webhookId: agency.webhookId,
        mode: 'test',
        apiBase: paypal.url,
      });
      expect(await outside.fetchCheckout(orderId)).toMatchObject({ status: 'paid', checkoutId });
      const completed = required(
        paypal.events.slice(mark).find((event) => event.event_type === 'PAYMENT.CAPTURE.COMPLETED'),
        'the capture event',
      );
      expect(await deliver(agency.webhookPath, completed, agency.webhookId)).toEqual({
        status: 200,
        body: { received: true, outcome: 'applied' },
      });
      await expectPaidOnce(agency, checkoutId, required(completed.resource.id, 'a capture'));
      expect(await returnOf(agency, checkoutId)).toEqual({ outcome: 'paid', amount: '€120.00' });
      expect(captureRequests(orderId)).toHaveLength(1);
    });

    it('replays of approval, capture, two refunds and a dispute, five times each in shuffled orders, end in the same sums', async () => {
      const agency = await paypalAgency({ deliver: false });
      const outside = paypalGateway({
        clientId: agency.clientId,
        clientSecret: agency.clientSecret,
        webhookId: agency.webhookId,
        mode: 'test',
        apiBase: paypal.url,
      });
      for (const [seed, outcome] of [
        [1, 'won'],
        [7, 'lost'],
        [42, 'won'],
        [2024, 'won'],
      ] as const) {
        const invoiceId = seed === 1 ? agency.invoiceId : await issueInvoice(agency);
        const { url, checkoutId } = await startCheckout({
          ctx: agency.payerCtx,
          input: { id: invoiceId, gateway: 'paypal' },
        });
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
        for (const event of shuffled(fivefold(events), seed)) {
          const answer = await deliver(agency.webhookPath, event, agency.webhookId);
          expect(answer.status, `${event.event_type} with seed ${seed}`).toBe(200);
        }
        const money = await moneyRows(invoiceId);
        const of = (kind: string) => money.filter((row) => row.kind === kind);
        expect(of('payment'), `seed ${seed}`).toEqual([
          { kind: 'payment', amount_minor: 12000, external_ref: captureId },
        ]);
        // PayPal's running total: 3000 then 5000 refunded in all, whichever came first.
        expect(
          of('refund').reduce((sum, row) => sum + row.amount_minor, 0),
          `seed ${seed}`,
        ).toBe(5000);
        expect(of('dispute'), `seed ${seed}`).toHaveLength(1);
        expect(of('reinstatement'), `seed ${seed}`).toHaveLength(outcome === 'won' ? 1 : 0);
        // A lost dispute keeps the whole charge with the payer (capped at what was paid).
        expect(await sums(invoiceId), `seed ${seed}`).toMatchObject({
          paid: 12000,
          refunded: outcome === 'won' ? 5000 : 12000,
        });
        expect(await checkoutRow(checkoutId)).toMatchObject({ status: 'paid', payment_ref: captureId });
        // One capture only: the approval, whenever it came, found the order captured.
        expect(captureRequests(orderId)).toHaveLength(1);
        const logged = (await eventsOf(agency.tenant.id)).filter((row) => row.invoice_id === invoiceId);
        expect(logged.map((row) => row.event_id).sort()).toEqual(events.map((event) => event.id).sort());
      }
      expect(await receiptsQueued(agency.tenant.id)).toHaveLength(4);
    });

    it('refuses tampered, wrongly signed, stale and unsigned notifications over HTTP, and unknown endpoints', async () => {
      const agency = await paypalAgency({ deliver: false });
      const { url, checkoutId } = await startCheckout({
        ctx: agency.payerCtx,
        input: { id: agency.invoiceId, gateway: 'paypal' },
      });
      const orderId = orderIdOf(url);
      const approved = await paypal.approve(orderId);
      const genuine = paypal.signedEvent(approved, agency.webhookId);
      const verifications = () =>
        paypal.requests.filter(
          (request) =>
            request.path === '/v1/notifications/verify-webhook-signature' &&
            request.clientId === agency.clientId,
        ).length;
      const send = async (path: string, signed: { body: string; headers: Record<string, string> }) =>
        (await post(path, signed)).status;

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

      expect(await moneyRows(agency.invoiceId)).toEqual([]);
      expect(await eventsOf(agency.tenant.id)).toEqual([]);
      expect(await sums(agency.invoiceId)).toMatchObject({ paid: 0, refunded: 0 });
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
      const { url, checkoutId } = await startCheckout({
        ctx: a.payerCtx,
        input: { id: a.invoiceId, gateway: 'paypal' },
      });
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
      await paypalGateway({
        clientId: a.clientId,
        clientSecret: a.clientSecret,
        webhookId: a.webhookId,
        mode: 'test',
        apiBase: paypal.url,
      }).fetchCheckout(orderId);
      const completed = required(
        paypal.events.slice(mark).find((event) => event.event_type === 'PAYMENT.CAPTURE.COMPLETED'),
        'the capture event',
      );
      expect(await deliver(b.webhookPath, completed, b.webhookId)).toEqual({
        status: 200,
        body: { received: true, outcome: 'ignored' },
      });
      const captureId = required(completed.resource.id, 'a capture');
      const refunded = await paypal.refund(captureId, 1000);
      expect(await deliver(b.webhookPath, refunded, b.webhookId)).toMatchObject({
        body: { outcome: 'ignored' },
      });

      for (const agency of [a, b]) {
        expect(await moneyRows(agency.invoiceId)).toEqual([]);
        expect(await sums(agency.invoiceId)).toMatchObject({ paid: 0, refunded: 0 });
      }
      expect(await checkoutRow(checkoutId)).toMatchObject({ status: 'open', payment_ref: null });
      expect(await eventsOf(a.tenant.id)).toEqual([]);
      expect((await eventsOf(b.tenant.id)).map((row) => [row.outcome, row.invoice_id])).toEqual([
        ['ignored', null],
        ['ignored', null],
        ['ignored', null],
      ]);
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
      const view = await saveTwoCheckout({
        ctx: base.adminCtx,
        input: { merchantCode, secretKey, buyLinkSecret, mode: 'test' },
      });
      expect(view).toMatchObject({ kind: 'twocheckout', connection: 'keys', mode: 'test', ready: true });
      const webhookPath = required(view.webhookPath, 'the endpoint path');
      if (deliver)
        twoco.merchant({ merchantCode, secretKey, buyLinkSecret, ipnUrl: `${relay.url}${webhookPath}` });
      await setGatewayOffered({ ctx: base.adminCtx, input: { gateway: 'twocheckout', offered: true } });
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
      const base = await agencyBase();
      const merchantCode = `FOYER${randomBytes(5).toString('hex').toUpperCase()}`;
      const secretKey = `sk-${randomBytes(16).toString('hex')}`;
      twoco.merchant({ merchantCode, secretKey, buyLinkSecret: 'word' });
      await expectCoreError(
        saveTwoCheckout({
          ctx: base.adminCtx,
          input: { merchantCode, secretKey: `${secretKey}x`, buyLinkSecret: 'word', mode: 'test' },
        }),
        'validation',
        'secretKey',
      );
      expect(await gatewayOf(base.tenant.id)).toBeUndefined();

      const view = await saveTwoCheckout({
        ctx: base.adminCtx,
        input: { merchantCode, secretKey, buyLinkSecret: 'word', mode: 'test' },
      });
      const row = required(await gatewayOf(base.tenant.id), 'the gateway');
      expect(view).toMatchObject({
        kind: 'twocheckout',
        name: '2Checkout',
        label: merchantCode,
        ready: true,
        checkError: null,
        webhookPath: `/webhooks/twocheckout/${row.endpoint_id}`,
      });
      const [stored] = await t.superuser<{ credentials: string }>(
        'select credentials from app.payment_gateways where id = $1',
        [row.id],
      );
      expect(stored?.credentials).not.toContain(secretKey);
      expect(await testGateway({ ctx: base.adminCtx, input: { gateway: 'twocheckout' } })).toMatchObject({
        checkError: null,
        label: merchantCode,
      });
      expect(orderRequests(merchantCode).length).toBeGreaterThanOrEqual(2);
      expect(await payOptions({ ctx: base.payerCtx, input: { id: base.invoiceId } })).toMatchObject({
        options: [{ gateway: 'twocheckout', label: 'Pay with 2Checkout', mode: 'test' }],
      });
    });

    it('the payer pays the buy link and never comes back: the IPN alone pays the invoice once and gets its signed receipt', async () => {
      const agency = await twocoAgency();
      const first = await startCheckout({
        ctx: agency.payerCtx,
        input: { id: agency.invoiceId, gateway: 'twocheckout' },
      });
      const again = await startCheckout({
        ctx: agency.payerCtx,
        input: { id: agency.invoiceId, gateway: 'twocheckout' },
      });
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
        url: `${relay.url}${agency.webhookPath}`,
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
      expect(await returnOf(agency, first.checkoutId)).toEqual({ outcome: 'paid', amount: '€120.00' });

      // A refund made in 2Checkout's control panel comes as its own IPN, receipted and applied.
      const refund = await twoco.refund(ipn.refNo, 2000);
      expect(refund).toMatchObject({ status: 'REFUND', acknowledged: true });
      expect(await sums(agency.invoiceId)).toMatchObject({ paid: 12000, refunded: 2000 });
      expect(await receiptsQueued(agency.tenant.id)).toHaveLength(1);
    });

    it('the payer comes back before the IPN: the order found by its reference is paid once, and the IPN after it changes nothing', async () => {
      const agency = await twocoAgency({ deliver: false });
      const { checkoutId, url } = await startCheckout({
        ctx: agency.payerCtx,
        input: { id: agency.invoiceId, gateway: 'twocheckout' },
      });
      expect(await returnOf(agency, checkoutId)).toEqual({ outcome: 'processing', amount: '€120.00' });
      const ipn = await twoco.pay(url);
      expect(ipn).toMatchObject({ url: null, acknowledged: false });

      expect(await returnOf(agency, checkoutId)).toEqual({ outcome: 'paid', amount: '€120.00' });
      const searches = orderRequests(agency.merchantCode).filter((request) => request.path === '/orders/');
      expect(searches.at(-1)?.query).toMatchObject({ ExternalRefNo: checkoutId, IncludeTestOrders: 'ONLY' });
      // Coming back again reads the checkout as paid, without asking 2Checkout.
      const asked = orderRequests(agency.merchantCode).length;
      expect(await returnOf(agency, checkoutId)).toEqual({ outcome: 'paid', amount: '€120.00' });
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
        const { url, checkoutId } = await startCheckout({
          ctx: agency.payerCtx,
          input: { id: invoiceId, gateway: 'twocheckout' },
        });
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
        for (const body of shuffled(fivefold(bodies), seed)) {
          const answer = await deliverIpn(agency.webhookPath, body, agency.secretKey);
          expect(answer, `${new URLSearchParams(body).get('ORDERSTATUS')} with seed ${seed}`).toEqual({
            status: 200,
            receipt: true,
          });
        }
        const refunded = refundTheRest ? 12000 : 3000;
        const money = await moneyRows(invoiceId);
        const of = (kind: string) => money.filter((row) => row.kind === kind);
        expect(of('payment'), `seed ${seed}`).toEqual([
          { kind: 'payment', amount_minor: 12000, external_ref: paid.refNo },
        ]);
        expect(
          of('refund').reduce((sum, row) => sum + row.amount_minor, 0),
          `seed ${seed}`,
        ).toBe(refunded);
        expect(of('dispute'), `seed ${seed}`).toEqual([
          { kind: 'dispute', amount_minor: 12000, external_ref: `${paid.refNo}:chargeback` },
        ]);
        expect(of('reinstatement'), `seed ${seed}`).toHaveLength(1);
        expect(await sums(invoiceId), `seed ${seed}`).toMatchObject({ paid: 12000, refunded });
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
      const { url, checkoutId } = await startCheckout({
        ctx: agency.payerCtx,
        input: { id: agency.invoiceId, gateway: 'twocheckout' },
      });
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

      expect(await moneyRows(agency.invoiceId)).toEqual([]);
      expect(await eventsOf(agency.tenant.id)).toEqual([]);
      expect(await sums(agency.invoiceId)).toMatchObject({ paid: 0, refunded: 0 });

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
      const { url, checkoutId } = await startCheckout({
        ctx: a.payerCtx,
        input: { id: a.invoiceId, gateway: 'twocheckout' },
      });
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

      for (const agency of [a, b]) {
        expect(await moneyRows(agency.invoiceId)).toEqual([]);
        expect(await sums(agency.invoiceId)).toMatchObject({ paid: 0, refunded: 0 });
      }
      expect(await checkoutRow(checkoutId)).toMatchObject({ status: 'open', payment_ref: null });
      expect(await eventsOf(a.tenant.id)).toEqual([]);
      expect((await eventsOf(b.tenant.id)).map((row) => [row.outcome, row.invoice_id])).toEqual([
        ['ignored', null],
        ['ignored', null],
        ['ignored', null],
      ]);
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
