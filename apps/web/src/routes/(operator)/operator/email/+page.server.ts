import {
  CoreError,
  inputs,
  listEmailLimits,
  listEmailLog,
  listMailFiles,
  listTenants,
  setEmailLimit,
} from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { operatorOf } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 50;

export const load: PageServerLoad = async ({ locals, url }) => {
  const { ctx } = locals;
  const operator = operatorOf(locals);
  const before = url.searchParams.get('before');
  try {
    const [log, files, limits, tenants] = await Promise.all([
      listEmailLog({ ctx, operator, input: { before, limit: PAGE_SIZE } }),
      // The files and the limits only matter on the first page.
      before === null ? listMailFiles({ ctx, operator }) : Promise.resolve(null),
      before === null ? listEmailLimits({ ctx, operator }) : Promise.resolve([]),
      before === null ? listTenants({ ctx, operator }) : Promise.resolve([]),
    ]);
    const limitOf = new Map(limits.map((l) => [l.tenantId, l]));
    const sending = tenants.flatMap((tenant) => {
      const limit = limitOf.get(tenant.tenantId);
      return limit ? [{ name: tenant.name, slug: tenant.slug, ...limit }] : [];
    });
    return {
      operator: { name: operator.name, email: operator.email },
      log: log.rows,
      next: log.next,
      paged: before !== null,
      files,
      filesInUse: ctx.deps.mail.fileDir !== null,
      sending,
      now: ctx.deps.now(),
    };
  } catch (error) {
    if (error instanceof CoreError && error.code === 'validation') redirect(303, '/operator/email');
    if (error instanceof CoreError && error.code === 'forbidden') redirect(303, '/operator/login');
    throw error;
  }
};

export const actions: Actions = {
  /** Raises (or lowers) how many emails one tenant may send a day. */
  limit: async (event) => {
    const { ctx } = event.locals;
    const operator = operatorOf(event.locals);
    const input = await parseForm(event.request, inputs.emailLimitInput, (raw) => ({
      tenantId: raw.tenantId ?? '',
      limit: raw.limit ?? '',
    }));
    if (!input.ok) return input.failure;
    const { tenantId, limit } = input.data;
    try {
      await setEmailLimit({ ctx, operator, input: { tenantId, limit } });
    } catch (error) {
      if (error instanceof CoreError && error.code === 'forbidden') redirect(303, '/operator/login');
      return coreErrorToFail(error, { tenantId, limit });
    }
    return { tenantId, notice: 'Daily limit saved.' };
  },
};
