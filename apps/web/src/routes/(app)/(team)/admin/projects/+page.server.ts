import { CoreError, listProjects, projectCompanies } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { person } from '$lib/server/session';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const params = event.url.searchParams;
  const filters = {
    q: (params.get('q') ?? '').trim(),
    status: params.get('status') ?? '',
    companyId: params.get('company') ?? '',
  };
  const after = params.get('after') ?? '';
  try {
    const [page, companies] = await Promise.all([
      listProjects({ ctx, input: { ...filters, after } }),
      projectCompanies({ ctx }),
    ]);
    return {
      ...page,
      companies,
      filters,
      after,
      isAdmin: person(event.locals).user.role === 'admin',
      now: ctx.deps.now(),
    };
  } catch (error) {
    // A hand-edited or stale address (unknown status or company, old cursor): start again.
    if (error instanceof CoreError && error.code === 'validation') redirect(303, '/admin/projects');
    throw error;
  }
};
