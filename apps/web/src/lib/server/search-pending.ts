import { CoreError, type Ctx } from '@foyer/core';
import type { SearchInput, SearchResult } from '$lib/search-contract';

/**
 * TEMPORARY: stands in for @foyer/core's `search` verb until it lands on main; finds nothing.
 * Deleted on merging main, where `$lib/server/search.ts` imports the verb instead.
 */
export async function search({ input }: { ctx: Ctx; input: SearchInput }): Promise<SearchResult> {
  if (input.q.length > 200) {
    throw new CoreError('validation', 'Please correct the highlighted fields.', {
      q: 'Search for at most 200 characters.',
    });
  }
  return {
    query: input.q.trim(),
    hits: [],
    total: 0,
    counts: { conversation: 0, message: 0, comment: 0, task: 0, file: 0, invoice: 0 },
    page: 1,
    pages: 1,
    projects: [],
    people: [],
  };
}
