import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPglite, migratePgliteDatabase, migrationsFolder } from '@foyer/db';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Migrations that change what people chose keep their choices. The database is migrated to just
 * before the change, given choices in the old shape, then migrated to the end, as an upgrade
 * would run it. (PGlite only: the statements are the same on PostgreSQL, and a database of its
 * own per step would add nothing but time.)
 */

interface Journal {
  entries: { idx: number; tag: string }[];
}

/** A copy of the migrations folder that stops before the migration tagged `before`. */
function migrationsUntil(before: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'foyer-migrations-'));
  cpSync(migrationsFolder, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as Journal;
  const stop = journal.entries.findIndex((entry) => entry.tag === before);
  if (stop < 0) throw new Error(`no migration tagged ${before}`);
  journal.entries = journal.entries.slice(0, stop);
  writeFileSync(journalPath, JSON.stringify(journal));
  return folder;
}

describe('migrations carry people’s choices over', () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('0035: an email that was on arrives at once, one that was off stays off, no choice keeps the default', async () => {
    const pg = await createPglite();
    try {
      const before = migrationsUntil('0035_search_and_digests');
      folders.push(before);
      await migratePgliteDatabase(pg, before);

      const tenantId = randomUUID();
      const [on, off, none] = [randomUUID(), randomUUID(), randomUUID()];
      await pg.query(`insert into platform.tenants (id, slug, name) values ($1, $2, 'Carry')`, [
        tenantId,
        `carry-${tenantId.slice(0, 8)}`,
      ]);
      for (const [id, name] of [
        [on, 'On'],
        [off, 'Off'],
        [none, 'None'],
      ] as const)
        await pg.query(
          `insert into app.users (tenant_id, id, email, name, role) values ($1, $2, $3, $4, 'staff')`,
          [tenantId, id, `${name.toLowerCase()}@carry.test`, name],
        );
      await pg.query(
        `insert into app.notification_preferences (tenant_id, user_id, event, email) values
           ($1, $2, 'task-assigned', true), ($1, $2, 'message-new', true), ($1, $3, 'task-assigned', false)`,
        [tenantId, on, off],
      );

      await migratePgliteDatabase(pg);

      const after = await pg.query<{ user_id: string; event: string; delivery: string }>(
        `select user_id::text, event, delivery from app.notification_preferences
         where tenant_id = $1 order by user_id, event`,
        [tenantId],
      );
      expect(after.rows).toEqual(
        expect.arrayContaining([
          { user_id: on, event: 'message-new', delivery: 'instant' },
          { user_id: on, event: 'task-assigned', delivery: 'instant' },
          { user_id: off, event: 'task-assigned', delivery: 'off' },
        ]),
      );
      expect(after.rows).toHaveLength(3);
      const columns = await pg.query<{ column_name: string }>(
        `select column_name from information_schema.columns
         where table_schema = 'app' and table_name = 'notification_preferences' and column_name = 'email'`,
      );
      expect(columns.rows).toEqual([]);
    } finally {
      await pg.close();
    }
  });
});
