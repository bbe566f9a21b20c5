import { listTenants, signOutOperator } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { clearOperatorCookie, operatorOf } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const operator = operatorOf(locals);
  const { ctx } = locals;
  const tenants = await listTenants({ ctx, operator });
  return {
    operator: { name: operator.name, email: operator.email },
    tenants: tenants.map((t) => ({ ...t, url: ctx.deps.tenantOriginForSlug(t.slug) })),
    now: ctx.deps.now(),
  };
};

export const actions: Actions = {
  signOut: async ({ locals, platform, cookies }) => {
    await signOutOperator({ ctx: locals.ctx, operator: operatorOf(locals) });
    clearOperatorCookie(cookies, platform);
    redirect(303, '/operator/login?notice=signed-out');
  },
};
