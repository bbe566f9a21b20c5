import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../client';

/** What a search can find, each kind in its own index. */
export const searchKinds = ['conversation', 'message', 'comment', 'task', 'file', 'invoice'] as const;
export type SearchKind = (typeof searchKinds)[number];

export interface SearchCandidate {
  kind: SearchKind;
  id: string;
  rank: number;
}

/**
 * What `query` matches in one tenant, at most `limit` of each kind, best first
 * (app_system.search_candidates). Ids and ranks only: nothing here may reach a person until it has
 * been read again as that person, whose policies decide what they see (docs/adr/0021).
 */
export async function candidates(
  h: DatabaseHandle,
  options: { tenantId: string; query: string; kinds: readonly SearchKind[]; limit: number },
): Promise<SearchCandidate[]> {
  const found = await h.rows<{ kind: SearchKind; id: string; rank: number }>(
    sql`select kind, id::text as id, rank::float8 as rank from app_system.search_candidates(${options.tenantId}::uuid, ${options.query}::text, ${`{${options.kinds.join(',')}}`}::text[], ${options.limit}::integer)`,
  );
  return found.map((row) => ({ kind: row.kind, id: row.id, rank: Number(row.rank) }));
}
