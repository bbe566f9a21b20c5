import { listFiles } from '@foyer/core';
import { readFilesQuery } from '$lib/files-query';
import { notFoundAs404 } from '$lib/server/files';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const query = readFilesQuery(event.url.searchParams);
  const area = await listFiles({
    ctx,
    input: {
      projectId: event.params.id,
      folderId: query.folder,
      q: query.q,
      sort: query.sort,
      dir: query.dir,
      group: query.group,
      page: query.page,
    },
  }).catch(notFoundAs404);
  return { area, query, uploads: ctx.deps.files.uploads, now: ctx.deps.now() };
};
