import type { SearchKind } from '@foyer/core';

/** The kinds a search finds, in the order the results page offers them. */
export const SEARCH_KINDS: readonly { kind: SearchKind; label: string; plural: string }[] = [
  { kind: 'conversation', label: 'Conversation', plural: 'Conversations' },
  { kind: 'message', label: 'Message', plural: 'Messages' },
  { kind: 'comment', label: 'Comment', plural: 'Comments' },
  { kind: 'task', label: 'Task', plural: 'Tasks' },
  { kind: 'file', label: 'File', plural: 'Files' },
  { kind: 'invoice', label: 'Invoice', plural: 'Invoices' },
];

/** One hit's kind, as its label reads ("Message"). */
export function kindLabel(kind: SearchKind): string {
  return SEARCH_KINDS.find((entry) => entry.kind === kind)?.label ?? kind;
}

/**
 * A search as it travels in the address, so that every search, filter and page is a link. The
 * words and filters are kept as typed: the search verb judges them and says which field is wrong,
 * which the page shows beside it.
 */
export interface SearchQuery {
  q: string;
  kind: SearchKind | null;
  project: string;
  person: string;
  from: string;
  to: string;
  page: number;
}

/** Reads a search from an address: an unknown kind means every kind, a page that is no page the first. */
export function readSearchQuery(params: URLSearchParams): SearchQuery {
  const kind = params.get('kind') ?? '';
  const page = Number(params.get('page') ?? '1');
  return {
    q: params.get('q') ?? '',
    kind: SEARCH_KINDS.find((entry) => entry.kind === kind)?.kind ?? null,
    project: params.get('project') ?? '',
    person: params.get('person') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

/** The address of the results with `query` changed by `change`; empty fields and page 1 are left out. */
export function searchHref(path: string, query: SearchQuery, change: Partial<SearchQuery> = {}): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  if (next.q) params.set('q', next.q);
  if (next.kind) params.set('kind', next.kind);
  if (next.project) params.set('project', next.project);
  if (next.person) params.set('person', next.person);
  if (next.from) params.set('from', next.from);
  if (next.to) params.set('to', next.to);
  if (next.page > 1) params.set('page', String(next.page));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Whether a filter other than the kind narrows the search. */
export function isFiltered(query: SearchQuery): boolean {
  return Boolean(query.project || query.person || query.from || query.to);
}

/** Whether words were asked for (spaces alone are no search). */
export function hasWords(query: SearchQuery): boolean {
  return query.q.trim() !== '';
}
