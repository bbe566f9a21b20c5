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

export interface FileSharesDue {
  tenantId: string;
  tenantSlug: string;
  projectId: string;
}

/** Projects whose shared files wait for their notice since `sharedBefore` or earlier, across tenants. */
export async function sharesDue(
  h: DatabaseHandle,
  options: { sharedBefore: Date; limit: number; tenantIds?: readonly string[] },
): Promise<FileSharesDue[]> {
  const tenantIds = options.tenantIds ? `{${options.tenantIds.join(',')}}` : null;
  const found = await h.rows<{ tenant_id: string; tenant_slug: string; project_id: string }>(
    sql`select * from app_system.file_shares_due(${options.sharedBefore.toISOString()}::timestamptz, ${options.limit}::integer, ${tenantIds}::uuid[])`,
  );
  return found.map((row) => ({
    tenantId: row.tenant_id,
    tenantSlug: row.tenant_slug,
    projectId: row.project_id,
  }));
}

/**
 * Sets how many bytes a tenant may store (app_system.operator_set_storage_limit); false when
 * there is no such tenant. Live operator session only.
 */
export async function operatorSetLimit(
  h: DatabaseHandle,
  sessionId: string,
  tenantId: string,
  limitBytes: number,
): Promise<boolean> {
  const [row] = await h.rows<{ updated: boolean }>(
    sql`select app_system.operator_set_storage_limit(${sessionId}::text, ${tenantId}::uuid, ${limitBytes}::bigint) as updated`,
  );
  return row?.updated === true;
}
