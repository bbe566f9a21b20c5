import { addDomain, getDomain, inputs, removeDomain, verifyDomain } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import type { Confirmation } from '$lib/confirm';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { siteOf } from '$lib/server/session';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { removeDomainQuestion } from './confirm-remove';

export const load: PageServerLoad = async ({ locals }) => {
  const { ctx } = locals;
  const site = siteOf(locals);
  return {
    domain: await getDomain({ ctx }),
    platformAddress: `${site.tenant.slug}.${ctx.deps.platformDomain}`,
    /** Where the portal lives now: the custom domain once it is verified. */
    portalOrigin: site.tenant.origin,
    now: ctx.deps.now(),
  };
};

/** Which panel an answer belongs to. */
type Section = 'add' | 'verify' | 'remove';

function setup(event: RequestEvent) {
  return { ctx: event.locals.ctx, site: siteOf(event.locals) };
}

export const actions: Actions = {
  add: async (event) => {
    const { ctx } = setup(event);
    const input = await parseForm(event.request, inputs.hostnameInput, (raw) => ({
      section: 'add' as Section,
      hostname: raw.hostname,
    }));
    if (!input.ok) return input.failure;
    const { hostname } = input.data;
    try {
      const domain = await addDomain({ ctx, input: { hostname } });
      return {
        section: 'add' as Section,
        notice: `Now create the two records below at the DNS provider of ${domain.hostname}, then verify.`,
      };
    } catch (error) {
      return coreErrorToFail(error, { section: 'add' as Section, hostname });
    }
  },

  verify: async (event) => {
    const { ctx } = setup(event);
    try {
      const check = await verifyDomain({ ctx });
      return {
        section: 'verify' as Section,
        check: { verified: check.verified, cnameOk: check.cnameOk, problems: check.problems },
      };
    } catch (error) {
      return coreErrorToFail(error, { section: 'verify' as Section });
    }
  },

  remove: async (event) => {
    const { ctx, site } = setup(event);
    const input = await parseForm(event.request, inputs.hostnameInput, () => ({
      section: 'remove' as Section,
    }));
    if (!input.ok) return input.failure;
    const { hostname, confirmed } = input.data;
    if (!confirmed) {
      return {
        section: 'remove' as Section,
        confirm: {
          action: '?/remove',
          fields: { hostname },
          ...removeDomainQuestion(hostname, `${site.tenant.slug}.${ctx.deps.platformDomain}`),
        } satisfies Confirmation,
      };
    }
    try {
      await removeDomain({ ctx, input: { hostname } });
    } catch (error) {
      return coreErrorToFail(error, { section: 'remove' as Section });
    }
    // Removed while on it: this host no longer answers, so continue on the platform address.
    if (event.url.hostname === hostname.toLowerCase()) {
      redirect(303, `${ctx.deps.tenantOriginForSlug(site.tenant.slug)}/admin/settings/domain`);
    }
    return { section: 'remove' as Section, notice: `${hostname} is disconnected.` };
  },
};
