import {
  addStatus,
  deleteStatus,
  getWorkSettings,
  listStatuses,
  moveStatus,
  renameStatus,
  reviewSettings,
  updateReviewSettings,
  updateWorkSettings,
} from '@foyer/core';
import type { Confirmation } from '$lib/confirm';
import { coreErrorToFail, fieldFailure } from '$lib/server/errors';
import { field, isConfirmed, readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';
import { deleteColumnQuestion } from './confirm-delete';

export const load: PageServerLoad = async ({ locals }) => {
  const { ctx } = locals;
  const [columns, settings, reviews] = await Promise.all([
    listStatuses({ ctx }),
    getWorkSettings({ ctx }),
    reviewSettings({ ctx }),
  ]);
  return { columns, settings, reviews };
};

/** The form an answer belongs to: adding, the work settings, or one column's. */
type Section = 'add' | 'settings' | 'reviews' | `column:${string}`;

const column = (id: string): Section => `column:${id}`;

export const actions: Actions = {
  rename: async (event) => {
    const form = await readForm(event.request);
    const id = field(form, 'id');
    const name = field(form, 'name');
    try {
      await renameStatus({ ctx: event.locals.ctx, input: { id, name } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: column(id), name });
    }
    return { section: column(id), notice: 'Column renamed.' };
  },

  add: async (event) => {
    const form = await readForm(event.request);
    const name = field(form, 'name');
    const kind = field(form, 'kind');
    try {
      await addStatus({ ctx: event.locals.ctx, input: { name, kind: kind as 'todo' } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'add' as Section, name, kind });
    }
    return { section: 'add' as Section, notice: `“${name.trim()}” added at the end of the board.` };
  },

  move: async (event) => {
    const form = await readForm(event.request);
    const id = field(form, 'id');
    const index = Number.parseInt(field(form, 'index'), 10);
    try {
      await moveStatus({ ctx: event.locals.ctx, input: { id, index: Number.isNaN(index) ? -1 : index } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: column(id) });
    }
    return { section: column(id), moved: true };
  },

  delete: async (event) => {
    const { ctx } = event.locals;
    const form = await readForm(event.request);
    const id = field(form, 'id');
    const moveTo = field(form, 'moveTo');
    if (!isConfirmed(form)) {
      const columns = await listStatuses({ ctx });
      const target = columns.find((c) => c.id === id);
      const destination = columns.find((c) => c.id === moveTo && c.id !== id);
      if (target && target.taskCount > 0 && !destination) {
        const tasks = target.taskCount === 1 ? 'its task' : `its ${target.taskCount} tasks`;
        return fieldFailure(
          { moveTo: `Choose a column for ${tasks}.` },
          { section: column(id), moveTo },
          'This column has tasks: choose where they go.',
        );
      }
      if (target) {
        return {
          section: column(id),
          confirm: {
            action: '?/delete',
            fields: { id, moveTo },
            ...deleteColumnQuestion(target.name, target.taskCount, destination?.name ?? null),
          } satisfies Confirmation,
        };
      }
    }
    let moved: number;
    try {
      ({ moved } = await deleteStatus({ ctx, input: { id, moveTo } }));
    } catch (cause) {
      return coreErrorToFail(cause, { section: column(id), moveTo });
    }
    return {
      section: 'add' as Section,
      notice:
        moved === 0
          ? 'Column deleted.'
          : `Column deleted; its ${moved === 1 ? 'task was' : `${moved} tasks were`} moved.`,
    };
  },

  reviews: async (event) => {
    const form = await readForm(event.request);
    const rule = field(form, 'rule');
    const reminderDays = field(form, 'reminderDays');
    const reviewersNamed = form.has('reviewersNamed');
    try {
      await updateReviewSettings({
        ctx: event.locals.ctx,
        // The input's own checks refuse anything but the two rules, with a message for the field.
        input: { rule: rule as 'any', reminderDays, reviewersNamed },
      });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'reviews' as Section, rule, reminderDays });
    }
    return { section: 'reviews' as Section, notice: 'Client review settings saved.' };
  },

  settings: async (event) => {
    const form = await readForm(event.request);
    const clientsSeeAssignees = form.has('clientsSeeAssignees');
    try {
      await updateWorkSettings({ ctx: event.locals.ctx, input: { clientsSeeAssignees } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'settings' as Section });
    }
    return {
      section: 'settings' as Section,
      notice: clientsSeeAssignees
        ? 'Clients now see who is assigned to the tasks they can see.'
        : 'Clients no longer see who is assigned.',
    };
  },
};
