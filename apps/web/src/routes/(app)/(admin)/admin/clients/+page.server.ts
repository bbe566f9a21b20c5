import { CoreError, listClients, listCompanies } from '@foyer/core';
import type { PageServerLoad } from './$types';

const STATES = ['active', 'invited', 'deactivated'] as const;
type StateFilter = (typeof STATES)[number] | '';

export const load: PageServerLoad = async ({ locals, url }) => {
  const { ctx } = locals;
  const q = (url.searchParams.get('q') ?? '').trim().slice(0, 200);
  const rawStatus = url.searchParams.get('status') ?? '';
  const status: StateFilter = (STATES as readonly string[]).includes(rawStatus)
    ? (rawStatus as StateFilter)
    : '';
  const companies = await listCompanies({ ctx });
  const rawCompany = url.searchParams.get('company') ?? '';
  const company = companies.some((c) => c.id === rawCompany) ? rawCompany : '';
  const after = url.searchParams.get('after') ?? '';
  const filters = { q, status, company };
  let page: Awaited<ReturnType<typeof listClients>>;
  let message: string | null = null;
  try {
    page = await listClients({ ctx, input: { q, status, companyId: company, after: after || undefined } });
  } catch (error) {
    // A stale or edited link: show the first page and say so, rather than an error page.
    if (!(error instanceof CoreError) || error.code !== 'validation') throw error;
    message = 'That page of the list no longer exists; here is the first page.';
    page = await listClients({ ctx, input: { q, status, companyId: company } });
  }
  return {
    ...page,
    companies: companies.map((c) => ({ id: c.id, name: c.name })),
    filters,
    after: message ? '' : after,
    message,
    now: ctx.deps.now(),
  };
};
