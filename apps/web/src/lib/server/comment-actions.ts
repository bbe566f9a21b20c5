import { deleteComment, editComment, postComment, setCommentVisibility } from '@foyer/core';
import type { RequestEvent } from '@sveltejs/kit';
import { coreErrorToFail } from './errors';
import { field, isConfirmed, readForm } from './forms';

/**
 * The form actions of a task's comment thread, shared by the team's task page and the client's:
 * each page spreads them into its `actions`, and `TaskComments.svelte` posts to them. The task is
 * the page's (`params.id`); who may do what is core's to decide (a client's comment is internal,
 * only the author edits or deletes, only the team shares). Every answer carries `commentAction`
 * (and the comment's id) so the thread shows it beside the right form, apart from the page's own.
 */

type CommentEvent = RequestEvent<{ id: string }>;
export type CommentAction = 'comment' | 'edit' | 'delete' | 'share';

/** The question before a comment is deleted (asked in a dialog, or as a step without JS). */
export const deleteCommentQuestion = {
  title: 'Delete this comment?',
  message: 'Its text is removed for everyone. A “Comment deleted” marker stays in its place.',
  confirmLabel: 'Delete comment',
};

const visible = (value: string) => value === 'yes';

export const commentActions = {
  comment: async ({ locals, params, request }: CommentEvent) => {
    const form = await readForm(request);
    const body = field(form, 'body');
    const clientVisible = visible(field(form, 'clientVisible'));
    try {
      await postComment({ ctx: locals.ctx, input: { taskId: params.id, body, clientVisible } });
    } catch (cause) {
      return coreErrorToFail(cause, { commentAction: 'comment' as CommentAction, body, clientVisible });
    }
    return {
      commentAction: 'comment' as CommentAction,
      notice: clientVisible ? 'Comment posted. Clients on the project can see it.' : 'Comment posted.',
    };
  },

  editComment: async ({ locals, request }: CommentEvent) => {
    const form = await readForm(request);
    const id = field(form, 'commentId');
    const body = field(form, 'body');
    try {
      await editComment({ ctx: locals.ctx, input: { id, body } });
    } catch (cause) {
      return coreErrorToFail(cause, { commentAction: 'edit' as CommentAction, commentId: id, body });
    }
    return { commentAction: 'edit' as CommentAction, commentId: id, notice: 'Comment saved.' };
  },

  deleteComment: async ({ locals, request }: CommentEvent) => {
    const form = await readForm(request);
    const id = field(form, 'commentId');
    if (!isConfirmed(form)) {
      return {
        commentAction: 'delete' as CommentAction,
        commentId: id,
        commentConfirm: { action: '?/deleteComment', fields: { commentId: id }, ...deleteCommentQuestion },
      };
    }
    try {
      await deleteComment({ ctx: locals.ctx, input: { id } });
    } catch (cause) {
      return coreErrorToFail(cause, { commentAction: 'delete' as CommentAction, commentId: id });
    }
    return { commentAction: 'delete' as CommentAction, commentId: id, notice: 'Comment deleted.' };
  },

  shareComment: async ({ locals, request }: CommentEvent) => {
    const form = await readForm(request);
    const id = field(form, 'commentId');
    const clientVisible = visible(field(form, 'clientVisible'));
    try {
      await setCommentVisibility({ ctx: locals.ctx, input: { id, clientVisible } });
    } catch (cause) {
      return coreErrorToFail(cause, { commentAction: 'share' as CommentAction, commentId: id });
    }
    return {
      commentAction: 'share' as CommentAction,
      commentId: id,
      notice: clientVisible ? 'Shared with the project’s clients.' : 'The comment is internal now.',
    };
  },
};

/** The client's task page: the same, less sharing, which only the team does. */
export const clientCommentActions = {
  comment: commentActions.comment,
  editComment: commentActions.editComment,
  deleteComment: commentActions.deleteComment,
};
