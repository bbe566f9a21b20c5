import { parseMoney } from '@foyer/billing';
import { rowsOf, schema, sql, type Tx } from '@foyer/db';
import { addDays, computeDraft, takeNumber } from '../invoices/invoices';
import type { TenantManifest } from './manifest';

type DeclaredInvoice = NonNullable<TenantManifest['invoicing']>['invoices'][number];

const DAY_MS = 86_400_000;

/** `day` moved on whole months, the day clamped to the month's length (31 Jan + 1 → 28 Feb). */
function addMonths(day: string, months: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(year, month - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month - 1 + months, Math.min(date, last))).toISOString().slice(0, 10);
}

/**
 * Writes the declared demo invoices when the tenant has none yet, as its admin: each computed by
 * the same code as the editor, numbered from the tenant's sequence in the order declared, then
 * given the history its `state` names (sent and viewed moments, payments, the overdue mark and
 * its reminders, a void). Dates count back from today, so the demo stays current.
 */
export async function applyInvoices(
  tx: Tx,
  tenantId: string,
  declared: readonly DeclaredInvoice[],
  defaultCurrency: string,
  names: { companies: Map<string, string>; contacts: Map<string, string> },
): Promise<void> {
  if (declared.length === 0) return;
  const [existing] = rowsOf<{ n: number }>(
    await tx.execute(sql`select count(*)::int as n from app.invoices`),
  );
  if (Number(existing?.n ?? 0) > 0) return;
  const rates = rowsOf<{ id: string; name: string }>(
    await tx.execute(sql`select id::text as id, name from app.tax_rates where archived_at is null`),
  );
  const projects = rowsOf<{ id: string; name: string }>(
    await tx.execute(sql`select id::text as id, name from app.projects`),
  );
  const today = new Date().toISOString().slice(0, 10);
  for (const invoice of declared) {
    const clientId = names.companies.get(invoice.company);
    if (!clientId) throw new Error(`demo invoice: no company ${invoice.company}`);
    const contactId = invoice.contact ? names.contacts.get(invoice.contact.toLowerCase()) : undefined;
    const projectId = invoice.project ? projects.find((p) => p.name === invoice.project)?.id : undefined;
    if (invoice.project && !projectId) throw new Error(`demo invoice: no project ${invoice.project}`);
    const issueDate = addDays(today, -invoice.issuedDaysAgo);
    const dueDate = addDays(issueDate, invoice.dueInDays);
    const currency = invoice.currency ?? defaultCurrency;
    const draft = await computeDraft(tx, {
      clientId,
      contactId: contactId ?? '',
      projectId: projectId ?? '',
      currency,
      issueDate,
      dueDate,
      buyerDetails: '',
      discountKind: invoice.discountPercent ? 'percent' : '',
      discount: invoice.discountPercent ? String(invoice.discountPercent) : '',
      notes: invoice.notes ?? '',
      terms: '',
      lines: invoice.lines.map((line) => ({
        description: line.description,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        discountKind: '',
        discount: '',
        taxRateIds: line.taxes.map((name) => {
          const rate = rates.find((r) => r.name === name);
          if (!rate) throw new Error(`demo invoice: no tax rate ${name}`);
          return rate.id;
        }),
      })),
    });
    const issued = invoice.state !== 'draft';
    const issuedAt = new Date(Date.now() - invoice.issuedDaysAgo * DAY_MS);
    const after = (days: number) => new Date(issuedAt.getTime() + days * DAY_MS);
    const overdue = dueDate < today;
    const [row] = await tx
      .insert(schema.invoices)
      .values({
        ...draft.values,
        tenantId,
        number: issued ? await takeNumber(tx, tenantId) : null,
        issuedAt: issued ? issuedAt : null,
        sentAt: issued ? issuedAt : null,
        viewedAt: issued && invoice.state !== 'sent' ? after(1) : null,
        voidedAt: invoice.state === 'void' ? after(2) : null,
        voidReason: invoice.state === 'void' ? (invoice.voidReason ?? 'Issued in error') : null,
        repeatEvery: invoice.repeat?.every ?? null,
        repeatNext: invoice.repeat ? addMonths(issueDate, invoice.repeat.every === 'month' ? 1 : 3) : null,
        repeatSend: invoice.repeat?.send ?? false,
      })
      .returning({ id: schema.invoices.id });
    if (!row) throw new Error('demo invoice insert returned no row');
    await tx
      .insert(schema.invoiceLines)
      .values(draft.lines.map((line) => ({ ...line, tenantId, invoiceId: row.id })));
    let paid = 0;
    let refunded = 0;
    for (const payment of invoice.payments) {
      const refund = payment.amount.startsWith('-');
      const amountMinor = parseMoney(payment.amount.replace(/^-/, ''), currency);
      if (refund) refunded += amountMinor;
      else paid += amountMinor;
      await tx.insert(schema.invoicePayments).values({
        tenantId,
        invoiceId: row.id,
        kind: refund ? 'refund' : 'payment',
        amountMinor,
        paidOn: addDays(issueDate, payment.afterDays),
        method: payment.method,
        reference: payment.reference,
      });
    }
    const fullyPaid = paid > 0 && paid - refunded >= (draft.values.totalMinor ?? 0);
    await tx.execute(
      sql`update app.invoices set paid_minor = ${paid}, refunded_minor = ${refunded},
            paid_at = ${fullyPaid ? after(invoice.payments.at(-1)?.afterDays ?? 0).toISOString() : null}::timestamptz
           where id = ${row.id}::uuid`,
    );
    if (issued && overdue && invoice.state === 'overdue') {
      // The reminders the schedule sent before and on the due date. The overdue mark (and its
      // notice) is left to the invoice schedule, which finds it on the server's first tick.
      for (const [kind, day] of [
        ['before', addDays(dueDate, -3)],
        ['due', dueDate],
      ] as const) {
        if (day < issueDate) continue;
        await tx.insert(schema.invoiceReminders).values({
          tenantId,
          invoiceId: row.id,
          kind,
          onDate: day,
          sentAt: new Date(`${day}T09:00:00Z`),
        });
      }
    }
  }
}
