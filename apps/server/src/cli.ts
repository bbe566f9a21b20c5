#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashPassword, passwordProblem } from '@foyer/auth';
import {
  applyTenant,
  connectDemoStripe,
  DEFAULT_CLIENT_PERMISSIONS,
  type EnsuredTenant,
  loadTenantDeclarations,
  makeThumbnail,
  presetOf,
  type TenantDeclaration,
} from '@foyer/core';
import {
  type DatabaseHandle,
  ensureTenant,
  errorFields,
  listOperators,
  operatorExists,
  pgliteSuperuser,
  postgresSuperuser,
  type SuperuserDoor,
  setOperatorDisabled,
  upsertOperator,
} from '@foyer/db';
import { createWorker } from '@foyer/jobs';
import { S3ObjectStore } from '@foyer/storage';
import { createDeps, createFileStorage } from './app';
import { type Config, ConfigError, loadConfig, originFor, repoRoot, secretKeyFor } from './env';
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
                        create a platform operator, or reset one's name and password (which
                        ends every session it has); the password is read from standard input
  operators disable <email>
                        refuse the operator's sign-in and end every session it has
  operators enable <email>
                        let a disabled operator sign in again
  operators list        email, name, status and last seen of every operator

  Creating agencies and anything under \`operators\` needs the superuser connection on
  PostgreSQL: DATABASE_URL (the server's own login role cannot do either).
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

/**
 * Opens the runtime database and runs `work` through the superuser connection first: on PGlite
 * the session before it steps down to foyer_login, on PostgreSQL DATABASE_URL. Without
 * DATABASE_URL on PostgreSQL there is no such connection and `work` gets null.
 */
async function openWithSuperuser<T>(
  config: Config,
  work: (door: SuperuserDoor | null) => Promise<T>,
): Promise<{ db: DatabaseHandle; result: T }> {
  if (!config.databaseLoginUrl) {
    let result: T | undefined;
    const db = await openDatabase(config, {
      asSuperuser: async (pg) => {
        result = await work(pgliteSuperuser(pg));
      },
    });
    return { db, result: result as T };
  }
  const db = await openDatabase(config);
  if (!config.databaseUrl) return { db, result: await work(null) };
  const door = postgresSuperuser(config.databaseUrl);
  try {
    return { db, result: await work(door) };
  } finally {
    await door.close();
  }
}

/** Runs an `operators` subcommand on the superuser connection, where operators live. */
async function asSuperuser<T>(config: Config, work: (door: SuperuserDoor) => Promise<T>): Promise<T> {
  const { db, result } = await openWithSuperuser(config, async (door) => {
    if (!door) throw new UsageError('Managing operators on PostgreSQL needs DATABASE_URL (a superuser URL).');
    return work(door);
  });
  await db.close();
  return result;
}

/** The tenant rows of the declarations, made on the superuser connection. */
async function ensureAll(door: SuperuserDoor, declarations: TenantDeclaration[]) {
  const ensured: EnsuredTenant[] = [];
  for (const { manifest } of declarations) {
    ensured.push(await ensureTenant(door, { slug: manifest.slug, name: manifest.name }));
  }
  return ensured;
}

/**
 * Applies the declarations; their demo files go to the object store the server uses (the data
 * directory's or the S3 bucket), with thumbnails made as for uploads, so the portal serves them
 * as it serves uploads.
 */
async function applyAll(
  config: Config,
  db: DatabaseHandle,
  declarations: TenantDeclaration[],
  ensured: EnsuredTenant[],
  onlyMissing: boolean,
) {
  const { store } = createFileStorage(config, secretKeyFor(config));
  const results = [];
  try {
    for (const [i, { manifest, logo }] of declarations.entries()) {
      const tenant = ensured[i];
      if (!tenant) throw new Error(`no tenant row for ${manifest.slug}`);
      results.push(
        await applyTenant(db, tenant, manifest, {
          logo,
          onlyMissing,
          files: { store, thumbnail: makeThumbnail },
        }),
      );
    }
  } finally {
    // An S3 client's open sockets would keep `tenants apply` from exiting.
    if (store instanceof S3ObjectStore) store.destroy();
  }
  return results;
}

const when = (date: Date | null) => (date ? date.toISOString().replace(/\.\d+Z$/, 'Z') : 'never');

/** A contact's permissions in a word or two: the preset's name, or how many switches are on. */
function accessOf(permissions: readonly string[]): string {
  const preset = presetOf(permissions);
  if (preset) return preset.label.toLowerCase();
  const recommended =
    permissions.length === DEFAULT_CLIENT_PERMISSIONS.length &&
    DEFAULT_CLIENT_PERMISSIONS.every((p) => permissions.includes(p));
  return recommended ? 'recommended permissions' : `${permissions.length} permissions`;
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
      ...manifest.staff.map((person) => `      staff   ${person.email}  /  ${person.password}`),
      ...manifest.companies.flatMap((company) =>
        company.contacts.map(
          (person) =>
            `      client  ${person.email}  /  ${person.password}   (${company.name}, ${accessOf(person.permissions)})`,
        ),
      ),
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
      const { db, result: ensured } = await openWithSuperuser(config, async (door) => {
        if (!door) return null;
        return ensureAll(door, declarations);
      });
      try {
        if (!ensured)
          throw new UsageError('Creating agencies on PostgreSQL needs DATABASE_URL (a superuser URL).');
        for (const r of await applyAll(config, db, declarations, ensured, false)) {
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
      const signInUrl = `${originFor(config, config.platformDomain)}/operator`;
      if (sub === 'create' && email && name) {
        const password = await readPassword();
        const problem = passwordProblem(password, { email, name });
        if (problem) throw new UsageError(`The password was refused: ${problem}`);
        const operator = { email, name, passwordHash: await hashPassword(password) };
        const saved = await asSuperuser(config, (door) => upsertOperator(door, operator));
        process.stdout.write(
          saved.disabled
            ? `Operator ${email} is saved but disabled: \`foyer operators enable ${email}\` lets them sign in.\n`
            : saved.created
              ? `Operator ${email} can now sign in at ${signInUrl}\n`
              : `Operator ${email} was reset: their sessions have ended; they sign in again at ${signInUrl}\n`,
        );
        return;
      }
      if ((sub === 'disable' || sub === 'enable') && email && !name) {
        const found = await asSuperuser(config, (door) =>
          setOperatorDisabled(door, email, sub === 'disable'),
        );
        if (!found) throw new UsageError(`No operator has the email ${email}.`);
        process.stdout.write(
          sub === 'disable'
            ? `Operator ${email} is disabled; their sessions have ended.\n`
            : `Operator ${email} can sign in again at ${signInUrl}\n`,
        );
        return;
      }
      if (sub === 'list' && !email) {
        const operators = await asSuperuser(config, listOperators);
        if (operators.length === 0) process.stdout.write('No operators yet: `foyer operators create`.\n');
        for (const o of operators) {
          const status = o.disabledAt ? `disabled since ${when(o.disabledAt)}` : 'active';
          process.stdout.write(
            `${o.email}\t${o.name}\t${status}\tlast seen ${when(o.lastSeenAt)}\t${o.sessions} live session(s)\n`,
          );
        }
        return;
      }
      break;
    }
    case 'worker': {
      const db = await openDatabase(config);
      const tenants = new TenantDirectory(db, config);
      await tenants.follow();
      const worker = createWorker({ ctx: createDeps(config, db, tenants), log });
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
      const { db, result: ensured } = await openWithSuperuser(config, async (door) => {
        if (!door) return null;
        if (demo && !(await operatorExists(door, demo.email))) {
          await upsertOperator(door, {
            email: demo.email,
            name: demo.name,
            passwordHash: await hashPassword(demo.password),
          });
        }
        return ensureAll(door, declarations);
      });
      if (ensured) await applyAll(config, db, declarations, ensured, true);
      else
        process.stderr.write(
          'Demo agencies skipped: creating agencies needs DATABASE_URL (a superuser URL); run `foyer tenants apply` with it.\n',
        );
      const server = await startServer(config, db, log);
      if (ensured && config.stripe.demo) {
        const connected = await connectDemoStripe(
          server.core,
          ensured.map((tenant) => tenant.tenantId),
          config.stripe.demo,
        );
        if (connected > 0)
          process.stdout.write(`Stripe (test mode) connected to ${connected} demo agencies.\n`);
      }
      const worker = config.worker ? createWorker({ ctx: server.core, log }) : null;
      worker?.start();
      printWelcome(config, ensured ? declarations : [], demo);
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
