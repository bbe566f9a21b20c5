import { inputs, signUp } from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
  return { domain: locals.ctx.deps.platformDomain };
};

export const actions: Actions = {
  default: async (event) => {
    const echo = (raw: Record<string, unknown>) => ({
      agencyName: String(raw.agencyName ?? ''),
      slug: String(raw.slug ?? '').toLowerCase(),
      name: String(raw.name ?? ''),
      email: String(raw.email ?? ''),
    });
    const parsed = await parseForm(event.request, inputs.signUpInput, echo);
    if (!parsed.ok) return parsed.failure;
    const input = echo(parsed.data);
    try {
      const { handoffUrl, slug } = await signUp({
        ctx: event.locals.ctx,
        input: { ...input, password: parsed.data.password },
      });
      // No redirect: the page's CSP allows form posts to this host only, and the session has to
      // be opened on the new one. The page sends the browser on (meta refresh, or script).
      return { handoffUrl, slug };
    } catch (error) {
      return coreErrorToFail(error, input);
    }
  },
};
