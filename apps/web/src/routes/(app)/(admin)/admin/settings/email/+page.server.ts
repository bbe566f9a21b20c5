import {
  getEmailSettings,
  inputs,
  listEmailTemplates,
  saveEmailSettings,
  workspaceSendingStatus,
} from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const { ctx } = locals;
  const [settings, templates, sending] = await Promise.all([
    getEmailSettings({ ctx }),
    listEmailTemplates({ ctx }),
    workspaceSendingStatus({ ctx }),
  ]);
  return { settings, templates, sending };
};

export const actions: Actions = {
  sender: async (event) => {
    const { ctx } = event.locals;
    const input = await parseForm(event.request, inputs.senderInput, (raw) => ({
      senderName: raw.senderName,
      replyTo: raw.replyTo,
    }));
    if (!input.ok) return input.failure;
    const { senderName, replyTo } = input.data;
    try {
      await saveEmailSettings({ ctx, input: { senderName, replyTo } });
    } catch (error) {
      return coreErrorToFail(error, { senderName, replyTo });
    }
    return { notice: 'Sender details saved. New emails use them from now on.' };
  },
};
