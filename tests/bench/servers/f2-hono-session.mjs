// F2: Hono, the tenant from the Host header through the real cached TenantDirectory, and the
// session cookie looked up with one statement (app_system.session_for_token). No transaction:
// this is what every signed-in request pays before its own work.

import { hashToken } from '@foyer/auth';
import { openPostgres, system } from '@foyer/db';
import { loadConfig, resolveHost, TenantDirectory } from '@foyer/server';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { announce, benchContext, listenOnLoopback, onStop, reportFailure } from '../lib/serve.mjs';
import { benchSession } from '../lib/session.mjs';

const ctx = benchContext();
const token = await benchSession(ctx);
const config = loadConfig({ PLATFORM_DOMAIN: 'localhost', LOG_LEVEL: 'silent' });
const db = openPostgres({ url: ctx.loginUrl, max: ctx.poolSize });
const tenants = new TenantDirectory(db, config);

const app = new Hono();
app.get('*', async (c) => {
  const match = resolveHost(c.req.header('host'), config);
  if (match.kind !== 'subdomain' && match.kind !== 'custom') return c.text('no tenant', 404);
  const site = await tenants.lookup(match);
  if (!site) return c.text('no tenant', 404);
  const cookie = getCookie(c, 'foyer_session');
  const session = cookie ? await system.sessions.forToken(db, site.tenant.id, hashToken(cookie)) : null;
  if (!session) return c.text('no session', 401);
  return c.json({ tenant: site.tenant.slug, user: session.name });
});
app.onError((error, c) => {
  reportFailure(error);
  return c.text('error', 500);
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
