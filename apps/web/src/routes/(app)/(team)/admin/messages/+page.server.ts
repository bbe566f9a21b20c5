import { listConversations } from '@foyer/core';
import { isKind } from '$lib/conversations';
import { person } from '$lib/server/session';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  // Live events reload the list (see ConversationList).
  event.depends('app:conversations');
  const raw = event.url.searchParams.get('kind');
  const kind = isKind(raw) ? raw : null;
  const items = await listConversations({ ctx, input: kind ? { kind } : {} });
  return { items, kind, me: person(event.locals).user.id, now: ctx.deps.now() };
};
