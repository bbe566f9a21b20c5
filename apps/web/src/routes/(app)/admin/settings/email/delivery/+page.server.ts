import { getEmailSettings, saveDeliverySettings, sendDeliveryTest } from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { field, trimmed } from '$lib/server/forms';
import { requirePlatform } from '$lib/server/platform';
import { requireAdmin } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const me = requireAdmin(event);
  const { core } = requirePlatform(event.platform);
  return { settings: await getEmailSettings(core, me.actor, me.site), myEmail: me.user.email };
};

/** Which panel an answer belongs to. */
type Section = 'delivery' | 'test';

export const actions: Actions = {
  save: async (event) => {
    const me = requireAdmin(event);
    const { core } = requirePlatform(event.platform);
    const form = await event.request.formData();
    // Everything but the password is echoed back on an error, so nothing typed is lost.
    const echo = {
      section: 'delivery' as Section,
      delivery: trimmed(form, 'delivery'),
      host: trimmed(form, 'host'),
      port: trimmed(form, 'port'),
      security: trimmed(form, 'security'),
      username: trimmed(form, 'username'),
      fromAddress: trimmed(form, 'fromAddress'),
      forgetPassword: field(form, 'forgetPassword') === 'yes',
    };
    try {
      const saved = await saveDeliverySettings(core, me.actor, me.site, {
        ...echo,
        password: field(form, 'password'),
      });
      return {
        section: 'delivery' as Section,
        notice:
          saved.delivery === 'smtp'
            ? `Saved. Email now goes out through ${saved.smtp.host}. Send a test to make sure it arrives.`
            : 'Saved. Email now goes out through the built-in sending service.',
      };
    } catch (error) {
      return coreErrorToFail(error, echo);
    }
  },

  test: async (event) => {
    const me = requireAdmin(event);
    const { core } = requirePlatform(event.platform);
    try {
      const result = await sendDeliveryTest(core, me.actor, me.site);
      return { section: 'test' as Section, result };
    } catch (error) {
      return coreErrorToFail(error, { section: 'test' as Section });
    }
  },
};
