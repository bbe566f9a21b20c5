import { requirePlatform } from '$lib/server/platform';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ platform }) => {
  const { tenant, branding } = requirePlatform(platform);
  return { tenant, branding };
};
