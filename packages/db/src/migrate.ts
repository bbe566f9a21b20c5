import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

/** The repo's top-level drizzle/ folder (this file sits at packages/db/{src,dist}/). */
export const migrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url));

const bootstrapSql = () => readFile(`${migrationsFolder}/bootstrap/roles.sql`, 'utf8');

/**
 * Creates the roles (idempotently, as the superuser it is given), then applies pending
 * migrations as `foyer_owner`, so the schema belongs to the owner role and not to the superuser.
 */
export async function migratePostgresDatabase(superuserUrl: string): Promise<void> {
  const client = postgres(superuserUrl, { max: 1, onnotice: () => {} });
  try {
    await client.unsafe(await bootstrapSql());
    await client.unsafe('SET ROLE foyer_owner');
    await migratePostgres(drizzlePostgres(client), { migrationsFolder });
    await client.unsafe('RESET ROLE');
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** The same for an embedded PGlite; call it before `openPglite`, which steps down to foyer_login. */
export async function migratePgliteDatabase(pg: PGlite, folder = migrationsFolder): Promise<void> {
  await pg.exec('RESET ROLE');
  await pg.exec(await bootstrapSql());
  await pg.exec('SET ROLE foyer_owner');
  await migratePglite(drizzlePglite(pg), { migrationsFolder: folder });
  await pg.exec('RESET ROLE');
}
