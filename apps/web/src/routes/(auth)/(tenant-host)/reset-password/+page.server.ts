import { CoreError, inputs, resetPassword } from '@foyer/core';
import { fail } from '@sveltejs/kit';
import { coreErrorToFail, fieldFailure } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => {
  // Whether the token is still good is only known when it is used; an absent one never is.
  return { token: url.searchParams.get('token') ?? '' };
};

export const actions: Actions = {
  default: async (event) => {
    const input = await parseForm(event.request, inputs.passwordResetInput);
    if (!input.ok) {
      if ('token' in input.failure.data.fields) return fail(400, { expired: true as const });
      return input.failure;
    }
    const { token, password, confirm } = input.data;
    if (token === '') return fail(400, { expired: true as const });
    if (password !== confirm) {
      return fieldFailure({ confirm: 'The two passwords don’t match.' }, {});
    }
    try {
      await resetPassword({ ctx: event.locals.ctx, input: { token, password } });
    } catch (error) {
      if (error instanceof CoreError && error.code === 'expired')
        return fail(400, { expired: true as const });
      return coreErrorToFail(error, {});
    }
    return { done: true as const };
  },
};
