// R1: Foyer's live delivery: the real front door (createApp, every middleware in production
// order, the session cookie) serving GET /events, with this process's RealtimeHub listening on
// the database's `foyer_events` notices, reading each event again as each recipient and writing
// it to their streams.
import { openPostgres } from '@foyer/db';
import { createApp, createDeps, createLogger, loadConfig, RealtimeHub } from '@foyer/server';
import { createAdaptorServer } from '@hono/node-server';
import { announce, benchContext, listenOnLoopback, onStop } from '../lib/serve.mjs';

const ctx = benchContext();
const config = loadConfig({ PLATFORM_DOMAIN: 'localhost', LOG_LEVEL: 'silent' });
const db = openPostgres({ url: ctx.loginUrl, max: ctx.poolSize });
const log = createLogger('silent');
const realtime = new RealtimeHub(db, log);
await realtime.start();
/** R1 measures the stream; pages are not part of it. */
const pages = { respond: async () => new Response('not found', { status: 404 }) };
const app = createApp({ config, db, pages, log, core: createDeps(config, db), realtime });

const server = createAdaptorServer({ fetch: app.fetch });
announce({ url: await listenOnLoopback(server), headers: { Host: `${ctx.tenant.slug}.localhost` } });
onStop(async () => {
  // Ends every stream first; the server would otherwise wait on them.
  await realtime.close();
  server.close();
  await db.close();
});
