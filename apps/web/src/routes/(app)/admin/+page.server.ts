import { requireTeam } from '$lib/server/session';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
  const { user } = requireTeam(event);
  return { isAdmin: user.role === 'admin' };
};
