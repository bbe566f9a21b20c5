import { CoreError, clientActivity, describeDuration, sessionStateLabel } from '@foyer/core';
import { notFoundAs404 } from '../../not-found';
import type { PageServerLoad } from './$types';
import { activityFilters } from './filters';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const { ctx } = locals;
  const asked = activityFilters(url);
  let fields: Record<string, string> = {};
  let activity: Awaited<ReturnType<typeof clientActivity>>;
  try {
    activity = await clientActivity({ ctx, input: { userId: params.id, ...asked } });
  } catch (error) {
    // Dates that make no range: say so next to the field, and show the default period.
    if (!(error instanceof CoreError) || error.code !== 'validation' || error.fields.userId)
      notFoundAs404(error);
    fields = { ...error.fields };
    activity = await clientActivity({ ctx, input: { userId: params.id, kind: asked.kind } }).catch(
      notFoundAs404,
    );
  }
  const sessions = activity.sessions.map((session) => ({
    ...session,
    stateLabel: sessionStateLabel(session.state),
    duration: describeDuration(session.durationSeconds),
  }));
  return { ...activity, sessions, asked, fields, now: ctx.deps.now() };
};
