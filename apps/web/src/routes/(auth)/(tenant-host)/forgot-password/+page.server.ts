import { inputs, requestPasswordReset } from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { requirePlatform, tenantSite } from '$lib/server/platform';
import { clientInfo } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ platform }) => {
  tenantSite(platform);
};

export const actions: Actions = {
  default: async (event) => {
    const site = tenantSite(event.platform);
    const { core } = requirePlatform(event.platform);
    const input = await parseForm(event.request, inputs.passwordResetRequestInput, (raw) => ({
      email: String(raw.email),
    }));
    if (!input.ok) return input.failure;
    const { email } = input.data;
    try {
      await requestPasswordReset(core, site, email, clientInfo(event));
    } catch (error) {
      return coreErrorToFail(error, { email });
    }
    // The same answer whether or not the account exists (core already behaves that way).
    return { sent: true as const, email };
  },
};
