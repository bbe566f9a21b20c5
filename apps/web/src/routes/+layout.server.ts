import { requirePlatform } from '$lib/server/platform';
import { THEME_COOKIE, themeChoice } from '$lib/theme';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ platform, cookies }) => {
  const { tenant, branding } = requirePlatform(platform);
  // A visitor's own choice wins over the agency's default; read here so the first paint has it.
  const themeOverride = themeChoice(cookies.get(THEME_COOKIE));
  return { tenant, branding, themeOverride };
};
