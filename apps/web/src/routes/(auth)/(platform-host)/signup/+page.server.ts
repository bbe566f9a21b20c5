import { inputs, signUp } from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
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
    const echo = (raw: Record<string, unknown>) => ({
      agencyName: String(raw.agencyName ?? ''),
      slug: String(raw.slug ?? '').toLowerCase(),
      name: String(raw.name ?? ''),
      email: String(raw.email ?? ''),
    });
    const parsed = await parseForm(request, inputs.signUpInput, echo);
    if (!parsed.ok) return parsed.failure;
    const input = echo(parsed.data);
    try {
      const { handoffUrl, slug } = await signUp(
        core,
        { ...input, password: parsed.data.password },
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
