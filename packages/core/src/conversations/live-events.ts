import { system } from '@foyer/db';
import type { Ctx } from '../ctx';

/**
 * Deletes live events older than a day (a reconnecting stream catches up from the last day only)
 * and presence rows of nodes that stopped beating. Run hourly by the worker's `realtime-purge`
 * job, for the whole platform: nobody acts in a tenant, so it records nothing.
 */
export async function purgeLiveEvents({ ctx }: { ctx: Ctx }): Promise<number> {
  return system.realtime.purge(ctx.deps.db);
}
