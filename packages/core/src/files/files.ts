import { randomUUID } from 'node:crypto';
import { and, eq, schema, sql, type Tx } from '@foyer/db';
import { signLocalLink } from '@foyer/storage';
import { z } from 'zod';
import {
  adminOf,
  afterCommit,
  type Ctx,
  type Person,
  personOf,
  record,
  type TxCtx,
  teamMemberOf,
  transact,
} from '../ctx';
import { CoreError, invalid, sqlState, UNIQUE_VIOLATION } from '../errors';
import { id, line, optionalId, parseInput } from '../input';
import {
  cleanName,
  FILE_NOT_FOUND,
  FOLDER_NOT_FOUND,
  folderTrail,
  LINK_SECONDS,
  PROJECT_NOT_FOUND,
  rows,
  TEAM_ONLY,
} from './common';
import {
  FILE_GROUPS,
  type FileGroup,
  GROUP_PATTERNS,
  inlineSafe,
  type PreviewKind,
  previewKind,
} from './kinds';

const { fileVersions, files, folders, projects } = schema;

export const FILES_PAGE_SIZE = 50;

export const FILE_SORTS = ['name', 'size', 'type', 'date', 'uploader'] as const;
export type FileSort = (typeof FILE_SORTS)[number];

// ---- inputs -------------------------------------------------------------------------------------

export const listFilesInput = z.object({
  projectId: id('project'),
  folderId: optionalId('folder'),
  /** Searches the whole project by name (folders aside). */
  q: line(200).optional().default(''),
  sort: z.enum(FILE_SORTS).optional().default('name'),
  dir: z.enum(['asc', 'desc']).optional().default('asc'),
  group: z.enum(FILE_GROUPS).nullable().optional().default(null),
  visibility: z.enum(['all', 'visible', 'internal']).optional().default('all'),
  page: z.number().int().min(1).max(100_000).optional().default(1),
  /** Every folder's files at once (a project's most recent files), not one folder's. */
  everywhere: z.boolean().optional().default(false),
  /** Only the files attached to this task (from every folder). */
  taskId: optionalId('task'),
  pageSize: z.number().int().min(1).max(FILES_PAGE_SIZE).optional().default(FILES_PAGE_SIZE),
});

const nameField = (max: number, what: string) =>
  z.string(`Give the ${what} a name.`).transform((raw, context) => {
    const name = cleanName(raw, max);
    if (!name) {
      context.addIssue({
        code: 'custom',
        message: `Use 1 to ${max} characters, without / or \\.`,
      });
      return z.NEVER;
    }
    return name;
  });

export const createFolderInput = z.object({
  projectId: id('project'),
  parentId: optionalId('folder'),
  name: nameField(120, 'folder'),
});
export const renameFolderInput = z.object({ id: id('folder'), name: nameField(120, 'folder') });
export const folderIdInput = z.object({ id: id('folder') });

export const fileIdInput = z.object({ id: id('file') });
export const renameFileInput = z.object({ id: id('file'), name: nameField(255, 'file') });
export const moveFilesInput = z.object({
  ids: z.array(id('file')).min(1, 'Choose at least one file.').max(200),
  folderId: optionalId('folder'),
});
export const fileVisibilityInput = z.object({
  ids: z.array(id('file')).min(1, 'Choose at least one file.').max(200),
  clientVisible: z.boolean('Choose whether clients see it.'),
});
export const deleteFilesInput = z.object({
  ids: z.array(id('file')).min(1, 'Choose at least one file.').max(200),
});
export const fileLinkInput = z.object({
  id: id('file'),
  /** An earlier version (the team's); the current one when left out. */
  version: z.number().int().min(1).max(100_000).optional(),
  disposition: z.enum(['inline', 'attachment']).optional().default('attachment'),
});

// ---- reading ------------------------------------------------------------------------------------

export interface FileRow {
  id: string;
  name: string;
  contentType: string;
  size: number;
  version: number;
  clientVisible: boolean;
  folderId: string | null;
  taskId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Who uploaded it, as this person may see them ("You" for one's own). */
  uploaderName: string | null;
  /** Uploaded by a client (the team sees which). */
  fromClient: boolean;
  own: boolean;
  /** A short-lived link to its thumbnail (images), or null. */
  thumbnailUrl: string | null;
  preview: PreviewKind | null;
  /**
   * Attached to a message of a project discussion: that conversation's id. Such a file is seen by
   * whoever sees its message (it has no client-visible switch of its own) and stays where it is.
   */
  discussionId: string | null;
}

export interface FolderRow {
  id: string;
  name: string;
  /** Files in it (and below) this person can see. */
  fileCount: number;
}

export interface FilesArea {
  project: { id: string; name: string; status: string; filesVisibleByDefault: boolean };
  folder: { id: string; name: string; parentId: string | null } | null;
  /** The folders above and including the current one, outermost first. */
  trail: { id: string; name: string }[];
  folders: FolderRow[];
  files: FileRow[];
  total: number;
  page: number;
  pageSize: number;
  /** Whether this person may upload here (the team anywhere; a client with files.upload at the top). */
  canUpload: boolean;
  canManage: boolean;
}

/** A person's own permissions, from their own row (clients read it; the team has none). */
async function clientPermissions(tx: Tx, me: Person): Promise<readonly string[]> {
  if (me.kind !== 'client') return [];
  const [row] = await rows<{ permissions: string[] }>(
    tx,
    sql`select permissions from app.users where id = ${me.userId}::uuid and status = 'active'`,
  );
  return row?.permissions ?? [];
}

/** The project discussion a file's message belongs to (task comments' files have none). */
const discussionOf = sql`(select th.id::text from app.messages dm
  join app.threads th on th.tenant_id = dm.tenant_id and th.id = dm.thread_id
  where dm.tenant_id = f.tenant_id and dm.id = f.message_id and th.kind = 'project')`;

/**
 * Files of the files area: the project's own, and those shared in its discussions (a task
 * comment's files are listed with the comment).
 */
const inFilesArea = sql`(f.message_id is null or f.message_id in (select dm.id from app.messages dm
  join app.threads th on th.tenant_id = dm.tenant_id and th.id = dm.thread_id where th.kind = 'project'))`;

const fileColumns = (me: Person) => {
  const team = me.kind !== 'client';
  return sql`f.id::text as id, f.name, f.content_type, f.size::float8 as size, f.version, f.client_visible,
    f.folder_id::text as folder_id, f.task_id::text as task_id, f.created_at, f.updated_at,
    (f.uploaded_by = ${me.userId}::uuid) as own, f.thumbnail_key, ${discussionOf} as discussion_id,
    ${
      team
        ? sql`coalesce(u.name, f.uploader_name) as uploader_name, coalesce(u.role = 'client', false) as from_client`
        : sql`case when f.uploaded_by = ${me.userId}::uuid then 'You' else f.uploader_name end as uploader_name, false as from_client`
    }`;
};

const fileJoins = (me: Person) =>
  me.kind === 'client'
    ? sql`from app.files f`
    : sql`from app.files f left join app.users u on u.tenant_id = f.tenant_id and u.id = f.uploaded_by`;

interface RawFile {
  id: string;
  name: string;
  content_type: string;
  size: number;
  version: number;
  client_visible: boolean;
  folder_id: string | null;
  task_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  own: boolean;
  thumbnail_key: string | null;
  uploader_name: string | null;
  from_client: boolean;
  discussion_id: string | null;
}

/** A same-origin, short-lived link to a thumbnail, signed once its row was read under the policies. */
function thumbnailUrl(ctx: Ctx, key: string | null, name: string): string | null {
  if (!key) return null;
  return `/files/${signLocalLink(
    key,
    {
      expiresInSeconds: LINK_SECONDS,
      filename: `${name}.webp`,
      disposition: 'inline',
      contentType: 'image/webp',
    },
    ctx.deps.files.linkSecret,
    ctx.deps.now().getTime(),
  )}`;
}

const toFileRow = (ctx: Ctx, row: RawFile): FileRow => ({
  id: row.id,
  name: row.name,
  contentType: row.content_type,
  size: Number(row.size),
  version: row.version,
  clientVisible: row.client_visible,
  folderId: row.folder_id,
  taskId: row.task_id,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
  uploaderName: row.uploader_name,
  fromClient: row.from_client,
  own: row.own,
  thumbnailUrl: thumbnailUrl(ctx, row.thumbnail_key, row.name),
  preview: previewKind(row.content_type),
  discussionId: row.discussion_id ?? null,
});

const ORDER: Record<FileSort, ReturnType<typeof sql>> = {
  name: sql`lower(f.name)`,
  size: sql`f.size`,
  type: sql`f.content_type`,
  date: sql`f.created_at`,
  uploader: sql`lower(coalesce(uploader_name, ''))`,
};

function groupFilter(group: FileGroup | null) {
  if (!group) return sql`true`;
  const like = (patterns: readonly string[]) =>
    sql.join(
      patterns.map((pattern) => sql`f.content_type like ${pattern}`),
      sql` or `,
    );
  if (group === 'other') {
    const all = Object.values(GROUP_PATTERNS).flat();
    return sql`not (${like(all)})`;
  }
  return sql`(${like(GROUP_PATTERNS[group])})`;
}

/**
 * A project's files area, one folder at a time (or the whole project when searching by name):
 * its folders and files, sorted, filtered, 50 to a page. The database decides what is there: a
 * client reads only the files shared with them and their own uploads, and the folders on the way
 * to those; staff reach only their projects'. Files shared in the project's discussions are listed
 * (where their messages are seen); task comments' attachments are listed with their comments.
 */
export async function listFiles({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof listFilesInput>;
}): Promise<FilesArea> {
  const me = personOf(ctx);
  const options = parseInput(listFilesInput, input);
  return transact(ctx, async ({ tx }) => {
    const [project] = await tx
      .select({
        id: projects.id,
        name: projects.name,
        status: projects.status,
        filesVisibleByDefault: projects.filesVisibleByDefault,
      })
      .from(projects)
      .where(eq(projects.id, options.projectId));
    if (!project) throw new CoreError('not_found', PROJECT_NOT_FOUND);
    let folder: FilesArea['folder'] = null;
    let trail: FilesArea['trail'] = [];
    if (options.folderId) {
      const [row] = await tx
        .select({ id: folders.id, name: folders.name, parentId: folders.parentId, path: folders.path })
        .from(folders)
        .where(and(eq(folders.id, options.folderId), eq(folders.projectId, project.id)));
      if (!row) throw new CoreError('not_found', FOLDER_NOT_FOUND);
      folder = { id: row.id, name: row.name, parentId: row.parentId };
      trail = [...(await folderTrail(tx, row.path)), { id: row.id, name: row.name }];
    }
    const searching = options.q.trim() !== '' || options.everywhere || options.taskId !== null;
    const place = searching
      ? sql`true`
      : options.folderId
        ? sql`f.folder_id = ${options.folderId}::uuid`
        : sql`f.folder_id is null`;
    const search = searching
      ? sql`f.name ilike ${`%${options.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`
      : sql`true`;
    const visibility =
      me.kind === 'client' || options.visibility === 'all'
        ? sql`true`
        : sql`f.client_visible = ${options.visibility === 'visible'}`;
    const task = options.taskId ? sql`f.task_id = ${options.taskId}::uuid` : sql`true`;
    const where = sql`f.project_id = ${project.id}::uuid and ${inFilesArea} and ${place} and ${search} and ${task}
      and ${groupFilter(options.group)} and ${visibility}`;
    const [count] = await rows<{ n: number }>(
      tx,
      sql`select count(*)::int as n ${fileJoins(me)} where ${where}`,
    );
    const total = Number(count?.n ?? 0);
    const direction = options.dir === 'desc' ? sql`desc` : sql`asc`;
    const found = await rows<RawFile>(
      tx,
      sql`select * from (select ${fileColumns(me)} ${fileJoins(me)} where ${where}) f
          order by ${ORDER[options.sort]} ${direction}, lower(f.name), f.id
          limit ${options.pageSize} offset ${(options.page - 1) * options.pageSize}`,
    );
    const folderRows = searching
      ? []
      : await rows<{ id: string; name: string; file_count: number }>(
          tx,
          sql`select fo.id::text as id, fo.name,
                (select count(*)::int from app.files f where f.tenant_id = fo.tenant_id
                  and fo.id = any(f.folder_path) and f.message_id is null) as file_count
              from app.folders fo
              where fo.project_id = ${project.id}::uuid
                and ${options.folderId ? sql`fo.parent_id = ${options.folderId}::uuid` : sql`fo.parent_id is null`}
              order by lower(fo.name), fo.id`,
        );
    const permissions = await clientPermissions(tx, me);
    const team = me.kind !== 'client';
    return {
      project,
      folder,
      trail,
      folders: folderRows.map((row) => ({ id: row.id, name: row.name, fileCount: Number(row.file_count) })),
      files: found.map((row) => toFileRow(ctx, row)),
      total,
      page: options.page,
      pageSize: options.pageSize,
      canUpload:
        project.status !== 'archived' &&
        (team || (permissions.includes('files.upload') && !options.folderId)),
      canManage: team,
    };
  });
}

export interface FileVersion {
  version: number;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: Date;
  uploaderName: string | null;
}

export interface FileDetail {
  file: FileRow & { sha256: string };
  project: { id: string; name: string };
  trail: { id: string; name: string }[];
  task: { id: string; title: string } | null;
  /** Every version, newest first (the team's); [] for clients. */
  versions: FileVersion[];
}

/** One file with where it sits and (for the team) its versions. A file the actor cannot read is not_found. */
export async function getFile({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof fileIdInput>;
}): Promise<FileDetail> {
  const me = personOf(ctx);
  const { id: fileId } = parseInput(fileIdInput, input);
  return transact(ctx, async ({ tx }) => {
    const [row] = await rows<
      RawFile & { sha256: string; folder_path: string[] | string; project_id: string }
    >(
      tx,
      sql`select ${fileColumns(me)}, f.sha256, f.folder_path::text[] as folder_path, f.project_id::text as project_id
          ${fileJoins(me)} where f.id = ${fileId}::uuid`,
    );
    if (!row) throw new CoreError('not_found', FILE_NOT_FOUND);
    const [project] = await tx
      .select({ id: projects.id, name: projects.name })
      .from(projects)
      .where(eq(projects.id, row.project_id));
    if (!project) throw new CoreError('not_found', FILE_NOT_FOUND);
    const path = Array.isArray(row.folder_path) ? row.folder_path : parseUuidArray(row.folder_path);
    const [task] = row.task_id
      ? await rows<{ id: string; title: string }>(
          tx,
          sql`select id::text as id, title from app.tasks where id = ${row.task_id}::uuid`,
        )
      : [];
    const versions =
      me.kind === 'client'
        ? []
        : await rows<{
            version: number;
            name: string;
            content_type: string;
            size: number;
            sha256: string;
            created_at: Date | string;
            uploader_name: string | null;
          }>(
            tx,
            sql`select v.version, v.name, v.content_type, v.size::float8 as size, v.sha256, v.created_at, u.name as uploader_name
                from app.file_versions v left join app.users u on u.tenant_id = v.tenant_id and u.id = v.uploaded_by
                where v.file_id = ${fileId}::uuid order by v.version desc`,
          );
    return {
      file: { ...toFileRow(ctx, row), sha256: row.sha256 },
      project,
      trail: await folderTrail(tx, path),
      task: task ?? null,
      versions: versions.map((v) => ({
        version: v.version,
        name: v.name,
        contentType: v.content_type,
        size: Number(v.size),
        sha256: v.sha256,
        createdAt: new Date(v.created_at),
        uploaderName: v.uploader_name,
      })),
    };
  });
}

/** `{a,b}` as PGlite may hand back a uuid[] cast to text. */
function parseUuidArray(value: string): string[] {
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter(Boolean);
}

export interface FileLink {
  url: string;
  name: string;
  contentType: string;
  disposition: 'inline' | 'attachment';
  expiresAt: Date;
}

/**
 * A short-lived link to a file's bytes, issued only after the row was read under the actor's
 * policies. Inline only for the safe preview types (anything else is an attachment); a download
 * is recorded in the activity log, a preview is not. Earlier versions are the team's.
 */
export async function fileLink({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof fileLinkInput>;
}): Promise<FileLink> {
  const me = personOf(ctx);
  const options = parseInput(fileLinkInput, input);
  return transact(ctx, async (txCtx) => {
    const { tx } = txCtx;
    const [file] = await tx
      .select({
        id: files.id,
        projectId: files.projectId,
        name: files.name,
        contentType: files.contentType,
        objectKey: files.objectKey,
        version: files.version,
      })
      .from(files)
      .where(eq(files.id, options.id));
    if (!file) throw new CoreError('not_found', FILE_NOT_FOUND);
    let target = {
      name: file.name,
      contentType: file.contentType,
      objectKey: file.objectKey,
      version: file.version,
    };
    if (options.version && options.version !== file.version) {
      if (me.kind === 'client') throw new CoreError('not_found', FILE_NOT_FOUND);
      const [version] = await tx
        .select({
          name: fileVersions.name,
          contentType: fileVersions.contentType,
          objectKey: fileVersions.objectKey,
          version: fileVersions.version,
        })
        .from(fileVersions)
        .where(and(eq(fileVersions.fileId, file.id), eq(fileVersions.version, options.version)));
      if (!version) throw new CoreError('not_found', 'That version doesn’t exist.');
      target = version;
    }
    const disposition =
      options.disposition === 'inline' && inlineSafe(target.contentType) ? 'inline' : 'attachment';
    if (disposition === 'attachment') {
      await record(txCtx, {
        verb: 'file.downloaded',
        subject: { type: 'file', id: file.id },
        projectId: file.projectId,
        data: { name: target.name, version: target.version },
      });
    }
    const now = ctx.deps.now();
    const link = {
      expiresInSeconds: LINK_SECONDS,
      filename: target.name,
      disposition,
      contentType: target.contentType,
    } as const;
    const url =
      disposition === 'attachment' && ctx.deps.files.direct
        ? await ctx.deps.files.store.signedUrl(target.objectKey, link)
        : `/files/${signLocalLink(target.objectKey, link, ctx.deps.files.linkSecret, now.getTime())}`;
    return {
      url,
      name: target.name,
      contentType: target.contentType,
      disposition,
      expiresAt: new Date(now.getTime() + LINK_SECONDS * 1000),
    };
  });
}

// ---- folders ------------------------------------------------------------------------------------

const FOLDER_TAKEN = 'There is already a folder with this name here.';

async function projectOf(tx: Tx, projectId: string) {
  const [project] = await tx
    .select({ id: projects.id, status: projects.status })
    .from(projects)
    .where(eq(projects.id, projectId));
  if (!project) throw new CoreError('not_found', PROJECT_NOT_FOUND);
  return project;
}

/** A new folder at the top of a project or inside another folder. */
export async function createFolder({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof createFolderInput>;
}): Promise<{ id: string }> {
  const me = teamMemberOf(ctx, TEAM_ONLY);
  const { projectId, parentId, name } = parseInput(createFolderInput, input);
  return transact(ctx, async (txCtx) => {
    const { tx } = txCtx;
    await projectOf(tx, projectId);
    let path: string[] = [];
    if (parentId) {
      const [parent] = await tx
        .select({ id: folders.id, path: folders.path })
        .from(folders)
        .where(and(eq(folders.id, parentId), eq(folders.projectId, projectId)));
      if (!parent) throw new CoreError('not_found', FOLDER_NOT_FOUND);
      if (parent.path.length >= 9) throw invalid({ name: 'Folders go at most ten deep.' });
      path = [...parent.path, parent.id];
    }
    const folderId = randomUUID();
    try {
      await tx.insert(folders).values({
        tenantId: me.tenantId,
        id: folderId,
        projectId,
        parentId,
        path,
        name,
        createdBy: me.userId,
      });
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw invalid({ name: FOLDER_TAKEN });
      throw error;
    }
    await record(txCtx, {
      verb: 'folder.created',
      subject: { type: 'folder', id: folderId },
      projectId,
      data: { name },
    });
    return { id: folderId };
  });
}

export async function renameFolder({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof renameFolderInput>;
}): Promise<void> {
  teamMemberOf(ctx, TEAM_ONLY);
  const { id: folderId, name } = parseInput(renameFolderInput, input);
  await transact(ctx, async (txCtx) => {
    const { tx } = txCtx;
    let projectId: string | undefined;
    try {
      const [row] = await tx
        .update(folders)
        .set({ name, updatedAt: sql`now()` })
        .where(eq(folders.id, folderId))
        .returning({ projectId: folders.projectId });
      projectId = row?.projectId;
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw invalid({ name: FOLDER_TAKEN });
      throw error;
    }
    if (!projectId) throw new CoreError('not_found', FOLDER_NOT_FOUND);
    await record(txCtx, {
      verb: 'folder.renamed',
      subject: { type: 'folder', id: folderId },
      projectId,
      data: { name },
    });
  });
}

/** Removes the stored objects of rows just deleted, once the deletion has committed. */
function removeObjectsAfterCommit(ctx: TxCtx, keys: readonly (string | null)[]) {
  const wanted = [...new Set(keys.filter((key): key is string => Boolean(key)))];
  if (wanted.length === 0) return;
  const store = ctx.deps.files.store;
  afterCommit(ctx, async () => {
    // A key whose removal fails stays for the orphan sweep.
    await Promise.allSettled(wanted.map((key) => store.delete(key)));
  });
}

/** Object keys of every version (and thumbnail) of the files matched by `where`. */
async function objectKeysOf(tx: Tx, where: ReturnType<typeof sql>): Promise<string[]> {
  const found = await rows<{ key: string | null }>(
    tx,
    sql`select v.object_key as key from app.file_versions v join app.files f on f.tenant_id = v.tenant_id and f.id = v.file_id where ${where}
        union all select v.thumbnail_key from app.file_versions v join app.files f on f.tenant_id = v.tenant_id and f.id = v.file_id where ${where}
        union all select f.object_key from app.files f where ${where}
        union all select f.thumbnail_key from app.files f where ${where}`,
  );
  return found.flatMap((row) => (row.key ? [row.key] : []));
}

/** Deletes a folder with everything in it (after the page's confirmation); the objects go after COMMIT. */
export async function deleteFolder({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof folderIdInput>;
}): Promise<{ files: number }> {
  teamMemberOf(ctx, TEAM_ONLY);
  const { id: folderId } = parseInput(folderIdInput, input);
  return transact(ctx, async (txCtx) => {
    const { tx } = txCtx;
    const [folder] = await tx
      .select({ projectId: folders.projectId, name: folders.name })
      .from(folders)
      .where(eq(folders.id, folderId));
    if (!folder) throw new CoreError('not_found', FOLDER_NOT_FOUND);
    const inside = sql`${folderId}::uuid = any(f.folder_path)`;
    const keys = await objectKeysOf(tx, inside);
    const [count] = await rows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from app.files f where ${inside}`,
    );
    await tx.delete(folders).where(eq(folders.id, folderId));
    removeObjectsAfterCommit(txCtx, keys);
    const n = Number(count?.n ?? 0);
    await record(txCtx, {
      verb: 'folder.deleted',
      subject: { type: 'folder', id: folderId },
      projectId: folder.projectId,
      data: { name: folder.name, files: n },
    });
    return { files: n };
  });
}

// ---- files --------------------------------------------------------------------------------------

export async function renameFile({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof renameFileInput>;
}): Promise<void> {
  teamMemberOf(ctx, TEAM_ONLY);
  const { id: fileId, name } = parseInput(renameFileInput, input);
  await transact(ctx, async (txCtx) => {
    const [row] = await txCtx.tx
      .update(files)
      .set({ name, updatedAt: sql`now()` })
      .where(eq(files.id, fileId))
      .returning({ projectId: files.projectId });
    if (!row) throw new CoreError('not_found', FILE_NOT_FOUND);
    await record(txCtx, {
      verb: 'file.renamed',
      subject: { type: 'file', id: fileId },
      projectId: row.projectId,
      data: { name },
    });
  });
}

/** Moves files to a folder of their project, or to its top. */
export async function moveFiles({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof moveFilesInput>;
}): Promise<number> {
  teamMemberOf(ctx, TEAM_ONLY);
  const { ids, folderId } = parseInput(moveFilesInput, input);
  return transact(ctx, async (txCtx) => {
    const { tx } = txCtx;
    const found = await rows<{ id: string; project_id: string }>(
      tx,
      sql`select id::text as id, project_id::text as project_id from app.files
          where id = any(${`{${ids.join(',')}}`}::uuid[]) and message_id is null`,
    );
    if (found.length !== new Set(ids).size) throw new CoreError('not_found', FILE_NOT_FOUND);
    const projectIds = new Set(found.map((row) => row.project_id));
    if (projectIds.size !== 1) throw invalid({ folderId: 'Move files of one project at a time.' });
    const [projectId] = [...projectIds] as [string];
    let path: string[] = [];
    if (folderId) {
      const [folder] = await tx
        .select({ path: folders.path })
        .from(folders)
        .where(and(eq(folders.id, folderId), eq(folders.projectId, projectId)));
      if (!folder) throw new CoreError('not_found', FOLDER_NOT_FOUND);
      path = [...folder.path, folderId];
    }
    await rows(
      tx,
      sql`update app.files set folder_id = ${folderId}::uuid, folder_path = ${`{${path.join(',')}}`}::uuid[], updated_at = now()
          where id = any(${`{${ids.join(',')}}`}::uuid[])`,
    );
    await record(txCtx, {
      verb: 'file.moved',
      subject: { type: 'file', id: ids.length === 1 ? (ids[0] as string) : null },
      projectId,
      data: { count: ids.length, folderId },
    });
    return ids.length;
  });
}

/** Deletes files with every version; the objects are removed after the rows' transaction commits. */
export async function deleteFiles({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof deleteFilesInput>;
}): Promise<number> {
  teamMemberOf(ctx, TEAM_ONLY);
  const { ids } = parseInput(deleteFilesInput, input);
  return transact(ctx, async (txCtx) => {
    const { tx } = txCtx;
    const list = sql`f.id = any(${`{${ids.join(',')}}`}::uuid[])`;
    const found = await rows<{ id: string; project_id: string; name: string }>(
      tx,
      sql`select f.id::text as id, f.project_id::text as project_id, f.name from app.files f where ${list}`,
    );
    if (found.length !== new Set(ids).size) throw new CoreError('not_found', FILE_NOT_FOUND);
    const keys = await objectKeysOf(tx, list);
    await rows(tx, sql`delete from app.files f where ${list}`);
    removeObjectsAfterCommit(txCtx, keys);
    const first = found[0];
    await record(txCtx, {
      verb: 'file.deleted',
      subject: { type: 'file', id: found.length === 1 && first ? first.id : null },
      projectId: first?.project_id ?? null,
      data: { count: found.length, names: found.slice(0, 20).map((row) => row.name) },
    });
    return found.length;
  });
}

/**
 * Shares files with the project's clients or makes them internal again. A client's upload, when
 * shared, shows other clients the company's name (the agency's choice, ARCHITECTURE's identity
 * rule). Newly shared files wait for the hourly "files shared" notice.
 */
export async function setFileVisibility({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof fileVisibilityInput>;
}): Promise<number> {
  teamMemberOf(ctx, TEAM_ONLY);
  const { ids, clientVisible } = parseInput(fileVisibilityInput, input);
  return transact(ctx, async (txCtx) => {
    const { tx } = txCtx;
    const list = sql`f.id = any(${`{${ids.join(',')}}`}::uuid[]) and f.message_id is null`;
    const changed = await rows<{ id: string; project_id: string }>(
      tx,
      clientVisible
        ? sql`update app.files f set client_visible = true, shared_at = now(), share_pending = true, updated_at = now(),
                uploader_name = coalesce((select c.name from app.users u join app.clients c on c.tenant_id = u.tenant_id and c.id = u.client_id
                  where u.tenant_id = f.tenant_id and u.id = f.uploaded_by and u.role = 'client'), f.uploader_name)
              where ${list} and not f.client_visible returning f.id::text as id, f.project_id::text as project_id`
        : sql`update app.files f set client_visible = false, share_pending = false, updated_at = now()
              where ${list} and f.client_visible returning f.id::text as id, f.project_id::text as project_id`,
    );
    if (changed.length > 0) {
      await record(txCtx, {
        verb: clientVisible ? 'file.shared' : 'file.unshared',
        subject: { type: 'file', id: changed.length === 1 ? (changed[0]?.id ?? null) : null },
        projectId: changed[0]?.project_id ?? null,
        data: { count: changed.length },
      });
    }
    return changed.length;
  });
}

export const filesDefaultInput = z.object({
  projectId: id('project'),
  clientVisible: z.boolean('Choose whether new uploads start client-visible.'),
});

/** Whether the team's new uploads on a project start client-visible. */
export async function setFilesDefault({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof filesDefaultInput>;
}): Promise<void> {
  adminOf(ctx, 'Only admins change a project’s settings.');
  const { projectId, clientVisible } = parseInput(filesDefaultInput, input);
  await transact(ctx, async (txCtx) => {
    const [row] = await txCtx.tx
      .update(projects)
      .set({ filesVisibleByDefault: clientVisible, updatedAt: sql`now()` })
      .where(eq(projects.id, projectId))
      .returning({ id: projects.id });
    if (!row) throw new CoreError('not_found', PROJECT_NOT_FOUND);
    await record(txCtx, {
      verb: 'project.files_default',
      subject: { type: 'project', id: projectId },
      projectId,
      data: { clientVisible },
    });
  });
}

export interface FolderOption {
  id: string;
  /** The folder's names from the top, e.g. "Brand / Logos". */
  label: string;
}

/** Every folder of a project as a path, for "move to" choices (the team's). */
export async function listFolders({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { projectId: string };
}): Promise<FolderOption[]> {
  teamMemberOf(ctx, TEAM_ONLY);
  const { projectId } = parseInput(z.object({ projectId: id('project') }), input);
  return transact(ctx, async ({ tx }) => {
    const found = await tx
      .select({ id: folders.id, name: folders.name, path: folders.path })
      .from(folders)
      .where(eq(folders.projectId, projectId))
      .limit(2000);
    const names = new Map(found.map((folder) => [folder.id, folder.name]));
    return found
      .map((folder) => ({
        id: folder.id,
        label: [...folder.path.map((id) => names.get(id) ?? '…'), folder.name].join(' / '),
      }))
      .sort((a, b) => a.label.localeCompare(b.label));
  });
}
