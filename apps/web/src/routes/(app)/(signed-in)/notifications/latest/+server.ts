import { listNotifications, unreadCount } from '@foyer/core';
import { json } from '@sveltejs/kit';
import { requirePlatform } from '$lib/server/platform';
import { requireUser } from '$lib/server/session';
import type { RequestHandler } from './$types';

/** How many notifications the bell's dropdown shows; the rest are on /notifications. */
const LATEST = 8;

/** The bell's dropdown, fetched when it opens. */
export const GET: RequestHandler = async (event) => {
  const me = requireUser(event);
  const { core } = requirePlatform(event.platform);
  const [page, unread] = await Promise.all([
    listNotifications(core, me.actor, { limit: LATEST }),
    unreadCount(core, me.actor),
  ]);
  return json(
    { items: page.items, more: page.next !== null, unread, now: core.now() },
    { headers: { 'cache-control': 'private, no-store' } },
  );
};
