import { addDomain, getDomain, inputs, removeDomain, verifyDomain } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import type { Confirmation } from '$lib/confirm';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { requirePlatform } from '$lib/server/platform';
import { requireAdmin } from '$lib/server/session';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { removeDomainQuestion } from './confirm-remove';

export const load: PageServerLoad = async (event) => {
  const me = requireAdmin(event);
  const { core } = requirePlatform(event.platform);
  return {
    domain: await getDomain(core, me.actor, me.site),
    platformAddress: `${me.site.tenant.slug}.${core.platformDomain}`,
    /** Where the portal lives now: the custom domain once it is verified. */
    portalOrigin: me.site.tenant.origin,
    now: core.now(),
  };
};

/** Which panel an answer belongs to. */
type Section = 'add' | 'verify' | 'remove';

function setup(event: RequestEvent) {
  return { me: requireAdmin(event), core: requirePlatform(event.platform).core };
}

export const actions: Actions = {
  add: async (event) => {
    const { me, core } = setup(event);
    const input = await parseForm(event.request, inputs.hostnameInput, (raw) => ({
      section: 'add' as Section,
      hostname: raw.hostname,
    }));
    if (!input.ok) return input.failure;
    const { hostname } = input.data;
    try {
      const domain = await addDomain(core, me.actor, me.site, hostname);
      return {
        section: 'add' as Section,
        notice: `Now create the two records below at the DNS provider of ${domain.hostname}, then verify.`,
      };
    } catch (error) {
      return coreErrorToFail(error, { section: 'add' as Section, hostname });
    }
  },

  verify: async (event) => {
    const { me, core } = setup(event);
    try {
      const check = await verifyDomain(core, me.actor, me.site);
      return {
        section: 'verify' as Section,
        check: { verified: check.verified, cnameOk: check.cnameOk, problems: check.problems },
      };
    } catch (error) {
      return coreErrorToFail(error, { section: 'verify' as Section });
    }
  },

  remove: async (event) => {
    const { me, core } = setup(event);
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
          ...removeDomainQuestion(hostname, `${me.site.tenant.slug}.${core.platformDomain}`),
        } satisfies Confirmation,
      };
    }
    try {
      await removeDomain(core, me.actor, me.site, hostname);
    } catch (error) {
      return coreErrorToFail(error, { section: 'remove' as Section });
    }
    // Removed while on it: this host no longer answers, so continue on the platform address.
    if (event.url.hostname === hostname.toLowerCase()) {
      redirect(303, `${core.tenantOriginForSlug(me.site.tenant.slug)}/admin/settings/domain`);
    }
    return { section: 'remove' as Section, notice: `${hostname} is disconnected.` };
  },
};
