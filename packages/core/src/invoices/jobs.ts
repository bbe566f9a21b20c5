import { formatMoney } from '@foyer/billing';
import { sql, system, withActor } from '@foyer/db';
import type { Deps } from '../context';
import { notifyInApp } from '../notifications/in-app';
import { rows } from '../tasks/common';
import {
  balanceOf,
  copyInvoice,
  deliverInvoice,
  readInvoice,
  sendReminder,
  statusOf,
  todayOf,
} from './invoices';

/**
 * The invoices' daily work, run by the scheduled job as the worker of each tenant: an invoice
 * past its due date and still unpaid is marked overdue (the moment is recorded) and its client
 * gets the overdue notice; the tenant's schedule sends reminders before the due date, on it and
 * every N days after, until it is paid. Each reminder is recorded on the invoice, once per kind
 * and day (a unique index), so two workers never send one twice.
 */
export async function runInvoiceSchedule(
  deps: Deps,
  options: { tenantIds?: readonly string[]; limit?: number } = {},
): Promise<{ overdue: number; reminders: number }> {
  const today = todayOf({ deps });
  const due = await system.invoices.due(deps.db, {
    today,
    limit: options.limit ?? 500,
    ...(options.tenantIds ? { tenantIds: options.tenantIds } : {}),
  });
  let overdue = 0;
  let reminders = 0;
  for (const item of due) {
    await withActor(deps.db.db, { kind: 'worker', tenantId: item.tenantId }, async (tx) => {
      // Locked, then read again: another worker may have done this since the list was read.
      await tx.execute(sql`select 1 from app.invoices where id = ${item.invoiceId}::uuid for update`);
      const row = await readInvoice(tx, item.invoiceId);
      if (item.reason === 'overdue') {
        const marked = await rows<{ id: string }>(
          tx,
          sql`update app.invoices set overdue_at = now() where id = ${item.invoiceId}::uuid and overdue_at is null
               returning id::text as id`,
        );
        if (marked.length === 0) return;
        overdue += 1;
        // The admins hear of it in the bell; the client gets the overdue notice below.
        const admins = await rows<{ id: string }>(
          tx,
          sql`select id::text as id from app.users where role = 'admin' and status = 'active'`,
        );
        await notifyInApp(tx, {
          tenantId: item.tenantId,
          event: 'payment-overdue',
          userIds: admins.map((admin) => admin.id),
          title: `Invoice ${row.number} is overdue`,
          body: `${row.buyer_name} owes ${formatMoney(balanceOf(row, statusOf(row, today)), row.currency)}; it was due on ${row.due_date}.`,
          link: `/admin/invoices/${row.id}`,
        });
        if (await sendReminder(tx, item.tenantId, row, 'overdue', today, null)) reminders += 1;
        return;
      }
      if (await sendReminder(tx, item.tenantId, row, item.reason, today, null)) reminders += 1;
    });
  }
  return { overdue, reminders };
}

/**
 * The retainers' copies, run by the scheduled job as the worker of each tenant: each retainer whose
 * next date has come gets a copy dated that day (a draft, or sent at once when the admin chose),
 * and its next date moves on a month or a quarter. Locked and read again per retainer, so two
 * workers never make one copy twice; a retainer whose dates were missed catches up one copy per
 * run.
 */
export async function runInvoiceRepeats(
  deps: Deps,
  options: { tenantIds?: readonly string[]; limit?: number } = {},
): Promise<{ drafts: number; sent: number }> {
  const today = todayOf({ deps });
  const due = await system.invoices.repeatsDue(deps.db, {
    today,
    limit: options.limit ?? 200,
    ...(options.tenantIds ? { tenantIds: options.tenantIds } : {}),
  });
  let drafts = 0;
  let sent = 0;
  for (const item of due) {
    await withActor(deps.db.db, { kind: 'worker', tenantId: item.tenantId }, async (tx) => {
      const [repeat] = await rows<{ every: 'month' | 'quarter'; next: string; send: boolean }>(
        tx,
        sql`select repeat_every as every, repeat_next::text as next, repeat_send as send from app.invoices
             where id = ${item.invoiceId}::uuid and repeat_next <= ${today}::date and voided_at is null for update`,
      );
      if (!repeat) return;
      const source = await readInvoice(tx, item.invoiceId);
      const copy = await copyInvoice(tx, source, repeat.next, { createdBy: null, repeatedFrom: source.id });
      await tx.execute(
        sql`update app.invoices set repeat_next = (repeat_next + ${repeat.every === 'month' ? '1 month' : '3 months'}::interval)::date,
              updated_at = now() where id = ${item.invoiceId}::uuid`,
      );
      if (repeat.send) {
        await deliverInvoice(tx, item.tenantId, copy.id, today);
        sent += 1;
      } else {
        drafts += 1;
      }
    });
  }
  return { drafts, sent };
}
