// F4: F3's read in the shape RLS needs, still on bare node:http: BEGIN, the context statement
// that switches foyer_login to foyer_team and sets the tenant, the read, COMMIT. The read goes
// to app.clients itself, so the tenant-wall policy is evaluated as in production.
//
// postgres.js pipelines the array returned from sql.begin(): BEGIN is one round trip, the
// context statement and the read go out together, COMMIT is the third (TOOLCHAIN.md's table).
import { createServer } from 'node:http';
import postgres from 'postgres';
import {
  announce,
  benchContext,
  jsonHandler,
  listenOnLoopback,
  onStop,
  randomClientKey,
} from '../lib/serve.mjs';

const ctx = benchContext();
const sql = postgres(ctx.loginUrl, { max: ctx.poolSize, onnotice: () => {} });
const tenantId = ctx.tenant.id;
const userId = ctx.userId;

/** @param {string} id */
function readClient(id) {
  return sql.begin((tx) => [
    // As an admin: since staff read only the companies of their projects (migration 0019), the
    // admin's rule is the one that reads any company, the tenant wall and one initplan.
    tx`select set_config('role', ${'foyer_team'}, true), set_config('app.tenant_id', ${tenantId}, true), set_config('app.user_id', ${userId}, true), set_config('app.role', ${'admin'}, true)`,
    tx`select id, name from app.clients where tenant_id = ${tenantId} and id = ${id}`,
  ]);
}

const server = createServer(
  jsonHandler(async () => {
    const id = randomClientKey(ctx.rows);
    const [, read] = await readClient(id);
    const row = read?.[0];
    if (!row) throw new Error(`no client ${id} visible to foyer_team`);
    return row;
  }),
);

announce({ url: await listenOnLoopback(server) });
onStop(async () => {
  server.close();
  await sql.end({ timeout: 1 });
});
