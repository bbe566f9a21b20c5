import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Deps } from '@foyer/core';
import {
  createPglite,
  type DatabaseHandle,
  migratePgliteDatabase,
  migratePostgresDatabase,
  openPglite,
  openPostgres,
  type PGlite,
} from '@foyer/db';
import { serve } from '@hono/node-server';
import { createApp, createDeps } from './app';
import type { Config } from './env';
import type { Logger } from './log';
import { RealtimeHub } from './realtime/hub';
import { TenantDirectory } from './tenants';
import { loadWebApp } from './web';

/**
 * Opens the configured database, migrating first when this process has the means to:
 * always on embedded PGlite, and on PostgreSQL when DATABASE_URL (a superuser URL) is given.
 */
export async function openDatabase(
  config: Config,
  options: { migrate?: boolean; asSuperuser?: (pg: PGlite) => Promise<void> } = {},
) {
  if (!config.databaseLoginUrl) {
    const dir = join(config.dataDir, 'pglite');
    await mkdir(dir, { recursive: true });
    const pg = await createPglite(dir);
    if (options.migrate ?? true) await migratePgliteDatabase(pg);
    // The embedded session is still the superuser here; openPglite steps it down for good.
    await options.asSuperuser?.(pg);
    return openPglite(pg);
  }
  if ((options.migrate ?? true) && config.databaseUrl) await migratePostgresDatabase(config.databaseUrl);
  return openPostgres({ url: config.databaseLoginUrl });
}

export interface RunningServer {
  url: string;
  /** The core context the pages use; the in-process worker shares it (and its tenant cache). */
  core: Deps;
  close(): Promise<void>;
}

export async function startServer(config: Config, db: DatabaseHandle, log: Logger): Promise<RunningServer> {
  const web = await loadWebApp();
  const tenants = new TenantDirectory(db, config);
  const unfollow = await tenants.follow();
  const core = createDeps(config, db, tenants);
  const realtime = new RealtimeHub(db, log);
  await realtime.start();
  const app = createApp({ config, db, pages: web, assets: web.assets, log, tenants, core, realtime });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    url: `http://${config.host}:${config.port}`,
    core,
    close: async () => {
      // Live streams never end by themselves: end them first, or the server would wait on them.
      await realtime.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would otherwise hold the process open for their idle timeout.
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await unfollow();
    },
  };
}
