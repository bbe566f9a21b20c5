// What `pnpm bench` measures, in order. Adding a floor is one entry here plus a server script in
// servers/ that:
//   1. reads `benchContext()` (database URLs, the seeded tenant, row count, pool size),
//   2. listens with `listenOnLoopback(server)` (any node:http-compatible server, Hono's included),
//   3. calls `announce({ url, headers })`: headers go with every request, e.g. `host` naming the
//      tenant (`${ctx.tenant.slug}.localhost` with PLATFORM_DOMAIN=localhost) or a session cookie,
//   4. closes its pool in `onStop(...)`.
// Fixtures a floor needs beyond the seed (a user, a session) are made by its script at start-up
// through `ctx.superuserUrl` or the real @foyer/core operations: each floor runs twice (a
// statement-count pass through a proxy, then the timed run), so they must not clash if repeated.
// Everything a server script does before announce() is outside the measurement.

/** @typedef {import('./lib/context.mjs').BenchContext} BenchContext */
/** @typedef {import('./lib/processes.mjs').Target} Target */

/**
 * @typedef {(script: string, options?: { env?: Record<string, string>, path?: string }) => Promise<Target>} Spawn
 * Starts a script from tests/bench/ in its own process, pinned to the server core; `env` is added
 * to its environment, `path` is where the load goes (default `/`).
 */

/**
 * @typedef {object} Floor
 * @property {string} id  short name used in ratios (F0, W0, …)
 * @property {string} what  one line for the report
 * @property {boolean} database  talks to PostgreSQL: the harness then counts statements per request
 * @property {number} [statements]  statements per request by construction, checked against the count
 * @property {number} [roundTrips]  round trips to PostgreSQL per request by construction, checked too
 * @property {string} [pending]  why the floor is not measured yet; it is reported as such
 * @property {(helpers: { ctx: BenchContext, spawn: Spawn }) => Promise<Target>} [start]
 * @property {{ fraction: number, p99Ms: number }} [atRate]  after the peak run, a run paced at
 *   `fraction` of the peak rate, whose p99 must stay within `p99Ms`
 */

/** @type {Floor[]} */
export const floors = [
  {
    id: 'F0',
    what: 'bare node:http answering "ok"',
    database: false,
    start: ({ spawn }) => spawn('servers/f0-node-http.mjs'),
  },
  {
    id: 'F1',
    what: 'bare Hono on @hono/node-server answering "ok"',
    database: false,
    start: ({ spawn }) => spawn('servers/f1-hono.mjs'),
  },
  {
    // Hono, the tenant from the Host header through the real (cached) TenantDirectory, and one
    // statement that looks the session cookie up. Compared with F3 (one statement, no
    // framework): target F2/F3 ≥ 0.8.
    id: 'F2',
    what: 'Hono + cached host resolution + session lookup (one statement)',
    database: true,
    statements: 1,
    roundTrips: 1,
    start: ({ spawn }) => spawn('servers/f2-hono-session.mjs'),
  },
  {
    id: 'F3',
    what: 'node:http + one primary-key read (postgres.js, as foyer_login)',
    database: true,
    statements: 1,
    roundTrips: 1,
    start: ({ spawn }) => spawn('servers/f3-node-pg.mjs'),
  },
  {
    id: 'F4',
    what: 'F3 inside the RLS transaction: BEGIN, context, read, COMMIT (pipelined)',
    database: true,
    statements: 4,
    roundTrips: 3,
    start: ({ spawn }) => spawn('servers/f4-node-pg-rls.mjs'),
  },
  {
    // The database work of a signed-in request through @foyer/db, no framework: withSession's
    // BEGIN and session-and-context statement written together, the read (which needs the session),
    // COMMIT. What W0's database work becomes once its session lookup is folded in.
    id: 'F5',
    what: 'withSession + one primary-key read through drizzle: BEGIN, session + context, read, COMMIT',
    database: true,
    statements: 4,
    roundTrips: 3,
    start: ({ spawn }) => spawn('servers/f5-with-session.mjs'),
  },
  {
    // createApp() from apps/server with a real session cookie, GET /api/v1/me through the full
    // middleware chain: the API's own transaction (asSession): BEGIN with the statement that looks
    // the session up and sets the context, then the read, then COMMIT. Target W0/F4 ≥ 0.7.
    id: 'W0',
    what: 'authenticated read through the full stack, session folded into the context statement (createApp + session cookie, GET /api/v1/me)',
    database: true,
    statements: 4,
    roundTrips: 3,
    start: ({ spawn }) => spawn('servers/w0-full-stack.mjs', { path: '/api/v1/me' }),
  },
  {
    // The client portal's dashboard page rendered by SvelteKit through the full front door, for a
    // client on 50 projects (3 tasks and 2 feed entries each): how a real page compares with F4's
    // single read, and its latency at 70% of its own peak (p99 ≤ 60 ms).
    id: 'W1',
    what: 'client dashboard page `/`, SSR through the full stack, a client on 50 projects',
    database: true,
    start: ({ spawn }) => spawn('servers/w1-client-dashboard.mjs', { path: '/' }),
    atRate: { fraction: 0.7, p99Ms: 60 },
  },
  {
    // A client's task list through the JSON API: 50 client-visible tasks of 500 on the project,
    // read in one statement whose policies pick the visible ones (the (tenant, project, status,
    // position) index), inside the API's own transaction. Target W2/F4 ≥ 0.5, and p99 ≤ 25 ms at
    // 70% of its own peak.
    id: 'W2',
    what: 'a client’s task list, GET /api/v1/projects/{id}/tasks (50 visible of 500), full stack',
    database: true,
    statements: 4,
    roundTrips: 3,
    start: ({ spawn }) =>
      spawn('servers/w2-client-tasks.mjs', {
        path: '/api/v1/projects/b2000000-0000-4000-8000-000000000003/tasks',
      }),
    atRate: { fraction: 0.7, p99Ms: 25 },
  },
  {
    // A client's invoice list through the JSON API: the first 25 of their company's 60 issued
    // invoices (of 600 in the tenant, and drafts they never see), with totals and balances, read
    // under the invoices' client policy. Target p99 ≤ 25 ms at 70% of its own peak.
    id: 'W4',
    what: 'a client’s invoice list, GET /api/v1/invoices (25 of their 60, of 600), full stack',
    database: true,
    statements: 4,
    roundTrips: 3,
    start: ({ spawn }) => spawn('servers/w4-client-invoices.mjs', { path: '/api/v1/invoices' }),
    atRate: { fraction: 0.7, p99Ms: 25 },
  },
];

/**
 * @typedef {object} Ratio
 * @property {string} over  numerator floor id
 * @property {string} under  denominator floor id
 * @property {number | null} target  minimum, or null when the ratio is only informative
 * @property {string} means
 */

/** @type {Ratio[]} */
export const ratios = [
  { over: 'F1', under: 'F0', target: 0.75, means: 'what the framework costs' },
  { over: 'F2', under: 'F3', target: 0.8, means: 'host + session resolution against one plain read' },
  { over: 'W0', under: 'F4', target: 0.7, means: 'the full stack against its own database work' },
  { over: 'W0', under: 'F3', target: null, means: 'a real request against one plain read' },
  {
    over: 'W1',
    under: 'F4',
    target: null,
    means: 'the client dashboard page against one read in the RLS transaction',
  },
  {
    over: 'W2',
    under: 'F4',
    target: 0.5,
    means: 'a client’s task list (JSON API) against one read in the RLS transaction',
  },
  {
    over: 'W4',
    under: 'F4',
    target: null,
    means: 'a client’s invoice list (JSON API) against one read in the RLS transaction',
  },
  {
    over: 'W0',
    under: 'F5',
    target: null,
    means: 'the full stack against the database work it would have with its session folded in',
  },
];
