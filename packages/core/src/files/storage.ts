import { schema, sql } from '@foyer/db';
import { adminOf, type Ctx, transact } from '../ctx';
import { rows } from './common';

const { DEFAULT_STORAGE_LIMIT_BYTES } = schema;

/** How many projects the storage page lists, largest first. */
export const STORAGE_TOP_PROJECTS = 10;

export interface ProjectStorage {
  id: string;
  name: string;
  status: 'active' | 'on_hold' | 'completed' | 'archived';
  /** Every version of every file of the project. */
  bytes: number;
  files: number;
}

export interface StorageOverview extends StorageUsage {
  /** The server-wide limit on one file, in bytes. */
  maxFileBytes: number;
  /** The projects that store the most, largest first (at most STORAGE_TOP_PROJECTS). */
  projects: ProjectStorage[];
}

export interface StorageUsage {
  /** Bytes stored now: every version of every file. */
  bytes: number;
  files: number;
  /** The cap an operator set (or the default), in bytes. */
  limitBytes: number;
}

/**
 * What the workspace stores against its cap, read under the admin's own policies from the usage
 * row the database keeps on every change (no row until the first file: nothing stored, the
 * default cap).
 */
export async function storageUsage({ ctx }: { ctx: Ctx }): Promise<StorageUsage> {
  adminOf(ctx, 'Only admins see storage.');
  return transact(ctx, async ({ tx }) => {
    const [usage] = await rows<{ bytes: string | number; files: number; limit_bytes: string | number }>(
      tx,
      sql`select su.bytes, su.files, su.limit_bytes from app.storage_usage su`,
    );
    return {
      bytes: Number(usage?.bytes ?? 0),
      files: Number(usage?.files ?? 0),
      limitBytes: Number(usage?.limit_bytes ?? DEFAULT_STORAGE_LIMIT_BYTES),
    };
  });
}

/**
 * The admin's view of the workspace's storage: what it stores against its cap, the largest
 * projects, and the largest file the server takes. Read under the admin's own policies: the
 * usage row is the one the database keeps on every change (no row until the first file), and
 * the projects' sums come from their file versions.
 */
export async function storageOverview({ ctx }: { ctx: Ctx }): Promise<StorageOverview> {
  adminOf(ctx, 'Only admins see storage.');
  return transact(ctx, async (txCtx) => {
    const { tx } = txCtx;
    const usage = await storageUsage({ ctx: txCtx });
    const projects = await rows<{
      id: string;
      name: string;
      status: ProjectStorage['status'];
      bytes: string | number;
      files: string | number;
    }>(
      tx,
      sql`select p.id::text as id, p.name, p.status, sum(fv.size) as bytes, count(distinct f.id) as files
          from app.file_versions fv
          join app.files f on f.tenant_id = fv.tenant_id and f.id = fv.file_id
          join app.projects p on p.tenant_id = f.tenant_id and p.id = f.project_id
          group by p.id, p.name, p.status
          order by sum(fv.size) desc, p.name, p.id
          limit ${STORAGE_TOP_PROJECTS}`,
    );
    return {
      ...usage,
      maxFileBytes: ctx.deps.files.uploads.maxFileBytes,
      projects: projects.map((p) => ({
        id: p.id,
        name: p.name,
        status: p.status,
        bytes: Number(p.bytes),
        files: Number(p.files),
      })),
    };
  });
}
