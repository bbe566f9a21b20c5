import { acceptInvitation, CoreError, inputs, invitationLink } from '@foyer/core';
import { fail, redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { setSessionCookie } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const token = url.searchParams.get('token') ?? '';
  return {
    token,
    link:
      token === ''
        ? { state: 'not_found' as const }
        : await invitationLink({ ctx: locals.ctx, input: { token } }),
  };
};

export const actions: Actions = {
  default: async (event) => {
    const { ctx } = event.locals;
    const input = await parseForm(event.request, inputs.acceptInvitationInput, (raw) => ({
      name: String(raw.name),
    }));
    if (!input.ok) {
      if ('token' in input.failure.data.fields) return fail(400, { expired: true as const });
      return input.failure;
    }
    const { token, name, password } = input.data;
    let home = '/admin';
    try {
      const session = await acceptInvitation({ ctx, input: { token, name, password } });
      setSessionCookie(event.cookies, event.platform, session);
      // A client lands in the portal; the team on its panel.
      if (session.actor.kind === 'client') home = '/';
    } catch (error) {
      // Used up between opening the page and sending it (another tab): say what it has become.
      if (error instanceof CoreError && error.code === 'expired')
        return fail(400, { ended: (await invitationLink({ ctx, input: { token } })).state });
      return coreErrorToFail(error, { name });
    }
    redirect(303, home);
  },
};
