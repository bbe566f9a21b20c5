// The bench database: created fresh on the test server, migrated like production, seeded with
// one tenant and 100,000 clients, dropped at the end.
import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { clientKeySql } from './context.mjs';

/** @typedef {import('./context.mjs').BenchContext} BenchContext */

/**
 * @typedef {object} BenchDatabase
 * @property {string} name
 * @property {Omit<BenchContext, 'poolSize'>} context
 * @property {string} serverVersion
 * @property {number} seedSeconds
 * @property {() => Promise<void>} drop
 */

/** Same rule as apps/server's env.ts: the login role's URL is the superuser's with the user swapped. */
function withUser(/** @type {string} */ url, /** @type {string} */ user) {
  const copy = new URL(url);
  copy.username = user;
  return copy.toString();
}

/**
 * @param {{ serverUrl: string, rows: number, migrate: (url: string) => Promise<void> }} options
 * @returns {Promise<BenchDatabase>}
 */
export async function createBenchDatabase({ serverUrl, rows, migrate }) {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  let serverVersion = '';
  try {
    const [row] = await admin`show server_version`;
    serverVersion = String(row?.server_version);
  } catch (error) {
    await admin.end({ timeout: 1 }).catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `No PostgreSQL at TEST_DATABASE_URL (${serverUrl}): ${reason}. ` +
        'Start one, or point TEST_DATABASE_URL at a superuser connection string.',
    );
  }

  const name = `foyer_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin.unsafe(`create database "${name}"`);
  /** @type {Promise<void> | undefined} */
  let dropping;
  // Once only: an interrupt and the normal end of the run may both ask for it.
  const drop = () => {
    dropping ??= (async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    })();
    return dropping;
  };

  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const superuserUrl = url.toString();
    const started = performance.now();
    await migrate(superuserUrl);
    const tenant = await seed(superuserUrl, rows);
    return {
      name,
      context: {
        superuserUrl,
        loginUrl: withUser(superuserUrl, 'foyer_login'),
        tenant,
        userId: randomUUID(),
        rows,
      },
      serverVersion,
      seedSeconds: (performance.now() - started) / 1000,
      drop,
    };
  } catch (error) {
    await drop();
    throw error;
  }
}

/**
 * Seeds as the superuser, which skips RLS. `bench.clients` is a plain copy of `app.clients`
 * (same rows, same primary key, no policies) for F3, so F4 − F3 is exactly what the transaction,
 * the context statement and the policy cost.
 * @returns {Promise<{ id: string, slug: string }>}
 */
async function seed(/** @type {string} */ superuserUrl, /** @type {number} */ rows) {
  const sql = postgres(superuserUrl, { max: 1, onnotice: () => {} });
  try {
    const slug = 'bench';
    const [tenant] =
      await sql`insert into platform.tenants (slug, name) values (${slug}, 'Bench Agency') returning id`;
    if (!tenant) throw new Error('no tenant row');
    await sql`
      insert into app.clients (tenant_id, id, name)
      select ${tenant.id}, ${sql.unsafe(clientKeySql('i'))}, 'Client ' || i
      from generate_series(1, ${rows}::int) as i`;
    await sql.unsafe(`
      create schema bench;
      create table bench.clients (like app.clients including all);
      insert into bench.clients select * from app.clients;
      grant usage on schema bench to foyer_login;
      grant select on bench.clients to foyer_login;`);
    // Fresh statistics and visibility maps, so both tables are read the same way from the start.
    await sql.unsafe('vacuum analyze app.clients');
    await sql.unsafe('vacuum analyze bench.clients');
    return { id: String(tenant.id), slug };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
