import { createTask, taskFormOptions } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { readForm } from '$lib/server/forms';
import { projectHeading } from '$lib/server/tasks';
import { echoTaskForm, taskFormInput } from '$lib/tasks';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const projectId = event.params.id;
  const project = await projectHeading(ctx, projectId);
  const options = await taskFormOptions({ ctx, input: { projectId } });
  // "Add task" from a column may name it; otherwise the first to-do column.
  const asked = event.url.searchParams.get('status');
  const status =
    options.statuses.find((s) => s.id === asked) ??
    options.statuses.find((s) => s.kind === 'todo') ??
    options.statuses[0];
  return { project, options, statusId: status?.id ?? '' };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await readForm(event.request);
    const input = taskFormInput(form, { clear: false });
    let id: string;
    try {
      ({ id } = await createTask({
        ctx: event.locals.ctx,
        input: {
          ...input,
          projectId: event.params.id,
          dueDate: input.dueDate ?? undefined,
          milestoneId: input.milestoneId ?? undefined,
        },
      }));
    } catch (cause) {
      return coreErrorToFail(cause, { values: echoTaskForm(input) });
    }
    redirect(303, `/admin/tasks/${id}?created`);
  },
};
