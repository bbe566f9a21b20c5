import { z } from 'zod';
import { id, isCalendarDate, line, lines } from '../input';

/** A calendar date as a form sends it, required. */
export const day = (what: string) =>
  z
    .string()
    .trim()
    .max(10, `Enter the ${what} as a date.`)
    .refine((value) => isCalendarDate(value), `Enter the ${what} as a date.`);

const discountKind = z.enum(['', 'percent', 'amount'], 'Choose a percentage or an amount.');

/** One line as the editor sends it: text fields, parsed with the invoice's currency by the verb. */
export const lineInput = z.object({
  description: lines(2000),
  quantity: line(30),
  unitPrice: line(40),
  discountKind: discountKind.optional().default(''),
  discount: line(40).optional().default(''),
  taxRateIds: z.array(id('tax rate')).max(10, 'Choose at most 10 rates.').optional().default([]),
});

export const draftInput = z.object({
  clientId: id('client'),
  contactId: z
    .union([id('contact'), z.literal('')])
    .optional()
    .default(''),
  projectId: z
    .union([id('project'), z.literal('')])
    .optional()
    .default(''),
  currency: line(3),
  issueDate: day('issue date'),
  dueDate: day('due date'),
  buyerDetails: lines(2000).optional().default(''),
  discountKind: discountKind.optional().default(''),
  discount: line(40).optional().default(''),
  notes: lines(5000).optional().default(''),
  terms: lines(5000).optional().default(''),
  lines: z.array(lineInput).min(1, 'Add at least one line.').max(500, 'An invoice has at most 500 lines.'),
});

export const updateDraftInput = draftInput.extend({ id: id('invoice') });

export const invoiceIdInput = z.object({ id: id('invoice') });

export const listInvoicesInput = z.object({
  status: z
    .enum(
      [
        '',
        'outstanding',
        'draft',
        'sent',
        'viewed',
        'partially_paid',
        'paid',
        'overdue',
        'refunded',
        'partially_refunded',
        'void',
      ],
      'Choose a status from the list.',
    )
    .optional()
    .default(''),
  clientId: z
    .union([id('client'), z.literal('')])
    .optional()
    .default(''),
  page: z.coerce.number().int().min(1).max(100_000).optional().default(1).catch(1),
});

export const clientInvoicesInput = z.object({
  page: z.coerce.number().int().min(1).max(100_000).optional().default(1).catch(1),
});

export const voidInvoiceInput = z.object({
  id: id('invoice'),
  reason: line(500).refine((value) => value.length > 0, 'Say why it is void (the client sees this).'),
});

export const paymentInput = z.object({
  id: id('invoice'),
  kind: z.enum(['payment', 'refund'], 'Choose a payment or a refund.'),
  amount: line(40),
  paidOn: day('date'),
  method: line(100).refine((value) => value.length > 0, 'Say how it was paid, such as Bank transfer.'),
  reference: line(200).optional().default(''),
});

export const repeatInput = z.object({
  id: id('invoice'),
  every: z.enum(['', 'month', 'quarter'], 'Choose monthly, quarterly or not at all.'),
  next: z.string().trim().max(10).optional().default(''),
  send: z
    .union([z.boolean(), z.enum(['true', 'false', 'on', 'off', ''])])
    .optional()
    .transform((value) => value === true || value === 'true' || value === 'on'),
});
