import {
  createPglite,
  type DatabaseHandle,
  migratePgliteDatabase,
  openPglite,
  openPostgres,
} from '@foyer/db';
import postgres from 'postgres';
import { inject } from 'vitest';

export const drivers = ['pglite', 'postgres'] as const;
export type Driver = (typeof drivers)[number];

/** A database for one test file: the runtime handle plus a superuser door for fixtures. */
export interface TestDatabase {
  driver: Driver;
  /** Connected exactly as the server is: `foyer_login`. */
  handle: DatabaseHandle;
  /** Runs SQL as a superuser, for set-up and for inspecting the catalog. */
  superuser<T extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Closes the runtime handle and the superuser connection. */
  close(): Promise<void>;
}

export function loginUrlOf(superuserUrl: string): string {
  const url = new URL(superuserUrl);
  url.username = 'foyer_login';
  url.password = '';
  return url.toString();
}

export async function openTestDatabase(driver: Driver, options: { max?: number } = {}): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const pg = await createPglite();
    await migratePgliteDatabase(pg);
    const handle = await openPglite(pg);
    return {
      driver,
      handle,
      // PGlite is one session: step up, run, and step back down to foyer_login.
      async superuser<T>(text: string, params: unknown[] = []) {
        await pg.exec('RESET ROLE');
        try {
          return (await pg.query<T>(text, params)).rows;
        } finally {
          await pg.exec('SET ROLE foyer_login');
        }
      },
      close: () => handle.close(),
    };
  }
  const superuserUrl = inject('postgresUrl');
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
