import { getPreferences, inputs, savePreferences } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { requirePlatform } from '$lib/server/platform';
import { requireUser } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const me = requireUser(event);
  const { core } = requirePlatform(event.platform);
  return {
    preferences: await getPreferences(core, me.actor),
    saved: event.url.searchParams.get('saved') === '1',
  };
};

export const actions: Actions = {
  default: async (event) => {
    const me = requireUser(event);
    const { core } = requirePlatform(event.platform);
    const input = await parseForm(event.request, inputs.notificationChoicesInput);
    if (!input.ok) return input.failure;
    // Every event shown is on the form; an unticked box sends nothing, so it starts as off.
    const choices: Record<string, boolean> = {};
    for (const { event: key } of await getPreferences(core, me.actor)) choices[key] = false;
    for (const key of input.data.email) choices[key] = true;
    try {
      await savePreferences(core, me.actor, choices);
    } catch (error) {
      return coreErrorToFail(error, {});
    }
    redirect(303, '/account/notifications?saved=1');
  },
};
