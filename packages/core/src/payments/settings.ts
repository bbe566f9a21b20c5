import {
  GATEWAY_KINDS,
  type GatewayKind,
  GatewayRequestError,
  isStripeSecretKey,
  isStripeWebhookSecret,
  stripeConnect,
  stripeKeyMode,
} from '@foyer/billing/gateways';
import { type SQL, sql, type Tx } from '@foyer/db';
import { z } from 'zod';
import { adminOf, type Ctx, record, siteOf, type TxCtx, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { rows } from '../files/common';
import { parseInput, secret } from '../input';
import { flag } from '../tasks/common';
import {
  adapterFor,
  GATEWAY_NAMES,
  type GatewayRecord,
  gatewayRow,
  gatewayRows,
  type PayPalKeys,
  partialPaymentsAllowed,
  type StripeKeys,
  sealCredentials,
  type TwoCheckoutKeys,
} from './gateways';

const ADMINS_ONLY = 'Only admins see and change payments.';

export interface GatewayView {
  kind: GatewayKind;
  name: string;
  connection: 'connect' | 'keys';
  mode: 'test' | 'live';
  ready: boolean;
  offered: boolean;
  /** The account as the gateway names it. */
  label: string;
  checkedAt: string | null;
  checkError: string | null;
  /** Where this gateway's notifications must be sent (own credentials); null through Connect. */
  webhookPath: string | null;
}

export interface GatewayEventView {
  id: string;
  gateway: string;
  type: string;
  outcome: 'applied' | 'ignored' | 'flagged';
  detail: string;
  invoiceId: string | null;
  invoiceNumber: string | null;
  receivedAt: string;
}

export interface PaymentSettings {
  stripe: GatewayView | null;
  paypal: GatewayView | null;
  twocheckout: GatewayView | null;
  /** What this server offers for Stripe: Connect (the platform's account), own keys, or both. */
  stripeConnect: boolean;
  stripeOwnKeys: boolean;
  /** Clients may pay part of a balance online. */
  partialPayments: boolean;
  /** The latest notifications that could not be applied as they stood, newest first. */
  flagged: GatewayEventView[];
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

function viewOf(row: GatewayRecord): GatewayView {
  return {
    kind: row.kind,
    name: GATEWAY_NAMES[row.kind],
    connection: row.connection,
    mode: row.mode,
    ready: row.ready,
    offered: row.offered,
    label: row.label,
    checkedAt: iso(row.checked_at),
    checkError: row.check_error,
    webhookPath: row.connection === 'keys' ? `/webhooks/${row.kind}/${row.endpoint_id}` : null,
  };
}

/** Flagged gateway events (admins' view of what needs a look), newest first. */
export async function flaggedEvents(
  tx: Tx,
  invoiceId: string | null = null,
  limit = 20,
): Promise<GatewayEventView[]> {
  const found = await rows<{
    id: string;
    kind: GatewayKind;
    type: string;
    outcome: GatewayEventView['outcome'];
    detail: string;
    invoice_id: string | null;
    number: string | null;
    received_at: Date | string;
  }>(
    tx,
    sql`select e.id::text as id, g.kind, e.type, e.outcome, e.detail, e.invoice_id::text as invoice_id, i.number,
               e.received_at
          from app.gateway_events e
          join app.payment_gateways g on g.tenant_id = e.tenant_id and g.id = e.gateway_id
          left join app.invoices i on i.tenant_id = e.tenant_id and i.id = e.invoice_id
         where ${invoiceId === null ? sql`e.outcome = 'flagged'` : sql`e.invoice_id = ${invoiceId}::uuid`}
         order by e.received_at desc limit ${limit}`,
  );
  return found.map((row) => ({
    id: row.id,
    gateway: GATEWAY_NAMES[row.kind],
    type: row.type,
    outcome: row.outcome,
    detail: row.detail,
    invoiceId: row.invoice_id,
    invoiceNumber: row.number,
    receivedAt: iso(row.received_at) ?? '',
  }));
}

export async function paymentSettings({ ctx }: { ctx: Ctx }): Promise<PaymentSettings> {
  adminOf(ctx, ADMINS_ONLY);
  const setup = ctx.deps.payments.stripe;
  return transact(ctx, async ({ tx }) => {
    const gateways = await gatewayRows(tx);
    const view = (kind: GatewayKind) => {
      const row = gateways.find((gateway) => gateway.kind === kind);
      return row ? viewOf(row) : null;
    };

    return {
      stripe: view('stripe'),
      paypal: view('paypal'),
      twocheckout: view('twocheckout'),
      stripeConnect: setup.connect !== null,
      stripeOwnKeys: setup.ownKeys || setup.connect === null,
      partialPayments: await partialPaymentsAllowed(tx),
      flagged: await flaggedEvents(tx),
    };
  });
}

/** The admin's return and refresh pages for Stripe's hosted onboarding. */
const onboardingUrls = (ctx: Ctx) => {
  const origin = siteOf(ctx).tenant.origin;
  return {
    returnUrl: `${origin}/admin/settings/payments/stripe/return`,
    refreshUrl: `${origin}/admin/settings/payments/stripe/connect`,
  };
};

/**
 * Starts (or resumes) connecting the agency's Stripe account through the platform's Connect:
 * makes the agency's account once, then returns a fresh onboarding link to send the admin to.
 */
export async function connectStripe({ ctx }: { ctx: Ctx }): Promise<{ url: string }> {
  const me = adminOf(ctx, ADMINS_ONLY);
  const platform = ctx.deps.payments.stripe.connect;
  if (!platform)
    throw new CoreError('conflict', 'This server has no Stripe Connect account: enter your own keys.');
  const connect = stripeConnect({ secretKey: platform.secretKey, api: ctx.deps.payments.stripe.api });
  const existing = await transact(ctx, ({ tx }) => gatewayRow(tx, { kind: 'stripe' }));
  if (existing && existing.connection !== 'connect') {
    throw new CoreError('conflict', 'Stripe is connected with your own keys: disconnect it first.');
  }
  let account = existing?.account_ref ?? null;
  if (!account) {
    const site = siteOf(ctx);
    const made = await connect
      .createAccount({ email: null, name: site.tenant.name, idempotencyKey: `foyer-connect-${me.tenantId}` })
      .catch(gatewayProblem);
    account = made.id;
    await transact(ctx, async (tctx) => {
      await tctx.tx.execute(
        sql`insert into app.payment_gateways (tenant_id, kind, connection, mode, account_ref, ready, label)
            values (${me.tenantId}::uuid, 'stripe', 'connect', ${connect.mode}, ${made.id}, ${made.ready}, ${made.name ?? ''})
            on conflict (tenant_id, kind) do nothing`,
      );
      await record(tctx, {
        verb: 'payments.connect',
        subject: { type: 'gateway', id: null },
        data: { gateway: 'stripe' },
      });
    });
  }
  const url = await connect.onboardingLink(account, onboardingUrls(ctx)).catch(gatewayProblem);
  return { url };
}

/** Reads the connected account back from Stripe when the admin returns from onboarding. */
export async function refreshStripeConnect({ ctx }: { ctx: Ctx }): Promise<GatewayView | null> {
  adminOf(ctx, ADMINS_ONLY);
  const platform = ctx.deps.payments.stripe.connect;
  const row = await transact(ctx, ({ tx }) => gatewayRow(tx, { kind: 'stripe' }));
  if (!platform || !row || row.connection !== 'connect' || !row.account_ref) return row ? viewOf(row) : null;
  const connect = stripeConnect({ secretKey: platform.secretKey, api: ctx.deps.payments.stripe.api });
  const account = await connect.account(row.account_ref).catch(gatewayProblem);
  return transact(ctx, async ({ tx }) => {
    await tx.execute(
      sql`update app.payment_gateways
             set ready = ${account?.ready ?? false}, label = ${account?.name ?? row.label}, checked_at = now(),
                 check_error = ${account ? null : 'Stripe no longer knows this account.'}, updated_at = now()
           where id = ${row.id}::uuid`,
    );
    const updated = await gatewayRow(tx, { id: row.id });
    return updated ? viewOf(updated) : null;
  });
}

export const stripeKeysInput = z.object({
  secretKey: secret(255).transform((value) => value.trim()),
  webhookSecret: secret(255).transform((value) => value.trim()),
});

/**
 * Connects Stripe with the agency's own keys: the secret key is checked with Stripe before it is
 * kept (sealed), and the webhook endpoint's signing secret verifies the notifications that arrive
 * at this gateway's own URL.
 */
export async function saveStripeKeys({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof stripeKeysInput>;
}): Promise<GatewayView> {
  adminOf(ctx, ADMINS_ONLY);
  const setup = ctx.deps.payments.stripe;
  if (!(setup.ownKeys || setup.connect === null)) {
    throw new CoreError('forbidden', 'This server connects Stripe accounts through Stripe Connect.');
  }
  const data = parseInput(stripeKeysInput, input);
  if (!isStripeSecretKey(data.secretKey)) {
    throw invalid({
      secretKey: 'Enter a secret key: it starts with sk_test_ or sk_live_ (or rk_ for a restricted key).',
    });
  }
  if (!isStripeWebhookSecret(data.webhookSecret)) {
    throw invalid({ webhookSecret: 'Enter the endpoint’s signing secret: it starts with whsec_.' });
  }
  return saveKeys(ctx, 'stripe', stripeKeyMode(data.secretKey), data, 'secretKey');
}

const modeInput = z.enum(['test', 'live'], 'Choose test (sandbox) or live.');
const credential = (what: string, max = 255) =>
  secret(max)
    .transform((value) => value.trim())
    .refine((value) => value.length > 0, `Enter the ${what}.`)
    .refine(
      (value) => /^[\x21-\x7e]+$/.test(value),
      `The ${what} has no spaces or accented letters: paste it again.`,
    );

export const payPalInput = z.object({
  clientId: credential('client ID'),
  clientSecret: credential('secret'),
  webhookId: credential('webhook ID', 100),
  mode: modeInput,
});

export const twoCheckoutInput = z.object({
  merchantCode: credential('merchant code', 50),
  secretKey: credential('secret key'),
  buyLinkSecret: credential('buy-link secret word'),
  mode: modeInput,
});

/**
 * Keeps an agency's own credentials for a gateway once the gateway accepted them: checked with a
 * harmless request, then sealed. `field` names the input a refusal belongs beside.
 */
async function saveKeys(
  ctx: Ctx,
  kind: GatewayKind,
  mode: 'test' | 'live',
  keys: StripeKeys | PayPalKeys | TwoCheckoutKeys,
  field: string,
): Promise<GatewayView> {
  const me = adminOf(ctx, ADMINS_ONLY);
  const sealed = sealCredentials(ctx.deps, me.tenantId, kind, keys);
  // The adapter as it will be built from the stored row, so the check proves what will be used.
  const probe: GatewayRecord = {
    id: '',
    kind,
    connection: 'keys',
    mode,
    account_ref: null,
    credentials: sealed,
    endpoint_id: '',
    ready: false,
    offered: true,
    label: '',
    checked_at: null,
    check_error: null,
  };
  const check = await adapterFor(ctx.deps, me.tenantId, probe).testConnection();
  if (!check.ok) throw invalid({ [field]: check.message });
  return transact(ctx, async (tctx) => {
    const existing = await gatewayRow(tctx.tx, { kind });
    if (existing && existing.connection !== 'keys') {
      throw new CoreError(
        'conflict',
        `${GATEWAY_NAMES[kind]} is connected through Stripe Connect: disconnect it first.`,
      );
    }
    await tctx.tx.execute(
      sql`insert into app.payment_gateways (tenant_id, kind, connection, mode, credentials, ready, label, checked_at)
          values (${me.tenantId}::uuid, ${kind}, 'keys', ${mode}, ${sealed}, true, ${check.account}, now())
          on conflict (tenant_id, kind) do update
             set mode = excluded.mode, credentials = excluded.credentials, ready = true, label = excluded.label,
                 checked_at = now(), check_error = null, updated_at = now()`,
    );
    await record(tctx, {
      verb: 'payments.keys',
      subject: { type: 'gateway', id: null },
      data: { gateway: kind, mode },
    });
    const row = await gatewayRow(tctx.tx, { kind });
    if (!row) throw new Error('gateway row missing after upsert');
    return viewOf(row);
  });
}

/** Connects PayPal with the agency's REST app (client ID and secret) and its webhook's ID. */
export async function savePayPal({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof payPalInput>;
}): Promise<GatewayView> {
  adminOf(ctx, ADMINS_ONLY);
  const { mode, ...keys } = parseInput(payPalInput, input);
  return saveKeys(ctx, 'paypal', mode, keys, 'clientSecret');
}

/** Connects 2Checkout (Verifone) with the agency's merchant code, secret key and buy-link secret word. */
export async function saveTwoCheckout({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof twoCheckoutInput>;
}): Promise<GatewayView> {
  adminOf(ctx, ADMINS_ONLY);
  const { mode, ...keys } = parseInput(twoCheckoutInput, input);
  return saveKeys(ctx, 'twocheckout', mode, keys, 'secretKey');
}

export const gatewayKindInput = z.object({
  gateway: z.enum(GATEWAY_KINDS, 'Choose a payment gateway.'),
});

/** "Test the connection": a harmless read with the stored credentials; the result is kept. */
export async function testGateway({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof gatewayKindInput>;
}): Promise<GatewayView> {
  const me = adminOf(ctx, ADMINS_ONLY);
  const { gateway } = parseInput(gatewayKindInput, input);
  const row = await transact(ctx, ({ tx }) => gatewayRow(tx, { kind: gateway }));
  if (!row) throw notConnected(gateway);
  const check = await adapterFor(ctx.deps, me.tenantId, row).testConnection();
  return transact(ctx, async ({ tx }) => {
    await tx.execute(
      check.ok
        ? sql`update app.payment_gateways
                 set label = ${check.account}, checked_at = now(), check_error = null, updated_at = now(),
                     ready = case when connection = 'keys' then true else ready end
               where id = ${row.id}::uuid`
        : sql`update app.payment_gateways set checked_at = now(), check_error = ${check.message.slice(0, 500)}, updated_at = now()
               where id = ${row.id}::uuid`,
    );
    const updated = await gatewayRow(tx, { id: row.id });
    if (!updated) throw notConnected(gateway);
    return viewOf(updated);
  });
}

const notConnected = (gateway: GatewayKind) =>
  new CoreError('conflict', `${GATEWAY_NAMES[gateway]} is not connected.`);

/** Changes the tenant's gateway of a kind (`change` returns its id) and records it; refused when there is none. */
async function changeGateway(
  ctx: TxCtx,
  gateway: GatewayKind,
  change: SQL,
  entry: { verb: string; data: Record<string, unknown> },
): Promise<void> {
  const [changed] = await rows<{ id: string }>(ctx.tx, change);
  if (!changed) throw notConnected(gateway);
  await record(ctx, { verb: entry.verb, subject: { type: 'gateway', id: changed.id }, data: entry.data });
}

export const offeredInput = gatewayKindInput.extend({ offered: flag });

/** Whether clients are offered this gateway's Pay Now. */
export async function setGatewayOffered({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof offeredInput>;
}): Promise<void> {
  adminOf(ctx, ADMINS_ONLY);
  const data = parseInput(offeredInput, input);
  await transact(ctx, (tctx) =>
    changeGateway(
      tctx,
      data.gateway,
      sql`update app.payment_gateways set offered = ${data.offered}, updated_at = now()
           where kind = ${data.gateway} returning id::text as id`,
      { verb: 'payments.offer', data: { gateway: data.gateway, offered: data.offered } },
    ),
  );
}

/**
 * Disconnects a gateway: Pay Now stops offering it and its credentials are forgotten. Payments it
 * brought stay on their invoices.
 */
export async function disconnectGateway({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof gatewayKindInput>;
}): Promise<void> {
  adminOf(ctx, ADMINS_ONLY);
  const { gateway } = parseInput(gatewayKindInput, input);
  await transact(ctx, (tctx) =>
    changeGateway(
      tctx,
      gateway,
      sql`delete from app.payment_gateways where kind = ${gateway} returning id::text as id`,
      { verb: 'payments.disconnect', data: { gateway } },
    ),
  );
}

export const partialPaymentsInput = z.object({ partialPayments: flag });

export async function setPartialPayments({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof partialPaymentsInput>;
}): Promise<void> {
  const me = adminOf(ctx, ADMINS_ONLY);
  const { partialPayments } = parseInput(partialPaymentsInput, input);
  await transact(ctx, async (tctx) => {
    await tctx.tx.execute(
      sql`insert into app.invoice_settings (tenant_id, partial_payments) values (${me.tenantId}::uuid, ${partialPayments})
          on conflict (tenant_id) do update set partial_payments = excluded.partial_payments, updated_at = now()`,
    );
    await record(tctx, { verb: 'payments.partial', data: { partialPayments } });
  });
}

/** A gateway's refusal as an error the admin's page shows; anything else goes on up. */
function gatewayProblem(error: unknown): never {
  if (error instanceof GatewayRequestError) throw new CoreError('conflict', error.message);
  throw error;
}

/** What the gateways reported about one invoice, newest first (its page shows them to admins). */
export async function invoiceGatewayEvents({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<GatewayEventView[]> {
  adminOf(ctx, ADMINS_ONLY);
  const { id } = parseInput(z.object({ id: z.uuid('That invoice doesn’t exist.') }), input);
  return transact(ctx, ({ tx }) => flaggedEvents(tx, id, 50));
}
