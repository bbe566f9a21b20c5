import { schema, sql, system, withActor } from '@foyer/db';
import type { Deps } from '../context';
import { notifySharedToClients } from '../tasks/common';
import { rows } from './common';
import { describeBytes } from './uploads';

/** Files shared within this long of each other go out in one notice per project. */
export const SHARE_BATCH_SECONDS = 60 * 60;

/** The files area of a project in the portal. */
export const portalFilesLink = (projectId: string) => `/projects/${projectId}/files`;

/**
 * The hourly "files shared" notices: for each project whose first pending share is an hour old,
 * one notice per client who can see the files (bell, and email by their choice), listing every
 * file shared since, then the files are marked told. Files made internal again in the meantime
 * are not pending any more, so nobody hears of them. Runs as the worker of each tenant; rows are
 * claimed with SKIP LOCKED, so two workers never announce the same file.
 */
export async function announceFileShares(
  deps: Deps,
  options: { tenantIds?: readonly string[]; limit?: number } = {},
): Promise<{ projects: number; files: number }> {
  const now = deps.now();
  const due = await system.storage.sharesDue(deps.db, {
    sharedBefore: new Date(now.getTime() - SHARE_BATCH_SECONDS * 1000),
    limit: options.limit ?? 200,
    ...(options.tenantIds ? { tenantIds: options.tenantIds } : {}),
  });
  let told = 0;
  for (const { tenantId, projectId } of due) {
    told += await withActor(deps.db.db, { kind: 'worker', tenantId }, async (tx) => {
      const shared = await rows<{ id: string; name: string; size: number }>(
        tx,
        sql`select id::text as id, name, size::float8 as size from app.files
            where project_id = ${projectId}::uuid and share_pending
            order by shared_at, lower(name) for update skip locked`,
      );
      if (shared.length === 0) return 0;
      await rows(
        tx,
        sql`update app.files set share_pending = false
            where id = any(${`{${shared.map((file) => file.id).join(',')}}`}::uuid[])`,
      );
      const visible = await rows<{ id: string; name: string; size: number }>(
        tx,
        sql`select id::text as id, name, size::float8 as size from app.files
            where id = any(${`{${shared.map((file) => file.id).join(',')}}`}::uuid[]) and client_visible and message_id is null
            order by shared_at, lower(name)`,
      );
      if (visible.length === 0) return 0;
      const [brand] = await tx.select({ name: schema.branding.displayName }).from(schema.branding).limit(1);
      const agency = brand?.name ?? '';
      const first = visible[0]?.name ?? '';
      await notifySharedToClients(tx, {
        tenantId,
        projectId,
        permission: 'files.download',
        event: 'file-shared',
        link: portalFilesLink(projectId),
        notice: (projectName) => ({
          title:
            visible.length === 1
              ? `New file on ${projectName}: ${first}`
              : `${visible.length} new files on ${projectName}`,
          body:
            visible.length === 1
              ? `${agency} shared a file with you.`
              : `${agency} shared ${visible.length} files with you.`,
          vars: {
            sharedByName: agency,
            projectName,
            count: visible.length,
            several: visible.length > 1,
            files: visible
              .slice(0, 50)
              .map((file) => ({ name: file.name, size: describeBytes(Number(file.size)) })),
            filesUrl: portalFilesLink(projectId),
          },
        }),
      });
      return visible.length;
    });
  }
  return { projects: due.length, files: told };
}
