import { CoreError, inputs, verificationLink, verifyEmail } from '@foyer/core';
import { fail } from '@sveltejs/kit';
import { parseForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const token = url.searchParams.get('token') ?? '';
  // Looking does not use the link up; a link opened again after it worked says so.
  const link = token === '' ? null : await verificationLink({ ctx: locals.ctx, input: { token } });
  return { token, link, signedIn: locals.me !== null };
};

export const actions: Actions = {
  // A button press rather than on page load: mail scanners open links, and would otherwise use
  // up the single-use token before the person does.
  default: async ({ locals, request }) => {
    const input = await parseForm(request, inputs.tokenInput);
    // A mangled link is one that no longer works: the same answer as an expired one.
    const token = input.ok ? input.data.token : '';
    try {
      const outcome = await verifyEmail({ ctx: locals.ctx, input: { token } });
      return { verified: true as const, already: outcome === 'already_verified' };
    } catch (error) {
      if (error instanceof CoreError) return fail(400, { message: error.message });
      throw error;
    }
  },
};
