import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../client';

export interface StorageRoom {
  /** Bytes stored now: every version of every file. */
  bytes: number;
  files: number;
  /** The tenant's cap, in bytes. */
  limitBytes: number;
}

/** What a tenant stores and may store (app_system.storage_room): sizes an upload before it starts. */
export async function room(h: DatabaseHandle, tenantId: string): Promise<StorageRoom> {
  const [row] = await h.rows<{ bytes: string | number; files: number; limit_bytes: string | number }>(
    sql`select * from app_system.storage_room(${tenantId}::uuid)`,
  );
  return {
    bytes: Number(row?.bytes ?? 0),
    files: Number(row?.files ?? 0),
    limitBytes: Number(row?.limit_bytes ?? 0),
  };
}
