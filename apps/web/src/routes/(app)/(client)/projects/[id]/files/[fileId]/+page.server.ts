import { fileLink, getFile } from '@foyer/core';
import { error } from '@sveltejs/kit';
import { notFoundAs404 } from '$lib/server/files';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const detail = await getFile({ ctx, input: { id: event.params.fileId } }).catch(notFoundAs404);
  // The address names the project too: a file of another project is not found here.
  if (detail.project.id !== event.params.id) error(404);
  const preview = detail.file.preview
    ? await fileLink({ ctx, input: { id: detail.file.id, disposition: 'inline' } })
    : null;
  return { ...detail, previewUrl: preview?.url ?? null, now: ctx.deps.now() };
};
