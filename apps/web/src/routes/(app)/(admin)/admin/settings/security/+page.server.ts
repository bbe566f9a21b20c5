import { getSecuritySettings, googleConfigured, saveSecuritySettings, teamTwoFactor } from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { field, readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const [settings, team] = await Promise.all([
    getSecuritySettings({ ctx: locals.ctx }),
    teamTwoFactor({ ctx: locals.ctx }),
  ]);
  // Whether the platform has Google credentials: without them the button never shows.
  return { settings, team, googleReady: googleConfigured(locals.ctx.deps) };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await readForm(event.request);
    const echo = {
      requireTeamTwoFactor: form.has('requireTeamTwoFactor'),
      googleSignIn: form.has('googleSignIn'),
      googleRegistration: form.has('googleRegistration'),
      activityRetentionDays: field(form, 'activityRetentionDays').slice(0, 12),
    };
    try {
      await saveSecuritySettings({ ctx: event.locals.ctx, input: echo });
    } catch (cause) {
      return coreErrorToFail(cause, { echo });
    }
    return { notice: 'Security settings saved.' };
  },
};
