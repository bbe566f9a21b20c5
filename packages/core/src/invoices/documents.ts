import { formatMoney } from '@foyer/billing';
import { sql, system } from '@foyer/db';
import { invoicePdf as renderInvoicePdf } from '@foyer/pdf';
import type { z } from 'zod';
import { type Ctx, personOf, transact } from '../ctx';
import { CoreError } from '../errors';
import { parseInput } from '../input';
import { knownZone } from '../reviews/reviews';
import { rows } from '../tasks/common';
import { invoiceIdInput } from './inputs';
import { clientInvoice, getInvoice, portalInvoiceLink } from './invoices';
import type { InvoiceDetail } from './types';

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const printDate = (day: string | null) => (day ? longDate.format(new Date(`${day}T00:00:00Z`)) : null);

/** A file name of the invoice's number: letters, digits and dashes. */
function pdfFilename(detail: InvoiceDetail): string {
  const slug = (detail.number ?? 'draft').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return `invoice-${slug || 'draft'}.pdf`;
}

/**
 * An invoice as a branded PDF, for an admin (any invoice, drafts watermarked) or for a client who
 * may read it (opening the PDF counts as opening the invoice). Every figure comes from the same
 * detail the page shows.
 */
export async function invoicePdf({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof invoiceIdInput>;
}): Promise<{ filename: string; body: Buffer }> {
  const me = personOf(ctx);
  const { id } = parseInput(invoiceIdInput, input);
  if (me.kind === 'staff') throw new CoreError('forbidden', 'Only admins see and change invoices.');
  const detail =
    me.kind === 'admin'
      ? await getInvoice({ ctx, input: { id } })
      : await clientInvoice({ ctx, input: { id } });
  const { timeZone, payOnline } = await transact(ctx, async ({ tx }) => {
    const [zone] = await rows<{ tz: string | null }>(
      tx,
      sql`select time_zone as tz from app.users where id = ${me.userId}::uuid`,
    );
    // A gateway clients are offered: the PDF then links to the invoice's page with Pay Now.
    const [offered] = await rows<{ id: string }>(
      tx,
      sql`select id::text as id from app.payment_gateways where ready and offered limit 1`,
    );
    return { timeZone: knownZone(zone?.tz), payOnline: offered !== undefined };
  });
  const site = ctx.site;
  const stored = await system.tenants.logo(ctx.deps.db, me.tenantId);
  const logo = stored ? { bytes: stored.data, contentType: stored.mime } : null;
  const document = site?.branding.document;
  const contact = site?.branding.contact;
  const money = (minor: number) => formatMoney(minor, detail.currency);
  const body = await renderInvoicePdf({
    brand: {
      name: site?.branding.displayName ?? detail.seller.name,
      accent: site?.branding.primaryColor ?? '#1f2937',
      logo,
    },
    generatedAt: ctx.deps.now(),
    timeZone,
    seller: {
      businessName: document?.businessName ?? detail.seller.name,
      address: document?.address ?? null,
      taxId: document?.taxId ?? null,
      email: contact?.email ?? null,
      phone: contact?.phone ?? null,
      website: contact?.website ?? null,
    },
    buyer: {
      companyName: detail.buyerName,
      contactName: null,
      address: detail.buyerDetails || null,
      taxId: null,
      email: null,
    },
    number: detail.number,
    status: { key: detail.status, label: detail.statusLabel },
    issueDate: printDate(detail.issueDate),
    dueDate: printDate(detail.dueDate),
    currency: detail.currency,
    projectName: detail.projectName,
    lines: detail.lines.map((line) => ({
      description: line.description,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      discount: line.discountLabel,
      taxes: line.taxLabel || null,
      amount: line.amount,
    })),
    totals: detail.totals.map((total) => ({
      label: total.label,
      amount: total.amount,
      strong: total.strong ?? false,
    })),
    payments: detail.payments.map((payment) => {
      return {
        date: printDate(payment.paidOn) ?? payment.paidOn,
        method:
          payment.kind === 'refund' && !payment.method.startsWith('Refund')
            ? `Refund (${payment.method})`
            : payment.method,
        reference: payment.reference || null,
        amount: payment.takesBack ? `\u2212${money(payment.amountMinor)}` : money(payment.amountMinor),
      };
    }),
    notes: detail.voidReason ? `Void: ${detail.voidReason}\n${detail.notes}`.trim() : detail.notes || null,
    terms: detail.terms || null,
    payUrl: payOnline && site ? `${site.tenant.origin}${portalInvoiceLink(detail.id)}` : null,
  });
  return { filename: pdfFilename(detail), body };
}
