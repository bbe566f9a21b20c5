import type { SearchKind } from '@foyer/db';

export type { SearchKind };

/** A piece of text, and whether it matched the search (shown highlighted). */
export interface Highlighted {
  text: string;
  hit: boolean;
}

export interface SearchInput {
  /** What was typed: words, "a phrase", -excluded, or (websearch syntax). */
  q: string;
  /** One kind only; null or absent: every kind. */
  kind?: SearchKind | null;
  /** Only what belongs to this project. */
  projectId?: string | null;
  /** Only what this person wrote, uploaded or was billed (the ids offered in `people`). */
  personId?: string | null;
  /** Only what was made or last changed on or after this day (YYYY-MM-DD, UTC). */
  from?: string | null;
  /** … and on or before this day (YYYY-MM-DD, UTC). */
  to?: string | null;
  /** 1-based page of `SEARCH_PAGE_SIZE` hits. */
  page?: number | null;
}

export interface SearchHit {
  kind: SearchKind;
  id: string;
  /** The hit's name: a conversation's subject, a task's title, a file's name, an invoice's number
   * and client; for a message or comment, the conversation or task it is in. */
  title: Highlighted[];
  /** Where the words matched, cut around the first match; empty when only the title matched. */
  snippet: Highlighted[];
  /** Where it opens for the person searching (the team's pages or the portal's). */
  href: string;
  projectName: string | null;
  /** Who wrote, uploaded or was billed, as the person searching sees them; null when no one. */
  person: { id: string; name: string } | null;
  at: Date;
}

export interface SearchResult {
  /** The query as searched (trimmed); '' when nothing was asked. */
  query: string;
  hits: SearchHit[];
  /** Hits matching every filter. */
  total: number;
  /** Hits per kind, with every filter but the kind applied. */
  counts: Record<SearchKind, number>;
  page: number;
  pages: number;
  /** Projects and people among what the person may see that matched, to filter by. */
  projects: { id: string; name: string }[];
  people: { id: string; name: string }[];
}
