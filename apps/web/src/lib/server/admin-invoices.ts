import { CoreError, getInvoice, sendInvoice } from '@foyer/core';
import { type DiscountKind, type EditorLine, type EditorValues, isBlankLine } from '../invoices';
import { coreErrorToFail } from './errors';
import { field } from './forms';
import { notFoundAs404 } from './tasks';

const LINE_FIELD = /^lines\.(\d{1,4})\./;

function discountKind(value: string): DiscountKind {
  return value === 'percent' || value === 'amount' ? value : '';
}

/**
 * The editor's form as the draft's input. Lines come as `lines.<i>.<field>` (tax boxes repeat
 * `lines.<i>.taxRateIds`), in the order of their numbers; rows left blank are spare rows, not
 * lines, and are dropped, so the numbers the server's field errors use are those of the lines
 * kept, which is also how the editor shows them again.
 */
export function draftForm(form: FormData): EditorValues {
  const rows = new Set<number>();
  for (const name of form.keys()) {
    const match = LINE_FIELD.exec(name);
    if (match) rows.add(Number(match[1]));
  }
  const lines: EditorLine[] = [...rows]
    .sort((a, b) => a - b)
    .map((row) => ({
      description: field(form, `lines.${row}.description`).trim(),
      quantity: field(form, `lines.${row}.quantity`).trim(),
      unitPrice: field(form, `lines.${row}.unitPrice`).trim(),
      discountKind: discountKind(field(form, `lines.${row}.discountKind`)),
      discount: field(form, `lines.${row}.discount`).trim(),
      taxRateIds: form
        .getAll(`lines.${row}.taxRateIds`)
        .filter((value): value is string => typeof value === 'string'),
    }))
    .filter((line) => !isBlankLine(line));
  return {
    clientId: field(form, 'clientId'),
    contactId: field(form, 'contactId'),
    projectId: field(form, 'projectId'),
    currency: field(form, 'currency').trim().toUpperCase(),
    issueDate: field(form, 'issueDate').trim(),
    dueDate: field(form, 'dueDate').trim(),
    buyerDetails: field(form, 'buyerDetails').trim(),
    discountKind: discountKind(field(form, 'discountKind')),
    discount: field(form, 'discount').trim(),
    notes: field(form, 'notes').trim(),
    terms: field(form, 'terms').trim(),
    lines,
  };
}

/** The invoice for its page; 404 when this admin cannot see it or the id names none. */
export function loadInvoice(ctx: App.Locals['ctx'], id: string) {
  return getInvoice({ ctx, input: { id } }).catch(notFoundAs404);
}

/**
 * Where the editor goes once the draft is saved: its page, after sending it when asked ("Save and
 * send"). A refusal to send leaves a saved draft, which its page says, with the Send button there.
 */
export async function afterSave(ctx: App.Locals['ctx'], id: string, form: FormData): Promise<string> {
  if (field(form, 'intent') !== 'send') return `/admin/invoices/${id}?saved`;
  try {
    const { recipients } = await sendInvoice({ ctx, input: { id } });
    return `/admin/invoices/${id}?sent=${recipients}`;
  } catch (cause) {
    if (!(cause instanceof CoreError)) throw cause;
    return `/admin/invoices/${id}?saved&unsent`;
  }
}

/**
 * A refused draft, back to the editor with what was typed. No company chosen reads as that, not
 * as an id that names no client.
 */
export function draftFailure(cause: unknown, values: EditorValues) {
  const failure = coreErrorToFail(cause, { values });
  if (values.clientId === '' && failure.data.fields.clientId)
    failure.data.fields.clientId = 'Choose the company to bill.';
  return failure;
}
