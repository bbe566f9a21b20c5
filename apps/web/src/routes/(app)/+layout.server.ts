import { requireUser } from '$lib/server/session';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = (event) => {
  // Pages and actions repeat their own guard: SvelteKit runs layout and page loads in parallel,
  // and actions without any load.
  const { user } = requireUser(event);
  return { user: { name: user.name, email: user.email, role: user.role } };
};
