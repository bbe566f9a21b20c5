import type { SQL } from '@foyer/db';
import {
  createPglite,
  type DatabaseHandle,
  migratePgliteDatabase,
  openPglite,
  openPostgres,
  type Tx,
} from '@foyer/db';
import postgres from 'postgres';
import { inject, it } from 'vitest';
import './provided';

export const drivers = ['pglite', 'postgres'] as const;
export type Driver = (typeof drivers)[number];

/** Runs one SQL statement (positional `$n` parameters) and returns its rows. */
export type SqlRunner = <T extends Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

/** A database for one test file: the runtime handle plus a superuser door for fixtures. */
export interface TestDatabase {
  driver: Driver;
  /** Connected exactly as the server is: `foyer_login`. */
  handle: DatabaseHandle;
  /** Runs SQL as a superuser, for set-up and for inspecting the catalog. */
  superuser: SqlRunner;
  /** Closes the runtime handle and the superuser connection. */
  close(): Promise<void>;
}

export function loginUrlOf(superuserUrl: string): string {
  const url = new URL(superuserUrl);
  url.username = 'foyer_login';
  url.password = '';
  return url.toString();
}

export async function openTestDatabase(
  driver: Driver,
  options: { max?: number } = {},
): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const pg = await createPglite();
    await migratePgliteDatabase(pg);
    // The superuser PGlite connected as. openPglite steps the session down to foyer_login with
    // SET SESSION AUTHORIZATION, which only naming the superuser again undoes on PGlite
    // (RESET SESSION AUTHORIZATION does not, PGlite never sets its reset value).
    const [self] = (await pg.query<{ name: string }>('select quote_ident(session_user) as name')).rows;
    const stepUp = `SET SESSION AUTHORIZATION ${self?.name ?? 'postgres'}`;
    const handle = await openPglite(pg);
    return {
      driver,
      handle,
      // PGlite is one session: step up, run, and step back down to foyer_login as openPglite does.
      async superuser<T>(text: string, params: unknown[] = []) {
        await pg.exec(stepUp);
        try {
          return (await pg.query<T>(text, params)).rows;
        } finally {
          await pg.exec('SET SESSION AUTHORIZATION foyer_login');
        }
      },
      close: () => handle.close(),
    };
  }
  const superuserUrl = inject('postgresUrl');
  // One connection, so BEGIN … ROLLBACK issued through superuser() spans the statements between.
  const admin = postgres(superuserUrl, { max: 1, onnotice: () => {} });
  const handle = openPostgres({ url: loginUrlOf(superuserUrl), max: options.max ?? 4 });
  return {
    driver,
    handle,
    async superuser<T>(text: string, params: unknown[] = []) {
      return (await admin.unsafe(text, params as never[])) as unknown as T[];
    },
    async close() {
      await handle.close();
      await admin.end({ timeout: 5 });
    },
  };
}

/**
 * Runs `work` inside a superuser transaction that is always rolled back: for catalog probes
 * (throw-away tables) that must never be seen by other test files sharing the database.
 */
export async function inRolledBackSuperuserTransaction<T>(
  t: TestDatabase,
  work: (superuser: SqlRunner) => Promise<T>,
): Promise<T> {
  await t.superuser('begin');
  try {
    return await work(t.superuser);
  } finally {
    await t.superuser('rollback');
  }
}

/** Rows of a raw statement inside a transaction, whichever driver ran it. */
export async function txRows<T extends Record<string, unknown>>(tx: Tx, query: SQL): Promise<T[]> {
  const result: unknown = await tx.execute(query);
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}

/**
 * Registers a test on PostgreSQL only. PGlite runs one transaction at a time, so a race cannot
 * happen there: the test is not registered for it at all rather than reported as skipped.
 */
export function itOnPostgres(driver: Driver, name: string, fn: () => Promise<void>, timeout?: number) {
  if (driver === 'postgres') it(name, fn, timeout);
}
