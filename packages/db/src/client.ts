import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { drizzleTransactionFactory, registerPostgresDoor } from './pipelined';
import * as schema from './schema/index';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** An open database: the drizzle handle the runtime uses, plus raw-row access for functions. */
export interface DatabaseHandle {
  readonly driver: 'pglite' | 'postgres';
  readonly db: Database;
  /** Runs one statement outside any transaction and returns its rows. */
  rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]>;
  /**
   * Calls `onPayload` for every NOTIFY on `channel`, from any process on this database (on
   * PostgreSQL through a dedicated session connection). Resolves once listening; the result stops it.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** NOTIFY `channel` with `payload`, delivered to every listener once this statement commits. */
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export interface PostgresOptions {
  /** Connection string of the runtime login role (`foyer_login`). */
  url: string;
  max?: number;
  /**
   * Prepare every parameterised statement (default). Turn off behind a pooler that cannot keep
   * prepared statements, such as PgBouncer in transaction mode before 1.21.
   */
  prepare?: boolean;
}

type Sql = ReturnType<typeof postgres>;

/**
 * drizzle runs its queries through `sql.unsafe()`, which postgres.js never prepares, so
 * PostgreSQL parsed and planned every statement of every request again, RLS policies included.
 * This hands drizzle a client (and transaction clients) whose parameterised statements are
 * prepared once per connection and reused, as postgres.js does for its own tagged queries.
 */
function preparing<T extends Sql>(sql: T): T {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, params?: unknown[], options?: { prepare?: boolean }) =>
          target.unsafe(query, params as never[], {
            ...options,
            prepare: options?.prepare || (params?.length ?? 0) > 0,
          });
      }
      if (property === 'begin') {
        return (...args: unknown[]) => {
          const work = args.pop() as (tx: Sql) => unknown;
          return (target.begin as (...a: unknown[]) => unknown)(...args, (tx: Sql) => work(preparing(tx)));
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

export function openPostgres({ url, max = 10, prepare = true }: PostgresOptions): DatabaseHandle {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connection: { application_name: 'foyer' },
  });
  const wrap = (sql: Sql): Sql => (prepare ? preparing(sql) : sql);
  const db = drizzlePostgres(wrap(client), { schema }) as unknown as Database;
  // withActor's pipelined transactions run on reserved connections of this pool.
  registerPostgresDoor(db, {
    reserve: () => client.reserve(),
    wrap,
    transaction: drizzleTransactionFactory(db),
  });
  return {
    driver: 'postgres',
    db,
    async rows<T extends Record<string, unknown>>(query: SQL) {
      return (await db.execute(query)) as unknown as T[];
    },
    async listen(channel, onPayload) {
      const { unlisten } = await client.listen(channel, onPayload);
      return unlisten;
    },
    async notify(channel, payload) {
      await client.notify(channel, payload);
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * Wraps an embedded PGlite. PGlite always connects as a superuser, so the session steps down to
 * `foyer_login` once migrations have run: from then on it has exactly the rights a server
 * connected to PostgreSQL has, and `withActor` switches roles the same way.
 *
 * It steps down with SET SESSION AUTHORIZATION, not SET ROLE: PostgreSQL checks a role switch
 * against the session user, so after a mere SET ROLE the session user would still be the
 * superuser, `set_config('role', …)` could reach any role (foyer_system included) and
 * `RESET ROLE` would return to the superuser. With the session user `foyer_login`, both behave
 * as on a server connection. (An explicit `SET SESSION AUTHORIZATION <superuser>` still works,
 * since PGlite authenticated as one; nothing in the runtime issues it.)
 */
export async function openPglite(pg: PGlite): Promise<DatabaseHandle> {
  await pg.exec('SET SESSION AUTHORIZATION foyer_login');
  const db = drizzlePglite(pg, { schema }) as unknown as Database;
  return {
    driver: 'pglite',
    db,
    async rows<T extends Record<string, unknown>>(query: SQL) {
      const result = (await db.execute(query)) as unknown as { rows: T[] };
      return result.rows;
    },
    async listen(channel, onPayload) {
      const stop = await pg.listen(channel, onPayload);
      return async () => stop();
    },
    async notify(channel, payload) {
      await pg.query('select pg_notify($1, $2)', [channel, payload]);
    },
    close: () => pg.close(),
  };
}

/**
 * Opens (creating if needed) an embedded database in `dataDir`, or in memory when omitted, with
 * the extensions the migrations create: unaccent and btree_gin, for search.
 */
export async function createPglite(dataDir?: string): Promise<PGlite> {
  const extensions = { unaccent, btree_gin };
  return PGlite.create(dataDir ? { dataDir, extensions } : { extensions });
}
