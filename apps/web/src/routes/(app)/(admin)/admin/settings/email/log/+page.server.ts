import { CoreError, inputs, listTenantEmailLog, retryEmail } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const status = event.url.searchParams.get('status') ?? '';
  const before = event.url.searchParams.get('before') ?? '';
  try {
    const page = await listTenantEmailLog({ ctx, input: { status, before } });
    return { ...page, status, before, now: ctx.deps.now() };
  } catch (error) {
    // A hand-edited or stale address (unknown status, old cursor): start again from the top.
    if (error instanceof CoreError && error.code === 'validation') redirect(303, '/admin/settings/email/log');
    throw error;
  }
};

export const actions: Actions = {
  retry: async (event) => {
    const { ctx } = event.locals;
    const input = await parseForm(event.request, inputs.retryEmailInput);
    if (!input.ok) return input.failure;
    const { emailId, recipient } = input.data;
    try {
      await retryEmail({ ctx, input: { emailId } });
    } catch (error) {
      return coreErrorToFail(error, { emailId });
    }
    return {
      emailId,
      notice: `The email${recipient ? ` to ${recipient}` : ''} is queued and will be sent again in a moment.`,
    };
  },
};
