import { CoreError, listEmailLog, listMailFiles } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { requirePlatformHost } from '$lib/server/platform';
import { requireOperator } from '$lib/server/session';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

export const load: PageServerLoad = async ({ platform, url }) => {
  const operator = requireOperator(platform);
  const { core } = requirePlatformHost(platform);
  const before = url.searchParams.get('before');
  try {
    const [log, files] = await Promise.all([
      listEmailLog(core, operator, { before, limit: PAGE_SIZE }),
      // The files only matter on the first page.
      before === null ? listMailFiles(core, operator) : Promise.resolve(null),
    ]);
    return {
      operator: { name: operator.name, email: operator.email },
      log: log.rows,
      next: log.next,
      paged: before !== null,
      files,
      filesInUse: core.mail.fileDir !== null,
      now: core.now(),
    };
  } catch (error) {
    if (error instanceof CoreError && error.code === 'validation') redirect(303, '/operator/email');
    if (error instanceof CoreError && error.code === 'forbidden') redirect(303, '/operator/login');
    throw error;
  }
};
