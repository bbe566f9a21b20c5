import type { Confirmation, ConfirmationInput } from '$lib/confirm';

type Question = Omit<Confirmation, 'action' | 'fields'>;

/** The question before an issued invoice is voided: why, printed on it and kept on record. */
export function voidQuestion(number: string | null, reason: Partial<ConfirmationInput> = {}): Question {
  return {
    title: number ? `Void invoice ${number}?` : 'Void this invoice?',
    message:
      'It stays on record with its number, marked void, and the client can no longer pay it. This can’t be undone: to bill again, duplicate it.',
    confirmLabel: 'Void invoice',
    input: {
      name: 'reason',
      label: 'Reason',
      maxlength: 500,
      hint: 'Shown on the invoice, e.g. “Issued in error”.',
      ...reason,
    },
  };
}

/** The question before a draft is deleted for good. */
export const deleteDraftQuestion: Question = {
  title: 'Delete this draft?',
  message: 'It was never sent and has no number, so nothing else changes. It can’t be brought back.',
  confirmLabel: 'Delete draft',
};

/** The question before a gateway's payment is refunded through the gateway: how much. */
export function refundOnlineQuestion(
  payment: { amount: string; method: string },
  amount: Partial<ConfirmationInput> = {},
): Question {
  const gateway = /\(([^)]+)\)/.exec(payment.method)?.[1] ?? 'the gateway';
  return {
    title: `Refund through ${gateway}?`,
    message: `The money goes back to the payer of ${payment.amount}. The refund shows here once ${gateway} confirms it.`,
    confirmLabel: 'Refund',
    input: {
      name: 'amount',
      label: 'Amount to refund',
      maxlength: 40,
      line: { inputmode: 'decimal' },
      ...amount,
    },
  };
}
