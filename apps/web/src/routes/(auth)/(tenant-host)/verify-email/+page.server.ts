import { CoreError, inputs, verificationLink, verifyEmail } from '@foyer/core';
import { fail } from '@sveltejs/kit';
import { parseForm } from '$lib/server/forms';
import { requirePlatform, tenantSite } from '$lib/server/platform';
import { currentUser } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ platform, url }) => {
  const site = tenantSite(platform);
  const token = url.searchParams.get('token') ?? '';
  // Looking does not use the link up; a link opened again after it worked says so.
  const link = token === '' ? null : await verificationLink(requirePlatform(platform).core, site, token);
  return { token, link, signedIn: currentUser(platform) !== null };
};

export const actions: Actions = {
  // A button press rather than on page load: mail scanners open links, and would otherwise use
  // up the single-use token before the person does.
  default: async ({ platform, request }) => {
    const site = tenantSite(platform);
    const input = await parseForm(request, inputs.tokenInput);
    // A mangled link is one that no longer works: the same answer as an expired one.
    const token = input.ok ? input.data.token : '';
    try {
      const outcome = await verifyEmail(requirePlatform(platform).core, site, token);
      return { verified: true as const, already: outcome === 'already_verified' };
    } catch (error) {
      if (error instanceof CoreError) return fail(400, { message: error.message });
      throw error;
    }
  },
};
