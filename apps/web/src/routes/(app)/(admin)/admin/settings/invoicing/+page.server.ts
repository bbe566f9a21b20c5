import {
  archiveTaxRate,
  createTaxRate,
  getInvoiceSettings,
  updateInvoiceSettings,
  updateTaxRate,
} from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { field, readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
  invoicing: await getInvoiceSettings({ ctx: locals.ctx }),
});

/** The form an answer belongs to: the settings, a new rate, or one rate's. */
type Section = 'settings' | 'add' | `rate:${string}`;
const rate = (id: string): Section => `rate:${id}`;

const SETTINGS_FIELDS = [
  'numberPrefix',
  'numberWidth',
  'nextNumber',
  'defaultCurrency',
  'defaultDueDays',
  'remindDaysBefore',
  'remindEveryDaysAfter',
] as const;

export const actions: Actions = {
  settings: async (event) => {
    const form = await readForm(event.request);
    const echo = Object.fromEntries(SETTINGS_FIELDS.map((name) => [name, field(form, name)])) as Record<
      (typeof SETTINGS_FIELDS)[number],
      string
    >;
    try {
      await updateInvoiceSettings({
        ctx: event.locals.ctx,
        input: { ...echo, remindOnDueDate: form.has('remindOnDueDate') },
      });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'settings' as Section, echo });
    }
    return { section: 'settings' as Section, notice: 'Invoicing settings saved.' };
  },

  add: async (event) => {
    const form = await readForm(event.request);
    const name = field(form, 'name');
    const value = field(form, 'rate');
    const inclusive = form.has('inclusive');
    try {
      await createTaxRate({ ctx: event.locals.ctx, input: { name, rate: value, inclusive } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'add' as Section, name, rate: value, inclusive });
    }
    return { section: 'add' as Section, notice: `${name.trim()} added.` };
  },

  update: async (event) => {
    const form = await readForm(event.request);
    const id = field(form, 'id');
    const name = field(form, 'name');
    const value = field(form, 'rate');
    const inclusive = form.has('inclusive');
    try {
      await updateTaxRate({ ctx: event.locals.ctx, input: { id, name, rate: value, inclusive } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: rate(id), name, rate: value, inclusive });
    }
    return { section: rate(id), notice: 'Saved. Invoices already issued keep the rate they were taxed at.' };
  },

  archive: async (event) => {
    const form = await readForm(event.request);
    const id = field(form, 'id');
    const archived = field(form, 'archived') === 'true';
    try {
      await archiveTaxRate({ ctx: event.locals.ctx, input: { id, archived } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: rate(id) });
    }
    return {
      section: rate(id),
      notice: archived ? 'Archived: it is no longer offered for new invoice lines.' : 'Restored.',
    };
  },
};
