import { bulkUpdateTasks, listTasks, taskFormOptions } from '@foyer/core';
import { coreErrorToFail, fieldFailure } from '$lib/server/errors';
import { field, readForm } from '$lib/server/forms';
import { person } from '$lib/server/session';
import { notFoundAs404, projectHeading } from '$lib/server/tasks';
import { calendarToday, readTaskQuery, taskFilters } from '$lib/tasks';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const projectId = event.params.id;
  const project = await projectHeading(ctx, projectId);
  const query = readTaskQuery(event.url.searchParams);
  const me = person(event.locals).user.id;
  const [options, list] = await Promise.all([
    taskFormOptions({ ctx, input: { projectId } }),
    listTasks({ ctx, input: { ...taskFilters(query, me), projectId } }).catch(notFoundAs404),
  ]);
  return {
    project,
    options,
    list,
    query,
    deleted: event.url.searchParams.has('deleted'),
    today: calendarToday(ctx.deps.now()),
  };
};

export const actions: Actions = {
  /** The bulk bar: the ticked tasks get the chosen column, assignee and/or visibility. */
  bulk: async (event) => {
    const form = await readForm(event.request);
    const ids = form
      .getAll('ids')
      .filter((value): value is string => typeof value === 'string' && value !== '');
    const statusId = field(form, 'statusId');
    const assignee = field(form, 'assigneeId');
    const visibility = field(form, 'clientVisible');
    if (ids.length === 0)
      return fieldFailure({ ids: 'Tick the tasks to change first.' }, { section: 'bulk' as const });
    if (!statusId && !assignee && !visibility) {
      return fieldFailure(
        { change: 'Choose a column, an assignee or a visibility to apply.' },
        { section: 'bulk' as const },
      );
    }
    const input = {
      ids,
      ...(statusId ? { statusId } : {}),
      ...(assignee ? { assigneeId: assignee === 'none' ? null : assignee } : {}),
      ...(visibility ? { clientVisible: visibility === 'client' } : {}),
    };
    let updated: number;
    try {
      ({ updated } = await bulkUpdateTasks({ ctx: event.locals.ctx, input }));
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'bulk' as const });
    }
    return {
      section: 'bulk' as const,
      notice: updated === 1 ? '1 task updated.' : `${updated} tasks updated.`,
    };
  },
};
