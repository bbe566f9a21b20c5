import { getPreferences, inputs, savePreferences } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  return {
    preferences: await getPreferences({ ctx: event.locals.ctx }),
    saved: event.url.searchParams.get('saved') === '1',
  };
};

export const actions: Actions = {
  default: async (event) => {
    const { ctx } = event.locals;
    const input = await parseForm(event.request, inputs.notificationChoicesInput);
    if (!input.ok) return input.failure;
    // Every event shown is on the form; an unticked box sends nothing, so it starts as off.
    const choices: Record<string, string> = {};
    for (const { event: key } of await getPreferences({ ctx })) choices[key] = 'off';
    for (const key of input.data.email) choices[key] = 'instant';
    try {
      await savePreferences({ ctx, input: choices });
    } catch (error) {
      return coreErrorToFail(error, {});
    }
    redirect(303, '/account/notifications?saved=1');
  },
};
