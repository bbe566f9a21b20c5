import { CoreError, confirmEmailChange, inputs } from '@foyer/core';
import { fail } from '@sveltejs/kit';
import { parseForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
  return { token: url.searchParams.get('token') ?? '', signedIn: locals.me !== null };
};

export const actions: Actions = {
  // A button press rather than on page load: mail scanners open links, and would otherwise use
  // up the single-use token before the person does.
  default: async ({ locals, request }) => {
    const input = await parseForm(request, inputs.tokenInput);
    // A mangled link is one that no longer works: the same answer as an expired one.
    const token = input.ok ? input.data.token : '';
    try {
      await confirmEmailChange({ ctx: locals.ctx, input: { token } });
    } catch (error) {
      if (error instanceof CoreError)
        return fail(error.code === 'conflict' ? 409 : 400, { message: error.message });
      throw error;
    }
    return { confirmed: true as const };
  },
};
