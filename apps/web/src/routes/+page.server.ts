import { redirect } from '@sveltejs/kit';
import { requirePlatform } from '$lib/server/platform';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ platform }) => {
  // Until the client portal exists, an agency's host has nothing to show before sign-in.
  if (requirePlatform(platform).tenant !== null) redirect(303, '/login');
};
