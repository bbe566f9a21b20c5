import { REACTIONS } from '@foyer/core';
import { clientConversationActions, loadConversation } from '$lib/server/conversation-actions';
import { person } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => ({
  ...(await loadConversation(event)),
  reactions: REACTIONS,
  me: person(event.locals).user.id,
});

export const actions: Actions = clientConversationActions;
