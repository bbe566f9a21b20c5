// Invoice arithmetic: pure functions with no I/O, used by the core, the PDF and the pages so that
// each shows the same numbers. The rounding rule is in invoice.ts and docs/adr/0017.
export {
  currencyExponent,
  formatMoney,
  isCurrency,
  MAX_MINOR,
  minorToDecimal,
  type ParseMoneyOptions,
  parseMoney,
} from './currency';
export { BillingError, type BillingErrorCode } from './errors';
export {
  allocateByLargestRemainder,
  computeInvoice,
  type Discount,
  divideRounded,
  type InvoiceInput,
  type InvoiceTotals,
  type LineInput,
  type LineTax,
  type LineTotals,
  MAX_LINES,
  MAX_TAX_BASIS_POINTS,
  type TaxRate,
  type TaxTotal,
} from './invoice';
export {
  formatInvoiceNumber,
  INVOICE_PREFIX_PATTERN,
  invoicePrefixProblem,
  isInvoicePrefix,
} from './numbering';
export { parsePercent } from './percent';
export {
  assertQuantityMilli,
  formatQuantity,
  MAX_QUANTITY_MILLI,
  parseQuantity,
  QUANTITY_SCALE,
} from './quantity';
export { balanceDue, type InvoiceStatus, type InvoiceStatusInput, invoiceStatus } from './status';
