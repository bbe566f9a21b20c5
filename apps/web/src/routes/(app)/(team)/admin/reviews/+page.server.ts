import { CoreError, waitingReviews } from '@foyer/core';
import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const { ctx } = locals;
  const page = url.searchParams.get('page') ?? undefined;
  try {
    const list = await waitingReviews({ ctx, input: { page } });
    return { list, pages: Math.max(1, Math.ceil(list.total / list.pageSize)), now: ctx.deps.now() };
  } catch (cause) {
    // A page number that is not one is a page that does not exist.
    if (cause instanceof CoreError && cause.code === 'validation') error(404);
    throw cause;
  }
};
