import { formatMoney, minorToDecimal } from '@foyer/billing';
import { sql } from '@foyer/db';
import { adminOf, type Ctx, personOf, transact } from '../ctx';
import { rows } from '../tasks/common';
import { holdsInvoices, PAYABLE_STATUSES, payableSql, statusSql, todayOf } from './invoices';
import {
  type ClientInvoiceSummary,
  type FinancialOverview,
  INVOICE_STATUS_LABELS,
  type InvoiceStatus,
} from './types';

const AGEING = [
  { key: 'current', label: 'Not yet due', from: Number.NEGATIVE_INFINITY, to: 0 },
  { key: '1-30', label: '1–30 days late', from: 1, to: 30 },
  { key: '31-60', label: '31–60 days late', from: 31, to: 60 },
  { key: '61-90', label: '61–90 days late', from: 61, to: 90 },
  { key: '90+', label: 'Over 90 days late', from: 91, to: Number.POSITIVE_INFINITY },
] as const;

const monthLabel = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** The twelve months up to `today`'s, oldest first, as `YYYY-MM`. */
function lastTwelveMonths(today: string): string[] {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7)) - 1;
  return Array.from({ length: 12 }, (_, index) => {
    const date = new Date(Date.UTC(year, month - 11 + index, 1));
    return date.toISOString().slice(0, 7);
  });
}

/**
 * The admins' financial overview: what is owed and late, what came in this month and in each of
 * the last twelve, how late the money owed is, and who owes it. Every figure is per currency:
 * amounts in different currencies are never added together.
 */
export async function financialOverview({ ctx }: { ctx: Ctx }): Promise<FinancialOverview> {
  adminOf(ctx, 'Only admins see the financial overview.');
  const today = todayOf(ctx);
  const months = lastTwelveMonths(today);
  const firstMonth = `${months[0]}-01`;
  return transact(ctx, async ({ tx }) => {
    const owed = await rows<{
      currency: string;
      client_id: string;
      client_name: string;
      balance: number | string;
      late_days: number;
      status: InvoiceStatus;
    }>(
      tx,
      sql`select i.currency, i.client_id::text as client_id, c.name as client_name,
                 (i.total_minor - i.paid_minor + i.refunded_minor) as balance,
                 (${today}::date - i.due_date) as late_days, ${statusSql(today)} as status
            from app.invoices i join app.clients c on c.tenant_id = i.tenant_id and c.id = i.client_id
           where i.issued_at is not null and i.voided_at is null and ${payableSql(today)}`,
    );
    const received = await rows<{ currency: string; month: string; minor: number | string }>(
      tx,
      sql`select i.currency, to_char(pm.paid_on, 'YYYY-MM') as month,
                 sum(case when pm.kind = 'payment' then pm.amount_minor else -pm.amount_minor end) as minor
            from app.invoice_payments pm join app.invoices i on i.tenant_id = pm.tenant_id and i.id = pm.invoice_id
           where pm.paid_on >= ${firstMonth}::date and pm.paid_on <= ${today}::date
           group by 1, 2`,
    );
    const currencies = [
      ...new Set([...owed.map((row) => row.currency), ...received.map((row) => row.currency)]),
    ].sort();
    const thisMonth = today.slice(0, 7);
    return {
      currencies,
      byCurrency: currencies.map((currency) => {
        const money = (minor: number) => formatMoney(minor, currency);
        const mine = owed.filter((row) => row.currency === currency);
        const sum = (list: typeof mine) => list.reduce((total, row) => total + Number(row.balance), 0);
        const overdue = mine.filter((row) => row.status === 'overdue');
        const byMonth = new Map(
          received.filter((row) => row.currency === currency).map((row) => [row.month, Number(row.minor)]),
        );
        const clients = new Map<string, { clientId: string; name: string; minor: number; count: number }>();
        for (const row of mine) {
          const entry = clients.get(row.client_id) ?? {
            clientId: row.client_id,
            name: row.client_name,
            minor: 0,
            count: 0,
          };
          entry.minor += Number(row.balance);
          entry.count += 1;
          clients.set(row.client_id, entry);
        }
        const paidThisMonth = byMonth.get(thisMonth) ?? 0;
        return {
          currency,
          outstanding: { minor: sum(mine), amount: money(sum(mine)), count: mine.length },
          overdue: { minor: sum(overdue), amount: money(sum(overdue)), count: overdue.length },
          paidThisMonth: { minor: paidThisMonth, amount: money(paidThisMonth) },
          revenueByMonth: months.map((month) => {
            const minor = byMonth.get(month) ?? 0;
            return {
              month,
              label: monthLabel.format(new Date(`${month}-01T00:00:00Z`)),
              minor,
              amount: money(minor),
            };
          }),
          ageing: AGEING.map((bucket) => {
            const inBucket = mine.filter((row) => row.late_days >= bucket.from && row.late_days <= bucket.to);
            return {
              key: bucket.key,
              label: bucket.label,
              minor: sum(inBucket),
              amount: money(sum(inBucket)),
              count: inBucket.length,
            };
          }),
          byClient: [...clients.values()]
            .sort((a, b) => b.minor - a.minor || a.name.localeCompare(b.name))
            .map((entry) => ({ ...entry, amount: money(entry.minor) })),
        };
      }),
    };
  });
}

/** A CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Every issued invoice as a CSV row, amounts as decimals in their currency. */
export async function financialOverviewCsv({
  ctx,
}: {
  ctx: Ctx;
}): Promise<{ filename: string; body: string }> {
  adminOf(ctx, 'Only admins see the financial overview.');
  const today = todayOf(ctx);
  const found = await transact(ctx, ({ tx }) =>
    rows<{
      number: string;
      buyer_name: string;
      project_name: string | null;
      currency: string;
      issue_date: string;
      due_date: string;
      status: InvoiceStatus;
      total_minor: number | string;
      paid_minor: number | string;
      refunded_minor: number | string;
    }>(
      tx,
      sql`select i.number, i.buyer_name, p.name as project_name, i.currency, i.issue_date::text as issue_date,
                 i.due_date::text as due_date, ${statusSql(today)} as status, i.total_minor, i.paid_minor, i.refunded_minor
            from app.invoices i left join app.projects p on p.tenant_id = i.tenant_id and p.id = i.project_id
           where i.issued_at is not null
           order by i.issue_date, i.number`,
    ),
  );
  const header = [
    'Number',
    'Client',
    'Project',
    'Currency',
    'Issued',
    'Due',
    'Status',
    'Total',
    'Paid',
    'Refunded',
    'Balance',
  ];
  const lines = found.map((row) => {
    const total = Number(row.total_minor);
    const paid = Number(row.paid_minor);
    const refunded = Number(row.refunded_minor);
    const balance = PAYABLE_STATUSES.includes(row.status) ? total - paid + refunded : 0;
    return [
      row.number,
      row.buyer_name,
      row.project_name ?? '',
      row.currency,
      row.issue_date,
      row.due_date,
      INVOICE_STATUS_LABELS[row.status],
      minorToDecimal(total, row.currency),
      minorToDecimal(paid, row.currency),
      minorToDecimal(refunded, row.currency),
      minorToDecimal(balance, row.currency),
    ]
      .map(csvCell)
      .join(',');
  });
  return { filename: `invoices-${today}.csv`, body: `${[header.join(','), ...lines].join('\r\n')}\r\n` };
}

/**
 * The client's dashboard summary: how many invoices ask for money and how much, what of it is
 * late, and the latest payments. Null for a client without `invoices`.
 */
export async function clientInvoiceSummary({ ctx }: { ctx: Ctx }): Promise<ClientInvoiceSummary | null> {
  const me = personOf(ctx);
  if (me.kind !== 'client') return null;
  const today = todayOf(ctx);
  return transact(ctx, async ({ tx }) => {
    if (!(await holdsInvoices(tx, me.userId))) return null;
    const owed = await rows<{ currency: string; status: InvoiceStatus; balance: number | string }>(
      tx,
      sql`select i.currency, ${statusSql(today)} as status, (i.total_minor - i.paid_minor + i.refunded_minor) as balance
            from app.invoices i where ${payableSql(today)}`,
    );
    const payments = await rows<{
      invoice_id: string;
      number: string;
      paid_on: string;
      amount_minor: number | string;
      currency: string;
    }>(
      tx,
      sql`select i.id::text as invoice_id, i.number, pm.paid_on::text as paid_on, pm.amount_minor, i.currency
            from app.invoice_payments pm join app.invoices i on i.tenant_id = pm.tenant_id and i.id = pm.invoice_id
           where pm.kind = 'payment' order by pm.paid_on desc, pm.created_at desc limit 3`,
    );
    const perCurrency = (list: typeof owed) => {
      const totals = new Map<string, number>();
      for (const row of list) totals.set(row.currency, (totals.get(row.currency) ?? 0) + Number(row.balance));
      return [...totals]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, minor]) => ({ currency, minor, amount: formatMoney(minor, currency) }));
    };
    const overdue = owed.filter((row) => row.status === 'overdue');
    return {
      outstandingCount: owed.length,
      outstanding: perCurrency(owed),
      overdue: perCurrency(overdue),
      overdueCount: overdue.length,
      recentPayments: payments.map((payment) => ({
        invoiceId: payment.invoice_id,
        number: payment.number,
        paidOn: payment.paid_on,
        amount: formatMoney(Number(payment.amount_minor), payment.currency),
      })),
    };
  });
}
