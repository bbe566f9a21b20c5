import { randomUUID } from 'node:crypto';
import { and, eq, schema, sql, system, type Tx } from '@foyer/db';
import { isObjectKey } from '@foyer/storage';
import { z } from 'zod';
import { type Ctx, type Person, personOf, record, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { optionalId } from '../input';
import { cleanName, FILE_NOT_FOUND, FOLDER_NOT_FOUND, PROJECT_NOT_FOUND, rows } from './common';

const { files, fileVersions, folders, projects, tasks } = schema;

/** Where an upload goes and what it is: the parts the browser may choose. */
export const uploadPlaceInput = z.object({
  /**
   * The project whose files it joins. Optional with `messageId`: a message's file goes where its
   * thread lives (the project of a task thread or discussion; none for a direct conversation or an
   * internal chat without a project, whose files belong to the thread).
   */
  projectId: optionalId('project'),
  folderId: optionalId('folder'),
  /** Attach to a task of the project (the file still lives in the project's files). */
  taskId: optionalId('task'),
  /** Upload as the next version of this file. */
  replaceFileId: optionalId('file'),
  /** Attach to a message: a task's comment (the file follows its visibility) or a conversation's. */
  messageId: optionalId('comment'),
  name: z.string('Name the file.').transform((raw, context) => {
    const name = cleanName(raw);
    if (!name) {
      context.addIssue({
        code: 'custom',
        message: 'Use a file name of 1 to 255 characters, without / or \\.',
      });
      return z.NEVER;
    }
    return name;
  }),
  size: z
    .number('Give the file’s size.')
    .int()
    .min(0)
    .max(2 ** 53 - 1),
});

export const registerUploadInput = uploadPlaceInput.extend({
  key: z.string().refine(isObjectKey, 'Not a storage key.'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  contentType: z.string().min(3).max(200),
  thumbnailKey: z.string().refine(isObjectKey, 'Not a storage key.').nullable().optional().default(null),
});

export type UploadPlace = z.output<typeof uploadPlaceInput>;

const ARCHIVED = 'This project is archived: files can’t be added to it.';
const NO_UPLOADS = 'Your account can’t upload files here.';

/** Human size, for messages: 1.5 GB, 200 MB, 12 KB. */
export function describeBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** The thread a message is in: its kind and project, read under `me`'s policies. */
async function messageThread(
  tx: Tx,
  messageId: string,
): Promise<{ kind: string; projectId: string | null; authorId: string | null } | undefined> {
  const [found] = await rows<{ kind: string; project_id: string | null; author_id: string | null }>(
    tx,
    sql`select th.kind, th.project_id::text as project_id, m.author_id::text as author_id
        from app.messages m join app.threads th on th.tenant_id = m.tenant_id and th.id = m.thread_id
        where m.id = ${messageId}::uuid and m.deleted_at is null`,
  );
  return found ? { kind: found.kind, projectId: found.project_id, authorId: found.author_id } : undefined;
}

const MESSAGE_NOT_FOUND = 'That message doesn’t exist.';

/**
 * Checks that `me` may put a file at `place`, reading what they may read; refuses otherwise. A
 * message's file without a project takes its thread's project (if it has one): the place returned
 * is the one the file lands in.
 */
async function checkPlace(tx: Tx, me: Person, place: UploadPlace): Promise<UploadPlace> {
  if (place.messageId) {
    if (place.folderId || place.replaceFileId)
      throw invalid({ messageId: 'A message’s file goes with the message.' });
    const thread = await messageThread(tx, place.messageId);
    if (!thread || (place.projectId !== null && thread.projectId !== place.projectId))
      throw new CoreError('not_found', place.projectId ? 'That comment doesn’t exist.' : MESSAGE_NOT_FOUND);
    if (me.kind === 'client' && thread.authorId !== me.userId)
      throw new CoreError('forbidden', 'You can attach files to your own messages only.');
    if (thread.projectId === null) {
      // A direct conversation's files (or a project-less internal chat's) belong to the thread:
      // its participants see them, the policies decide who may add one.
      if (place.taskId) throw invalid({ taskId: 'A conversation’s file goes with its message.' });
      if (me.kind === 'client') {
        const permissions = await permissionsOf(tx, me);
        if (thread.kind !== 'direct' || !permissions.includes('messages'))
          throw new CoreError('forbidden', NO_UPLOADS);
      }
      return { ...place, projectId: null };
    }
    place = { ...place, projectId: thread.projectId };
  }
  if (!place.projectId) throw invalid({ projectId: 'Choose where the file goes.' });
  const [project] = await tx
    .select({ id: projects.id, status: projects.status })
    .from(projects)
    .where(eq(projects.id, place.projectId));
  if (!project) throw new CoreError('not_found', PROJECT_NOT_FOUND);
  if (project.status === 'archived') throw new CoreError('forbidden', ARCHIVED);
  if (me.kind === 'client') {
    if (!(await permissionsOf(tx, me)).includes('files.upload')) throw new CoreError('forbidden', NO_UPLOADS);
    // A client's upload lands at the top of the project, internal (or on a message of their own);
    // the team files it.
    if (place.folderId || place.taskId || place.replaceFileId) throw new CoreError('forbidden', NO_UPLOADS);
    return place;
  }
  if (place.folderId) {
    const [folder] = await tx
      .select({ id: folders.id })
      .from(folders)
      .where(and(eq(folders.id, place.folderId), eq(folders.projectId, place.projectId)));
    if (!folder) throw new CoreError('not_found', FOLDER_NOT_FOUND);
  }
  if (place.taskId) {
    const [task] = await tx
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(eq(tasks.id, place.taskId), eq(tasks.projectId, place.projectId)));
    if (!task) throw new CoreError('not_found', 'That task doesn’t exist.');
  }
  if (place.replaceFileId) {
    const [file] = await tx
      .select({ id: files.id })
      .from(files)
      .where(and(eq(files.id, place.replaceFileId), eq(files.projectId, place.projectId)));
    if (!file) throw new CoreError('not_found', FILE_NOT_FOUND);
  }
  return place;
}

async function permissionsOf(tx: Tx, me: Person): Promise<string[]> {
  const [person] = await rows<{ permissions: string[] }>(
    tx,
    sql`select permissions from app.users where id = ${me.userId}::uuid and status = 'active'`,
  );
  return person?.permissions ?? [];
}

export interface UploadAllowance {
  /** Bytes the tenant may still store: the cap on this upload (the server's own limit aside). */
  roomBytes: number;
  place: UploadPlace;
}

/**
 * Before any byte: may this person upload this file here, and does it fit the tenant's storage?
 * Refuses with a message the uploader shows (not_found, forbidden, limit_reached).
 */
export async function uploadAllowance({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof uploadPlaceInput>;
}): Promise<UploadAllowance> {
  const me = personOf(ctx);
  const place = await transact(ctx, ({ tx }) => checkPlace(tx, me, parseUpload(uploadPlaceInput, input)));
  const room = await system.storage.room(ctx.deps.db, me.tenantId);
  const roomBytes = Math.max(0, room.limitBytes - room.bytes);
  // A cap of 0 stops uploads altogether, an empty file too.
  if (room.limitBytes === 0) {
    throw new CoreError('limit_reached', 'This workspace can’t store files: its storage is set to 0 GB.');
  }
  if (place.size > roomBytes) {
    throw new CoreError(
      'limit_reached',
      `This file (${describeBytes(place.size)}) is more than this workspace has left: ${describeBytes(roomBytes)} of ${describeBytes(room.limitBytes)}.`,
    );
  }
  return { roomBytes, place };
}

/** Parses an upload's input, answering a field error as one sentence (the uploader shows one line). */
function parseUpload<S extends z.ZodType>(schemaOf: S, raw: unknown): z.output<S> {
  const parsed = schemaOf.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(
      { [String(issue?.path[0] ?? 'file')]: issue?.message ?? 'Check the file.' },
      issue?.message,
    );
  }
  return parsed.data;
}

/**
 * Records a finished upload, as the person who uploaded it, in one transaction with its activity
 * entry: a new file (internal unless the project shares the team's uploads by default), or the
 * next version of an existing one. The place is checked again: permissions may have changed
 * while the bytes arrived.
 */
export async function registerUpload({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof registerUploadInput>;
}): Promise<{ id: string; version: number }> {
  const me = personOf(ctx);
  const parsed = parseUpload(registerUploadInput, input);
  return transact(ctx, async (txCtx) => {
    const { tx } = txCtx;
    const upload = { ...parsed, ...(await checkPlace(tx, me, parsed)) };
    const facts = {
      tenantId: me.tenantId,
      name: upload.name,
      contentType: upload.contentType,
      size: upload.size,
      sha256: upload.sha256,
      objectKey: upload.key,
      thumbnailKey: upload.thumbnailKey,
    };
    let result: { id: string; version: number };
    if (upload.replaceFileId) {
      const [current] = await rows<{ version: number }>(
        tx,
        sql`select version from app.files where id = ${upload.replaceFileId}::uuid for update`,
      );
      if (!current) throw new CoreError('not_found', FILE_NOT_FOUND);
      const version = current.version + 1;
      await tx
        .insert(fileVersions)
        .values({ ...facts, fileId: upload.replaceFileId, version, uploadedBy: me.userId });
      await tx
        .update(files)
        .set({ ...facts, version, updatedAt: sql`now()` })
        .where(eq(files.id, upload.replaceFileId));
      result = { id: upload.replaceFileId, version };
    } else if (me.kind === 'client') {
      // Only the columns a client may write (drizzle would list every column).
      const fileId = randomUUID();
      await rows(
        tx,
        sql`insert into app.files (tenant_id, id, project_id, message_id, name, content_type, size, sha256, object_key, thumbnail_key, uploaded_by)
            values (${me.tenantId}::uuid, ${fileId}::uuid, ${upload.projectId}::uuid, ${upload.messageId}::uuid, ${upload.name}, ${upload.contentType},
              ${upload.size}, ${upload.sha256}, ${upload.key}, ${upload.thumbnailKey}, ${me.userId}::uuid)`,
      );
      await rows(
        tx,
        sql`insert into app.file_versions (tenant_id, file_id, version, name, content_type, size, sha256, object_key, thumbnail_key, uploaded_by)
            values (${me.tenantId}::uuid, ${fileId}::uuid, 1, ${upload.name}, ${upload.contentType},
              ${upload.size}, ${upload.sha256}, ${upload.key}, ${upload.thumbnailKey}, ${me.userId}::uuid)`,
      );
      result = { id: fileId, version: 1 };
    } else {
      const [project] = upload.projectId
        ? await tx
            .select({ shared: projects.filesVisibleByDefault })
            .from(projects)
            .where(eq(projects.id, upload.projectId))
        : [];
      const [person] = await rows<{ name: string }>(
        tx,
        sql`select name from app.users where id = ${me.userId}::uuid`,
      );
      const folderPath = upload.folderId
        ? [
            ...((
              await tx.select({ path: folders.path }).from(folders).where(eq(folders.id, upload.folderId))
            )[0]?.path ?? []),
            upload.folderId,
          ]
        : [];
      // A comment's file follows the comment; any other starts as the project says.
      const shared = project?.shared === true && !upload.messageId;
      const [row] = await tx
        .insert(files)
        .values({
          ...facts,
          projectId: upload.projectId,
          folderId: upload.folderId,
          folderPath,
          taskId: upload.taskId,
          messageId: upload.messageId,
          clientVisible: shared,
          sharedAt: shared ? sql`now()` : null,
          sharePending: shared,
          uploadedBy: me.userId,
          uploaderName: person?.name ?? null,
        })
        .returning({ id: files.id });
      if (!row) throw new Error('registerUpload: the insert returned no row');
      await tx.insert(fileVersions).values({ ...facts, fileId: row.id, version: 1, uploadedBy: me.userId });
      result = { id: row.id, version: 1 };
    }
    await record(txCtx, {
      verb: 'file.uploaded',
      subject: { type: 'file', id: result.id },
      projectId: upload.projectId,
      data: { name: upload.name, size: upload.size, version: result.version },
    });
    return result;
  });
}
