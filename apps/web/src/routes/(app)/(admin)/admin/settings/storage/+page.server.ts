import { storageOverview } from '@foyer/core';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
  storage: await storageOverview({ ctx: locals.ctx }),
});
