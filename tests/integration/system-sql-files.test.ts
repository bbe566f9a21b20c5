import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPglite, migratePgliteDatabase } from '@foyer/db';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { required } from '../support/assert';
import { drivers } from '../support/databases';

/**
 * packages/db/sql/app_system/<function>.sql is where a reader finds each SECURITY DEFINER function
 * as it stands; migrations copy those files to apply a change. The two must agree: every function
 * the migrations leave in `app_system` has exactly one file, and running a file against the
 * migrated database (in a transaction that is rolled back) leaves every function exactly as it
 * was: its definition (arguments, result, language, volatility, SECURITY DEFINER, search_path,
 * body), owner and grants. A function changed in a migration but not in its file, or a file
 * edited without a migration, fails here.
 */

const folder = fileURLToPath(new URL('../../packages/db/sql/app_system/', import.meta.url));
const files = readdirSync(folder)
  .filter((name) => name.endsWith('.sql'))
  .sort();
const source = (file: string) => readFileSync(`${folder}${file}`, 'utf8');

interface SystemFunction {
  name: string;
  definition: string;
  owner: string;
  grants: string;
}

const CATALOG = `
  select p.proname as name, pg_get_functiondef(p.oid) as definition,
    pg_get_userbyid(p.proowner) as owner, coalesce(p.proacl::text, '') as grants
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where n.nspname = 'app_system'
  order by p.proname, p.oid`;

/** A superuser session on a migrated database of `driver`, of this file's own. */
interface Superuser {
  functions(): Promise<SystemFunction[]>;
  /** Runs `sql` (several statements) inside a transaction that is rolled back, then `inspect`. */
  tryOut<T>(sql: string, inspect: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

async function openSuperuser(driver: (typeof drivers)[number]): Promise<Superuser> {
  if (driver === 'pglite') {
    const pg = await createPglite();
    await migratePgliteDatabase(pg);
    const functions = async () => (await pg.query<SystemFunction>(CATALOG)).rows;
    return {
      functions,
      async tryOut(sql, inspect) {
        await pg.exec('begin');
        try {
          await pg.exec(sql);
          return await inspect();
        } finally {
          await pg.exec('rollback');
        }
      },
      close: () => pg.close(),
    };
  }
  // One connection, so BEGIN … ROLLBACK spans the statements between.
  const db = postgres(inject('postgresUrl'), { max: 1, onnotice: () => {} });
  const functions = async () => [...(await db.unsafe<SystemFunction[]>(CATALOG))];
  return {
    functions,
    async tryOut(sql, inspect) {
      await db.unsafe('begin');
      try {
        await db.unsafe(sql);
        return await inspect();
      } finally {
        await db.unsafe('rollback');
      }
    },
    close: () => db.end({ timeout: 5 }),
  };
}

describe('one file per app_system function', () => {
  it('each file creates (or replaces) the function it is named after, owned by foyer_system', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = source(file);
      const name = file.replace(/\.sql$/, '');
      const created = [...text.matchAll(/create\s+(?:or\s+replace\s+)?function\s+app_system\.(\w+)\s*\(/gi)];
      expect(
        created.map((m) => m[1]),
        file,
      ).toEqual([name]);
      expect(text, file).toMatch(/^CREATE OR REPLACE FUNCTION /m);
      expect(text, file).toMatch(
        new RegExp(`ALTER FUNCTION app_system\\.${name}\\(.*\\) OWNER TO foyer_system;`),
      );
      expect(text, file).toMatch(
        new RegExp(`REVOKE ALL ON FUNCTION app_system\\.${name}\\(.*\\) FROM PUBLIC;`),
      );
      expect(text, file).toMatch(
        new RegExp(`GRANT EXECUTE ON FUNCTION app_system\\.${name}\\(.*\\) TO foyer_login;`),
      );
      expect(text, file).toMatch(/SECURITY DEFINER SET search_path = ''/);
    }
  });
});

describe.each(drivers)('app_system functions and their files on %s', (driver) => {
  let db: Superuser;
  let migrated: SystemFunction[];
  beforeAll(async () => {
    db = await openSuperuser(driver);
    migrated = await db.functions();
  });
  afterAll(() => db.close());

  it('every function the migrations leave has exactly one file, and every file a function', () => {
    const names = migrated.map((f) => f.name);
    // One function per name: an overload would need a file of its own name.
    expect(new Set(names).size).toBe(names.length);
    expect(files.map((file) => file.replace(/\.sql$/, ''))).toEqual([...names].sort());
  });

  it('running a file changes no function: the file is what the database has', async () => {
    for (const file of files) {
      const after = await db.tryOut(source(file), () => db.functions());
      expect(after, `${file} differs from the migrated database`).toEqual(migrated);
    }
  });

  it('notices a file that differs from the database', async () => {
    const file = required(files[0], 'a file');
    const edited = source(file).replace(/\$\$;/, () => '\n$$;');
    const after = await db.tryOut(edited, () => db.functions());
    expect(after).not.toEqual(migrated);
  });
});
