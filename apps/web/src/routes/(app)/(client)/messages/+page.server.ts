import { listConversations, portalNav } from '@foyer/core';
import { error } from '@sveltejs/kit';
import { person } from '$lib/server/session';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  event.depends('app:conversations');
  // Without `messages` a client has no conversations to see, nor a link here.
  if (!(await portalNav({ ctx })).messages) error(404, 'Not found');
  const items = await listConversations({ ctx, input: {} });
  return { items, me: person(event.locals).user.id, now: ctx.deps.now() };
};
