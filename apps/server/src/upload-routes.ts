import { randomUUID } from 'node:crypto';
import {
  CoreError,
  type Ctx,
  createCtx,
  type Deps,
  httpStatus,
  makeThumbnail,
  registerUpload,
  sweepTenantObjects,
  thumbnailable,
  uploadAllowance,
} from '@foyer/core';
import { LocalObjectStore, objectKey } from '@foyer/storage';
import type { Context, Hono } from 'hono';
import { access } from './access';
import type { AppEnv } from './app';
import type { StorageConfig } from './env';
import { errorFields, type Logger } from './log';
import { createUploads, type Uploader, type Uploads } from './uploads/index';

/** The tus endpoint: uploads are created at `/uploads` and live at `/uploads/<uuid>`. */
export const UPLOADS_PATH = '/uploads';

/** Whether a path belongs to the upload endpoint, whose bodies the tus handler caps and streams itself. */
export const isUploadPath = (path: string) => path === UPLOADS_PATH || path.startsWith(`${UPLOADS_PATH}/`);

/** What the browser's tus metadata may say, beside the file name. */
const PLACE_KEYS = ['projectId', 'folderId', 'taskId', 'replaceFileId', 'messageId'] as const;

/**
 * Mounts the resumable upload endpoint for signed-in people of a tenant. Each request acts as its
 * session's person: the upload is sized and permitted (`uploadAllowance`) before any byte, and
 * registered (`registerUpload`) in the uploader's name when the last byte arrived and the type
 * passed. Images get a thumbnail first. The handler streams and caps bodies itself.
 */
export function mountUploads(app: Hono<AppEnv>, core: Deps, storage: StorageConfig, log: Logger): Uploads {
  const contexts = new WeakMap<Uploader, Ctx>();
  const ctxOf = (who: Uploader) => {
    const ctx = contexts.get(who);
    if (!ctx) throw new Error('upload hook without its request context');
    return ctx;
  };
  const store = core.files.store;
  const uploads = createUploads({
    path: UPLOADS_PATH,
    store:
      storage.kind === 's3'
        ? {
            kind: 's3',
            config: {
              bucket: storage.bucket,
              region: storage.region,
              ...(storage.endpoint ? { endpoint: storage.endpoint } : {}),
              accessKeyId: storage.accessKeyId,
              secretAccessKey: storage.secretAccessKey,
              forcePathStyle: storage.forcePathStyle,
            },
          }
        : { kind: 'local', local: localStore(store) },
    maxFileBytes: core.files.uploads.maxFileBytes,
    async authorize(who, { length, metadata }) {
      try {
        const allowed = await uploadAllowance({
          ctx: ctxOf(who),
          input: {
            projectId: metadata.projectId ?? '',
            folderId: metadata.folderId ?? null,
            taskId: metadata.taskId ?? null,
            replaceFileId: metadata.replaceFileId ?? null,
            messageId: metadata.messageId ?? null,
            name: metadata.filename ?? metadata.name ?? '',
            size: length,
          },
        });
        const keep: Record<string, string> = {};
        for (const key of PLACE_KEYS) keep[key] = allowed.place[key] ?? '';
        return { ok: true, maxBytes: allowed.roomBytes, keep };
      } catch (error) {
        if (error instanceof CoreError) return { ok: false, status: statusOf(error), message: error.message };
        throw error;
      }
    },
    async complete(who, upload) {
      const ctx = ctxOf(who);
      let thumbnailKey: string | null = null;
      if (thumbnailable(upload.contentType)) {
        const key = objectKey(who.tenantId, randomUUID());
        const made = await makeThumbnail(store, upload.key, key).catch(() => null);
        if (made) thumbnailKey = key;
      }
      try {
        const registered = await registerUpload({
          ctx,
          input: {
            projectId: upload.keep.projectId ?? '',
            folderId: upload.keep.folderId || null,
            taskId: upload.keep.taskId || null,
            replaceFileId: upload.keep.replaceFileId || null,
            messageId: upload.keep.messageId || null,
            name: upload.name,
            size: upload.size,
            key: upload.key,
            sha256: upload.sha256,
            contentType: upload.contentType,
            thumbnailKey,
          },
        });
        return { ok: true, headers: { 'Foyer-File-Id': registered.id } };
      } catch (error) {
        if (thumbnailKey) await store.delete(thumbnailKey).catch(() => {});
        if (error instanceof CoreError) return { ok: false, status: statusOf(error), message: error.message };
        throw error;
      }
    },
    log: (event, fields) => log.info(event, fields),
  });

  const handle = (c: Context<AppEnv>) => {
    const site = c.get('site');
    const session = c.get('session');
    const actor = session?.actor;
    if (site?.kind !== 'tenant' || !actor || !('userId' in actor)) return c.text('Sign in first.', 401);
    const who: Uploader = { tenantId: actor.tenantId, userId: actor.userId };
    contexts.set(
      who,
      createCtx(core, {
        actor,
        site: { tenant: site.tenant, branding: site.branding },
        client: { ip: c.get('clientAddress'), userAgent: c.req.header('user-agent') ?? null },
      }),
    );
    return uploads.handle(c.req.raw, who);
  };
  // Hourly: unfinished uploads older than a day go, and every tenant's objects are compared with
  // its rows (orphans removed on their second sighting, missing ones reported). The timer never
  // keeps the process alive.
  const seen = new Set<string>();
  setInterval(
    () => {
      sweepStorage(core, uploads, seen, log).catch((error: unknown) =>
        log.warn('storage sweep failed', errorFields(error)),
      );
    },
    60 * 60 * 1000,
  ).unref();
  // Hono routes HEAD through GET; the tus handler answers the request's own method.
  const methods = ['GET', 'POST', 'PATCH', 'DELETE'];
  app.on(methods, UPLOADS_PATH, access('signed-in'), handle);
  app.on(methods, `${UPLOADS_PATH}/:id`, access('signed-in'), handle);
  return uploads;
}

/** One pass of the storage sweep over every tenant that has objects. */
export async function sweepStorage(
  core: Deps,
  uploads: Uploads,
  seen: Set<string>,
  log: Logger,
): Promise<void> {
  await uploads.sweepExpired();
  const tenants = new Set<string>();
  for await (const key of core.files.store.list('tenants/')) {
    const tenantId = key.split('/')[1];
    if (tenantId) tenants.add(tenantId);
  }
  for (const tenantId of tenants) {
    const report = await sweepTenantObjects(core, tenantId, {
      pending: () => uploads.pendingKeys(tenantId),
      seen,
    });
    if (report.removed.length > 0 || report.missing.length > 0) {
      log.warn('storage sweep', {
        tenantId,
        objects: report.objects,
        removed: report.removed.length,
        missing: report.missing.length,
      });
    }
  }
}

function localStore(store: Deps['files']['store']): LocalObjectStore {
  if (!(store instanceof LocalObjectStore)) throw new Error('uploads: local storage without a local store');
  return store;
}

/** A refusal's HTTP status: the core's, with "over the cap" as 413 as the uploader expects. */
function statusOf(error: CoreError): number {
  if (error.code === 'limit_reached') return 413;
  return httpStatus(error.code);
}
