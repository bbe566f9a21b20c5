import { schema, sql, system, withActor } from '@foyer/db';
import type { Deps } from '../context';
import { notify } from '../mail/outbox';
import { notifyInApp } from '../notifications/in-app';
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
      // Who sees them: the project's active clients with Projects and Files download on.
      const audience = await rows<{ id: string; invited: boolean; project_name: string }>(
        tx,
        sql`select u.id::text as id, (u.password_hash is null) as invited, p.name as project_name
              from app.project_clients pc
              join app.projects p on p.tenant_id = pc.tenant_id and p.id = pc.project_id
              join app.users u on u.tenant_id = pc.tenant_id and u.id = pc.user_id
             where pc.project_id = ${projectId}::uuid and p.status <> 'archived'
               and u.role = 'client' and u.status = 'active'
               and 'projects' = any(u.permissions) and 'files.download' = any(u.permissions)`,
      );
      if (audience.length === 0) return visible.length;
      const [brand] = await tx.select({ name: schema.branding.displayName }).from(schema.branding).limit(1);
      const agency = brand?.name ?? '';
      const projectName = audience[0]?.project_name ?? '';
      const first = visible[0]?.name ?? '';
      const notice = {
        tenantId,
        event: 'file-shared' as const,
        title:
          visible.length === 1
            ? `New file on ${projectName}: ${first}`
            : `${visible.length} new files on ${projectName}`,
        body:
          visible.length === 1
            ? `${agency} shared a file with you.`
            : `${agency} shared ${visible.length} files with you.`,
        link: portalFilesLink(projectId),
      };
      await notifyInApp(tx, { ...notice, userIds: audience.filter((a) => a.invited).map((a) => a.id) });
      await notify(tx, {
        ...notice,
        userIds: audience.filter((a) => !a.invited).map((a) => a.id),
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
      });
      return visible.length;
    });
  }
  return { projects: due.length, files: told };
}
