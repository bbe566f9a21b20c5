import { CoreError, inputs, listTenantEmailLog, retryEmail } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { requirePlatform } from '$lib/server/platform';
import { requireAdmin } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const me = requireAdmin(event);
  const { core } = requirePlatform(event.platform);
  const status = event.url.searchParams.get('status') ?? '';
  const before = event.url.searchParams.get('before') ?? '';
  try {
    const page = await listTenantEmailLog(core, me.actor, { status, before });
    return { ...page, status, before, now: core.now() };
  } catch (error) {
    // A hand-edited or stale address (unknown status, old cursor): start again from the top.
    if (error instanceof CoreError && error.code === 'validation') redirect(303, '/admin/settings/email/log');
    throw error;
  }
};

export const actions: Actions = {
  retry: async (event) => {
    const me = requireAdmin(event);
    const { core } = requirePlatform(event.platform);
    const input = await parseForm(event.request, inputs.retryEmailInput);
    if (!input.ok) return input.failure;
    const { emailId, recipient } = input.data;
    try {
      await retryEmail(core, me.actor, emailId);
    } catch (error) {
      return coreErrorToFail(error, { emailId });
    }
    return {
      emailId,
      notice: `The email${recipient ? ` to ${recipient}` : ''} is queued and will be sent again in a moment.`,
    };
  },
};
