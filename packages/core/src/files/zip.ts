import { sql } from '@foyer/db';
import { z } from 'zod';
import { type Ctx, personOf, record, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { id, parseInput } from '../input';
import { FILE_NOT_FOUND, FOLDER_NOT_FOUND, PROJECT_NOT_FOUND, rows } from './common';

/** The most files one zip holds: past it, people are asked to zip a folder at a time. */
export const ZIP_MAX_FILES = 5_000;
/** The most ticked files one request names (as every bulk action). */
export const ZIP_MAX_IDS = 200;

export const zipSelectionInput = z.object({
  projectId: id('project'),
  folderId: z
    .union([id('folder'), z.literal(''), z.null()])
    .optional()
    .transform((value) => value || null),
  /** Ticked files; when given, only these (flat, by name), wherever they are in the project. */
  ids: z
    .array(id('file'))
    .min(1, 'Choose at least one file.')
    .max(ZIP_MAX_IDS, `Choose at most ${ZIP_MAX_IDS} files.`)
    .optional(),
});

export interface ZipEntry {
  /** Its path in the archive: folder names from the zipped folder down, made safe and unique. */
  path: string;
  objectKey: string;
  size: number;
  modified: Date;
}

export interface ZipSelection {
  /** The archive's name without `.zip`: the folder's, or the project's. */
  name: string;
  entries: ZipEntry[];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it replaces
const UNSAFE_SEGMENT = /[/\\\u0000-\u001f\u007f]/g;

/** One path segment as it may appear in an archive: no separators, no `.`/`..`, never empty. */
export function safeSegment(raw: string, fallback = 'file'): string {
  const cleaned = raw.normalize('NFC').replace(UNSAFE_SEGMENT, '_').trim().slice(0, 255);
  if (cleaned === '' || /^\.+$/.test(cleaned)) return fallback;
  return cleaned;
}

/**
 * Paths made unique, case-insensitively (as Windows and macOS extract them): the second
 * "Logo.png" of a folder becomes "Logo (2).png". A name may not take a folder's path either.
 */
export function uniquePaths(paths: readonly string[]): string[] {
  const taken = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) taken.add(parts.slice(0, i).join('/').toLowerCase());
  }
  return paths.map((path) => {
    let candidate = path;
    const slash = path.lastIndexOf('/');
    const dir = path.slice(0, slash + 1);
    const base = path.slice(slash + 1);
    const dot = base.lastIndexOf('.');
    const stem = dot > 0 ? base.slice(0, dot) : base;
    const ext = dot > 0 ? base.slice(dot) : '';
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${dir}${stem} (${n})${ext}`;
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}

interface RawEntry {
  id: string;
  name: string;
  object_key: string;
  size: number;
  updated_at: Date | string;
  folder_path: string[] | string;
}

/** `{a,b}` as PGlite may hand back a uuid[] cast to text. */
const uuidList = (value: string[] | string): string[] =>
  Array.isArray(value)
    ? value
    : value
        .replace(/^\{|\}$/g, '')
        .split(',')
        .filter(Boolean);

/**
 * What a zip of a folder (every file in it and below, with paths from that folder), of a whole
 * project, or of ticked files (flat) holds, read under the actor's policies: a client gets only
 * the files shared with them and their own uploads; comments' attachments are never included.
 * Records one `files.zipped` entry with the count (not a `file.downloaded` per file). The bytes
 * are the caller's to stream, from the returned object keys.
 */
export async function zipSelection({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof zipSelectionInput>;
}): Promise<ZipSelection> {
  personOf(ctx);
  const { projectId, folderId, ids } = parseInput(zipSelectionInput, input);
  return transact(ctx, async (txCtx) => {
    const { tx } = txCtx;
    const [project] = await rows<{ id: string; name: string }>(
      tx,
      sql`select id::text as id, name from app.projects where id = ${projectId}::uuid`,
    );
    if (!project) throw new CoreError('not_found', PROJECT_NOT_FOUND);
    let folder: { id: string; name: string; depth: number } | null = null;
    if (folderId) {
      const [row] = await rows<{ id: string; name: string; depth: number }>(
        tx,
        sql`select id::text as id, name, cardinality(path)::int as depth from app.folders
            where id = ${folderId}::uuid and project_id = ${projectId}::uuid`,
      );
      if (!row) throw new CoreError('not_found', FOLDER_NOT_FOUND);
      folder = row;
    }
    const place = ids
      ? sql`f.id = any(${`{${ids.join(',')}}`}::uuid[])`
      : folder
        ? sql`${folder.id}::uuid = any(f.folder_path)`
        : sql`true`;
    const where = sql`f.project_id = ${projectId}::uuid and f.message_id is null and ${place}`;
    const found = await rows<RawEntry>(
      tx,
      sql`select f.id::text as id, f.name, f.object_key, f.size::float8 as size, f.updated_at,
            f.folder_path::text[] as folder_path
          from app.files f where ${where}
          order by cardinality(f.folder_path), f.folder_path::text, lower(f.name), f.created_at, f.id
          limit ${ZIP_MAX_FILES + 1}`,
    );
    if (ids && found.length !== new Set(ids).size) throw new CoreError('not_found', FILE_NOT_FOUND);
    if (found.length > ZIP_MAX_FILES) {
      throw invalid(
        {},
        `A zip holds at most ${ZIP_MAX_FILES.toLocaleString('en')} files. Download one folder at a time.`,
      );
    }
    if (found.length === 0) throw invalid({}, 'There are no files here to download.');
    // Folder names for the paths: only folders the actor reads (a client's are those on the way
    // to their files, which are exactly the ones these paths need).
    const names = new Map<string, string>();
    if (!ids) {
      const folderRows = await rows<{ id: string; name: string }>(
        tx,
        sql`select id::text as id, name from app.folders where project_id = ${projectId}::uuid`,
      );
      for (const row of folderRows) names.set(row.id, safeSegment(row.name, 'folder'));
    }
    const skip = folder ? folder.depth + 1 : 0;
    const paths = uniquePaths(
      found.map((row) => {
        const folders = ids
          ? []
          : uuidList(row.folder_path)
              .slice(skip)
              .map((folderOf) => names.get(folderOf) ?? 'folder');
        return [...folders, safeSegment(row.name)].join('/');
      }),
    );
    await record(txCtx, {
      verb: 'files.zipped',
      subject: folder ? { type: 'folder', id: folder.id } : { type: 'project', id: project.id },
      projectId: project.id,
      data: {
        count: found.length,
        ...(ids ? { selection: true } : {}),
        ...(folder ? { name: folder.name } : {}),
      },
    });
    return {
      name: safeSegment(folder?.name ?? project.name, 'files'),
      entries: found.map((row, index) => ({
        path: paths[index] as string,
        objectKey: row.object_key,
        size: Number(row.size),
        modified: new Date(row.updated_at),
      })),
    };
  });
}
