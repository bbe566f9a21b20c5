import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretBox, deriveKey } from '@foyer/auth';
import {
  brandingFromStored,
  type ClientInfo,
  CoreError,
  type CoreErrorCode,
  type Ctx,
  createCtx,
  type Deps,
  deliverEmail,
  siteFromHostRow,
  type TenantSite,
  TransportCache,
} from '@foyer/core';
import { type ActingAs, type SettleOutcome, system, type TenantActor } from '@foyer/db';
import type { Envelope, Transport } from '@foyer/email';
import { LocalObjectStore } from '@foyer/storage';
import { expect } from 'vitest';
import { required } from './assert';
import type { TestDatabase } from './databases';
import type { TenantRow } from './tenants';

/** Sign-in, sessions and mail for tests of the account flows. */

export const PLATFORM_DOMAIN = 'foyer.test';
export const PLATFORM_ORIGIN = `http://${PLATFORM_DOMAIN}`;
export const tenantOrigin = (slug: string) => `http://${slug}.${PLATFORM_DOMAIN}`;

/**
 * One password for every fixture account, stored as a real argon2id PHC string (m=19 MiB, t=2,
 * p=1, the parameters of @foyer/auth's ARGON2) computed once: fixtures then cost no hashing,
 * and `needsRehash` is false for it, so signing in costs exactly one verify.
 */
export const TEST_PASSWORD = 'Harbour lights at dusk 42';
export const TEST_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$s+7OAE1yv5MrRUx5kCsVng$zsFLXMliXfmiNnktyplMPbmx89V4vs9JsMD5inwYSgU';

/** TEST_PASSWORD hashed with weaker parameters (m=4 MiB, t=3) than today's: due for a rehash. */
export const TEST_PASSWORD_WEAK_HASH =
  '$argon2id$v=19$m=4096,t=3,p=1$uBfxUnW9GBMM+wY4Lxvs8g$M+hF91toweQcGOMYJZkySEuom+RgMIHXc2Y/IC8ubzo';

/** A new password that passes the policy, for change and reset flows. */
export const OTHER_PASSWORD = 'Lanterns over the quay 17';

/** A message as it left through the platform transport. */
export type OutgoingMail = Envelope;

/** A fixed FOYER_SECRET_KEY for tests. */
export const TEST_SECRET_KEY = Buffer.alloc(32, 0x5a);

export interface TestClock {
  now(): Date;
  /** Moves the application's clock (not the database's `now()`, which decides token expiry). */
  advance(ms: number): void;
}

export interface TestCore {
  /** The dependencies verbs' contexts carry (formerly the whole context). */
  ctx: Deps;
  deps: Deps;
  /** A request's context acting as `actor` (on `site`, when the verb builds links or brands mail). */
  as(actor: ActingAs, site?: TenantSite | null, client?: ClientInfo): Ctx;
  /** A request's context for someone not signed in on `site` (null: the platform host). */
  visitor(site: TenantSite | null, client?: ClientInfo): Ctx;
  /** Every message delivered through the platform transport, in order (see `deliverQueued`). */
  mail: OutgoingMail[];
  clock: TestClock;
  /** The DNS the core sees: set records with `dns.set(name, { txt, cname })`. */
  dns: FakeDns;
}

export interface FakeDns {
  resolver: import('@foyer/core').DnsResolver;
  set(name: string, records: { txt?: string[][]; cname?: string[] }): void;
  clear(name: string): void;
}

/** A DNS that answers from a map: nothing in tests touches the internet. */
export function fakeDns(): FakeDns {
  const zone = new Map<string, { txt?: string[][]; cname?: string[] }>();
  const key = (name: string) => name.toLowerCase().replace(/\.$/, '');
  return {
    resolver: {
      resolveTxt: async (name) => zone.get(key(name))?.txt ?? [],
      resolveCname: async (name) => zone.get(key(name))?.cname ?? [],
    },
    set: (name, records) => zone.set(key(name), records),
    clear: (name) => zone.delete(key(name)),
  };
}

/** A transport that keeps what it is given. */
export function recordingTransport(into: OutgoingMail[]): Transport {
  return {
    kind: 'file',
    async send(envelope) {
      into.push(envelope);
      return { ok: true, response: `recorded ${envelope.messageId}` };
    },
    async close() {},
  };
}

/** A Deps on the test database with a recording transport and a controllable clock. */
export function testCore(t: Pick<TestDatabase, 'handle'>): TestCore {
  const mail: OutgoingMail[] = [];
  const dns = fakeDns();
  let offset = 0;
  const clock: TestClock = {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
  };
  // A directory of its own per core, made only when something is stored.
  const fileLinkSecret = deriveKey(TEST_SECRET_KEY, 'file-links');
  const ctx: Deps = {
    db: t.handle,
    mail: {
      platform: recordingTransport(mail),
      from: `no-reply@${PLATFORM_DOMAIN}`,
      secrets: createSecretBox(TEST_SECRET_KEY),
      allowPrivateSmtp: true,
      fileDir: null,
      resend: null,
    },
    files: {
      store: new LocalObjectStore({
        root: join(tmpdir(), `foyer-test-files-${randomBytes(6).toString('hex')}`),
        secret: fileLinkSecret,
      }),
      linkSecret: fileLinkSecret,
      direct: false,
      uploads: { maxFileBytes: 100 * 1024 * 1024, refusedExtensions: ['exe', 'bat'] },
    },
    payments: {
      secrets: createSecretBox(TEST_SECRET_KEY),
      stripe: { connect: null, ownKeys: true, api: null },
      paypal: { apiBase: null },
      twocheckout: { api: null },
    },
    platformOrigin: PLATFORM_ORIGIN,
    tenantOriginForSlug: tenantOrigin,
    async siteForSlug(slug) {
      const row = await system.tenants.forHost(t.handle, { slug });
      return row ? siteFromHostRow(row, tenantOrigin(row.slug)) : null;
    },
    tenantChanged: () => {},
    dns: dns.resolver,
    platformDomain: PLATFORM_DOMAIN,
    now: () => clock.now(),
  };
  return {
    ctx,
    deps: ctx,
    as: (actor, site = null, client = clientInfo()) => createCtx(ctx, { actor, site, client }),
    visitor: (site, client = clientInfo()) => createCtx(ctx, { site, client }),
    mail,
    clock,
    dns,
  };
}

/**
 * Delivers what is queued for these tenants, as the worker does (claim, render, send, settle),
 * until nothing is due. Only these tenants: test files share one database.
 */
export async function deliverQueued(core: TestCore, tenantIds: readonly string[]): Promise<SettleOutcome[]> {
  const transports = new TransportCache(core.ctx);
  const outcomes: SettleOutcome[] = [];
  try {
    for (;;) {
      const claimed = await system.outbox.claim(core.ctx.db, { limit: 50, leaseSeconds: 60, tenantIds });
      if (claimed.length === 0) return outcomes;
      for (const email of claimed) {
        const outcome = await deliverEmail(core.ctx, email, transports);
        await system.outbox.settle(core.ctx.db, email, outcome);
        outcomes.push(outcome);
      }
    }
  } finally {
    await transports.close();
  }
}

/** The tenant as a request on its host sees it (default branding). */
export function siteOf(tenant: TenantRow): TenantSite {
  return {
    tenant: {
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      status: 'active',
      origin: tenantOrigin(tenant.slug),
    },
    branding: brandingFromStored(tenant.name, null),
  };
}

/**
 * A random address in 198.18.0.0/15 (reserved for benchmarks). Throttle counters per address are
 * global, and every test file shares the PostgreSQL database, so each test uses its own.
 */
export function randomIp(): string {
  const [a = 0, b = 0, c = 0] = randomBytes(3);
  return `198.${18 + (a & 1)}.${b}.${c}`;
}

export function clientInfo(ip = randomIp(), userAgent: string | null = 'vitest'): ClientInfo {
  return { ip, userAgent };
}

/** What only the database stores for a token. */
export const sha256Hex = (token: string) => createHash('sha256').update(token).digest('hex');

export type TeamRole = 'admin' | 'staff';

/** An actor that is a person (not an API key): what sessions belong to. */
export type PersonActor = Exclude<TenantActor, { kind: 'apikey' }>;

export interface TestUser {
  id: string;
  email: string;
  actor: PersonActor;
}

/**
 * A user inserted as the superuser, with the fixture password unless `passwordHash` says
 * otherwise (null: no password yet, as `createTenant`'s users).
 */
export async function addUser(
  t: TestDatabase,
  tenant: Pick<TenantRow, 'id' | 'slug'>,
  options: {
    role: TeamRole | 'client';
    clientId?: string;
    email?: string;
    name?: string;
    status?: 'active' | 'deactivated';
    passwordHash?: string | null;
  },
): Promise<TestUser> {
  const id = randomUUID();
  const email = options.email ?? `${options.role}-${randomBytes(4).toString('hex')}@${tenant.slug}.test`;
  const clientId = options.role === 'client' ? required(options.clientId, 'a client id') : null;
  await t.superuser(
    `insert into app.users (tenant_id, id, email, name, role, client_id, status, password_hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      tenant.id,
      id,
      email,
      options.name ?? `Person ${email}`,
      options.role,
      clientId,
      options.status ?? 'active',
      options.passwordHash === undefined ? TEST_PASSWORD_HASH : options.passwordHash,
    ],
  );
  const actor: PersonActor =
    options.role === 'client'
      ? { kind: 'client', tenantId: tenant.id, userId: id, clientId: required(clientId, 'a client id') }
      : { kind: options.role, tenantId: tenant.id, userId: id };
  return { id, email, actor };
}

/** Another client person on `tenant`'s project, of a company of their own ("Other Co"). */
export async function addOtherClient(
  t: TestDatabase,
  tenant: Pick<TenantRow, 'id' | 'slug'> & { projectId: string },
  permissions: readonly string[],
): Promise<TestUser> {
  const companyId = randomUUID();
  await t.superuser('insert into app.clients (tenant_id, id, name) values ($1, $2, $3)', [
    tenant.id,
    companyId,
    'Other Co',
  ]);
  const user = await addUser(t, tenant, { role: 'client', clientId: companyId, name: 'Olive Other' });
  await t.superuser('update app.users set permissions = $3 where tenant_id = $1 and id = $2', [
    tenant.id,
    user.id,
    permissions,
  ]);
  await t.superuser('insert into app.project_clients (tenant_id, project_id, user_id) values ($1, $2, $3)', [
    tenant.id,
    tenant.projectId,
    user.id,
  ]);
  return user;
}

/** Gives an existing user (e.g. one of `createTenant`'s, which have none) a password. */
export async function setPassword(
  t: TestDatabase,
  tenantId: string,
  userId: string,
  passwordHash = TEST_PASSWORD_HASH,
): Promise<void> {
  const rows = await t.superuser(
    'update app.users set password_hash = $3 where tenant_id = $1 and id = $2 returning id',
    [tenantId, userId, passwordHash],
  );
  expect(rows).toHaveLength(1);
}

/** The one message sent to `to`, and the token of its link to `path`. */
export function linkFromMail(mail: OutgoingMail[], to: string, path: string): { url: URL; token: string } {
  const sent = mail.filter((m) => m.to.toLowerCase() === to.toLowerCase());
  expect(sent, `mail to ${to}`).toHaveLength(1);
  const text = required(sent[0], `mail to ${to}`).text;
  const href = required(/https?:\/\/\S+/.exec(text)?.[0], `a link in the mail to ${to}`);
  const url = new URL(href);
  expect(url.pathname).toBe(path);
  return { url, token: required(url.searchParams.get('token'), 'a token in the link') };
}

/** Awaits `promise`, which must reject with a CoreError, and returns it. */
export async function coreError(promise: Promise<unknown>): Promise<CoreError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CoreError) return error;
    throw new Error(`expected a CoreError, got: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a CoreError, but the call succeeded');
}

/** Expects a CoreError of `code`; with `field`, a field error on exactly that key among others. */
export async function expectCoreError(
  promise: Promise<unknown>,
  code: CoreErrorCode,
  field?: string,
): Promise<CoreError> {
  const error = await coreError(promise);
  expect(error.code, error.message).toBe(code);
  if (field) expect(Object.keys(error.fields), JSON.stringify(error.fields)).toContain(field);
  return error;
}

/** Rows of `sql` as the superuser, counted. */
export async function countAs(t: TestDatabase, text: string, params: unknown[] = []): Promise<number> {
  const [row] = await t.superuser<{ n: number }>(`select count(*)::int as n from (${text}) q`, params);
  return required(row, 'a count').n;
}

export interface ActivityRow extends Record<string, unknown> {
  verb: string;
  actor_kind: string;
  actor_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  ip: string | null;
  user_agent: string | null;
  data: Record<string, unknown>;
}

/** A tenant's activity log, oldest first, read as the superuser (the test's view, not a role's). */
export async function activityOf(t: TestDatabase, tenantId: string, verb?: string): Promise<ActivityRow[]> {
  return t.superuser<ActivityRow>(
    `select verb, actor_kind, actor_id::text, subject_type, subject_id::text, host(ip) as ip, user_agent, data
       from app.activity where tenant_id = $1 and verb <> 'fixture.created' and ($2::text is null or verb = $2)
      order by at, id`,
    [tenantId, verb ?? null],
  );
}
