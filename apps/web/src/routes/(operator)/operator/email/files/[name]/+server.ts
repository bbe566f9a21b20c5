import { CoreError, httpStatus, readMailFile } from '@foyer/core';
import { error } from '@sveltejs/kit';
import { operatorOf } from '$lib/server/session';
import type { RequestHandler } from './$types';

/** One message of the file transport, as plain text; `?download` saves it rather than showing it. */
export const GET: RequestHandler = async ({ locals, params, url }) => {
  const operator = operatorOf(locals);
  let file: Awaited<ReturnType<typeof readMailFile>>;
  try {
    file = await readMailFile({ ctx: locals.ctx, operator, input: { name: params.name } });
  } catch (caught) {
    if (caught instanceof CoreError) error(httpStatus(caught.code), caught.message);
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
