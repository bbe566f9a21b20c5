import { CoreError, type SearchInput, type SearchResult, search } from '@foyer/core';
import type { RequestEvent } from '@sveltejs/kit';
import { hasWords, readSearchQuery, type SearchQuery } from '$lib/search';

/** Which field of the results page's form shows a refusal of each of the verb's input fields. */
const FIELD_OF: Record<string, keyof SearchErrors> = {
  q: 'q',
  kind: 'q',
  projectId: 'project',
  project: 'project',
  personId: 'person',
  person: 'person',
  from: 'from',
  to: 'to',
  page: 'q',
};

export type SearchErrors = Partial<Record<'q' | 'project' | 'person' | 'from' | 'to', string>>;

export interface SearchPage {
  query: SearchQuery;
  /** Null before anything was asked, or when the search was refused (`errors` says why). */
  result: SearchResult | null;
  errors: SearchErrors;
  now: Date;
}

/**
 * The results page's data (the team's and the portal's alike): the search in the address, run as
 * the signed-in person, whose walls decide every hit and count. A refused search (words too long,
 * a filter that is no filter) comes back as messages by field rather than an error page.
 */
export async function loadSearchPage(event: RequestEvent): Promise<SearchPage> {
  const { ctx } = event.locals;
  const query = readSearchQuery(event.url.searchParams);
  const now = ctx.deps.now();
  if (!hasWords(query)) return { query, result: null, errors: {}, now };
  const input: SearchInput = {
    q: query.q,
    kind: query.kind,
    projectId: query.project || null,
    personId: query.person || null,
    from: query.from || null,
    to: query.to || null,
    page: query.page,
  };
  try {
    return { query, result: await search({ ctx, input }), errors: {}, now };
  } catch (cause) {
    if (!(cause instanceof CoreError) || cause.code !== 'validation') throw cause;
    const errors: SearchErrors = {};
    for (const [field, message] of Object.entries(cause.fields)) {
      const shownAt = FIELD_OF[field] ?? 'q';
      errors[shownAt] ??= message;
    }
    if (Object.keys(errors).length === 0) errors.q = cause.message;
    return { query, result: null, errors, now };
  }
}
