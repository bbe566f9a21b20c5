import { inputs, requestPasswordReset } from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import type { Actions } from './$types';

export const actions: Actions = {
  default: async (event) => {
    const input = await parseForm(event.request, inputs.passwordResetRequestInput, (raw) => ({
      email: String(raw.email),
    }));
    if (!input.ok) return input.failure;
    const { email } = input.data;
    try {
      await requestPasswordReset({ ctx: event.locals.ctx, input: { email } });
    } catch (error) {
      return coreErrorToFail(error, { email });
    }
    // The same answer whether or not the account exists (core already behaves that way).
    return { sent: true as const, email };
  },
};
