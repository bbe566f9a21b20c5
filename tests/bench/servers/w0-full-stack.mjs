// W0: the real front door (createApp from apps/server, every middleware in production order:
// request id and log line, security headers, tenant from host, CSRF, session cookie) serving
// GET /api/v1/me, which reads the signed-in person through withActor: one statement for the
// session, then BEGIN, the context statement, one read, COMMIT.
import { openPostgres } from '@foyer/db';
import { createApp, createDeps, createLogger, loadConfig } from '@foyer/server';
import { createAdaptorServer } from '@hono/node-server';
import { announce, benchContext, listenOnLoopback, onStop } from '../lib/serve.mjs';
import { benchSession } from '../lib/session.mjs';

const ctx = benchContext();
const token = await benchSession(ctx);
const config = loadConfig({ PLATFORM_DOMAIN: 'localhost', LOG_LEVEL: 'silent' });
const db = openPostgres({ url: ctx.loginUrl, max: ctx.poolSize });
/** W0 measures the API; pages are not part of it. */
const pages = { respond: async () => new Response('not found', { status: 404 }) };
const app = createApp({
  config,
  db,
  pages,
  log: createLogger('silent'),
  core: createDeps(config, db),
});

const server = createAdaptorServer({ fetch: app.fetch });
announce({
  url: await listenOnLoopback(server),
  headers: { Host: `${ctx.tenant.slug}.localhost`, Cookie: `foyer_session=${token}` },
});
onStop(async () => {
  server.close();
  await db.close();
});
