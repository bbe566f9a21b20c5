import { CoreError, fileLink } from '@foyer/core';
import { error, redirect } from '@sveltejs/kit';

/** A file, folder or project this person may not see, or an id that names none, is simply not there. */
export function notFoundAs404(cause: unknown): never {
  if (cause instanceof CoreError && (cause.code === 'not_found' || cause.code === 'validation')) error(404);
  throw cause;
}

/**
 * A download (or, with `?inline=1`, a preview): the row is read under the person's policies, the
 * download recorded, and the browser sent to a link that works for five minutes. `?version=N`
 * asks for an earlier version (the team's).
 */
export async function redirectToFile(
  ctx: App.Locals['ctx'],
  fileId: string,
  params: URLSearchParams,
): Promise<never> {
  const version = Number(params.get('version') ?? '');
  const link = await fileLink({
    ctx,
    input: {
      id: fileId,
      ...(Number.isInteger(version) && version >= 1 ? { version } : {}),
      disposition: params.get('inline') === '1' ? 'inline' : 'attachment',
    },
  }).catch(notFoundAs404);
  redirect(303, link.url);
}
