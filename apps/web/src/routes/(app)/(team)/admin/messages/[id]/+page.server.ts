import { conversationCandidates, type PersonChip, REACTIONS } from '@foyer/core';
import { loadConversation, teamConversationActions } from '$lib/server/conversation-actions';
import { person } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const page = await loadConversation(event);
  const { conversation } = page;
  // Who may be added, for those who manage the conversation: its kind's candidates not yet in it.
  let candidates: PersonChip[] = [];
  if (conversation.canManage && conversation.kind !== 'task') {
    const inIt = new Set(conversation.people.map((chip) => chip.id));
    candidates = (
      await conversationCandidates({
        ctx: event.locals.ctx,
        input: { kind: conversation.kind, projectId: conversation.projectId ?? undefined },
      })
    ).filter((chip) => !inIt.has(chip.id));
  }
  return { ...page, candidates, reactions: REACTIONS, me: person(event.locals).user.id };
};

export const actions: Actions = teamConversationActions;
