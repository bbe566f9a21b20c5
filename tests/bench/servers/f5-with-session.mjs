// F5: the database work of a signed-in request through the db layer's door, with no framework:
// withSession (BEGIN and the statement that both resolves the session cookie and sets the
// transaction's context, written together), one primary-key read of app.clients through drizzle
// under its tenant-wall policy, COMMIT. What W0's database work becomes once its session lookup is
// folded into its transaction.
import { createServer } from 'node:http';
import { hashToken } from '@foyer/auth';
import { and, eq, openPostgres, schema, withSession } from '@foyer/db';
import {
  announce,
  benchContext,
  jsonHandler,
  listenOnLoopback,
  onStop,
  randomClientKey,
} from '../lib/serve.mjs';
import { benchSession } from '../lib/session.mjs';

const ctx = benchContext();
const tokenHash = hashToken(await benchSession(ctx));
const db = openPostgres({ url: ctx.loginUrl, max: ctx.poolSize });
const lookup = { tenantId: ctx.tenant.id, tokenHash };
const { clients } = schema;

const server = createServer(
  jsonHandler(async () => {
    const id = randomClientKey(ctx.rows);
    const [row] = await withSession(db.db, lookup, (tx, session) =>
      tx
        .select({ id: clients.id, name: clients.name })
        .from(clients)
        .where(and(eq(clients.tenantId, session.tenantId), eq(clients.id, id))),
    );
    if (!row) throw new Error(`no client ${id} visible to the session's person`);
    return row;
  }),
);

announce({ url: await listenOnLoopback(server) });
onStop(async () => {
  server.close();
  await db.close();
});
