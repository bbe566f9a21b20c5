import { CoreError, inputs, listNotifications, markAllRead, markRead } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { parseForm } from '$lib/server/forms';
import { safeNext } from '$lib/server/redirects';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 20;

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const before = event.url.searchParams.get('before');
  try {
    const page = await listNotifications({ ctx, input: { before, limit: PAGE_SIZE } });
    return { items: page.items, next: page.next, paged: before !== null, now: ctx.deps.now() };
  } catch (error) {
    // A mangled page link starts over at the newest.
    if (error instanceof CoreError && error.code === 'validation') redirect(303, '/notifications');
    throw error;
  }
};

export const actions: Actions = {
  /** Opening a notification marks it read, then goes where it points (only paths on this host). */
  open: async (event) => {
    const { ctx } = event.locals;
    const input = await parseForm(event.request, inputs.notificationInput);
    // A mangled id names no notification: back to the list, as for one that is gone.
    if (!input.ok) redirect(303, '/notifications');
    let link: string | null = null;
    try {
      ({ link } = await markRead({ ctx, input: { id: input.data.id } }));
    } catch (error) {
      // In a preview (read-only) the notification opens without being marked read.
      if (!(error instanceof CoreError && (error.code === 'not_found' || ctx.previewBy))) throw error;
    }
    redirect(303, safeNext(link) ?? '/notifications');
  },

  readAll: async (event) => {
    const { ctx } = event.locals;
    const marked = await markAllRead({ ctx });
    return { readAll: marked };
  },
};
