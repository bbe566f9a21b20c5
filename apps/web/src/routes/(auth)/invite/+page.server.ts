import { acceptInvitation, CoreError, inputs, invitationForToken } from '@foyer/core';
import { fail, redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { requirePlatform, tenantSite } from '$lib/server/platform';
import { clientInfo, setSessionCookie } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ platform, url }) => {
  const site = tenantSite(platform);
  const token = url.searchParams.get('token') ?? '';
  const invitation =
    token === '' ? null : await invitationForToken(requirePlatform(platform).core, site, token);
  return {
    token,
    invitation: invitation ? { email: invitation.email, role: invitation.role } : null,
  };
};

export const actions: Actions = {
  default: async (event) => {
    const site = tenantSite(event.platform);
    const { core } = requirePlatform(event.platform);
    const input = await parseForm(event.request, inputs.acceptInvitationInput, (raw) => ({
      name: String(raw.name),
    }));
    if (!input.ok) {
      if ('token' in input.failure.data.fields) return fail(400, { expired: true as const });
      return input.failure;
    }
    const { token, name, password } = input.data;
    try {
      const session = await acceptInvitation(core, site, token, { name, password }, clientInfo(event));
      setSessionCookie(event.cookies, event.platform, session);
    } catch (error) {
      if (error instanceof CoreError && error.code === 'expired')
        return fail(400, { expired: true as const });
      return coreErrorToFail(error, { name });
    }
    redirect(303, '/admin');
  },
};
