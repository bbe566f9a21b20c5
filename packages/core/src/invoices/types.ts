import type { InvoiceStatus } from '@foyer/billing';

export type { InvoiceStatus } from '@foyer/billing';

export const INVOICES_PAGE_SIZE = 25;
export const INVOICE_NOT_FOUND = 'That invoice doesn’t exist.';

/** How each status reads, everywhere an invoice is shown. */
export const INVOICE_STATUS_LABELS: Record<InvoiceStatus, string> = {
  draft: 'Draft',
  sent: 'Sent',
  viewed: 'Viewed',
  partially_paid: 'Partly paid',
  paid: 'Paid',
  overdue: 'Overdue',
  refunded: 'Refunded',
  partially_refunded: 'Partly refunded',
  void: 'Void',
};

/** The statuses a list can be filtered by: each, plus `outstanding` (issued, not void, something owed). */
export type InvoiceFilter = InvoiceStatus | 'outstanding';

/** One row of an invoice list (the admins' or the client's). Money is minor units and a label. */
export interface InvoiceRow {
  id: string;
  /** Null for a draft. */
  number: string | null;
  status: InvoiceStatus;
  statusLabel: string;
  clientId: string;
  /** Who it is addressed to as printed: the company, and the contact when one. */
  buyerName: string;
  projectId: string | null;
  projectName: string | null;
  currency: string;
  issueDate: string;
  dueDate: string;
  totalMinor: number;
  /** What is still owed: total − payments + refunds. */
  balanceMinor: number;
  /** "£1,250.00". */
  total: string;
  balance: string;
}

export interface InvoicePage {
  items: InvoiceRow[];
  total: number;
  page: number;
  pageSize: number;
}

export interface InvoiceLineView {
  id: string;
  description: string;
  quantityMilli: number;
  /** "1.5". */
  quantity: string;
  unitPriceMinor: number;
  unitPrice: string;
  /** "10%" or "£5.00", or null. */
  discountLabel: string | null;
  discountKind: 'percent' | 'amount' | null;
  /** The value as typed back into the editor: "10" or "5.00". */
  discountInput: string;
  discountMinor: number;
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
  /** The amount column: the line after discounts, before exclusive tax ("£90.00"). */
  amount: string;
  taxRateIds: string[];
  /** "VAT 20%", joined with ", ". */
  taxLabel: string;
}

export interface InvoicePaymentView {
  id: string;
  /** A payment or refund; a gateway's dispute (money held) or reinstatement (dispute won). */
  kind: 'payment' | 'refund' | 'dispute' | 'reinstatement';
  /** A refund, or money a dispute holds back: it takes from what was paid (shown with a minus). */
  takesBack: boolean;
  amountMinor: number;
  amount: string;
  paidOn: string;
  method: string;
  reference: string;
  /**
   * A payment a gateway brought: what of it can still be refunded through the gateway (admins
   * only; null for clients and for payments recorded by hand).
   */
  refundableOnlineMinor: number | null;
}

export interface InvoiceReminderView {
  kind: 'before' | 'due' | 'after' | 'overdue' | 'manual';
  /** "3 days before the due date", "On the due date", "Sent by Nora Quinn"… */
  label: string;
  sentAt: string;
}

/** One line of the totals block: "Subtotal", "Discount", "VAT 20%", "Total", "Paid", "Balance due". */
export interface InvoiceTotalLine {
  label: string;
  minor: number;
  amount: string;
  strong?: boolean;
}

/** An invoice as its page shows it (admin or client). */
export interface InvoiceDetail extends InvoiceRow {
  contactId: string | null;
  buyerDetails: string;
  discountKind: 'percent' | 'amount' | null;
  discountInput: string;
  discountLabel: string | null;
  notes: string;
  terms: string;
  lines: InvoiceLineView[];
  totals: InvoiceTotalLine[];
  subtotalMinor: number;
  discountMinor: number;
  taxMinor: number;
  paidMinor: number;
  refundedMinor: number;
  payments: InvoicePaymentView[];
  /** Reminders sent (admins only; empty for clients). */
  reminders: InvoiceReminderView[];
  issuedAt: string | null;
  sentAt: string | null;
  viewedAt: string | null;
  overdueAt: string | null;
  paidAt: string | null;
  voidedAt: string | null;
  voidReason: string | null;
  /** Whether the admin may still edit it (a draft), record money (issued, not void)… */
  can: {
    edit: boolean;
    send: boolean;
    resend: boolean;
    void: boolean;
    pay: boolean;
    refund: boolean;
    remind: boolean;
    delete: boolean;
    repeat: boolean;
  };
  /** A retainer's schedule (admins only; null for clients and one-off invoices). */
  repeat: { every: 'month' | 'quarter'; next: string; send: boolean } | null;
  /** The retainer this invoice was copied from (admins only). */
  repeatedFrom: { id: string; number: string | null } | null;
  /** The seller as printed: the agency's document branding. */
  seller: { name: string; details: string[] };
}

/** What the editor offers: companies, their contacts, projects, tax rates and the defaults. */
export interface InvoiceFormOptions {
  companies: { id: string; name: string }[];
  contacts: { id: string; name: string; email: string; clientId: string }[];
  projects: { id: string; name: string; clientId: string | null }[];
  taxRates: {
    id: string;
    name: string;
    /** 20 % is 2000: what the editor's live totals compute with. */
    rateBasisPoints: number;
    rateLabel: string;
    inclusive: boolean;
    archived: boolean;
  }[];
  defaults: { currency: string; issueDate: string; dueDate: string; terms: string; taxRateIds: string[] };
}

/** The client's dashboard summary (per currency, no conversion). */
export interface ClientInvoiceSummary {
  /** Issued, not void, something still owed. */
  outstandingCount: number;
  outstanding: { currency: string; minor: number; amount: string }[];
  overdue: { currency: string; minor: number; amount: string }[];
  overdueCount: number;
  recentPayments: { invoiceId: string; number: string; paidOn: string; amount: string }[];
}

/** The financial overview, every figure per currency. */
export interface FinancialOverview {
  currencies: string[];
  byCurrency: {
    currency: string;
    outstanding: { minor: number; amount: string; count: number };
    overdue: { minor: number; amount: string; count: number };
    paidThisMonth: { minor: number; amount: string };
    /** The last 12 months, oldest first: payments less refunds received in each. */
    revenueByMonth: { month: string; label: string; minor: number; amount: string }[];
    /** What is owed by how late it is: not yet due, 1–30, 31–60, 61–90, over 90 days. */
    ageing: {
      key: 'current' | '1-30' | '31-60' | '61-90' | '90+';
      label: string;
      minor: number;
      amount: string;
      count: number;
    }[];
    /** Balance owed per client company, largest first. */
    byClient: { clientId: string; name: string; minor: number; amount: string; count: number }[];
  }[];
}
