import {
  addParticipants,
  CoreError,
  deleteMessage,
  editMessage,
  getConversation,
  getMessage,
  markThreadRead,
  postMessage,
  REACTIONS,
  removeParticipant,
  renameConversation,
  toggleReaction,
} from '@foyer/core';
import { error, json, type RequestEvent } from '@sveltejs/kit';
import { coreErrorToFail, fieldFailure } from './errors';
import { field, isConfirmed, readForm, trimmed } from './forms';

/**
 * The form actions and loads of a conversation's page, shared by the team's page
 * (`/admin/messages/[id]`) and the client's (`/messages/[id]`): each page spreads the actions
 * into its own, and `ConversationThread.svelte` posts to them. Who may do what is core's to
 * decide. Every answer names its action (`convoAction`) and, where one is concerned, the message,
 * so the thread shows it beside the right form.
 */

type ThreadEvent = RequestEvent<{ id: string }>;
export type ConvoAction = 'post' | 'edit' | 'delete' | 'react' | 'rename' | 'add' | 'remove';

/** The question before a message is deleted (asked in a dialog, or as a step without JS). */
export const deleteMessageQuestion = {
  title: 'Delete this message?',
  message: 'Its text and files are removed for everyone. A “Message deleted” marker stays in its place.',
  confirmLabel: 'Delete message',
};

/** A conversation the person may not read, or an id that names none, is simply not there. */
export function conversationNotFound(cause: unknown): never {
  if (cause instanceof CoreError && (cause.code === 'not_found' || cause.code === 'validation'))
    error(404, 'That conversation doesn’t exist, or you’re not in it.');
  throw cause;
}

/**
 * The page's data: the conversation (its latest messages, or those before `?before=`), marked
 * read for the person as it is shown, and the upload rules for the composer.
 */
export async function loadConversation(event: ThreadEvent) {
  const { ctx } = event.locals;
  const before = event.url.searchParams.get('before') || undefined;
  const conversation = await getConversation({ ctx, input: { id: event.params.id, before } }).catch(
    conversationNotFound,
  );
  // Seeing the latest messages reads them; an admin previewing as a client leaves no mark. A
  // refusal (an admin reading a discussion they are not in) leaves the page as it is.
  if (!before && !event.locals.preview)
    await markThreadRead({ ctx, input: { threadId: conversation.id } }).catch((cause: unknown) => {
      if (!(cause instanceof CoreError)) throw cause;
    });
  return {
    conversation,
    uploads: ctx.deps.files.uploads,
    now: ctx.deps.now(),
  };
}

/** A message of the open conversation as JSON, for live updates (dates as ISO strings). */
export async function messageJson(event: ThreadEvent): Promise<Response> {
  const id = event.url.searchParams.get('message') ?? '';
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
    error(400, 'Name a message: ?message=<id>.');
  const message = await getMessage({ ctx: event.locals.ctx, input: { id } }).catch(conversationNotFound);
  if (message.threadId !== event.params.id) error(404, 'That message isn’t in this conversation.');
  return json({ message }, { headers: { 'cache-control': 'no-store' } });
}

/** Marks the open conversation read (the page, visible, saw new messages arrive live). */
export async function markReadJson(event: ThreadEvent): Promise<Response> {
  if (event.locals.preview) return new Response(null, { status: 204 });
  await markThreadRead({ ctx: event.locals.ctx, input: { threadId: event.params.id } }).catch(
    conversationNotFound,
  );
  return new Response(null, { status: 204 });
}

const messageActions = {
  post: async ({ locals, params, request }: ThreadEvent) => {
    const form = await readForm(request);
    const body = field(form, 'body');
    const replyToId = field(form, 'replyToId') || undefined;
    const mentions = form
      .getAll('mentions')
      .filter((value): value is string => typeof value === 'string' && value !== '');
    let id: string;
    try {
      ({ id } = await postMessage({
        ctx: locals.ctx,
        input: { threadId: params.id, body, replyToId, mentions },
      }));
    } catch (cause) {
      return coreErrorToFail(cause, { convoAction: 'post' as ConvoAction, body, replyToId: replyToId ?? '' });
    }
    return { convoAction: 'post' as ConvoAction, messageId: id };
  },

  edit: async ({ locals, request }: ThreadEvent) => {
    const form = await readForm(request);
    const id = field(form, 'messageId');
    const body = field(form, 'body');
    try {
      await editMessage({ ctx: locals.ctx, input: { id, body } });
    } catch (cause) {
      return coreErrorToFail(cause, { convoAction: 'edit' as ConvoAction, messageId: id, body });
    }
    return { convoAction: 'edit' as ConvoAction, messageId: id, notice: 'Message saved.' };
  },

  delete: async ({ locals, request }: ThreadEvent) => {
    const form = await readForm(request);
    const id = field(form, 'messageId');
    if (!isConfirmed(form)) {
      return {
        convoAction: 'delete' as ConvoAction,
        messageId: id,
        convoConfirm: { action: '?/delete', fields: { messageId: id }, ...deleteMessageQuestion },
      };
    }
    try {
      await deleteMessage({ ctx: locals.ctx, input: { id } });
    } catch (cause) {
      return coreErrorToFail(cause, { convoAction: 'delete' as ConvoAction, messageId: id });
    }
    return { convoAction: 'delete' as ConvoAction, messageId: id, notice: 'Message deleted.' };
  },

  react: async ({ locals, request }: ThreadEvent) => {
    const form = await readForm(request);
    const id = field(form, 'messageId');
    const emoji = REACTIONS.find((known) => known === field(form, 'emoji'));
    if (!emoji)
      return fieldFailure(
        { emoji: 'Choose one of the reactions.' },
        { convoAction: 'react' as ConvoAction, messageId: id },
        'Choose one of the reactions.',
      );
    try {
      await toggleReaction({ ctx: locals.ctx, input: { id, emoji } });
    } catch (cause) {
      return coreErrorToFail(cause, { convoAction: 'react' as ConvoAction, messageId: id });
    }
    return { convoAction: 'react' as ConvoAction, messageId: id };
  },
};

/** The client's conversation page: messages only (the team manages the conversation). */
export const clientConversationActions = messageActions;

/** The team's: messages, and for those who manage it, its title and people. */
export const teamConversationActions = {
  ...messageActions,

  rename: async ({ locals, params, request }: ThreadEvent) => {
    const form = await readForm(request);
    const title = trimmed(form, 'title');
    try {
      await renameConversation({ ctx: locals.ctx, input: { threadId: params.id, title } });
    } catch (cause) {
      return coreErrorToFail(cause, { convoAction: 'rename' as ConvoAction, title });
    }
    return { convoAction: 'rename' as ConvoAction, notice: 'Conversation renamed.' };
  },

  add: async ({ locals, params, request }: ThreadEvent) => {
    const form = await readForm(request);
    const people = form.getAll('people').filter((value): value is string => typeof value === 'string');
    if (people.length === 0)
      return fieldFailure(
        { people: 'Choose someone to add.' },
        { convoAction: 'add' as ConvoAction },
        'Choose someone to add.',
      );
    try {
      await addParticipants({ ctx: locals.ctx, input: { threadId: params.id, people } });
    } catch (cause) {
      return coreErrorToFail(cause, { convoAction: 'add' as ConvoAction });
    }
    return {
      convoAction: 'add' as ConvoAction,
      notice:
        people.length === 1
          ? 'Added to the conversation.'
          : `${people.length} people added to the conversation.`,
    };
  },

  remove: async ({ locals, params, request }: ThreadEvent) => {
    const form = await readForm(request);
    const userId = field(form, 'userId');
    const name = field(form, 'name');
    if (!isConfirmed(form)) {
      return {
        convoAction: 'remove' as ConvoAction,
        convoConfirm: {
          action: '?/remove',
          fields: { userId, name },
          title: `Remove ${name || 'this person'} from the conversation?`,
          message: 'They stop seeing it, its earlier messages included. You can add them again later.',
          confirmLabel: 'Remove',
        },
      };
    }
    try {
      await removeParticipant({ ctx: locals.ctx, input: { threadId: params.id, userId } });
    } catch (cause) {
      return coreErrorToFail(cause, { convoAction: 'remove' as ConvoAction });
    }
    return { convoAction: 'remove' as ConvoAction, notice: `${name || 'They'} left the conversation.` };
  },
};
