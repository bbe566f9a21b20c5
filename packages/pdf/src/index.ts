export {
  type ApprovalDecision,
  type ApprovalDeliverable,
  type ApprovalRecord,
  type ApprovalRound,
  approvalRecordPdf,
} from './approval-record';
export {
  type Brand,
  type Cell,
  type CreateDocumentOptions,
  colours,
  createDocument,
  type FontName,
  PdfDocument,
  type SummaryRow,
  type TableColumn,
  type TableSpec,
  type TextPart,
  toBuffer,
} from './document';
export { formatBytes, formatDateTime, joinNames } from './format';
export {
  type InvoiceBuyer,
  type InvoiceDocument,
  type InvoiceLine,
  type InvoicePayment,
  type InvoiceSeller,
  type InvoiceStatusKey,
  type InvoiceTotal,
  invoicePdf,
} from './invoice';
