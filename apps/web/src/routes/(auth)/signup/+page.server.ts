import { signUp } from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { field, trimmed } from '$lib/server/forms';
import { platformDomain, requirePlatformHost } from '$lib/server/platform';
import { clientInfo } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ platform }) => {
  const { platformOrigin } = requirePlatformHost(platform);
  return { domain: platformDomain(platformOrigin) };
};

export const actions: Actions = {
  default: async (event) => {
    const { platform, request } = event;
    const { core } = requirePlatformHost(platform);
    const form = await request.formData();
    const input = {
      agencyName: trimmed(form, 'agencyName'),
      slug: trimmed(form, 'slug').toLowerCase(),
      name: trimmed(form, 'name'),
      email: trimmed(form, 'email'),
    };
    try {
      const { handoffUrl, slug } = await signUp(
        core,
        { ...input, password: field(form, 'password') },
        clientInfo(event),
      );
      // No redirect: the page's CSP allows form posts to this host only, and the session has to
      // be opened on the new one. The page sends the browser on (meta refresh, or script).
      return { handoffUrl, slug };
    } catch (error) {
      return coreErrorToFail(error, input);
    }
  },
};
