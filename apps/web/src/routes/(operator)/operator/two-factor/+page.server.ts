import { beginOperatorTwoFactor, confirmOperatorTwoFactor, operatorTwoFactorStatus } from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { field, readForm } from '$lib/server/forms';
import { operatorOf } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

/**
 * An operator's two-factor set-up. Where DATABASE_URL is set, an operator without it is sent here
 * right after signing in and reaches nothing else until it is on.
 */
export const load: PageServerLoad = async ({ locals }) => {
  const operator = operatorOf(locals);
  const status = await operatorTwoFactorStatus({ ctx: locals.ctx, operator });
  const setup = status.enabled ? null : await beginOperatorTwoFactor({ ctx: locals.ctx, operator });
  return { status, setup };
};

export const actions: Actions = {
  confirm: async (event) => {
    const operator = operatorOf(event.locals);
    const form = await readForm(event.request);
    try {
      const { recoveryCodes } = await confirmOperatorTwoFactor({
        ctx: event.locals.ctx,
        operator,
        input: { code: field(form, 'code').slice(0, 20) },
      });
      return { recoveryCodes };
    } catch (error) {
      return coreErrorToFail(error, {});
    }
  },
};
