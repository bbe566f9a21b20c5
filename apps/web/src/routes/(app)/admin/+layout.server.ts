import { requireTeam } from '$lib/server/session';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = (event) => {
  requireTeam(event);
};
