import { createServer, type Server } from 'node:http';
import {
  type CheckoutOutcome,
  type Ctx,
  checkoutReturn,
  createCtx,
  createInvoice,
  type Deps,
  type GatewayView,
  getInvoice,
  sendInvoice,
  setGatewayOffered,
  startCheckout,
  type TenantSite,
  testGateway,
} from '@foyer/core';
import type { ActingAs } from '@foyer/db';
import { afterAll, beforeAll, expect } from 'vitest';
import { type App, createApp } from '../../apps/server/src/app';
import { loadConfig } from '../../apps/server/src/env';
import { createLogger } from '../../apps/server/src/log';
import type { PageRenderer } from '../../apps/server/src/web';
import { required } from './assert';
import {
  addUser,
  clientInfo,
  deliverQueued,
  PLATFORM_DOMAIN,
  siteOf,
  type TestCore,
  type TestUser,
  testCore,
} from './auth';
import { type Driver, openTestDatabase, type TestDatabase } from './databases';
import { createTenant, type TenantFixture } from './tenants';

/**
 * What the online-payment tests share: the real app on a test database, a node:http relay the
 * gateway fakes deliver to, agencies with a client and a sent invoice, and the rows a payment
 * leaves behind.
 */

type Gateway = GatewayView['kind'];

/** A deterministic shuffle (mulberry32), so a failing order can be run again by its seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
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

/** Each item five times, in an order shuffled by `seed`: how a gateway's retries may arrive. */
export const replayOrder = <T>(items: readonly T[], seed: number): T[] =>
  shuffled(
    items.flatMap((item) => Array.from({ length: 5 }, () => item)),
    seed,
  );

/** What the payer's return page says of the 120.00 EUR invoice. */
export const returned = {
  paid: { outcome: 'paid', amount: '€120.00' },
  processing: { outcome: 'processing', amount: '€120.00' },
} as const;

/** A notification as a gateway sends it: the raw body and its headers. */
export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** A tenant with a client user who may pay, and an issued invoice of 120.00 EUR. */
export interface PayingAgency {
  tenant: TenantFixture;
  site: TenantSite;
  adminCtx: Ctx;
  payer: TestUser;
  payerCtx: Ctx;
  invoiceId: string;
}

/** A paying agency whose gateway has an endpoint of its own. */
export interface GatewayAgency extends PayingAgency {
  webhookPath: string;
}

export interface MoneyRow {
  kind: string;
  amount_minor: number;
  external_ref: string | null;
}

export interface EventRow {
  event_id: string;
  type: string;
  outcome: string;
  detail: string;
  invoice_id: string | null;
}

export interface PaymentsBed {
  readonly t: TestDatabase;
  readonly core: TestCore;
  /** The relay's origin, e.g. http://127.0.0.1:41234. */
  readonly relayUrl: string;
  as(actor: ActingAs, site?: TenantSite | null): Ctx;
  /** Posts a notification to the real app, as the gateway would: the status and the raw answer. */
  post(path: string, signed: SignedRequest): Promise<{ status: number; text: string }>;
  /** Posts a notification to the real app: the status and the app's JSON answer. */
  notify(path: string, signed: SignedRequest): Promise<{ status: number; body: Record<string, unknown> }>;
  /** A client user of `clientId` holding `permissions` (with a password, so mail goes out). */
  addPayer(tenant: TenantFixture, clientId: string, permissions?: string): Promise<TestUser>;
  /** An issued invoice of 120.00 EUR (100.00 plus 20 % VAT) to the tenant's client company. */
  issueInvoice(agency: Pick<PayingAgency, 'tenant' | 'adminCtx'>): Promise<string>;
  agencyBase(): Promise<PayingAgency>;
  /**
   * Saves a gateway's own keys through `save`, checks they left it ready in test mode, and offers
   * it to clients; the endpoint's path. `deliverTo` is given the endpoint's URL behind the relay,
   * for the fake to deliver to; without it the test delivers (or withholds) notifications itself.
   */
  offerKeys(
    agency: PayingAgency,
    gateway: Gateway,
    save: () => Promise<GatewayView>,
    deliverTo?: (webhookUrl: string) => void,
  ): Promise<string>;
  /** The payer opens a checkout of the agency's invoice (or `invoiceId`) at `gateway`. */
  checkout(
    agency: PayingAgency,
    gateway: Gateway,
    input?: { invoiceId?: string; amount?: string },
  ): Promise<{ checkoutId: string; url: string }>;
  /** The payer comes back from the gateway's page. */
  returnOf(
    agency: PayingAgency,
    checkoutId: string,
    invoiceId?: string,
  ): Promise<{ outcome: CheckoutOutcome; amount: string } | null>;
  gatewayOf(tenantId: string): Promise<GatewayRow | undefined>;
  moneyRows(invoiceId: string): Promise<MoneyRow[]>;
  sums(invoiceId: string): Promise<{ paid: number; refunded: number; paid_at: Date | null }>;
  checkoutRow(checkoutId: string): Promise<CheckoutRow | undefined>;
  eventsOf(tenantId: string): Promise<EventRow[]>;
  bells(tenantId: string, userId: string, event: string): Promise<Array<{ title: string; body: string }>>;
  /** The payment receipts queued for the tenant's people. */
  receiptsQueued(tenantId: string): Promise<Array<{ user_id: string }>>;
  /** What the payment left behind: one payment row, the checkout paid, the client mailed, the admins told. */
  expectPaidOnce(agency: PayingAgency, checkoutId: string, paymentRef: string): Promise<void>;
  /** Nothing was paid or refunded on the agencies' invoices. */
  expectNoMoney(...agencies: PayingAgency[]): Promise<void>;
  /**
   * B's endpoint took notifications naming A's checkout: it logged `ignoredAtB` of them as
   * ignored, A logged none, and neither tenant's money nor A's checkout changed.
   */
  expectNothingCrossed(
    a: PayingAgency,
    b: PayingAgency,
    checkoutId: string,
    ignoredAtB: number,
  ): Promise<void>;
  /** The saved secret is stored sealed, not as given, and the admin's connection test passes with it. */
  expectKeysKept(agency: PayingAgency, gateway: Gateway, secret: string, label: string): Promise<void>;
  /**
   * An invoice's money after replayed notifications: one payment of 120.00 with `paymentRef`,
   * refunds adding up to `refunds`, one dispute, `reinstatements` reinstatements, and `refunded`
   * in the invoice's sums. The rows, for what a test checks besides.
   */
  expectReplayedMoney(
    invoiceId: string,
    label: string,
    expected: { paymentRef: string; refunds: number; reinstatements: number; refunded: number },
  ): Promise<MoneyRow[]>;
  /** Each of `events` is logged once for the invoice, however often it came. */
  expectLoggedOnce(
    agency: PayingAgency,
    invoiceId: string,
    events: ReadonlyArray<{ id: string }>,
  ): Promise<void>;
}

export interface GatewayRow {
  id: string;
  kind: string;
  label: string;
  connection: string;
  ready: boolean;
  account_ref: string | null;
  endpoint_id: string;
}

export interface CheckoutRow {
  status: string;
  amount_minor: number;
  external_ref: string | null;
  payment_ref: string | null;
}

const noPages: PageRenderer = {
  async respond() {
    return new Response('page', { status: 200 });
  },
};

/** The node:http endpoint the fakes deliver to: it hands each request, raw, to the real app. */
async function startRelay(appOf: () => App): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string' && name !== 'host' && name !== 'content-length')
          headers.set(name, value);
      }
      headers.set('host', PLATFORM_DOMAIN);
      Promise.resolve(
        appOf().request(`http://${PLATFORM_DOMAIN}${request.url ?? '/'}`, {
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
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface BedState {
  t: TestDatabase;
  core: TestCore;
  deps: Deps;
  app: App | null;
  relay: { url: string; close(): Promise<void> };
}

/**
 * Opens the bed for one describe block on `driver` (in its beforeAll, closed in its afterAll).
 * `payments` gives the gateways' settings, pointing them at the fakes; it is called once the
 * file's own beforeAll has started them.
 */
export function paymentsBed(
  driver: Driver,
  payments: (defaults: Deps['payments']) => Deps['payments'],
): PaymentsBed {
  let state: BedState | null = null;
  const open = () => required(state, 'the payments bed (opened in beforeAll)');

  beforeAll(async () => {
    const t = await openTestDatabase(driver);
    const relay = await startRelay(() => required(open().app, 'the app behind the relay'));
    const core = testCore(t);
    const deps: Deps = { ...core.deps, payments: payments(core.deps.payments) };
    state = { t, core, deps, relay, app: null };
    state.app = createApp({
      config: loadConfig({ PLATFORM_DOMAIN, PUBLIC_PORT: '80' }),
      db: t.handle,
      pages: noPages,
      // PAYTEST_LOG=1 shows why the server answered a notification 500.
      log: createLogger(process.env.PAYTEST_LOG ? 'debug' : 'silent'),
      core: deps,
    });
  });
  afterAll(async () => {
    await state?.relay.close();
    await state?.t.close();
  });

  const sql = <T extends Record<string, unknown>>(text: string, params: unknown[]) =>
    open().t.superuser<T>(text, params);
  const as = (actor: ActingAs, site: TenantSite | null = null) =>
    createCtx(open().deps, { actor, site, client: clientInfo() });

  const bed: PaymentsBed = {
    get t() {
      return open().t;
    },
    get core() {
      return open().core;
    },
    get relayUrl() {
      return open().relay.url;
    },
    as,

    async post(path, signed) {
      const app = required(open().app, 'the app');
      const answer = await app.request(`http://${PLATFORM_DOMAIN}${path}`, {
        method: 'POST',
        headers: { host: PLATFORM_DOMAIN, ...signed.headers },
        body: signed.body,
      });
      return { status: answer.status, text: await answer.text() };
    },

    async notify(path, signed) {
      const answer = await bed.post(path, signed);
      return { status: answer.status, body: JSON.parse(answer.text) as Record<string, unknown> };
    },

    async addPayer(tenant, clientId, permissions = '{invoices}') {
      const payer = await addUser(open().t, tenant, { role: 'client', clientId });
      await sql('update app.users set permissions = $3 where tenant_id = $1 and id = $2', [
        tenant.id,
        payer.id,
        permissions,
      ]);
      return payer;
    },

    async issueInvoice(agency) {
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
      await deliverQueued(open().core, [agency.tenant.id]);
      return id;
    },

    async agencyBase() {
      const tenant = await createTenant(open().t);
      const site = siteOf(tenant);
      const adminCtx = as(tenant.admin, site);
      const payer = await bed.addPayer(tenant, tenant.clientId);
      const invoiceId = await bed.issueInvoice({ tenant, adminCtx });
      return { tenant, site, adminCtx, payer, payerCtx: as(payer.actor, site), invoiceId };
    },

    async offerKeys(agency, gateway, save, deliverTo) {
      const view = await save();
      expect(view).toMatchObject({ kind: gateway, connection: 'keys', mode: 'test', ready: true });
      const webhookPath = required(view.webhookPath, 'the endpoint path');
      deliverTo?.(`${open().relay.url}${webhookPath}`);
      await setGatewayOffered({ ctx: agency.adminCtx, input: { gateway, offered: true } });
      return webhookPath;
    },

    checkout(agency, gateway, { invoiceId = agency.invoiceId, amount } = {}) {
      return startCheckout({
        ctx: agency.payerCtx,
        input: { id: invoiceId, gateway, ...(amount === undefined ? {} : { amount }) },
      });
    },

    returnOf(agency, checkoutId, invoiceId = agency.invoiceId) {
      return checkoutReturn({ ctx: agency.payerCtx, input: { id: invoiceId, checkout: checkoutId } });
    },

    async gatewayOf(tenantId) {
      const rows = await sql<GatewayRow & Record<string, unknown>>(
        `select id::text, kind, label, connection, ready, account_ref, endpoint_id::text
           from app.payment_gateways where tenant_id = $1`,
        [tenantId],
      );
      return rows[0];
    },

    moneyRows: (invoiceId) =>
      sql<MoneyRow & Record<string, unknown>>(
        `select kind, amount_minor::int as amount_minor, external_ref from app.invoice_payments
          where invoice_id = $1 order by created_at, kind`,
        [invoiceId],
      ),

    async sums(invoiceId) {
      const rows = await sql<{ paid: number; refunded: number; paid_at: Date | null }>(
        'select paid_minor::int as paid, refunded_minor::int as refunded, paid_at from app.invoices where id = $1',
        [invoiceId],
      );
      return required(rows[0], 'the invoice');
    },

    async checkoutRow(checkoutId) {
      const rows = await sql<CheckoutRow & Record<string, unknown>>(
        `select status, amount_minor::int as amount_minor, external_ref, payment_ref
           from app.payment_checkouts where id = $1`,
        [checkoutId],
      );
      return rows[0];
    },

    eventsOf: (tenantId) =>
      sql<EventRow & Record<string, unknown>>(
        `select event_id, type, outcome, detail, invoice_id::text from app.gateway_events
          where tenant_id = $1 order by received_at`,
        [tenantId],
      ),

    bells: (tenantId, userId, event) =>
      sql<{ title: string; body: string }>(
        'select title, body from app.notifications where tenant_id = $1 and user_id = $2 and event = $3',
        [tenantId, userId, event],
      ),

    receiptsQueued: (tenantId) =>
      sql<{ user_id: string }>(
        `select user_id::text from app.outbox where tenant_id = $1 and template = 'payment-received'`,
        [tenantId],
      ),

    async expectPaidOnce(agency, checkoutId, paymentRef) {
      const { core } = open();
      const invoice = await getInvoice({ ctx: agency.adminCtx, input: { id: agency.invoiceId } });
      expect(invoice).toMatchObject({ status: 'paid', paidMinor: 12000, refundedMinor: 0 });
      expect(await bed.moneyRows(agency.invoiceId)).toEqual([
        { kind: 'payment', amount_minor: 12000, external_ref: paymentRef },
      ]);
      expect(await bed.checkoutRow(checkoutId)).toMatchObject({ status: 'paid', payment_ref: paymentRef });
      const mailBefore = core.mail.length;
      await deliverQueued(core, [agency.tenant.id]);
      const receipts = core.mail.slice(mailBefore).filter((mail) => mail.to === agency.payer.email);
      expect(receipts).toHaveLength(1);
      expect(receipts[0]?.text).toContain(required(invoice.number, 'a number'));
      expect(await bed.receiptsQueued(agency.tenant.id)).toEqual([{ user_id: agency.payer.id }]);
      expect(await bed.bells(agency.tenant.id, agency.tenant.admin.userId, 'payment-online')).toEqual([
        expect.objectContaining({ title: `€120.00 paid online for invoice ${invoice.number}` }),
      ]);
    },

    async expectNoMoney(...agencies) {
      for (const agency of agencies) {
        expect(await bed.moneyRows(agency.invoiceId)).toEqual([]);
        expect(await bed.sums(agency.invoiceId)).toMatchObject({ paid: 0, refunded: 0 });
      }
    },

    async expectNothingCrossed(a, b, checkoutId, ignoredAtB) {
      await bed.expectNoMoney(a, b);
      expect(await bed.checkoutRow(checkoutId)).toMatchObject({ status: 'open', payment_ref: null });
      expect(await bed.eventsOf(a.tenant.id)).toEqual([]);
      expect((await bed.eventsOf(b.tenant.id)).map((row) => [row.outcome, row.invoice_id])).toEqual(
        Array.from({ length: ignoredAtB }, () => ['ignored', null]),
      );
    },

    async expectKeysKept(agency, gateway, secret, label) {
      const row = required(await bed.gatewayOf(agency.tenant.id), 'the gateway');
      const [stored] = await sql<{ credentials: string }>(
        'select credentials from app.payment_gateways where id = $1',
        [row.id],
      );
      expect(stored?.credentials).not.toContain(secret);
      expect(await testGateway({ ctx: agency.adminCtx, input: { gateway } })).toMatchObject({
        checkError: null,
        label,
      });
    },

    async expectReplayedMoney(invoiceId, label, expected) {
      const money = await bed.moneyRows(invoiceId);
      const of = (kind: string) => money.filter((row) => row.kind === kind);
      expect(of('payment'), label).toEqual([
        { kind: 'payment', amount_minor: 12000, external_ref: expected.paymentRef },
      ]);
      expect(
        of('refund').reduce((sum, row) => sum + row.amount_minor, 0),
        label,
      ).toBe(expected.refunds);
      expect(of('dispute'), label).toHaveLength(1);
      expect(of('reinstatement'), label).toHaveLength(expected.reinstatements);
      expect(await bed.sums(invoiceId), label).toMatchObject({ paid: 12000, refunded: expected.refunded });
      return money;
    },

    async expectLoggedOnce(agency, invoiceId, events) {
      const logged = (await bed.eventsOf(agency.tenant.id)).filter((row) => row.invoice_id === invoiceId);
      expect(logged.map((row) => row.event_id).sort()).toEqual(events.map((event) => event.id).sort());
    },
  };
  return bed;
}
