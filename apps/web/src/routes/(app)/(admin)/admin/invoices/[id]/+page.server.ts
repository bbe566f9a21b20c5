import {
  deleteDraft,
  duplicateInvoice,
  invoiceGatewayEvents,
  recordPayment,
  refundOnline,
  sendInvoice,
  sendInvoiceReminder,
  setInvoiceRepeat,
  voidInvoice,
} from '@foyer/core';
import { fail, redirect } from '@sveltejs/kit';
import { amountInput, sentToText } from '$lib/invoices';
import { loadInvoice } from '$lib/server/admin-invoices';
import { coreErrorToFail } from '$lib/server/errors';
import { field, isConfirmed, readForm, trimmed } from '$lib/server/forms';
import { calendarToday } from '$lib/tasks';
import type { Actions, PageServerLoad } from './$types';
import { deleteDraftQuestion, refundOnlineQuestion, voidQuestion } from './confirm';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const { ctx } = locals;
  const invoice = await loadInvoice(ctx, params.id);
  const sent = url.searchParams.get('sent');
  return {
    invoice,
    gatewayEvents: invoice.number ? await invoiceGatewayEvents({ ctx, input: { id: invoice.id } }) : [],
    today: calendarToday(ctx.deps.now()),
    now: ctx.deps.now(),
    flash: {
      saved: url.searchParams.has('saved'),
      unsent: url.searchParams.has('unsent'),
      sentTo: sent !== null && /^\d{1,4}$/.test(sent) ? Number(sent) : null,
    },
  };
};

/** Which part of the page an answer belongs to, so it shows beside the right form. */
type Section = 'actions' | 'payment' | 'refund' | 'repeat';

export const actions: Actions = {
  repeat: async (event) => {
    const form = await readForm(event.request);
    const echo = { every: trimmed(form, 'every'), next: trimmed(form, 'next'), send: form.has('send') };
    try {
      await setInvoiceRepeat({
        ctx: event.locals.ctx,
        // The verb parses `every`; anything but its three values is a field error.
        input: { id: event.params.id, ...echo, every: echo.every as '' | 'month' | 'quarter' },
      });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'repeat' as Section, echo });
    }
    const notice =
      echo.every === ''
        ? 'It no longer repeats.'
        : `Saved: the next copy is made on ${echo.next}${echo.send ? ' and sent at once' : ', as a draft'}.`;
    return { section: 'repeat' as Section, notice };
  },

  send: async (event) => {
    try {
      const { number, recipients } = await sendInvoice({
        ctx: event.locals.ctx,
        input: { id: event.params.id },
      });
      return { section: 'actions' as Section, notice: `Invoice ${number} sent: ${sentToText(recipients)}` };
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'actions' as Section });
    }
  },

  remind: async (event) => {
    try {
      await sendInvoiceReminder({ ctx: event.locals.ctx, input: { id: event.params.id } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'actions' as Section });
    }
    return { section: 'actions' as Section, notice: 'Reminder sent. It is listed under “Reminders”.' };
  },

  duplicate: async (event) => {
    let id: string;
    try {
      ({ id } = await duplicateInvoice({ ctx: event.locals.ctx, input: { id: event.params.id } }));
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'actions' as Section });
    }
    redirect(303, `/admin/invoices/${id}/edit?duplicated`);
  },

  void: async (event) => {
    const { ctx } = event.locals;
    const form = await readForm(event.request);
    const reason = trimmed(form, 'reason');
    const ask = async (error?: string) => {
      const { number } = await loadInvoice(ctx, event.params.id);
      return { action: '?/void', fields: {}, ...voidQuestion(number, { value: reason, error }) };
    };
    if (!isConfirmed(form)) return { section: 'actions' as Section, confirm: await ask() };
    try {
      await voidInvoice({ ctx, input: { id: event.params.id, reason } });
    } catch (cause) {
      const failure = coreErrorToFail(cause, { section: 'actions' as Section });
      // A reason the verb refuses is asked for again, with its message beside the box.
      const reasonError = failure.data.fields.reason;
      return reasonError
        ? fail(failure.status, { ...failure.data, confirm: await ask(reasonError) })
        : failure;
    }
    return { section: 'actions' as Section, notice: 'Invoice voided. The client sees it as void.' };
  },

  refundOnline: async (event) => {
    const { ctx } = event.locals;
    const form = await readForm(event.request);
    const paymentId = field(form, 'paymentId');
    const amount = trimmed(form, 'amount');
    const ask = async (error?: string) => {
      const invoice = await loadInvoice(ctx, event.params.id);
      const payment = invoice.payments.find((p) => p.id === paymentId && p.refundableOnlineMinor !== null);
      if (!payment) return null;
      const left = amountInput(payment.refundableOnlineMinor ?? 0, invoice.currency);
      return {
        action: '?/refundOnline',
        fields: { paymentId },
        ...refundOnlineQuestion(payment, { value: amount || left, error }),
      };
    };
    if (!isConfirmed(form)) return { section: 'payment' as Section, confirm: await ask() };
    let done: { amount: string; gateway: string };
    try {
      done = await refundOnline({ ctx, input: { invoiceId: event.params.id, paymentId, amount } });
    } catch (cause) {
      const failure = coreErrorToFail(cause, { section: 'payment' as Section });
      const amountError = failure.data.fields.amount;
      return amountError
        ? fail(failure.status, { ...failure.data, confirm: await ask(amountError) })
        : failure;
    }
    return {
      section: 'payment' as Section,
      notice: `${done.gateway} is refunding ${done.amount}. The refund shows here once ${done.gateway} confirms it.`,
    };
  },

  delete: async (event) => {
    const form = await readForm(event.request);
    if (!isConfirmed(form)) {
      return {
        section: 'actions' as Section,
        confirm: { action: '?/delete', fields: {}, ...deleteDraftQuestion },
      };
    }
    try {
      await deleteDraft({ ctx: event.locals.ctx, input: { id: event.params.id } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'actions' as Section });
    }
    redirect(303, '/admin/invoices?deleted');
  },

  payment: async (event) => {
    const form = await readForm(event.request);
    const kind = field(form, 'kind') === 'refund' ? 'refund' : 'payment';
    const section: Section = kind;
    const echo = {
      amount: trimmed(form, 'amount'),
      paidOn: trimmed(form, 'paidOn'),
      method: trimmed(form, 'method'),
      reference: trimmed(form, 'reference'),
    };
    try {
      await recordPayment({ ctx: event.locals.ctx, input: { id: event.params.id, kind, ...echo } });
    } catch (cause) {
      return coreErrorToFail(cause, { section, echo });
    }
    return {
      section,
      notice:
        kind === 'payment' ? 'Payment recorded. The client gets a receipt by email.' : 'Refund recorded.',
    };
  },
};
