import { listNotifications, unreadCount } from '@foyer/core';
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** How many notifications the bell's dropdown shows; the rest are on /notifications. */
const LATEST = 8;

/** The bell's dropdown, fetched when it opens. */
export const GET: RequestHandler = async ({ locals }) => {
  const { ctx } = locals;
  const [page, unread] = await Promise.all([
    listNotifications({ ctx, input: { limit: LATEST } }),
    unreadCount({ ctx }),
  ]);
  return json(
    { items: page.items, more: page.next !== null, unread, now: ctx.deps.now() },
    { headers: { 'cache-control': 'private, no-store' } },
  );
};
