import { chromeFor } from '$lib/server/chrome';
import { person } from '$lib/server/session';
import type { LayoutServerLoad } from './$types';
import { UNREAD } from './dependencies';

export const load: LayoutServerLoad = async (event) => {
  // Every route under (app) declares a signed-in access group, which the hook has enforced.
  const { user } = person(event.locals);
  // Reading the path makes this load run again on every navigation, so the bell's count is
  // fresh on each page (and after every enhanced form, which invalidates all loads).
  void event.url.pathname;
  // And again on live events: a notification, a message elsewhere, a thread read (the layout
  // invalidates this alone).
  event.depends(UNREAD);
  const chrome = await chromeFor(event.locals);
  return { user: { id: user.id, name: user.name, email: user.email, role: user.role }, ...chrome };
};
