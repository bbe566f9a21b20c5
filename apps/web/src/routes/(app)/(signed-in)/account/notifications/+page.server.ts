import { getPreferences, getSummaryChoice, inputs, saveNotificationChoices } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail, fieldFailure } from '$lib/server/errors';
import { field, readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  return {
    preferences: await getPreferences({ ctx }),
    summary: await getSummaryChoice({ ctx }),
    saved: event.url.searchParams.get('saved') === '1',
  };
};

export const actions: Actions = {
  default: async (event) => {
    const { ctx } = event.locals;
    const form = await readForm(event.request);
    // One radio group per event shown (`delivery.<event>`), and the summary's.
    const delivery: Record<string, string> = {};
    for (const { event: key } of await getPreferences({ ctx }))
      delivery[key] = field(form, `delivery.${key}`);
    const raw = { delivery, summary: field(form, 'summary') };
    // What was chosen comes back with a refusal, so nothing chosen is lost without JavaScript.
    const echo = { choices: raw };
    const input = inputs.notificationChoicesInput.safeParse(raw);
    if (!input.success) {
      const fields: Record<string, string> = {};
      for (const issue of input.error.issues)
        fields[issue.path.at(-1)?.toString() || 'form'] ??= issue.message;
      return fieldFailure(fields, echo);
    }
    try {
      await saveNotificationChoices({ ctx, input: input.data });
    } catch (error) {
      return coreErrorToFail(error, echo);
    }
    redirect(303, '/account/notifications?saved=1');
  },
};
