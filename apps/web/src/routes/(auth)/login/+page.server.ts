import { fail } from '@sveltejs/kit';
import { requireTenantHost } from '$lib/server/platform';
import { parseSignInForm } from '$lib/server/sign-in';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ platform }) => {
  requireTenantHost(platform);
};

export const actions: Actions = {
  // Actions run without the page's load, so the host check is repeated here.
  default: async ({ platform, request }) => {
    requireTenantHost(platform);
    const parsed = parseSignInForm(await request.formData());
    if (!parsed.ok) {
      return fail(400, { email: parsed.email, errors: parsed.errors });
    }
    // Accounts arrive in the next release; until then no credentials are checked or stored.
    return fail(503, { email: parsed.email, message: 'Signing in is not available yet.' });
  },
};
