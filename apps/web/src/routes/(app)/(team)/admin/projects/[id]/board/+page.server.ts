import { createTask, moveTask, taskBoard } from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { field, readForm } from '$lib/server/forms';
import { notFoundAs404, projectHeading } from '$lib/server/tasks';
import { calendarToday } from '$lib/tasks';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const projectId = event.params.id;
  const project = await projectHeading(ctx, projectId);
  const board = await taskBoard({ ctx, input: { projectId } }).catch(notFoundAs404);
  return { project, columns: board.columns, today: calendarToday(ctx.deps.now()) };
};

export const actions: Actions = {
  /** A card dropped (by mouse or keyboard) at `index` of the column `statusId`. */
  move: async (event) => {
    const form = await readForm(event.request);
    const id = field(form, 'id');
    const statusId = field(form, 'statusId');
    const index = Number.parseInt(field(form, 'index'), 10);
    try {
      await moveTask({ ctx: event.locals.ctx, input: { id, statusId, index } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'move' as const });
    }
    return { section: 'move' as const, moved: id };
  },

  /** "Add task" at the foot of a column: a title, in that column, the rest left to the task page. */
  create: async (event) => {
    const form = await readForm(event.request);
    const statusId = field(form, 'statusId');
    const title = field(form, 'title').trim();
    try {
      await createTask({ ctx: event.locals.ctx, input: { projectId: event.params.id, statusId, title } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'create' as const, statusId, title });
    }
    return { section: 'create' as const, statusId, created: title };
  },
};
