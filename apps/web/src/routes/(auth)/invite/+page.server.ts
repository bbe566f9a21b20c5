import { acceptInvitation, CoreError, inputs, invitationLink } from '@foyer/core';
import { fail, redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { requirePlatform, tenantSite } from '$lib/server/platform';
import { clientInfo, setSessionCookie } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ platform, url }) => {
  const site = tenantSite(platform);
  const token = url.searchParams.get('token') ?? '';
  return {
    token,
    link:
      token === ''
        ? { state: 'not_found' as const }
        : await invitationLink(requirePlatform(platform).core, site, token),
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
      // Used up between opening the page and sending it (another tab): say what it has become.
      if (error instanceof CoreError && error.code === 'expired')
        return fail(400, { ended: (await invitationLink(core, site, token)).state });
      return coreErrorToFail(error, { name });
    }
    redirect(303, '/admin');
  },
};
