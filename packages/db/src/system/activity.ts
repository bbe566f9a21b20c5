import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../client';

/**
 * Removes IP addresses and browsers from activity entries and session history older than each
 * tenant's retention setting (`app_system.activity_retention_purge`); returns the rows cleared.
 */
export async function purgeOldClientInfo(h: DatabaseHandle): Promise<number> {
  const [row] = await h.rows<{ cleared: number }>(
    sql`select app_system.activity_retention_purge() as cleared`,
  );
  return Number(row?.cleared ?? 0);
}
