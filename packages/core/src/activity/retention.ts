import { system } from '@foyer/db';
import type { Ctx } from '../ctx';

/**
 * Removes IP addresses and browsers from activity entries and session history older than each
 * tenant's `activity_retention_days` (Settings → Security, 365 by default). Run hourly by the
 * worker's `activity-retention` job, for the whole platform: nobody acts, so it records nothing.
 */
export async function purgeOldActivityDetails({ ctx }: { ctx: Ctx }): Promise<number> {
  return system.activity.purgeOldClientInfo(ctx.deps.db);
}
