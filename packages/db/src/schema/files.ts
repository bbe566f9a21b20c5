import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  type PgColumn,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { app } from './app';
import {
  actorIsAdmin,
  actorIsWorker,
  clientMay,
  createdAt,
  currentUser,
  idColumn,
  isCurrentUser,
  readableProjectIds,
  teamReaches,
  teamRules,
  tenantIdColumn,
  updatedAt,
  walledPolicies,
} from './columns';
import { tenants } from './platform';
import { projects } from './projects';
import { clientRole, teamRole } from './roles';
import { messages, tasks } from './tasks';
import { users } from './users';

/**
 * The team reaches a project's files with the project, and a direct conversation's files (which
 * have no project) with its messages. The worker, acting for one tenant, reads its files (the
 * orphan sweep) and settles share notices.
 */
const teamAndWorkerRules = (projectId: PgColumn, messageId: PgColumn, uploadedBy: PgColumn) => {
  const rule = sql`case when ${projectId} is null then ${messageId} in (select rm.id from app.messages rm) else ${teamReaches(projectId)} end`;
  const withWorker = sql`(${rule} or ${actorIsWorker})`;
  return {
    select: withWorker,
    insert: sql`${rule} and ${isCurrentUser(uploadedBy)}`,
    update: withWorker,
    delete: rule,
  };
};

/**
 * A project's folders, nested by `parent_id`. `path` holds the ids of the folders above this one,
 * outermost first, fixed when the folder is made (folders do not move), so a file's place is one
 * array and a client's folder policy needs no recursion.
 */
export const folders = app.table(
  'folders',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    projectId: uuid('project_id').notNull(),
    parentId: uuid('parent_id'),
    path: uuid('path').array().notNull().default(sql`'{}'::uuid[]`),
    name: text('name').notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.parentId], foreignColumns: [t.tenantId, t.id] }).onDelete('cascade'),
    // A person removed from the tenant leaves their folders (ON DELETE SET NULL (created_by), in the migration).
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    // One name per place: "Brand" twice in the same folder would be two doors to guess between.
    uniqueIndex('folders_tenant_place_name_idx').on(
      t.tenantId,
      t.projectId,
      sql`coalesce(${t.parentId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      sql`lower(${t.name})`,
    ),
    check('folders_name_length', sql`length(${t.name}) between 1 and 120`),
    check('folders_path_shape', sql`(${t.parentId} is null) = (cardinality(${t.path}) = 0)`),
    ...walledPolicies('folders', 'team', teamRole, t.tenantId, teamRules(t.projectId)),
    // A client sees a folder only on the way to a file they can read (the files policy applies
    // inside), so an empty or internal folder's name never reaches them.
    ...walledPolicies('folders', 'client', clientRole, t.tenantId, {
      select: sql`${t.id} in (select unnest(rf.folder_path) from app.files rf)`,
    }),
  ],
);

/**
 * A file: one identity across its versions (the current one's object, size and type are here,
 * the history in `file_versions`). It belongs to a project, in a folder or at the top; a comment's
 * attachment also names its message and follows the message's visibility. `folder_path` is the
 * folder and the folders above it, outermost first. `uploader_name` is the name other clients see
 * (a team member's name; for a client's upload, the agency's choice when the team shares it).
 */
export const files = app.table(
  'files',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    /** Null for the attachments of a direct conversation, which has no project. */
    projectId: uuid('project_id'),
    folderId: uuid('folder_id'),
    folderPath: uuid('folder_path').array().notNull().default(sql`'{}'::uuid[]`),
    taskId: uuid('task_id'),
    messageId: uuid('message_id'),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    objectKey: text('object_key').notNull(),
    thumbnailKey: text('thumbnail_key'),
    version: integer('version').notNull().default(1),
    clientVisible: boolean('client_visible').notNull().default(false),
    /** When the file last became client-visible; the "files shared" notice goes out an hour later. */
    sharedAt: timestamp('shared_at', { withTimezone: true }),
    sharePending: boolean('share_pending').notNull().default(false),
    uploadedBy: uuid('uploaded_by'),
    uploaderName: text('uploader_name'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete('cascade'),
    // Deleting a folder takes its files (the objects go after the commit).
    foreignKey({
      columns: [t.tenantId, t.folderId],
      foreignColumns: [folders.tenantId, folders.id],
    }).onDelete('cascade'),
    // A task's removal leaves its attachments in the project (ON DELETE SET NULL (task_id), in the migration).
    foreignKey({ columns: [t.tenantId, t.taskId], foreignColumns: [tasks.tenantId, tasks.id] }),
    foreignKey({
      columns: [t.tenantId, t.messageId],
      foreignColumns: [messages.tenantId, messages.id],
    }).onDelete('cascade'),
    // ON DELETE SET NULL (uploaded_by), in the migration.
    foreignKey({ columns: [t.tenantId, t.uploadedBy], foreignColumns: [users.tenantId, users.id] }),
    uniqueIndex('files_tenant_object_key_idx').on(t.tenantId, t.objectKey),
    index('files_tenant_project_folder_idx').on(t.tenantId, t.projectId, t.folderId, t.name),
    index('files_tenant_task_idx').on(t.tenantId, t.taskId).where(sql`${t.taskId} is not null`),
    index('files_tenant_message_idx').on(t.tenantId, t.messageId).where(sql`${t.messageId} is not null`),
    index('files_tenant_share_pending_idx')
      .on(t.tenantId, t.projectId, t.sharedAt)
      .where(sql`${t.sharePending}`),
    check('files_name_length', sql`length(${t.name}) between 1 and 255`),
    check('files_size_positive', sql`${t.size} >= 0`),
    check('files_version_positive', sql`${t.version} >= 1`),
    check('files_sha256_shape', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check(
      'files_owner',
      sql`${t.projectId} is not null or (${t.messageId} is not null and ${t.folderId} is null)`,
    ),
    check('files_folder_path_shape', sql`(${t.folderId} is null) = (cardinality(${t.folderPath}) = 0)`),
    ...walledPolicies(
      'files',
      'team',
      teamRole,
      t.tenantId,
      teamAndWorkerRules(t.projectId, t.messageId, t.uploadedBy),
    ),
    // A client reads, in projects they can read: with `files.download`, the client-visible files
    // and the attachments of comments and messages they can read; with either files permission,
    // their own uploads. A direct conversation's attachments (no project) they read with its
    // messages. They upload, with `files.upload`, internal files at the top of a project, or onto
    // a message of their own on that project; with `messages`, onto their own direct message; as
    // themselves, and the team files and shares them.
    ...walledPolicies('files', 'client', clientRole, t.tenantId, {
      select: sql`case when ${t.projectId} is null then ${t.messageId} in (select rm.id from app.messages rm)
        else ${t.projectId} in ${readableProjectIds} and (
        (${t.uploadedBy} = ${currentUser} and (${clientMay('files.upload')} or ${clientMay('files.download')}))
        or (${clientMay('files.download')} and (
          (${t.messageId} is null and ${t.clientVisible})
          or ${t.messageId} in (select rm.id from app.messages rm)))) end`,
      insert: sql`${isCurrentUser(t.uploadedBy)} and not ${t.clientVisible} and ${t.folderId} is null
        and cardinality(${t.folderPath}) = 0 and ${t.taskId} is null
        and case when ${t.projectId} is null then ${t.messageId} in (select om.id from app.messages om
          join app.threads oth on oth.tenant_id = om.tenant_id and oth.id = om.thread_id
          where om.author_id = ${currentUser} and om.deleted_at is null and oth.kind = 'direct') and ${clientMay('messages')}
        else (${t.messageId} is null or ${t.messageId} in (select om.id from app.messages om
          join app.threads oth on oth.tenant_id = om.tenant_id and oth.id = om.thread_id
          where om.author_id = ${currentUser} and om.deleted_at is null and oth.project_id = ${t.projectId}))
        and ${t.projectId} in ${readableProjectIds} and ${clientMay('files.upload')} end`,
    }),
  ],
);

const readableFileIds = sql`(select rf.id from app.files rf)`;

/**
 * Every version of a file, the current one included: what was uploaded, by whom, when. The team
 * lists and downloads earlier versions; clients see only a file's current version (on `files`).
 */
export const fileVersions = app.table(
  'file_versions',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    fileId: uuid('file_id').notNull(),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    objectKey: text('object_key').notNull(),
    thumbnailKey: text('thumbnail_key'),
    uploadedBy: uuid('uploaded_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.fileId], foreignColumns: [files.tenantId, files.id] }).onDelete(
      'cascade',
    ),
    // ON DELETE SET NULL (uploaded_by), in the migration.
    foreignKey({ columns: [t.tenantId, t.uploadedBy], foreignColumns: [users.tenantId, users.id] }),
    uniqueIndex('file_versions_tenant_file_version_idx').on(t.tenantId, t.fileId, t.version),
    uniqueIndex('file_versions_tenant_object_key_idx').on(t.tenantId, t.objectKey),
    check('file_versions_size_positive', sql`${t.size} >= 0`),
    check('file_versions_sha256_shape', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    // The team (and the worker) read the versions of the files they read; only the team writes.
    ...walledPolicies('file_versions', 'team', teamRole, t.tenantId, {
      select: sql`${t.fileId} in ${readableFileIds}`,
      insert: sql`${t.fileId} in ${readableFileIds} and not ${actorIsWorker}`,
      update: sql`${t.fileId} in ${readableFileIds} and not ${actorIsWorker}`,
      delete: sql`${t.fileId} in ${readableFileIds} and not ${actorIsWorker}`,
    }),
    // A client records the first version of their own upload, and nothing else.
    ...walledPolicies('file_versions', 'client', clientRole, t.tenantId, {
      insert: sql`${isCurrentUser(t.uploadedBy)} and ${t.version} = 1 and ${t.fileId} in (select of.id from app.files of where of.uploaded_by = ${currentUser}) and ${clientMay('files.upload')}`,
    }),
  ],
);

/** 10 GiB: what a tenant may store until an operator says otherwise. */
export const DEFAULT_STORAGE_LIMIT_BYTES = 10 * 1024 ** 3;

/**
 * A tenant's stored bytes (every version of every file) and files, kept by the database on every
 * change to `files` and `file_versions` (a trigger), and the cap an operator set. Admins read it.
 */
export const storageUsage = app.table(
  'storage_usage',
  {
    tenantId: tenantIdColumn().primaryKey(),
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    files: integer('files').notNull().default(0),
    limitBytes: bigint('limit_bytes', { mode: 'number' }).notNull().default(DEFAULT_STORAGE_LIMIT_BYTES),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    check('storage_usage_limit_positive', sql`${t.limitBytes} >= 0`),
    ...walledPolicies('storage_usage', 'team', teamRole, t.tenantId, { select: actorIsAdmin }),
  ],
);
