#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashPassword, passwordProblem } from '@foyer/auth';
import { applyTenant, loadTenantDeclarations, type TenantDeclaration } from '@foyer/core';
import {
  type DatabaseHandle,
  errorFields,
  migratePostgresDatabase,
  operatorExistsPglite,
  upsertOperatorPglite,
  upsertOperatorPostgres,
} from '@foyer/db';
import { createWorker } from '@foyer/jobs';
import { createCoreContext } from './app';
import { type Config, ConfigError, loadConfig, originFor, repoRoot } from './env';
import { createLogger } from './log';
import { openDatabase, startServer } from './server';
import { TenantDirectory } from './tenants';

const usage = `Usage: foyer <command>

  start                 migrate, add any missing demo agencies from tenants/, and serve
                        (with the email and scheduled-job worker unless FOYER_WORKER=0)
  worker                run only the worker: deliver queued email, run scheduled jobs
  migrate               create roles and apply database migrations (needs DATABASE_URL on PostgreSQL)
  tenants apply [dir]   create or update the agencies declared in dir (default: tenants/)
  operators create <email> <name>
                        create a platform operator (or reset one); the password is read from
                        standard input (on PostgreSQL this needs DATABASE_URL, a superuser URL)
`;

/** A mistake in how the command was used: its message is all the person needs. */
class UsageError extends Error {}

const demoOperatorFile = join(repoRoot, 'tenants', 'operator.json');

async function readDemoOperator(): Promise<{ email: string; name: string; password: string } | null> {
  try {
    return JSON.parse(await readFile(demoOperatorFile, 'utf8'));
  } catch {
    return null;
  }
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (at least 10 characters): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (process.stdin.isTTY && chunk.toString().includes('\n')) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function applyAll(db: DatabaseHandle, declarations: TenantDeclaration[], onlyMissing: boolean) {
  const results = [];
  for (const { manifest, logo } of declarations) {
    results.push(await applyTenant(db, manifest, { logo, onlyMissing }));
  }
  return results;
}

function printWelcome(
  config: Config,
  declarations: TenantDeclaration[],
  operator: { email: string; password: string } | null,
) {
  const lines = [
    '',
    `  Foyer is running (data in ${config.dataDir}${config.databaseLoginUrl ? ', database on PostgreSQL' : ''})`,
    '',
    `  Platform          ${originFor(config, config.platformDomain)}`,
  ];
  if (operator)
    lines.push(
      `      operator  ${operator.email}  /  ${operator.password}   (${originFor(config, config.platformDomain)}/operator)`,
    );
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
    case 'operators': {
      const [email, ...nameParts] = argv.slice(2);
      const name = nameParts.join(' ').trim();
      if (sub !== 'create' || !email || !name) break;
      const password = await readPassword();
      const problem = passwordProblem(password, { email, name });
      if (problem) throw new UsageError(`The password was refused: ${problem}`);
      const operator = { email, name, passwordHash: await hashPassword(password) };
      if (config.databaseLoginUrl) {
        if (!config.databaseUrl)
          throw new Error('Creating an operator on PostgreSQL needs DATABASE_URL (a superuser URL).');
        await migratePostgresDatabase(config.databaseUrl);
        await upsertOperatorPostgres(config.databaseUrl, operator);
      } else {
        const db = await openDatabase(config, {
          asSuperuser: (pg) => upsertOperatorPglite(pg, operator).then(() => {}),
        });
        await db.close();
      }
      process.stdout.write(
        `Operator ${email} can now sign in at ${originFor(config, config.platformDomain)}/operator\n`,
      );
      return;
    }
    case 'worker': {
      const db = await openDatabase(config);
      const tenants = new TenantDirectory(db, config);
      await tenants.follow();
      const worker = createWorker({ ctx: createCoreContext(config, db, tenants), log });
      worker.start();
      log.info('worker started');
      const stop = async () => {
        await worker.stop();
        await db.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return;
    }
    case 'start': {
      const declarations = await loadTenantDeclarations(join(repoRoot, 'tenants'));
      // On embedded defaults only, start adds the demo operator declared beside the demo
      // agencies if it is missing. PostgreSQL deployments get operators from `foyer operators create`.
      const demo = config.databaseLoginUrl ? null : await readDemoOperator();
      const db = await openDatabase(config, {
        asSuperuser: async (pg) => {
          if (demo && !(await operatorExistsPglite(pg, demo.email))) {
            await upsertOperatorPglite(pg, {
              email: demo.email,
              name: demo.name,
              passwordHash: await hashPassword(demo.password),
            });
          }
        },
      });
      await applyAll(db, declarations, true);
      const server = await startServer(config, db, log);
      const worker = config.worker ? createWorker({ ctx: server.core, log }) : null;
      worker?.start();
      printWelcome(config, declarations, demo);
      const stop = async () => {
        await server.close();
        await worker?.stop();
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
  if (error instanceof ConfigError || error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    // A failed query's message holds its parameters: only its code and shape are printed.
    const fields = errorFields(error);
    process.stderr.write(
      fields.error === 'database error'
        ? `foyer: ${JSON.stringify(fields, null, 2)}\n`
        : `foyer: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
