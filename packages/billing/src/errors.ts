/**
 * What a billing refusal is about. Codes are stable (callers map them to their own errors, the
 * core to `validation`); add, never rename.
 */
export type BillingErrorCode =
  | 'invalid_currency'
  | 'invalid_amount'
  | 'invalid_quantity'
  | 'invalid_discount'
  | 'invalid_tax_rate'
  | 'unknown_tax_rate'
  | 'too_many_lines'
  | 'too_large'
  | 'invalid_payment'
  | 'invalid_date'
  | 'invalid_number';

/**
 * An input the invoice arithmetic refuses: a negative price, a discount over the amount, an
 * unknown tax rate. The message is short and fit to show to the person who typed the value.
 */
export class BillingError extends Error {
  override readonly name = 'BillingError';

  constructor(
    readonly code: BillingErrorCode,
    message: string,
  ) {
    super(message);
  }
}
