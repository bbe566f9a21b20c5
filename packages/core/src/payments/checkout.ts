import { createHash } from 'node:crypto';
import { BillingError, formatMoney, minorToDecimal, parseMoney } from '@foyer/billing';
import { GATEWAY_KINDS, type GatewayKind, GatewayRequestError } from '@foyer/billing/gateways';
import { sql, type Tx, type WorkerActor, withActor } from '@foyer/db';
import { z } from 'zod';
import { type Ctx, personOf, siteOf, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { rows } from '../files/common';
import { id, line, parseInput } from '../input';
import {
  balanceOf,
  holdsInvoices,
  type InvoiceRecord,
  PAYABLE_STATUSES,
  portalInvoiceLink,
  readInvoice,
  statusOf,
  todayOf,
} from '../invoices/invoices';
import { adapterFor, GATEWAY_NAMES, gatewayRow, partialPaymentsAllowed } from './gateways';
import { applyNotice } from './notices';

/** One way to pay an invoice, as the client's page offers it. */
export interface PayOption {
  gateway: GatewayKind;
  /** "Pay with Stripe". */
  label: string;
  mode: 'test' | 'live';
}

export interface PayOptions {
  options: PayOption[];
  /** Whether the client may pay part of the balance. */
  partial: boolean;
  balanceMinor: number;
  /** The balance as the amount field shows it, e.g. "1250.00". */
  balanceInput: string;
  currency: string;
}

/**
 * The ways a client can pay this invoice online now: none unless it asks for money and the agency
 * connected and offers a gateway that is ready. Read under the client's own policies (the
 * gateways' few granted columns, the partial-payment choice).
 */
export async function payOptions({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<PayOptions | null> {
  const me = personOf(ctx);
  if (me.kind !== 'client' || ctx.previewBy) return null;
  const invoiceId = parseInput(z.object({ id: id('invoice') }), input).id;
  const today = todayOf(ctx);
  return transact(ctx, async ({ tx }) => {
    if (!(await holdsInvoices(tx, me.userId))) return null;
    const owed = await payable(tx, invoiceId, today);
    if (!owed) return null;
    const offered = await rows<{ kind: GatewayKind; mode: 'test' | 'live' }>(
      tx,
      sql`select kind, mode from app.payment_gateways where ready and offered`,
    );
    if (offered.length === 0) return null;
    // Stripe, PayPal, 2Checkout: the order the settings page lists them in.
    offered.sort((a, b) => GATEWAY_KINDS.indexOf(a.kind) - GATEWAY_KINDS.indexOf(b.kind));
    return {
      options: offered.map((g) => ({
        gateway: g.kind,
        label: `Pay with ${GATEWAY_NAMES[g.kind]}`,
        mode: g.mode,
      })),
      partial: await partialPaymentsAllowed(tx),
      balanceMinor: owed.balance,
      balanceInput: minorToDecimal(owed.balance, owed.row.currency),
      currency: owed.row.currency,
    };
  });
}

export const startCheckoutInput = z.object({
  id: id('invoice'),
  gateway: z.enum(GATEWAY_KINDS, 'Choose how to pay.'),
  /** Part of the balance, where the agency allows it; empty for all of it. */
  amount: line(40).optional().default(''),
});

/**
 * The same attempt gets the same checkout: derived from the invoice, what is paid on it so far,
 * the amount, the gateway and the payer, within the hour. A double click, a retried request or a
 * second tab opens the one hosted page (the gateway's idempotency key is derived from it too), and
 * a payment since then starts a new one.
 */
function checkoutIdFor(parts: readonly (string | number)[]): string {
  const hex = createHash('sha256').update(parts.join('\0')).digest('hex');
  // Shaped as a version 4 UUID (the variant and version bits set), so it is a valid row id.
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The invoice and what is still owed on it, while it asks for money (read as whoever acts); null otherwise. */
async function payable(
  tx: Tx,
  invoiceId: string,
  today: string,
): Promise<{ row: InvoiceRecord; balance: number } | null> {
  const row = await readInvoice(tx, invoiceId);
  const status = statusOf(row, today);
  const balance = balanceOf(row, status);
  return PAYABLE_STATUSES.includes(status) && balance > 0 ? { row, balance } : null;
}

/** Runs `work` as this tenant's worker: what the client's own grants do not reach (credentials). */
function asWorker<T>(ctx: Ctx, tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  const worker: WorkerActor = { kind: 'worker', tenantId };
  return withActor(ctx.deps.db.db, worker, work);
}

/**
 * Starts paying an invoice through a gateway's hosted checkout: the checkout row is made as the
 * client (their policies allow it only for an invoice they can read), then the gateway opens its
 * page for the balance, or the part the client chose where the agency allows it. Returns the URL
 * to send the payer to.
 */
export async function startCheckout({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof startCheckoutInput>;
}): Promise<{ url: string; checkoutId: string }> {
  const me = personOf(ctx);
  if (me.kind !== 'client') throw new CoreError('forbidden', 'Invoices are paid from the client portal.');
  if (ctx.previewBy) throw new CoreError('forbidden', 'A preview can’t pay an invoice.');
  const data = parseInput(startCheckoutInput, input);
  const today = todayOf(ctx);
  const site = siteOf(ctx);
  const prepared = await transact(ctx, async ({ tx }) => {
    if (!(await holdsInvoices(tx, me.userId)))
      throw new CoreError('forbidden', 'Your access doesn’t include invoices.');
    const owed = await payable(tx, data.id, today);
    if (!owed) throw new CoreError('conflict', 'This invoice isn’t waiting for a payment.');
    const { row, balance } = owed;
    const [gateway] = await rows<{ id: string }>(
      tx,
      sql`select id::text as id from app.payment_gateways where kind = ${data.gateway} and ready and offered`,
    );
    if (!gateway)
      throw new CoreError('conflict', `${GATEWAY_NAMES[data.gateway]} isn’t available for paying right now.`);
    let amountMinor = balance;
    if (data.amount !== '') {
      if (!(await partialPaymentsAllowed(tx))) {
        throw invalid({ amount: 'This invoice is paid in full: leave the amount as it is.' });
      }
      try {
        amountMinor = parseMoney(data.amount, row.currency);
      } catch (error) {
        if (!(error instanceof BillingError)) throw error;
        throw invalid({ amount: error.message });
      }
      if (amountMinor <= 0) throw invalid({ amount: 'Enter an amount above zero.' });
      if (amountMinor > balance) {
        throw invalid({ amount: `Enter at most the balance due, ${formatMoney(balance, row.currency)}.` });
      }
    }
    const hour = Math.floor(ctx.deps.now().getTime() / 3_600_000);
    const checkoutId = checkoutIdFor([
      me.tenantId,
      row.id,
      gateway.id,
      me.userId,
      amountMinor,
      String(row.paid_minor),
      String(row.refunded_minor),
      hour,
    ]);
    await tx.execute(
      sql`insert into app.payment_checkouts (tenant_id, id, invoice_id, gateway_id, amount_minor, currency, created_by)
          values (${me.tenantId}::uuid, ${checkoutId}::uuid, ${row.id}::uuid, ${gateway.id}::uuid, ${amountMinor},
                  ${row.currency}, ${me.userId}::uuid)
          on conflict (tenant_id, id) do nothing`,
    );
    const [email] = await rows<{ email: string }>(
      tx,
      sql`select email from app.users where id = ${me.userId}::uuid`,
    );
    return { row, gatewayId: gateway.id, amountMinor, checkoutId, email: email?.email ?? null };
  });
  const back = `${site.tenant.origin}${portalInvoiceLink(data.id)}?checkout=${prepared.checkoutId}`;
  const gateway = await asWorker(ctx, me.tenantId, (tx) => gatewayRow(tx, { id: prepared.gatewayId }));
  if (!gateway)
    throw new CoreError('conflict', `${GATEWAY_NAMES[data.gateway]} isn’t available for paying right now.`);
  // The gateway is asked with no transaction open.
  const started = await adapterFor(ctx.deps, me.tenantId, gateway)
    .createCheckout({
      checkoutId: prepared.checkoutId,
      invoiceNumber: prepared.row.number ?? '',
      description: `Invoice ${prepared.row.number} from ${site.tenant.name}`,
      amountMinor: prepared.amountMinor,
      currency: prepared.row.currency,
      successUrl: back,
      cancelUrl: `${back}&cancelled=1`,
      customerEmail: prepared.email,
      idempotencyKey: `foyer-checkout-${prepared.checkoutId}`,
    })
    .catch((error: unknown) => {
      if (error instanceof GatewayRequestError) {
        throw new CoreError(
          'conflict',
          `${GATEWAY_NAMES[data.gateway]} couldn’t open a payment page: ${error.message}`,
        );
      }
      throw error;
    });
  await asWorker(ctx, me.tenantId, (tx) =>
    tx.execute(
      sql`update app.payment_checkouts set external_ref = ${started.externalId}, updated_at = now()
           where id = ${prepared.checkoutId}::uuid and external_ref is null`,
    ),
  );
  return { url: started.url, checkoutId: prepared.checkoutId };
}

export type CheckoutOutcome = 'paid' | 'processing' | 'failed' | 'cancelled';

export const checkoutReturnInput = z.object({
  id: id('invoice'),
  checkout: id('payment'),
  cancelled: z.boolean().optional().default(false),
});

/**
 * How a checkout stands when the payer comes back from the gateway. The gateway is asked (with
 * the agency's credentials, an answer it signs by being itself); a confirmed payment is applied
 * at once, exactly as its notification would be, and the notification that follows changes
 * nothing. Until then the page says the payment is processing.
 */
export async function checkoutReturn({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof checkoutReturnInput>;
}): Promise<{ outcome: CheckoutOutcome; amount: string } | null> {
  const me = personOf(ctx);
  if (me.kind !== 'client' || ctx.previewBy) return null;
  const data = parseInput(checkoutReturnInput, input);
  const [checkout] = await transact(ctx, ({ tx }) =>
    rows<{
      id: string;
      gateway_id: string;
      status: 'open' | 'paid' | 'failed';
      amount_minor: string | number;
      currency: string;
    }>(
      tx,
      sql`select id::text as id, gateway_id::text as gateway_id, status, amount_minor, currency
            from app.payment_checkouts where id = ${data.checkout}::uuid and invoice_id = ${data.id}::uuid`,
    ),
  );
  if (!checkout) return null;
  const amount = formatMoney(Number(checkout.amount_minor), checkout.currency);
  if (checkout.status === 'paid') return { outcome: 'paid', amount };
  if (checkout.status === 'failed') return { outcome: 'failed', amount };
  if (data.cancelled) return { outcome: 'cancelled', amount };
  const found = await asWorker(ctx, me.tenantId, async (tx) => {
    const [external] = await rows<{ external_ref: string | null }>(
      tx,
      sql`select external_ref from app.payment_checkouts where id = ${checkout.id}::uuid`,
    );
    return {
      gateway: await gatewayRow(tx, { id: checkout.gateway_id }),
      ref: external?.external_ref ?? null,
    };
  });
  const { gateway, ref } = found;
  if (!gateway || !ref) return { outcome: 'processing', amount };
  // The gateway is asked with no transaction open (PayPal captures here).
  const adapter = adapterFor(ctx.deps, me.tenantId, gateway);
  const state = await adapter.fetchCheckout(ref).catch(() => null);
  if (!state || state.status === 'pending' || !state.paymentRef) return { outcome: 'processing', amount };
  if (state.status === 'failed') return { outcome: 'failed', amount };
  if (state.checkoutId !== checkout.id || state.livemode !== (gateway.mode === 'live')) {
    return { outcome: 'processing', amount };
  }
  const paymentRef = state.paymentRef;
  await asWorker(ctx, me.tenantId, (tx) =>
    applyNotice(
      { deps: ctx.deps, tx, tenantId: me.tenantId, gateway, adapter },
      {
        kind: 'payment',
        eventId: `return:${ref}`,
        type: 'checkout.return',
        livemode: state.livemode,
        account: gateway.account_ref,
        checkoutId: checkout.id,
        checkoutRef: ref,
        paymentRef,
        amountMinor: state.amountMinor,
        currency: state.currency,
        at: ctx.deps.now(),
      },
    ),
  );
  const outcome: CheckoutOutcome = 'paid';
  return { outcome, amount };
}
