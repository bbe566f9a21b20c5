import { CoreError, readMailFile } from '@foyer/core';
import { error } from '@sveltejs/kit';
import { requirePlatformHost } from '$lib/server/platform';
import { requireOperator } from '$lib/server/session';
import type { RequestHandler } from './$types';

const STATUS = { validation: 400, not_found: 404, forbidden: 403, conflict: 413 } as const;

/** One message of the file transport, as plain text; `?download` saves it rather than showing it. */
export const GET: RequestHandler = async ({ platform, params, url }) => {
  const operator = requireOperator(platform);
  const { core } = requirePlatformHost(platform);
  let file: Awaited<ReturnType<typeof readMailFile>>;
  try {
    file = await readMailFile(core, operator, params.name);
  } catch (caught) {
    if (caught instanceof CoreError && caught.code in STATUS)
      error(STATUS[caught.code as keyof typeof STATUS], caught.message);
    throw caught;
  }
  const download = url.searchParams.has('download');
  // The name matched ^[\w.-]+\.eml$, so it needs no quoting beyond the quotes.
  return new Response(new Uint8Array(file.content), {
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `${download ? 'attachment' : 'inline'}; filename="${file.name}"`,
      'content-security-policy': "sandbox; default-src 'none'",
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    },
  });
};
