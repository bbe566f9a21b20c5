/** A files list's place, search, order and filters, as they travel in its address. */
export interface FilesQuery {
  folder: string | null;
  q: string;
  sort: 'name' | 'size' | 'type' | 'date' | 'uploader';
  dir: 'asc' | 'desc';
  group: 'image' | 'pdf' | 'video' | 'audio' | 'document' | 'archive' | 'other' | null;
  visibility: 'all' | 'visible' | 'internal';
  page: number;
}

const SORTS = ['name', 'size', 'type', 'date', 'uploader'] as const;
const GROUPS = ['image', 'pdf', 'video', 'audio', 'document', 'archive', 'other'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const oneOf = <T extends string>(list: readonly T[], value: string | null, fallback: T): T =>
  (list as readonly string[]).includes(value ?? '') ? (value as T) : fallback;

/** Reads the query from an address; anything unknown falls back to the default (never an error). */
export function readFilesQuery(params: URLSearchParams): FilesQuery {
  const folder = params.get('folder');
  const page = Number(params.get('page') ?? '1');
  return {
    folder: folder && UUID.test(folder) ? folder.toLowerCase() : null,
    q: (params.get('q') ?? '').slice(0, 200),
    sort: oneOf(SORTS, params.get('sort'), 'name'),
    dir: params.get('dir') === 'desc' ? 'desc' : 'asc',
    group: (GROUPS as readonly string[]).includes(params.get('group') ?? '')
      ? (params.get('group') as FilesQuery['group'])
      : null,
    visibility: oneOf(['all', 'visible', 'internal'] as const, params.get('visibility'), 'all'),
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

/** The address of a files list with `change` applied; defaults are left out. */
export function filesHref(path: string, query: FilesQuery, change: Partial<FilesQuery> = {}): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  if (next.folder) params.set('folder', next.folder);
  if (next.q) params.set('q', next.q);
  if (next.sort !== 'name') params.set('sort', next.sort);
  if (next.dir !== 'asc') params.set('dir', next.dir);
  if (next.group) params.set('group', next.group);
  if (next.visibility !== 'all') params.set('visibility', next.visibility);
  if (next.page > 1) params.set('page', String(next.page));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** A column heading's link: sorts by `key`, flipping the direction when it already does. */
export function sortHref(path: string, query: FilesQuery, key: FilesQuery['sort']): string {
  return filesHref(path, query, {
    sort: key,
    dir: query.sort === key && query.dir === 'asc' ? 'desc' : 'asc',
    page: 1,
  });
}

/** A column heading's `aria-sort`: how the list is sorted by it, if it is. */
export function sortState(
  query: FilesQuery,
  key: FilesQuery['sort'],
): 'ascending' | 'descending' | undefined {
  return query.sort === key ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined;
}

/** Whether the list is narrowed by a search or a filter (for the empty state). */
export const isNarrowed = (query: FilesQuery) =>
  query.q !== '' || query.group !== null || query.visibility !== 'all';
