import { listTenants, signOutOperator } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { requirePlatformHost, tenantOrigin } from '$lib/server/platform';
import { clearOperatorCookie, requireOperator } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ platform }) => {
  const operator = requireOperator(platform);
  const { core, platformOrigin } = requirePlatformHost(platform);
  const tenants = await listTenants(core, operator);
  return {
    operator: { name: operator.name, email: operator.email },
    tenants: tenants.map((t) => ({ ...t, url: tenantOrigin(platformOrigin, t.slug) })),
    now: core.now(),
  };
};

export const actions: Actions = {
  signOut: async ({ platform, cookies }) => {
    const { core, operator } = requirePlatformHost(platform);
    if (operator !== null) await signOutOperator(core, operator);
    clearOperatorCookie(cookies, platform);
    redirect(303, '/operator/login?notice=signed-out');
  },
};
