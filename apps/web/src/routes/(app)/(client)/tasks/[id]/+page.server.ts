import { CoreError, getClientTask, listFiles, taskThread, transact } from '@foyer/core';
import { error } from '@sveltejs/kit';
import { clientCommentActions } from '$lib/server/comment-actions';
import type { Actions, PageServerLoad } from './$types';

const NOT_FOUND = 'That task doesn’t exist, or it isn’t shared with you.';

export const load: PageServerLoad = async ({ locals, params }) => {
  const { ctx } = locals;
  try {
    // The task and its thread in one transaction: both as the client's policies show them.
    return await transact(ctx, async (tx) => {
      const task = await getClientTask({ ctx: tx, input: { id: params.id } });
      return {
        task,
        thread: await taskThread({ ctx: tx, input: { taskId: params.id } }),
        files: await listFiles({
          ctx: tx,
          input: { projectId: task.projectId, taskId: task.id, sort: 'date', dir: 'desc' },
        }),
        uploads: ctx.deps.files.uploads,
        now: ctx.deps.now(),
        today: ctx.deps.now().toISOString().slice(0, 10),
      };
    });
  } catch (failure) {
    // A task made internal (or archived, or never shared) is simply not there for the client.
    if (failure instanceof CoreError && (failure.code === 'not_found' || failure.code === 'validation'))
      error(404, NOT_FOUND);
    throw failure;
  }
};

export const actions: Actions = { ...clientCommentActions };
