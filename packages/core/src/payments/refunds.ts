import { BillingError, formatMoney, parseMoney } from '@foyer/billing';
import { GatewayRequestError } from '@foyer/billing/gateways';
import { sql } from '@foyer/db';
import { z } from 'zod';
import { adminOf, type Ctx, record, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { rows } from '../files/common';
import { id, line, parseInput } from '../input';
import { adapterFor, GATEWAY_NAMES, gatewayRow, refundedOfPaymentSql } from './gateways';

export const refundOnlineInput = z.object({
  invoiceId: id('invoice'),
  paymentId: id('payment'),
  amount: line(40),
});

/**
 * Refunds part or all of a gateway's payment through that gateway. The refund shows on the
 * invoice when the gateway's notification of it arrives (as any refund made at the gateway does),
 * so the money row is the gateway's word, not ours. The gateway's idempotency key is derived from
 * the payment, what was refunded of it so far and the amount: a double click refunds once.
 */
export async function refundOnline({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof refundOnlineInput>;
}): Promise<{ amount: string; gateway: string }> {
  const me = adminOf(ctx, 'Only admins refund payments.');
  const data = parseInput(refundOnlineInput, input);
  const found = await transact(ctx, async ({ tx }) => {
    const [payment] = await rows<{
      gateway_id: string | null;
      external_ref: string | null;
      amount_minor: number | string;
      currency: string;
      refunded: number | string;
    }>(
      tx,
      sql`select p.gateway_id::text as gateway_id, p.external_ref, p.amount_minor, i.currency,
                 ${refundedOfPaymentSql} as refunded
            from app.invoice_payments p join app.invoices i on i.tenant_id = p.tenant_id and i.id = p.invoice_id
           where p.id = ${data.paymentId}::uuid and p.invoice_id = ${data.invoiceId}::uuid and p.kind = 'payment'`,
    );
    if (!payment) throw new CoreError('not_found', 'That payment doesn’t exist.');
    if (!payment.gateway_id || !payment.external_ref) {
      throw new CoreError('conflict', 'This payment was recorded by hand: record its refund by hand too.');
    }
    const gateway = await gatewayRow(tx, { id: payment.gateway_id });
    if (!gateway)
      throw new CoreError('conflict', 'The gateway this payment came through is no longer connected.');
    return { payment, gateway, left: Number(payment.amount_minor) - Number(payment.refunded) };
  });
  const { payment, gateway, left } = found;
  const name = GATEWAY_NAMES[gateway.kind];
  let amountMinor: number;
  try {
    amountMinor = parseMoney(data.amount, payment.currency);
  } catch (error) {
    if (!(error instanceof BillingError)) throw error;
    throw invalid({ amount: error.message });
  }
  if (amountMinor <= 0) throw invalid({ amount: 'Enter an amount above zero.' });
  if (amountMinor > left) {
    throw invalid({
      amount: `Enter at most what is left to refund, ${formatMoney(left, payment.currency)}.`,
    });
  }
  const paymentRef = payment.external_ref as string;
  // Asked with no transaction open.
  await adapterFor(ctx.deps, me.tenantId, gateway)
    .refund(
      paymentRef,
      amountMinor,
      `foyer-refund-${data.paymentId}-${Number(payment.refunded)}-${amountMinor}`,
    )
    .catch((error: unknown) => {
      if (error instanceof GatewayRequestError)
        throw new CoreError('conflict', `${name} refused the refund: ${error.message}`);
      throw error;
    });
  await transact(ctx, (tctx) =>
    record(tctx, {
      verb: 'invoice.refund_requested',
      subject: { type: 'invoice', id: data.invoiceId },
      data: { gateway: gateway.kind, amountMinor, currency: payment.currency },
    }),
  );
  return { amount: formatMoney(amountMinor, payment.currency), gateway: name };
}
