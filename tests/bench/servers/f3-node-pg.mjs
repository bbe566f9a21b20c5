// F3: node:http plus one primary-key read through postgres.js per request: the floor for any
// request that touches the database once. Connects as foyer_login, like the real server, to a
// plain copy of the clients table (no RLS; SELECT granted to foyer_login by the harness).
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

const server = createServer(
  jsonHandler(async () => {
    const id = randomClientKey(ctx.rows);
    const [row] = await sql`select id, name from bench.clients where tenant_id = ${tenantId} and id = ${id}`;
    if (!row) throw new Error(`no client ${id}`);
    return row;
  }),
);

announce({ url: await listenOnLoopback(server) });
onStop(async () => {
  server.close();
  await sql.end({ timeout: 1 });
});
