import { formatMoney } from '@foyer/billing';
import type {
  DisputeNotice,
  GatewayNotice,
  PaymentGateway,
  PaymentNotice,
  PaymentState,
  RefundNotice,
} from '@foyer/billing/gateways';
import { schema, sql, type Tx } from '@foyer/db';
import type { Deps } from '../context';
import { rows } from '../files/common';
import { type InvoiceRecord, lockInvoice, num, tellAudience } from '../invoices/invoices';
import { notifyInApp } from '../notifications/in-app';
import { GATEWAY_NAMES, type GatewayRecord } from './gateways';

/** Where a notice is applied: one tenant's worker transaction, one of its gateways. */
export interface NoticeScope {
  deps: Deps;
  tx: Tx;
  tenantId: string;
  gateway: GatewayRecord;
  adapter: PaymentGateway;
}

export type NoticeOutcome = 'applied' | 'ignored' | 'flagged';

export interface NoticeResult {
  /** `duplicate`: this event was applied before and changed nothing now. */
  outcome: NoticeOutcome | 'duplicate';
  detail: string;
  invoiceId: string | null;
}

interface Effect {
  outcome: NoticeOutcome;
  detail: string;
  invoiceId: string | null;
  amountMinor?: number | null;
  currency?: string | null;
}

const NOT_OURS = 'Not a payment for an invoice of this portal.';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies a verified gateway notice once. The event id is looked up and stored in this same
 * transaction as the effect, under a lock on the id, so a replay (or two deliveries at once)
 * finds it and changes nothing; the effect itself is written so that any order of delivery ends
 * in the same state (a refund total is a high-water mark, a payment and a dispute are recorded
 * once by their gateway ids).
 */
export async function applyNotice(scope: NoticeScope, notice: GatewayNotice): Promise<NoticeResult> {
  const { tx, gateway } = scope;
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`${gateway.id}:${notice.eventId}`}, 0))`,
  );
  const seen = await rows<{ outcome: NoticeOutcome; detail: string; invoice_id: string | null }>(
    tx,
    sql`select outcome, detail, invoice_id::text as invoice_id from app.gateway_events
         where gateway_id = ${gateway.id}::uuid and event_id = ${notice.eventId}`,
  );
  if (seen[0]) return { outcome: 'duplicate', detail: seen[0].detail, invoiceId: seen[0].invoice_id };
  const effect = await effectOf(scope, notice);
  await tx.execute(
    sql`insert into app.gateway_events (tenant_id, gateway_id, event_id, type, outcome, invoice_id, amount_minor, currency, detail)
        values (${scope.tenantId}::uuid, ${gateway.id}::uuid, ${notice.eventId}, ${notice.type.slice(0, 100)}, ${effect.outcome},
                ${effect.invoiceId}::uuid, ${effect.amountMinor ?? null}, ${effect.currency ?? null}, ${effect.detail.slice(0, 1000)})`,
  );
  return { outcome: effect.outcome, detail: effect.detail, invoiceId: effect.invoiceId };
}

async function effectOf(scope: NoticeScope, notice: GatewayNotice): Promise<Effect> {
  switch (notice.kind) {
    case 'payment':
      return paymentEffect(scope, notice);
    case 'refund':
      return refundEffect(scope, notice);
    case 'dispute':
      return disputeEffect(scope, notice);
    case 'approved':
      // The webhook asked the gateway before this transaction (`completeApproval`): still an
      // approval means the payment was not complete.
      return ignored('Approved by the payer; the payment isn’t complete yet.');
    case 'account': {
      if (scope.gateway.connection !== 'connect') return ignored('Not a connected account.');
      await scope.tx.execute(
        sql`update app.payment_gateways set ready = ${notice.ready}, checked_at = now(), check_error = null, updated_at = now()
             where id = ${scope.gateway.id}::uuid`,
      );
      return {
        outcome: 'applied',
        detail: notice.ready ? 'The account can take payments.' : 'The account can’t take payments yet.',
        invoiceId: null,
      };
    }
    default:
      return ignored('Nothing to do for this event.');
  }
}

const ignored = (detail: string, invoiceId: string | null = null): Effect => ({
  outcome: 'ignored',
  detail,
  invoiceId,
});

interface Found {
  invoiceId: string;
  checkoutId: string | null;
  /** The gateway's own account of the payment, when it had to be asked. */
  state: PaymentState | null;
}

/**
 * Which invoice a gateway payment belongs to: by our checkout id as it came back (only a checkout
 * of this gateway, in this tenant), by a payment already recorded or matched, or else by asking
 * the gateway about the payment (its metadata carries our checkout id). Never by anything in the
 * notice alone that names another tenant's rows: every lookup runs under this tenant's policies.
 */
async function findPayment(
  scope: NoticeScope,
  checkoutId: string | null,
  paymentRef: string,
): Promise<Found | null> {
  const { tx, gateway } = scope;
  const byCheckout = async (id: string) =>
    UUID.test(id)
      ? (
          await rows<{ id: string; invoice_id: string }>(
            tx,
            sql`select id::text as id, invoice_id::text as invoice_id from app.payment_checkouts
                 where id = ${id}::uuid and gateway_id = ${gateway.id}::uuid`,
          )
        )[0]
      : undefined;
  const checkout =
    (checkoutId ? await byCheckout(checkoutId) : undefined) ??
    (
      await rows<{ id: string; invoice_id: string }>(
        tx,
        sql`select id::text as id, invoice_id::text as invoice_id from app.payment_checkouts
             where gateway_id = ${gateway.id}::uuid and payment_ref = ${paymentRef} limit 1`,
      )
    )[0];
  if (checkout) return { invoiceId: checkout.invoice_id, checkoutId: checkout.id, state: null };
  const recorded = await recordedPayment(scope, paymentRef);
  if (recorded) return { invoiceId: recorded.invoice_id, checkoutId: null, state: null };
  const state = await scope.adapter.fetchPayment(paymentRef);
  if (!state?.checkoutId) return null;
  const asked = await byCheckout(state.checkoutId);
  return asked ? { invoiceId: asked.invoice_id, checkoutId: asked.id, state } : null;
}

/** The invoice a payment of this gateway is recorded on, by the gateway's id for it. */
async function recordedPayment(
  scope: NoticeScope,
  paymentRef: string,
): Promise<{ invoice_id: string } | undefined> {
  const [recorded] = await rows<{ invoice_id: string }>(
    scope.tx,
    sql`select invoice_id::text as invoice_id from app.invoice_payments
         where gateway_id = ${scope.gateway.id}::uuid and kind = 'payment' and external_ref = ${paymentRef} limit 1`,
  );
  return recorded;
}

interface MoneyRow {
  kind: 'payment' | 'refund' | 'dispute' | 'reinstatement';
  amountMinor: number;
  at: Date;
  method: string;
  reference: string;
  externalRef: string;
  /** A repeat of the same kind and reference records nothing (payments, disputes); refunds of one payment are several rows. */
  once: boolean;
}

/** Records money a gateway moved on an invoice, under the gateway's reference: the rows made. */
async function recordMoney(
  scope: NoticeScope,
  invoiceId: string,
  money: MoneyRow,
): Promise<{ id: string }[]> {
  return rows<{ id: string }>(
    scope.tx,
    sql`insert into app.invoice_payments (tenant_id, invoice_id, kind, amount_minor, paid_on, method, reference, gateway_id, external_ref)
        values (${scope.tenantId}::uuid, ${invoiceId}::uuid, ${money.kind}, ${money.amountMinor}, ${dayOf(money.at)}::date,
                ${money.method}, ${money.reference.slice(0, 200)}, ${scope.gateway.id}::uuid, ${money.externalRef})
        ${money.once ? sql`on conflict do nothing` : sql``} returning id::text as id`,
  );
}

/**
 * The invoice a refund or dispute speaks of, with its payment recorded first if it was not yet
 * (notices can arrive before the payment's own): a Found, or the Effect that ends the notice.
 */
async function paymentSpokenOf(
  scope: NoticeScope,
  notice: { checkoutId: string | null; paymentRef: string },
  what: string,
): Promise<Found | Effect> {
  const found = await findPayment(scope, notice.checkoutId, notice.paymentRef);
  if (!found) return ignored(NOT_OURS);
  if (!(await ensurePayment(scope, found, notice.paymentRef))) {
    return {
      outcome: 'flagged',
      detail: `${what} was reported for a payment that isn’t recorded.`,
      invoiceId: found.invoiceId,
    };
  }
  return found;
}

const isEffect = (value: Found | Effect): value is Effect => 'outcome' in value;

/**
 * The invoice's sums again from its money rows (the only place gateway kinds are summed). What is
 * refunded or held is capped at what was paid: a payer may dispute the whole charge after part of
 * it was refunded, and the invoice cannot have given back more than it took (the invoice's own
 * check refuses it, which would fail the notification on every retry). Summing the rows each time
 * keeps the result the same in any order; winning the dispute brings the sum back under the cap.
 */
async function resum(tx: Tx, invoiceId: string): Promise<{ paid: number; refunded: number; total: number }> {
  const [sums] = await rows<{ paid: string | number; refunded: string | number; total: string | number }>(
    tx,
    sql`update app.invoices i
           set paid_minor = s.paid, refunded_minor = s.refunded, updated_at = now(),
               paid_at = case when s.paid - s.refunded >= i.total_minor and s.paid > 0 then coalesce(i.paid_at, now()) else null end
          from (select paid, least(paid, greatest(held, 0)) as refunded
                  from (select coalesce(sum(amount_minor) filter (where kind = 'payment'), 0) as paid,
                               coalesce(sum(amount_minor) filter (where kind in ('refund', 'dispute')), 0)
                                 - coalesce(sum(amount_minor) filter (where kind = 'reinstatement'), 0) as held
                          from app.invoice_payments where invoice_id = ${invoiceId}::uuid) r) s
         where i.id = ${invoiceId}::uuid
     returning i.paid_minor as paid, i.refunded_minor as refunded, i.total_minor as total`,
  );
  if (!sums) throw new Error('invoice vanished while its payments were summed');
  return { paid: num(sums.paid), refunded: num(sums.refunded), total: num(sums.total) };
}

/** Whether an earlier event of this gateway already said `detail` about the invoice (admins were told then). */
async function alreadyTold(scope: NoticeScope, invoiceId: string, detail: string): Promise<boolean> {
  const [told] = await rows<{ id: string }>(
    scope.tx,
    sql`select id::text as id from app.gateway_events
         where gateway_id = ${scope.gateway.id}::uuid and invoice_id = ${invoiceId}::uuid and detail = ${detail}`,
  );
  return told !== undefined;
}

async function tellAdmins(
  scope: NoticeScope,
  row: InvoiceRecord,
  title: string,
  body: string,
): Promise<void> {
  const admins = await rows<{ id: string }>(
    scope.tx,
    sql`select id::text as id from app.users where role = 'admin' and status = 'active'`,
  );
  await notifyInApp(scope.tx, {
    tenantId: scope.tenantId,
    event: 'payment-online',
    userIds: admins.map((admin) => admin.id),
    title,
    body,
    link: `/admin/invoices/${row.id}`,
  });
}

async function recordActivity(
  scope: NoticeScope,
  row: InvoiceRecord,
  verb: string,
  data: Record<string, unknown>,
) {
  await scope.tx.insert(schema.activity).values({
    tenantId: scope.tenantId,
    actorKind: 'worker',
    actorId: null,
    verb,
    subjectType: 'invoice',
    subjectId: row.id,
    projectId: row.project_id,
    data: { number: row.number, gateway: scope.gateway.kind, ...data },
  });
}

const dayOf = (at: Date) => at.toISOString().slice(0, 10);

interface Money {
  paymentRef: string;
  amountMinor: number;
  currency: string;
  at: Date;
}

/**
 * Records a gateway payment on its invoice once (by the gateway's payment id), marks the
 * checkout paid and sends the receipt. Money that arrived for an invoice that no longer asks for
 * it (void) or in another currency is not applied: the event is flagged for an admin.
 */
async function recordGatewayPayment(scope: NoticeScope, found: Found, money: Money): Promise<Effect> {
  const { tx, gateway } = scope;
  const name = GATEWAY_NAMES[gateway.kind];
  const row = await lockInvoice(tx, found.invoiceId);
  const base = { invoiceId: row.id, amountMinor: money.amountMinor, currency: money.currency };
  const amount = formatMoney(money.amountMinor, money.currency);
  // The client who opened the checkout paid: the worker's entry names them (`data.client`), so
  // the payment appears in their activity history.
  let payer: string | null = null;
  if (found.checkoutId) {
    const [checkout] = await rows<{ created_by: string }>(
      tx,
      sql`update app.payment_checkouts set status = 'paid', payment_ref = ${money.paymentRef}, updated_at = now()
           where id = ${found.checkoutId}::uuid returning created_by::text as created_by`,
    );
    payer = checkout?.created_by ?? null;
  }
  if (row.voided_at !== null || row.issued_at === null || money.currency !== row.currency) {
    const why =
      money.currency !== row.currency
        ? `${amount} arrived through ${name} for invoice ${row.number}, which is in ${row.currency}: it was not applied.`
        : `${amount} arrived through ${name} for invoice ${row.number}, which is void: refund it in ${name}, or record it by hand.`;
    if (!(await alreadyTold(scope, row.id, why)))
      await tellAdmins(scope, row, `A payment needs a look: invoice ${row.number}`, why);
    return { ...base, outcome: 'flagged', detail: why };
  }
  const inserted = await recordMoney(scope, row.id, {
    kind: 'payment',
    amountMinor: money.amountMinor,
    at: money.at,
    method: `Online (${name})`,
    reference: money.paymentRef,
    externalRef: money.paymentRef,
    once: true,
  });
  if (inserted.length === 0)
    return { ...base, outcome: 'ignored', detail: 'This payment was already recorded.' };
  const sums = await resum(tx, row.id);
  await tellAudience(tx, scope.tenantId, row, {
    event: 'payment-received',
    title: `Payment received for invoice ${row.number}`,
    body: `${amount} on ${dayOf(money.at)}. Thank you!`,
    vars: {
      invoiceNumber: row.number,
      amountMinor: money.amountMinor,
      currency: row.currency,
      paidAt: dayOf(money.at),
    },
  });
  await recordActivity(scope, row, 'invoice.payment', {
    amountMinor: money.amountMinor,
    currency: row.currency,
    ...(payer ? { client: payer } : {}),
  });
  const over = sums.paid - sums.refunded - sums.total;
  if (over > 0) {
    const why = `Invoice ${row.number} is paid ${formatMoney(over, row.currency)} more than its total through ${name}: refund the difference.`;
    await tellAdmins(scope, row, `Invoice ${row.number} is overpaid`, why);
    return { ...base, outcome: 'flagged', detail: why };
  }
  await tellAdmins(scope, row, `${amount} paid online for invoice ${row.number}`, `Through ${name}.`);
  return { ...base, outcome: 'applied', detail: `Paid ${amount}.` };
}

async function paymentEffect(scope: NoticeScope, notice: PaymentNotice): Promise<Effect> {
  const found = await findPayment(scope, notice.checkoutId, notice.paymentRef);
  if (!found) return ignored(NOT_OURS);
  return recordGatewayPayment(scope, found, notice);
}

/**
 * Makes sure a payment the gateway speaks of is on its invoice before a refund or dispute of it
 * is: notices can arrive before the payment's own. Asks the gateway when the payment is not yet
 * recorded; null when it was not paid (then nothing it says of refunds applies).
 */
async function ensurePayment(scope: NoticeScope, found: Found, paymentRef: string): Promise<boolean> {
  const recorded = await recordedPayment(scope, paymentRef);
  if (recorded) return true;
  const state = found.state ?? (await scope.adapter.fetchPayment(paymentRef));
  if (state?.status !== 'paid') return false;
  await recordGatewayPayment(scope, found, {
    paymentRef,
    amountMinor: state.amountMinor,
    currency: state.currency,
    at: scope.deps.now(),
  });
  return (await recordedPayment(scope, paymentRef)) !== undefined;
}

async function refundEffect(scope: NoticeScope, notice: RefundNotice): Promise<Effect> {
  const { tx, gateway } = scope;
  const name = GATEWAY_NAMES[gateway.kind];
  const found = await paymentSpokenOf(scope, notice, 'A refund');
  if (isEffect(found)) return found;
  const row = await lockInvoice(tx, found.invoiceId);
  const [so] = await rows<{ refunded: string | number }>(
    tx,
    sql`select coalesce(sum(amount_minor), 0) as refunded from app.invoice_payments
         where gateway_id = ${gateway.id}::uuid and kind = 'refund' and external_ref = ${notice.paymentRef}`,
  );
  const delta = notice.refundedMinor - num(so?.refunded);
  const base = { invoiceId: row.id, amountMinor: delta > 0 ? delta : null, currency: notice.currency };
  // A refund total no larger than what is recorded is an older notice arriving late: nothing to do.
  if (delta <= 0) return { ...base, outcome: 'ignored', detail: 'This refund was already recorded.' };
  await recordMoney(scope, row.id, {
    kind: 'refund',
    amountMinor: delta,
    at: notice.at,
    method: `Refund (${name})`,
    reference: notice.paymentRef,
    externalRef: notice.paymentRef,
    once: false,
  });
  await resum(tx, row.id);
  const amount = formatMoney(delta, notice.currency);
  await recordActivity(scope, row, 'invoice.refund', { amountMinor: delta, currency: notice.currency });
  await tellAdmins(scope, row, `${amount} refunded on invoice ${row.number}`, `${name} reported a refund.`);
  return { ...base, outcome: 'applied', detail: `Refunded ${amount}.` };
}

/**
 * A dispute holds the disputed money back (a `dispute` row, counted like a refund); winning it
 * returns the money (a `reinstatement`); losing it leaves it with the payer. Each is recorded once
 * by the dispute's id, and a dispute closed before its opening arrived is opened first, so any
 * order ends the same.
 */
async function disputeEffect(scope: NoticeScope, notice: DisputeNotice): Promise<Effect> {
  const { tx, gateway } = scope;
  const name = GATEWAY_NAMES[gateway.kind];
  const found = await paymentSpokenOf(scope, notice, 'A dispute');
  if (isEffect(found)) return found;
  const row = await lockInvoice(tx, found.invoiceId);
  const amount = formatMoney(notice.amountMinor, notice.currency);
  const reason = notice.reason.replace(/_/g, ' ');
  const insert = (kind: 'dispute' | 'reinstatement', method: string) =>
    recordMoney(scope, row.id, {
      kind,
      amountMinor: notice.amountMinor,
      at: notice.at,
      method,
      reference: reason || notice.disputeRef,
      externalRef: notice.disputeRef,
      once: true,
    });
  const opened = await insert('dispute', `Disputed (${name})`);
  const reinstated = notice.status === 'won' ? await insert('reinstatement', `Dispute won (${name})`) : [];
  const base = { invoiceId: row.id, amountMinor: notice.amountMinor, currency: notice.currency };
  const said =
    notice.status === 'won'
      ? `The dispute of ${amount} on invoice ${row.number} was won: the money is back.`
      : notice.status === 'lost'
        ? `The dispute of ${amount} on invoice ${row.number} was lost: the money stays with the payer.`
        : `A payer disputes ${amount} on invoice ${row.number}${reason ? ` (${reason})` : ''}: answer it in ${name}.`;
  if (opened.length === 0 && reinstated.length === 0) {
    // Nothing moved: an update of a dispute already recorded, or (once) the news that it was lost.
    if (notice.status !== 'lost' || (await alreadyTold(scope, row.id, said)))
      return { ...base, outcome: 'ignored', detail: 'This dispute was already recorded.' };
  } else {
    await resum(tx, row.id);
  }
  await recordActivity(scope, row, `invoice.dispute.${notice.status}`, {
    amountMinor: notice.amountMinor,
    currency: notice.currency,
  });
  await tellAdmins(
    scope,
    row,
    notice.status === 'open'
      ? `Payment disputed: invoice ${row.number}`
      : `Dispute closed: invoice ${row.number}`,
    said,
  );
  return { ...base, outcome: 'applied', detail: said };
}
