/**
 * TEMPORARY: the search verb's contract (packages/core/src/search/types.ts), until @foyer/core
 * exports it with the verb. Replaced by imports from @foyer/core on merging main.
 */
export type SearchKind = 'conversation' | 'message' | 'comment' | 'task' | 'file' | 'invoice';

export interface Highlighted {
  text: string;
  hit: boolean;
}

export interface SearchInput {
  q: string;
  kind?: SearchKind | null;
  projectId?: string | null;
  personId?: string | null;
  from?: string | null;
  to?: string | null;
  page?: number | null;
}

export interface SearchHit {
  kind: SearchKind;
  id: string;
  title: Highlighted[];
  snippet: Highlighted[];
  href: string;
  projectName: string | null;
  person: { id: string; name: string } | null;
  at: Date;
}

export interface SearchResult {
  query: string;
  hits: SearchHit[];
  total: number;
  counts: Record<SearchKind, number>;
  page: number;
  pages: number;
  projects: { id: string; name: string }[];
  people: { id: string; name: string }[];
}
