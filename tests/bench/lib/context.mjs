// What the harness hands every server under test, and the row keys both sides agree on.
// Shared by the parent (which seeds) and the children (which read), so it imports nothing.

/**
 * @typedef {object} BenchContext
 * @property {string} superuserUrl  superuser on the bench database (fixtures only, never per request)
 * @property {string} loginUrl  `foyer_login` on the bench database: what the real server connects as
 * @property {{ id: string, slug: string }} tenant  the one tenant whose clients are seeded
 * @property {string} userId  a user id for the `app.user_id` setting (no row behind it)
 * @property {number} rows  how many clients are seeded (keys 1..rows)
 * @property {number} poolSize  postgres.js `max` for servers that open a pool
 */

const CONTEXT_VARIABLE = 'BENCH_CONTEXT';

/** The environment a child needs to rebuild the context. */
export function contextEnvironment(/** @type {BenchContext} */ ctx) {
  return { [CONTEXT_VARIABLE]: JSON.stringify(ctx) };
}

/** @returns {BenchContext} */
export function readContext(/** @type {Record<string, string | undefined>} */ env) {
  const raw = env[CONTEXT_VARIABLE];
  if (!raw) throw new Error(`${CONTEXT_VARIABLE} is not set: start servers through the harness (bench.mjs)`);
  return JSON.parse(raw);
}

/**
 * Seeded client ids are derived from 1..rows, so a server can pick a random existing row without
 * loading 100,000 ids first. `clientKeySql` builds the same value in SQL for the seed.
 */
const KEY_PREFIX = '00000000-0000-4000-8000-';

export function clientKey(/** @type {number} */ n) {
  return KEY_PREFIX + n.toString(16).padStart(12, '0');
}

/** @param {string} column an integer SQL expression */
export function clientKeySql(column) {
  return `('${KEY_PREFIX}' || lpad(to_hex(${column}), 12, '0'))::uuid`;
}

/** A uniformly random seeded key, so reads spread over the whole index as real traffic would. */
export function randomClientKey(/** @type {number} */ rows) {
  return clientKey(1 + Math.floor(Math.random() * rows));
}
