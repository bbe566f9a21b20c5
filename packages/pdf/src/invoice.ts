/**
 * An invoice as the agency sends it: its branding, the seller and the buyer, the dates, the lines,
 * the totals, the payments received, notes, terms and the pay link. Every amount arrives formatted
 * by the caller from the same arithmetic as the screens, so this file never adds anything up: the
 * PDF cannot disagree with the page it was downloaded from.
 */
import {
  type Brand,
  type Cell,
  colours,
  createDocument,
  type TableColumn,
  type TextPart,
  toBuffer,
} from './document';

export type InvoiceStatusKey =
  | 'draft'
  | 'sent'
  | 'viewed'
  | 'partially_paid'
  | 'paid'
  | 'overdue'
  | 'refunded'
  | 'partially_refunded'
  | 'void';

export interface InvoiceSeller {
  businessName: string;
  /** Possibly several lines. */
  address: string | null;
  taxId: string | null;
  email: string | null;
  phone: string | null;
  website: string | null;
}

export interface InvoiceBuyer {
  companyName: string;
  contactName: string | null;
  /** Possibly several lines. */
  address: string | null;
  taxId: string | null;
  email: string | null;
}

/** Display-ready strings: quantities, prices and amounts are formatted by the caller. */
export interface InvoiceLine {
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string | null;
  /** The rates applied, e.g. "VAT 25%". */
  taxes: string | null;
  amount: string;
}

export interface InvoiceTotal {
  label: string;
  amount: string;
  strong?: boolean;
}

export interface InvoicePayment {
  date: string;
  method: string;
  reference: string | null;
  amount: string;
}

export interface InvoiceDocument {
  brand: Brand;
  generatedAt: Date;
  /** IANA zone for the footer's time. */
  timeZone: string;
  seller: InvoiceSeller;
  buyer: InvoiceBuyer;
  /** Null for a draft, which has no number until it is issued. */
  number: string | null;
  status: { key: InvoiceStatusKey; label: string };
  /** Already formatted, e.g. "7 December 2026". */
  issueDate: string | null;
  dueDate: string | null;
  /** ISO 4217, e.g. "EUR". */
  currency: string;
  projectName: string | null;
  lines: InvoiceLine[];
  /** Subtotal, discounts, each tax, total, paid, balance due: in the order they are printed. */
  totals: InvoiceTotal[];
  payments: InvoicePayment[];
  notes: string | null;
  terms: string | null;
  /** Printed as "Pay online: <url>" while the invoice can be paid. */
  payUrl: string | null;
}

const STATUS_COLOURS: Record<InvoiceStatusKey, string> = {
  draft: colours.amber,
  sent: colours.blue,
  viewed: colours.blue,
  partially_paid: colours.blue,
  paid: colours.green,
  overdue: colours.red,
  refunded: colours.muted,
  partially_refunded: colours.muted,
  void: colours.muted,
};

/** Only these can still be paid; a pay link on a draft, a paid or a void invoice would mislead. */
const PAYABLE: ReadonlySet<InvoiceStatusKey> = new Set(['sent', 'viewed', 'partially_paid', 'overdue']);

const present = (value: string | null | undefined): value is string => !!value?.trim();

function sellerBlock(seller: InvoiceSeller): TextPart[] {
  const parts: TextPart[] = [
    { text: 'From', font: 'bold', size: 7.5, color: colours.muted },
    { text: seller.businessName, font: 'bold' },
  ];
  if (present(seller.address)) parts.push({ text: seller.address.trim() });
  if (present(seller.taxId)) parts.push({ text: `Tax ID: ${seller.taxId.trim()}` });
  if (present(seller.email)) parts.push({ text: seller.email.trim() });
  if (present(seller.phone)) parts.push({ text: seller.phone.trim() });
  if (present(seller.website)) parts.push({ text: seller.website.trim() });
  return parts;
}

function buyerBlock(buyer: InvoiceBuyer): TextPart[] {
  const parts: TextPart[] = [
    { text: 'Bill to', font: 'bold', size: 7.5, color: colours.muted },
    { text: buyer.companyName, font: 'bold' },
  ];
  if (present(buyer.contactName)) parts.push({ text: `Attn: ${buyer.contactName.trim()}` });
  if (present(buyer.address)) parts.push({ text: buyer.address.trim() });
  if (present(buyer.taxId)) parts.push({ text: `Tax ID: ${buyer.taxId.trim()}` });
  if (present(buyer.email)) parts.push({ text: buyer.email.trim() });
  return parts;
}

function field(label: string, value: string, style: Omit<TextPart, 'text'> = {}): TextPart[] {
  return [
    { text: label, font: 'bold', size: 7.5, color: colours.muted },
    { ...style, text: value },
  ];
}

export async function invoicePdf(invoice: InvoiceDocument): Promise<Buffer> {
  const { status } = invoice;
  const isDraft = invoice.number === null || status.key === 'draft';
  const isVoid = status.key === 'void';
  const title = invoice.number === null ? 'Draft invoice' : `Invoice ${invoice.number}`;
  const doc = createDocument({
    title,
    subject: invoice.buyer.companyName,
    brand: invoice.brand,
    now: invoice.generatedAt,
    timeZone: invoice.timeZone,
    watermark: isVoid
      ? { text: 'VOID', color: colours.muted }
      : isDraft
        ? { text: 'DRAFT', color: colours.amber }
        : null,
  });

  // The title, with the status against the right margin on the same line.
  doc.ensureSpace(80);
  const titleTop = doc.y;
  doc.heading(title, 1);
  const belowTitle = doc.y;
  doc.badge(
    status.label.toLocaleUpperCase('en-GB'),
    STATUS_COLOURS[status.key],
    { x: doc.left + doc.contentWidth, y: titleTop + 1, align: 'right' },
    9.5,
  );
  doc.pdf.y = belowTitle + 4;

  if (isVoid) {
    doc.callout(
      [
        { text: 'VOID', font: 'bold', size: 12, color: colours.muted },
        { text: 'This invoice has been cancelled. Nothing is owed on it.' },
      ],
      colours.muted,
    );
  } else if (isDraft) {
    doc.callout(
      [
        { text: 'DRAFT', font: 'bold', size: 12, color: colours.amber },
        { text: 'Not yet issued: the invoice number is given when it is sent.' },
      ],
      colours.amber,
    );
  }

  doc.columns([sellerBlock(invoice.seller), buyerBlock(invoice.buyer)]);

  const overdue: Omit<TextPart, 'text'> =
    status.key === 'overdue' ? { font: 'bold', color: colours.red } : {};
  // A strip of short fields; the project's name gets the room the currency code does not need.
  const fields: [TextPart[], number][] = [];
  if (invoice.number !== null) fields.push([field('Invoice number', invoice.number, { font: 'bold' }), 1]);
  if (present(invoice.issueDate)) fields.push([field('Issue date', invoice.issueDate), 1]);
  if (present(invoice.dueDate)) fields.push([field('Due date', invoice.dueDate, overdue), 1]);
  fields.push([field('Currency', invoice.currency), 0.6]);
  if (present(invoice.projectName)) fields.push([field('Project', invoice.projectName), 1.6]);
  doc.columns(
    fields.map(([parts]) => parts),
    { gap: 12, weights: fields.map(([, weight]) => weight) },
  );
  doc.space(4);

  // Columns only for what some line has: an invoice without discounts has no empty column.
  const hasDiscount = invoice.lines.some((line) => present(line.discount));
  const hasTaxes = invoice.lines.some((line) => present(line.taxes));
  const columns: TableColumn[] = [
    { header: 'Description', width: 40 },
    { header: 'Qty', width: 8, align: 'right' },
    { header: 'Unit price', width: 14, align: 'right' },
    ...(hasDiscount ? [{ header: 'Discount', width: 12, align: 'right' } as const] : []),
    ...(hasTaxes ? [{ header: 'Tax', width: 12, align: 'right' } as const] : []),
    { header: 'Amount', width: 15, align: 'right' },
  ];
  const dash: TextPart = { text: '—', color: colours.muted };
  if (invoice.lines.length === 0) {
    doc.paragraph('No lines yet.', { color: colours.muted });
  } else {
    doc.table({
      columns,
      rows: invoice.lines.map((line): Cell[] => [
        line.description,
        line.quantity,
        line.unitPrice,
        ...(hasDiscount ? [present(line.discount) ? line.discount : dash] : []),
        ...(hasTaxes ? [present(line.taxes) ? line.taxes : dash] : []),
        line.amount,
      ]),
    });
  }

  const lastStrong = invoice.totals.findLastIndex((row) => row.strong);
  doc.summary(
    invoice.totals.map((row, i) => ({
      label: row.label,
      value: row.amount,
      strong: !!row.strong,
      boxed: i === lastStrong,
    })),
  );

  if (invoice.payments.length > 0) {
    doc.heading('Payments received', 3);
    doc.table({
      columns: [
        { header: 'Date', width: 22 },
        { header: 'Method', width: 25 },
        { header: 'Reference', width: 33 },
        { header: 'Amount', width: 20, align: 'right' },
      ],
      rows: invoice.payments.map((p): Cell[] => [
        p.date,
        p.method,
        present(p.reference) ? p.reference : dash,
        p.amount,
      ]),
    });
  }

  if (present(invoice.notes)) {
    doc.heading('Notes', 3);
    doc.paragraph(invoice.notes.trim());
  }
  if (present(invoice.terms)) {
    doc.heading('Terms', 3);
    doc.paragraph(invoice.terms.trim());
  }

  if (present(invoice.payUrl) && PAYABLE.has(status.key)) {
    doc.space(6);
    doc.ensureSpace(20);
    doc.paragraph(`Pay online: ${invoice.payUrl.trim()}`, { font: 'bold', color: colours.blue });
  }

  return toBuffer(doc);
}
