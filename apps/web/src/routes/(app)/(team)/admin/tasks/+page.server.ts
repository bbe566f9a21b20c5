import { listTasks } from '@foyer/core';
import { person } from '$lib/server/session';
import { notFoundAs404 } from '$lib/server/tasks';
import { calendarToday, readTaskQuery, taskFilters } from '$lib/tasks';
import type { PageServerLoad } from './$types';

/** "My tasks": what is assigned to the signed-in team member, across their projects, by due date. */
export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const query = readTaskQuery(event.url.searchParams);
  // Across projects, columns and milestones are not one list to choose from; the assignee is "me".
  const mine = { ...query, status: '', milestone: '', assignee: '' };
  const filters = {
    ...taskFilters(mine, person(event.locals).user.id),
    sort: mine.sort || 'due',
    mine: true,
  };
  const list = await listTasks({ ctx, input: filters }).catch(notFoundAs404);
  return { list, query: mine, today: calendarToday(ctx.deps.now()) };
};
