import { CoreError, getProject } from '@foyer/core';
import { error } from '@sveltejs/kit';

/** A task or project this person may not see, or an id that names none, is simply not there. */
export function notFoundAs404(cause: unknown): never {
  if (cause instanceof CoreError && (cause.code === 'not_found' || cause.code === 'validation')) error(404);
  throw cause;
}

/** The project a tasks page belongs to, for its heading; 404 when this person can't reach it. */
export async function projectHeading(ctx: App.Locals['ctx'], projectId: string) {
  const { project } = await getProject({ ctx, input: { projectId } }).catch(notFoundAs404);
  return { id: project.id, name: project.name, status: project.status };
}
