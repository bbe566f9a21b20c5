import { sql, withActor } from '@foyer/db';
import { isObjectKey, tenantPrefix } from '@foyer/storage';
import type { Deps } from '../context';
import { rows } from './common';

/** What one sweep of a tenant's objects found. */
export interface SweepReport {
  tenantId: string;
  /** Objects in the store. */
  objects: number;
  /** Objects no row names (and no upload in progress owns), seen twice: removed now. */
  removed: string[];
  /** Objects no row names, seen for the first time: removed next time if still unnamed. */
  suspects: number;
  /** Keys rows name that the store does not have: a lost file, to be looked into. */
  missing: string[];
}

/**
 * Compares a tenant's stored objects with the keys its rows name (every version and thumbnail).
 * An object no row names, and no unfinished upload owns, is removed only when an earlier sweep
 * found it unnamed too (`seen` carries keys between sweeps), so a file whose row is about to
 * commit is never taken. Keys named by rows but absent from the store are reported as missing.
 * Order matters: uploads in progress, then the store, then the rows, so that an upload finishing
 * meanwhile is in one of them.
 */
export async function sweepTenantObjects(
  deps: Deps,
  tenantId: string,
  options: { pending: () => AsyncIterable<string>; seen: Set<string> },
): Promise<SweepReport> {
  const pending = new Set<string>();
  for await (const key of options.pending()) pending.add(key);
  const stored: string[] = [];
  for await (const key of deps.files.store.list(tenantPrefix(tenantId)))
    if (isObjectKey(key)) stored.push(key);
  const named = new Set(
    (
      await withActor(deps.db.db, { kind: 'worker', tenantId }, (tx) =>
        rows<{ key: string }>(
          tx,
          sql`select object_key as key from app.file_versions
              union select thumbnail_key from app.file_versions where thumbnail_key is not null
              union select object_key from app.files
              union select thumbnail_key from app.files where thumbnail_key is not null`,
        ),
      )
    ).map((row) => row.key),
  );
  const storedSet = new Set(stored);
  const removed: string[] = [];
  let suspects = 0;
  for (const key of stored) {
    if (named.has(key) || pending.has(key)) {
      options.seen.delete(key);
      continue;
    }
    if (options.seen.has(key)) {
      await deps.files.store.delete(key);
      options.seen.delete(key);
      removed.push(key);
    } else {
      options.seen.add(key);
      suspects += 1;
    }
  }
  const missing = [...named].filter((key) => !storedSet.has(key));
  return { tenantId, objects: stored.length, removed, suspects, missing };
}
