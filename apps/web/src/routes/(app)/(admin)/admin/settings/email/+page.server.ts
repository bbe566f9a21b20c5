import {
  getEmailSettings,
  inputs,
  listEmailTemplates,
  saveEmailSettings,
  workspaceSendingStatus,
} from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { requirePlatform } from '$lib/server/platform';
import { requireAdmin } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const me = requireAdmin(event);
  const { core } = requirePlatform(event.platform);
  const [settings, templates, sending] = await Promise.all([
    getEmailSettings(core, me.actor, me.site),
    listEmailTemplates(core, me.actor),
    workspaceSendingStatus(core, me.actor),
  ]);
  return { settings, templates, sending };
};

export const actions: Actions = {
  sender: async (event) => {
    const me = requireAdmin(event);
    const { core } = requirePlatform(event.platform);
    const input = await parseForm(event.request, inputs.senderInput, (raw) => ({
      senderName: raw.senderName,
      replyTo: raw.replyTo,
    }));
    if (!input.ok) return input.failure;
    const { senderName, replyTo } = input.data;
    try {
      await saveEmailSettings(core, me.actor, me.site, { senderName, replyTo });
    } catch (error) {
      return coreErrorToFail(error, { senderName, replyTo });
    }
    return { notice: 'Sender details saved. New emails use them from now on.' };
  },
};
