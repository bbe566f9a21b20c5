import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../client';

export type InvoiceDueReason = 'overdue' | 'before' | 'due' | 'after';

export interface InvoiceDue {
  tenantId: string;
  invoiceId: string;
  reason: InvoiceDueReason;
}

/** Invoices due an overdue mark or a scheduled reminder on `today` (UTC), across tenants. */
export async function due(
  h: DatabaseHandle,
  options: { today: string; limit: number; tenantIds?: readonly string[] },
): Promise<InvoiceDue[]> {
  const tenantIds = options.tenantIds ? `{${options.tenantIds.join(',')}}` : null;
  const found = await h.rows<{ tenant_id: string; invoice_id: string; reason: InvoiceDueReason }>(
    sql`select tenant_id::text, invoice_id::text, reason
          from app_system.invoices_due(${options.today}::date, ${options.limit}::integer, ${tenantIds}::uuid[])`,
  );
  return found.map((row) => ({ tenantId: row.tenant_id, invoiceId: row.invoice_id, reason: row.reason }));
}

/** Retainer invoices whose next copy is due on or before `today` (UTC), across tenants. */
export async function repeatsDue(
  h: DatabaseHandle,
  options: { today: string; limit: number; tenantIds?: readonly string[] },
): Promise<{ tenantId: string; invoiceId: string }[]> {
  const tenantIds = options.tenantIds ? `{${options.tenantIds.join(',')}}` : null;
  const found = await h.rows<{ tenant_id: string; invoice_id: string }>(
    sql`select tenant_id::text, invoice_id::text
          from app_system.invoice_repeats_due(${options.today}::date, ${options.limit}::integer, ${tenantIds}::uuid[])`,
  );
  return found.map((row) => ({ tenantId: row.tenant_id, invoiceId: row.invoice_id }));
}
