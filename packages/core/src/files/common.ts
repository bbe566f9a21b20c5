import { sql, type Tx } from '@foyer/db';
import { rows } from '../tasks/common';

/** Raw statements' rows, as every area reads them. */
export { rows };

export const FILE_NOT_FOUND = 'That file doesn’t exist.';
export const FOLDER_NOT_FOUND = 'That folder doesn’t exist.';
export const PROJECT_NOT_FOUND = 'That project doesn’t exist.';
export const TEAM_ONLY = 'Only the team manages files.';

/** How long a preview or download link works: long enough to start, short enough to not travel. */
export const LINK_SECONDS = 5 * 60;

/** Characters a file or folder name may not hold: path separators and control characters. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const UNSAFE_NAME = /[/\\\u0000-\u001f\u007f]/;

/**
 * A name as people gave it, made safe to show and to offer as a download name: trimmed, without
 * path separators or control characters, never `.` or `..`. The name is metadata only: it never
 * reaches a storage key or a path.
 */
export function cleanName(raw: string, max = 255): string | null {
  const name = raw.normalize('NFC').trim();
  if (name.length === 0 || name.length > max) return null;
  if (UNSAFE_NAME.test(name) || name === '.' || name === '..') return null;
  return name;
}

/** A file's path of folders as names, outermost first (folders the actor cannot read are left out). */
export async function folderTrail(tx: Tx, path: readonly string[]): Promise<{ id: string; name: string }[]> {
  if (path.length === 0) return [];
  const found = await rows<{ id: string; name: string }>(
    tx,
    sql`select id::text as id, name from app.folders where id = any(${`{${path.join(',')}}`}::uuid[])`,
  );
  const byId = new Map(found.map((row) => [row.id, row]));
  return path.flatMap((id) => {
    const folder = byId.get(id);
    return folder ? [folder] : [];
  });
}
