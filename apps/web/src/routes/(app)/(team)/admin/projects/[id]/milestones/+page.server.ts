import {
  CoreError,
  completeMilestone,
  createMilestone,
  deleteMilestone,
  listMilestones,
  moveMilestone,
  updateMilestone,
} from '@foyer/core';
import { error, fail } from '@sveltejs/kit';
import type { Confirmation } from '$lib/confirm';
import { coreErrorToFail } from '$lib/server/errors';
import { field, isConfirmed, readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { deleteMilestoneQuestion } from './confirm-delete';

/** A project this person may not see, or an id that names none, is simply not there. */
function notFoundAs404(cause: unknown): never {
  if (cause instanceof CoreError && (cause.code === 'not_found' || cause.code === 'validation')) error(404);
  throw cause;
}

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const data = await listMilestones({ ctx, input: { projectId: event.params.id } }).catch(notFoundAs404);
  return { ...data, now: ctx.deps.now() };
};

/** The form an answer belongs to: the new-milestone form, or one milestone's. */
type Section = 'create' | `milestone:${string}`;

const section = (id: string): Section => `milestone:${id}`;

async function setup(event: RequestEvent) {
  const form = await readForm(event.request);
  return { ctx: event.locals.ctx, form, id: field(form, 'id') };
}

/** The milestone's fields as its forms post them; the box is ticked or left out. */
function details(form: FormData) {
  return {
    name: field(form, 'name'),
    description: field(form, 'description'),
    targetDate: field(form, 'targetDate'),
    clientVisible: form.has('clientVisible'),
  };
}

export const actions: Actions = {
  create: async (event) => {
    const { ctx, form } = await setup(event);
    const input = details(form);
    try {
      await createMilestone({ ctx, input: { projectId: event.params.id, ...input } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'create' as Section, ...input });
    }
    return {
      section: 'create' as Section,
      notice: input.clientVisible
        ? 'Milestone added. Clients on the project can see it now.'
        : 'Milestone added. It’s internal until you make it client-visible.',
    };
  },

  update: async (event) => {
    const { ctx, form, id } = await setup(event);
    const input = details(form);
    try {
      await updateMilestone({ ctx, input: { id, ...input } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: section(id), ...input });
    }
    return { section: section(id), notice: 'Milestone saved.' };
  },

  visibility: async (event) => {
    const { ctx, form, id } = await setup(event);
    const clientVisible = field(form, 'clientVisible') === 'yes';
    try {
      await updateMilestone({ ctx, input: { id, clientVisible } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: section(id) });
    }
    return {
      section: section(id),
      notice: clientVisible
        ? 'Clients on the project can see this milestone now.'
        : 'This milestone is internal now: clients no longer see it.',
    };
  },

  complete: async (event) => {
    const { ctx, form, id } = await setup(event);
    const completed = field(form, 'completed') === 'yes';
    try {
      await completeMilestone({ ctx, input: { id, completed } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: section(id) });
    }
    return { section: section(id), notice: completed ? 'Marked complete.' : 'Open again.' };
  },

  move: async (event) => {
    const { ctx, form, id } = await setup(event);
    const index = Number.parseInt(field(form, 'index'), 10);
    try {
      await moveMilestone({ ctx, input: { id, index: Number.isNaN(index) ? -1 : index } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: section(id) });
    }
    return { section: section(id), moved: true };
  },

  delete: async (event) => {
    const { ctx, form, id } = await setup(event);
    if (!id) return fail(400, { section: 'create' as Section, message: 'Choose a milestone to delete.' });
    if (!isConfirmed(form)) {
      const list = await listMilestones({ ctx, input: { projectId: event.params.id } }).catch(notFoundAs404);
      const milestone = list.milestones.find((m) => m.id === id);
      if (!milestone) return coreErrorToFail(new CoreError('not_found', 'That milestone doesn’t exist.'), {});
      return {
        confirm: {
          action: '?/delete',
          fields: { id },
          ...deleteMilestoneQuestion(milestone.name, milestone.taskCount),
        } satisfies Confirmation,
      };
    }
    try {
      await deleteMilestone({ ctx, input: { id } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: section(id) });
    }
    return { section: 'create' as Section, notice: 'Milestone deleted. Its tasks are still on the project.' };
  },
};
