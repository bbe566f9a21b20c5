import { CoreError, GB, inputs, listTenants, setStorageLimit, signOutOperator } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { clearOperatorCookie, operatorOf } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const operator = operatorOf(locals);
  const { ctx } = locals;
  const tenants = await listTenants({ ctx, operator });
  return {
    operator: { name: operator.name, email: operator.email },
    tenants: tenants.map((t) => ({ ...t, url: ctx.deps.tenantOriginForSlug(t.slug) })),
    gb: GB,
    now: ctx.deps.now(),
  };
};

export const actions: Actions = {
  /** Sets how much one tenant may store, in GB (0 stops its uploads). */
  storage: async (event) => {
    const { ctx } = event.locals;
    const operator = operatorOf(event.locals);
    const input = await parseForm(event.request, inputs.storageLimitInput, (raw) => ({
      tenantId: raw.tenantId ?? '',
      limitGb: raw.limitGb ?? '',
    }));
    if (!input.ok) return input.failure;
    const { tenantId, limitGb } = input.data;
    try {
      await setStorageLimit({ ctx, operator, input: { tenantId, limitGb } });
    } catch (error) {
      if (error instanceof CoreError && error.code === 'forbidden') redirect(303, '/operator/login');
      return coreErrorToFail(error, { tenantId, limitGb });
    }
    return { tenantId, notice: 'Storage cap saved.' };
  },

  signOut: async ({ locals, platform, cookies }) => {
    await signOutOperator({ ctx: locals.ctx, operator: operatorOf(locals) });
    clearOperatorCookie(cookies, platform);
    redirect(303, '/operator/login?notice=signed-out');
  },
};
