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
  type TableColumn,
  type TableSpec,
  type TextPart,
  toBuffer,
} from './document';
export { formatBytes, formatDateTime, joinNames } from './format';
