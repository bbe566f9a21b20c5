import {
  CoreError,
  decideReview,
  getClientTask,
  listFiles,
  previewKind,
  taskReview,
  taskThread,
  transact,
} from '@foyer/core';
import { error } from '@sveltejs/kit';
import type { Confirmation } from '$lib/confirm';
import { approveQuestion } from '$lib/reviews';
import { clientCommentActions } from '$lib/server/comment-actions';
import { coreErrorToFail } from '$lib/server/errors';
import { isConfirmed, readForm } from '$lib/server/forms';
import { decideForm } from '$lib/server/reviews';
import type { Actions, PageServerLoad } from './$types';

const NOT_FOUND = 'That task doesn’t exist, or it isn’t shared with you.';

export const load: PageServerLoad = async ({ locals, params }) => {
  const { ctx } = locals;
  try {
    // The task and its thread in one transaction: both as the client's policies show them.
    const page = await transact(ctx, async (tx) => {
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
    // The review after it, not inside: it verifies the trail on a connection of its own, which
    // would wait for this transaction on a single-connection database (PGlite). Null without the
    // `review` permission: the page then shows nothing of reviews.
    const review = await taskReview({ ctx, input: { taskId: page.task.id } });
    return {
      ...page,
      review,
      // Which deliverables of the open round preview in the page (images take a pin's point).
      reviewKinds:
        review?.current?.deliverables.map((item) =>
          item.kind === 'file' ? previewKind(item.contentType) : null,
        ) ?? [],
    };
  } catch (failure) {
    // A task made internal (or archived, or never shared) is simply not there for the client.
    if (failure instanceof CoreError && (failure.code === 'not_found' || failure.code === 'validation'))
      error(404, NOT_FOUND);
    throw failure;
  }
};

export const actions: Actions = {
  ...clientCommentActions,

  decide: async (event) => {
    const form = await readForm(event.request);
    const { input, echo } = decideForm(event.params.id, form);
    const review = await taskReview({ ctx: event.locals.ctx, input: { taskId: event.params.id } }).catch(
      () => null,
    );
    const n = review?.current?.id === input.roundId ? review.current.n : null;
    // Without JavaScript the approval's question comes back as a page step.
    if (input.decision === 'approved' && !isConfirmed(form) && n !== null) {
      return {
        section: 'decide' as const,
        confirm: {
          action: '?/decide',
          fields: { roundId: input.roundId, decision: 'approved' },
          ...approveQuestion(n),
        } satisfies Confirmation,
      };
    }
    let state: string;
    try {
      ({ state } = await decideReview({ ctx: event.locals.ctx, input }));
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'decide' as const, echo });
    }
    const round = n === null ? 'the round' : `round ${n}`;
    return {
      section: 'decide' as const,
      notice:
        input.decision === 'approved'
          ? state === 'approved'
            ? `Thank you: you approved ${round}. The team has been told.`
            : `Thank you: your approval of ${round} is recorded. It waits for the other reviewers.`
          : `Thank you: your request for revisions on ${round} is with the team. They’ve been told.`,
    };
  },
};
