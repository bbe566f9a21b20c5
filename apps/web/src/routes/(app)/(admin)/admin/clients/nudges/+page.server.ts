import { clientsToNudge, nudgeClient } from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { field, readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const { ctx } = locals;
  return { people: await clientsToNudge({ ctx }), now: ctx.deps.now() };
};

export const actions: Actions = {
  nudge: async ({ locals, request }) => {
    const form = await readForm(request);
    const userId = field(form, 'userId');
    try {
      const sent = await nudgeClient({ ctx: locals.ctx, input: { userId } });
      return {
        userId,
        notice: `Reminder on its way, listing ${sent.items} ${sent.items === 1 ? 'thing' : 'things'}.`,
      };
    } catch (error) {
      return coreErrorToFail(error, { userId });
    }
  },
};
