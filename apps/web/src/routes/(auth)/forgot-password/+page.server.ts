import { requireTenantHost } from '$lib/server/platform';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ platform }) => {
  requireTenantHost(platform);
};
