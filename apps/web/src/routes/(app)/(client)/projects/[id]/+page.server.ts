import { CoreError, clientProject, listFiles } from '@foyer/core';
import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
  try {
    const project = await clientProject({ ctx: locals.ctx, input: { projectId: params.id } });
    const files = project.sections.files
      ? await listFiles({
          ctx: locals.ctx,
          input: { projectId: params.id, everywhere: true, sort: 'date', dir: 'desc', pageSize: 5 },
        })
      : null;
    return {
      project,
      files,
      // For "overdue": due dates are calendar days, compared with today's.
      today: locals.ctx.deps.now().toISOString().slice(0, 10),
    };
  } catch (failure) {
    // A project the client cannot read is one that does not exist, as far as they can tell.
    if (failure instanceof CoreError && (failure.code === 'not_found' || failure.code === 'validation'))
      error(404, 'That project doesn’t exist, or it isn’t shared with you.');
    throw failure;
  }
};
