import { join } from 'node:path';
import { applyTenant, loadTenantDeclarations, type TenantDeclaration } from '@foyer/core';
import type { DatabaseHandle } from '@foyer/db';
import { type Config, ConfigError, loadConfig, originFor, repoRoot } from './env';
import { createLogger } from './log';
import { openDatabase, startServer } from './server';

const usage = `Usage: foyer <command>

  start                 migrate, add any missing demo agencies from tenants/, and serve
  migrate               create roles and apply database migrations (needs DATABASE_URL on PostgreSQL)
  tenants apply [dir]   create or update the agencies declared in dir (default: tenants/)
`;

async function applyAll(db: DatabaseHandle, declarations: TenantDeclaration[], onlyMissing: boolean) {
  const results = [];
  for (const { manifest, logo } of declarations) {
    results.push(await applyTenant(db, manifest, { logo, onlyMissing }));
  }
  return results;
}

function printWelcome(config: Config, declarations: TenantDeclaration[]) {
  const lines = [
    '',
    `  Foyer is running (data in ${config.dataDir}${config.databaseLoginUrl ? ', database on PostgreSQL' : ''})`,
    '',
    `  Platform          ${originFor(config, config.platformDomain)}`,
  ];
  for (const { manifest } of declarations) {
    lines.push(
      `  ${manifest.name.padEnd(18)}${originFor(config, `${manifest.slug}.${config.platformDomain}`)}`,
      `      admin   ${manifest.admin.email}  /  ${manifest.admin.password}`,
      `      client  ${manifest.client.contact.email}  /  ${manifest.client.contact.password}`,
    );
  }
  lines.push('', '  Press Ctrl+C to stop.', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(argv: string[]) {
  const [command, sub, arg] = argv;
  const config = loadConfig();
  const log = createLogger(config.logLevel);

  switch (command) {
    case 'migrate': {
      const db = await openDatabase(config);
      await db.close();
      process.stdout.write('Database is up to date.\n');
      return;
    }
    case 'tenants': {
      if (sub !== 'apply') break;
      const declarations = await loadTenantDeclarations(arg ?? join(repoRoot, 'tenants'));
      const db = await openDatabase(config);
      try {
        for (const r of await applyAll(db, declarations, false)) {
          process.stdout.write(`${r.created ? 'created' : 'updated'} ${r.slug}\n`);
        }
      } finally {
        await db.close();
      }
      return;
    }
    case 'start': {
      const declarations = await loadTenantDeclarations(join(repoRoot, 'tenants'));
      const db = await openDatabase(config);
      await applyAll(db, declarations, true);
      const server = await startServer(config, db, log);
      printWelcome(config, declarations);
      const stop = async () => {
        await server.close();
        await db.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return;
    }
  }
  process.stderr.write(usage);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `foyer: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
