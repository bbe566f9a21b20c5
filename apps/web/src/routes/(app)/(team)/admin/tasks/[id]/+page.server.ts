import {
  archiveTask,
  deleteTask,
  duplicateTask,
  getTask,
  listFiles,
  reviewSubmitForm,
  setClientReview,
  setTaskVisibility,
  submitRound,
  TASK_AUDIENCE_REASONS,
  taskAudience,
  taskFormOptions,
  taskReview,
  taskThread,
  updateTask,
} from '@foyer/core';
import { fail, redirect } from '@sveltejs/kit';
import type { SubmitEcho } from '$lib/reviews';
import { commentActions } from '$lib/server/comment-actions';
import { coreErrorToFail } from '$lib/server/errors';
import { field, isConfirmed, readForm } from '$lib/server/forms';
import { submitRoundForm } from '$lib/server/reviews';
import { notFoundAs404 } from '$lib/server/tasks';
import { calendarToday, echoTaskForm, taskFormInput } from '$lib/tasks';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { deleteTaskQuestion } from './confirm-delete';

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const id = event.params.id;
  const task = await getTask({ ctx, input: { id } }).catch(notFoundAs404);
  const [options, audience, thread, files, review] = await Promise.all([
    taskFormOptions({ ctx, input: { projectId: task.projectId } }),
    taskAudience({ ctx, input: { id } }),
    taskThread({ ctx, input: { taskId: id } }),
    listFiles({ ctx, input: { projectId: task.projectId, taskId: id, sort: 'date', dir: 'desc' } }),
    taskReview({ ctx, input: { taskId: id } }),
  ]);
  // The submit form's choices only matter while Client Review is on.
  const submitForm = review?.enabled ? await reviewSubmitForm({ ctx, input: { taskId: id } }) : null;
  const params = event.url.searchParams;
  return {
    task,
    options,
    thread,
    files,
    review,
    submitForm,
    uploads: ctx.deps.files.uploads,
    audience: {
      projectArchived: audience.projectArchived,
      clients: audience.clients.map((client) => ({
        ...client,
        why: client.reasons.map((reason) => TASK_AUDIENCE_REASONS[reason]),
      })),
    },
    created: params.has('created'),
    duplicated: params.has('duplicated'),
    today: calendarToday(ctx.deps.now()),
    now: ctx.deps.now(),
  };
};

/** Which panel an answer belongs to, so it is shown beside the right form. */
type Section = 'edit' | 'visibility' | 'actions' | 'review' | 'submit';

async function taskOf(event: RequestEvent) {
  return getTask({ ctx: event.locals.ctx, input: { id: event.params.id } }).catch(notFoundAs404);
}

export const actions: Actions = {
  ...commentActions,

  update: async (event) => {
    const form = await readForm(event.request);
    const input = taskFormInput(form, { clear: true });
    try {
      await updateTask({ ctx: event.locals.ctx, input: { id: event.params.id, ...input } });
    } catch (cause) {
      return coreErrorToFail(cause, {
        section: 'edit' as Section,
        values: echoTaskForm(input),
      });
    }
    return { section: 'edit' as Section, notice: 'Task saved.' };
  },

  visibility: async (event) => {
    const form = await readForm(event.request);
    const choice = field(form, 'clientVisible');
    // The toggle always says which way; a post that does not changes nothing.
    if (choice !== 'true' && choice !== 'false')
      return fail(400, {
        section: 'visibility' as Section,
        message: 'Choose whether clients see this task.',
      });
    const clientVisible = choice === 'true';
    try {
      await setTaskVisibility({ ctx: event.locals.ctx, input: { id: event.params.id, clientVisible } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'visibility' as Section });
    }
    return {
      section: 'visibility' as Section,
      notice: clientVisible
        ? 'Visible to clients now. Those who can see it have been told.'
        : 'Internal now: clients no longer see it.',
    };
  },

  clientReview: async (event) => {
    const form = await readForm(event.request);
    const enabled = field(form, 'enabled') === 'true';
    try {
      await setClientReview({ ctx: event.locals.ctx, input: { taskId: event.params.id, enabled } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'review' as Section });
    }
    return {
      section: 'review' as Section,
      notice: enabled
        ? 'Client Review is on: submit a round when the work is ready.'
        : 'Client Review is off. Its history stays on the task.',
    };
  },

  submitRound: async (event) => {
    const form = await readForm(event.request);
    const { input, echo } = submitRoundForm(event.params.id, form);
    let round: { n: number };
    try {
      round = await submitRound({ ctx: event.locals.ctx, input });
    } catch (cause) {
      // A conflict naming shareTask is the server asking to confirm sharing an internal task.
      return coreErrorToFail(cause, { section: 'submit' as Section, echo: echo satisfies SubmitEcho });
    }
    return {
      section: 'submit' as Section,
      notice: `Round ${round.n} is with the reviewers. They’ve been told by email.`,
    };
  },

  duplicate: async (event) => {
    let id: string;
    try {
      ({ id } = await duplicateTask({ ctx: event.locals.ctx, input: { id: event.params.id } }));
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'actions' as Section });
    }
    redirect(303, `/admin/tasks/${id}?duplicated`);
  },

  archive: async (event) => {
    const form = await readForm(event.request);
    const archived = field(form, 'archived') === 'true';
    try {
      await archiveTask({ ctx: event.locals.ctx, input: { id: event.params.id, archived } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'actions' as Section });
    }
    return {
      section: 'actions' as Section,
      notice: archived
        ? 'Archived: it is off the board and hidden from clients. Unarchive it to bring it back.'
        : 'Unarchived: it is back on the board.',
    };
  },

  delete: async (event) => {
    const form = await readForm(event.request);
    const task = await taskOf(event);
    if (!isConfirmed(form)) {
      return {
        section: 'actions' as Section,
        confirm: { action: '?/delete', fields: {}, ...deleteTaskQuestion(task.title, task.commentCount) },
      };
    }
    try {
      await deleteTask({ ctx: event.locals.ctx, input: { id: event.params.id } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'actions' as Section });
    }
    redirect(303, `/admin/projects/${task.projectId}/tasks?deleted=1`);
  },
};
