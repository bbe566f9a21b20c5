import { unreadCount } from '@foyer/core';
import { requirePlatform } from '$lib/server/platform';
import { requireUser } from '$lib/server/session';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  // Pages and actions repeat their own guard: SvelteKit runs layout and page loads in parallel,
  // and actions without any load.
  const { user, actor } = requireUser(event);
  // Reading the path makes this load run again on every navigation, so the bell's count is
  // fresh on each page (and after every enhanced form, which invalidates all loads).
  void event.url.pathname;
  const unread = await unreadCount(requirePlatform(event.platform).core, actor);
  return { user: { name: user.name, email: user.email, role: user.role }, unread };
};
