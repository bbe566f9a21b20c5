import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateToken, hashToken } from '@foyer/auth';
import { createCtx, type Deps, openSession } from '@foyer/core';
import { LocalObjectStore, objectKey } from '@foyer/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../../../tests/support/assert';
import {
  addUser,
  clientInfo,
  type PersonActor,
  TEST_PASSWORD_HASH,
  testCore,
} from '../../../tests/support/auth';
import { openTestDatabase, type TestDatabase } from '../../../tests/support/databases';
import { createTenant, insertTenant, type TenantFixture } from '../../../tests/support/tenants';
import { type Access, accessOf } from '../../web/src/lib/server/access';
import { declaredRoutes, type HonoAccess } from './access';
import { type App, createApp } from './app';
import { loadConfig } from './env';
import { createLogger } from './log';
import { RealtimeHub } from './realtime/hub';
import { loadWebApp } from './web';

/**
 * The route-access suite. Every route of the built app declares who may reach it: pages and
 * endpoints by their route group (apps/web `$lib/server/access.ts`), Hono's own routes by the
 * `access()` guard heading them (./access.ts). A route without a declaration fails here, by name.
 *
 * Then every route is driven through the real `createApp` with the real SvelteKit build: GET for
 * pages and endpoints, POST for each form action (an empty form, from the right origin), Hono's
 * routes by their method; as six visitors, on an agency's host and on the platform host. Refusals
 * must be exactly what the declaration promises; allowed visitors must get neither a refusal nor a
 * 5xx. Every unsafe request is also sent from a sibling tenant's origin, and must be refused by
 * Hono's exact-origin check before it reaches the route.
 *
 * Reads the build: run `pnpm build` after changing routes.
 */

const PLATFORM = 'foyer.test';

// The build's routes and nodes, from the manifest SvelteKit generated (the adapter writes it to
// build/server/manifest.js, and `loadWebApp` serves the same one). `_` is the manifest's private
// part: only what this suite reads is typed.
interface BuiltRoute {
  id: string;
  pattern: RegExp;
  page: { leaf: number } | null;
  endpoint: (() => Promise<Record<string, unknown>>) | null;
}
interface BuiltNode {
  server?: { actions?: Record<string, unknown> };
}

const web = await loadWebApp();
const { manifest } = await import('@foyer/web/manifest');
const kit = manifest._ as unknown as { routes: BuiltRoute[]; nodes: (() => Promise<BuiltNode>)[] };

const VISITORS = ['anonymous', 'other-admin', 'client', 'staff', 'admin', 'operator'] as const;
type Visitor = (typeof VISITORS)[number];
const HOSTS = ['tenant', 'platform'] as const;
type HostKind = (typeof HOSTS)[number];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ENDPOINT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Valid-looking values for dynamic segments, by parameter name. */
const PARAMS: Record<string, string> = {
  // A row of each kind with this id is made in the agency's tenant (a client company, a client,
  // a project with the staff member on it, a client-visible task and a milestone on that project).
  id: '00000000-0000-4000-8000-000000000001',
  key: 'password-reset',
  name: 'route-access.eml',
  // The sample file has the sample id too: client-visible, on the sample project.
  fileId: '00000000-0000-4000-8000-000000000001',
};

interface Probe {
  method: string;
  /** Path and query, as sent. */
  target: string;
  /** What the route is, for messages: `/(app)/(admin)/admin/team ?/role`. */
  label: string;
}

interface PageRoute {
  id: string;
  access: Access;
  probes: Probe[];
}

/** The route's path with its groups dropped and its parameters filled in; throws naming what is missing. */
function concretePath(route: BuiltRoute): string {
  const path = `/${route.id
    .split('/')
    .filter((segment) => segment !== '' && !/^\(.+\)$/.test(segment))
    .map((segment) =>
      segment.replace(/\[{1,2}(?:\.\.\.)?(\w+)(?:=\w+)?\]{1,2}/g, (_, name: string) => {
        const value = PARAMS[name];
        if (value === undefined) throw new Error(`${route.id}: no sample value for [${name}] in PARAMS`);
        return value;
      }),
    )
    .join('/')}`;
  if (!route.pattern.test(path)) throw new Error(`${route.id}: ${path} does not match its own pattern`);
  return path;
}

async function probesOf(route: BuiltRoute): Promise<Probe[]> {
  const path = concretePath(route);
  const probes: Probe[] = [];
  if (route.page) {
    probes.push({ method: 'GET', target: path, label: `${route.id} (page)` });
    const node = await required(kit.nodes[route.page.leaf], `node ${route.page.leaf}`)();
    for (const action of Object.keys(node.server?.actions ?? {})) {
      const target = action === 'default' ? path : `${path}?/${action}`;
      probes.push({ method: 'POST', target, label: `${route.id} ?/${action}` });
    }
  }
  if (route.endpoint) {
    const module = await route.endpoint();
    for (const method of ENDPOINT_METHODS.filter((m) => m in module)) {
      // A route with both answers GET with its page for browsers; the page probe covers it.
      if (route.page && method === 'GET') continue;
      probes.push({ method, target: path, label: `${route.id} ${method} (endpoint)` });
    }
  }
  return probes;
}

const undeclaredPages = kit.routes.filter((route) => accessOf(route.id) === null).map((route) => route.id);
const pageRoutes: PageRoute[] = [];
for (const route of kit.routes) {
  const access = accessOf(route.id);
  if (access !== null) pageRoutes.push({ id: route.id, access, probes: await probesOf(route) });
}

// ----- what a declaration promises ------------------------------------------------------------

/** Who the request is once Hono has read its cookie on that host. */
type Identity = { kind: 'person'; role: 'client' | 'staff' | 'admin' } | { kind: 'operator' } | null;

function identityOf(visitor: Visitor, host: HostKind): Identity {
  if (host === 'platform') return visitor === 'operator' ? { kind: 'operator' } : null;
  // Another tenant's session finds nothing here; the operator's cookie is not read on a tenant host.
  if (visitor === 'client' || visitor === 'staff' || visitor === 'admin')
    return { kind: 'person', role: visitor };
  return null;
}

type Expected = { allowed: true } | { status: number; location?: string };

const loginFor = (target: string) =>
  target === '/' ? '/login' : `/login?next=${encodeURIComponent(target)}`;

/** The answer a page route's group promises (apps/web `$lib/server/access.ts`). */
function pageExpectation(access: Access, host: HostKind, who: Identity, target: string): Expected {
  const tenantHost = host === 'tenant';
  switch (access) {
    case 'public':
      return { allowed: true };
    case 'tenant-host':
      return tenantHost ? { allowed: true } : { status: 404 };
    case 'platform-host':
      return tenantHost ? { status: 404 } : { allowed: true };
    case 'operator':
      if (tenantHost) return { status: 404 };
      return who?.kind === 'operator' ? { allowed: true } : { status: 303, location: '/operator/login' };
  }
  if (!tenantHost) return { status: 404 };
  if (who?.kind !== 'person') return { status: 303, location: loginFor(target) };
  if (access === 'signed-in') return { allowed: true };
  if (access === 'client')
    return who.role === 'client' ? { allowed: true } : { status: 303, location: '/admin' };
  if (who.role === 'client') return { status: 303, location: '/' };
  if (access === 'admin' && who.role !== 'admin') return { status: 404 };
  return { allowed: true };
}

/** The answer a Hono route's guard promises (./access.ts). */
function honoExpectation(access: HonoAccess, host: HostKind, who: Identity): Expected {
  const tenantHost = host === 'tenant';
  switch (access) {
    case 'public':
      return { allowed: true };
    case 'tenant-host':
      return tenantHost ? { allowed: true } : { status: 404 };
    case 'platform-host':
      return tenantHost ? { status: 404 } : { allowed: true };
    case 'signed-in':
      if (!tenantHost) return { status: 404 };
      return who?.kind === 'person' ? { allowed: true } : { status: 401 };
    case 'signed':
      // No cookie opens a gateway's webhook: unsigned, everyone is refused alike.
      return { status: 400 };
  }
}

/**
 * Where a page's guard sends someone it refuses. An allowed visitor redirected to one of these
 * was most likely refused by the wrong declaration, unless the route itself sends them there
 * (listed in OWN_REDIRECTS).
 */
const guardLocations = (target: string) => [loginFor(target), '/operator/login', '/', '/admin'];

/** Redirects routes make themselves, to someone their declaration lets in (`*`: anyone). */
const OWN_REDIRECTS: Record<
  string,
  Partial<Record<'*' | 'anonymous' | 'client' | 'staff' | 'admin', string>>
> = {
  // The agency's home: people who are not signed in go to sign in, the team to its panel.
  '/(public)': { anonymous: '/login', staff: '/admin', admin: '/admin' },
  // Signing in again while signed in: back home.
  '/(auth)/(tenant-host)/login': { client: '/', staff: '/admin', admin: '/admin' },
  // Two-factor's second step: signed in already, back home; without a pending sign-in, to sign in.
  '/(auth)/(tenant-host)/login/two-factor': {
    anonymous: '/login',
    client: '/',
    staff: '/admin',
    admin: '/admin',
  },
  // The theme switch returns to the page it was sent from, or home.
  '/(public)/theme': { '*': '/' },
};

/**
 * Form actions that let in fewer people than their route's group: the group guards the page, and
 * the action checks for itself. The suite expects the narrower answer for them.
 */
const NARROWER_ACTIONS: Record<string, Access> = {
  // The team panel's "send the verification link again" is for the admin, whose address it is.
  '/(app)/(team)/admin ?/verify': 'admin',
  // A project's page is the team's; changing the project is the admins'.
  '/(app)/(team)/admin/projects/[id] ?/update': 'admin',
  '/(app)/(team)/admin/projects/[id] ?/status': 'admin',
  '/(app)/(team)/admin/projects/[id] ?/assignClients': 'admin',
  '/(app)/(team)/admin/projects/[id] ?/unassignClient': 'admin',
  '/(app)/(team)/admin/projects/[id] ?/assignStaff': 'admin',
  '/(app)/(team)/admin/projects/[id] ?/unassignStaff': 'admin',
  // Whether a project's new uploads start client-visible is the project's setting: the admins'.
  '/(app)/(team)/admin/projects/[id]/files ?/setDefault': 'admin',
};

function roleName(who: Identity): 'anonymous' | 'client' | 'staff' | 'admin' | 'operator' {
  if (who === null) return 'anonymous';
  return who.kind === 'operator' ? 'operator' : who.role;
}

/** Null when `res` is what `expected` promises; otherwise why not. */
async function mismatch(
  res: Response,
  expected: Expected,
  context: { target: string; routeId?: string; who: Identity; allowedStatus?: number },
): Promise<string | null> {
  const location = res.headers.get('location');
  const got = `${res.status}${location ? ` → ${location}` : ''}`;
  if (!('allowed' in expected)) {
    const want = `${expected.status}${expected.location ? ` → ${expected.location}` : ''}`;
    return got === want ? null : `expected ${want}, got ${got}`;
  }
  if (context.allowedStatus !== undefined) {
    return res.status === context.allowedStatus ? null : `expected ${context.allowedStatus}, got ${got}`;
  }
  if (res.status >= 500) return `allowed, but got ${got}: ${(await res.text()).slice(0, 200)}`;
  if ([401, 403, 404].includes(res.status)) return `allowed, but refused with ${got}`;
  if (location && guardLocations(context.target).includes(location)) {
    const own = context.routeId ? OWN_REDIRECTS[context.routeId] : undefined;
    const name = roleName(context.who);
    if ((own?.['*'] ?? (name === 'operator' ? undefined : own?.[name])) !== location) {
      return `allowed, but sent where a guard sends refusals: ${got}`;
    }
  }
  return null;
}

// ----- the suite ------------------------------------------------------------------------------

describe('route access', () => {
  let t: TestDatabase;
  let app: App;
  let hub: RealtimeHub;
  let a: TenantFixture;
  let b: TenantFixture;
  let staff: PersonActor;
  let operatorId = '';
  let mailDir = '';
  let core: Deps;
  let logoPath = '';
  let faviconPath = '';
  let fileLink = '';
  let verifiedDomain = '';
  const hostOf = (host: HostKind) => (host === 'tenant' ? `${a.slug}.${PLATFORM}` : PLATFORM);

  // Sessions are opened the way the app opens them; these two functions are the only places the
  // suite depends on how (core's `openSession` for people, the operator session row for operators).
  async function personCookie(actor: PersonActor): Promise<string> {
    const { token } = await openSession({ ctx: createCtx(core, { actor, client: clientInfo() }) });
    return `foyer_session=${token}`;
  }
  async function operatorCookie(): Promise<string> {
    const token = generateToken();
    await t.superuser(
      `insert into platform.operator_sessions (id, operator_id, expires_at)
       values ($1, $2, now() + interval '1 day')`,
      [hashToken(token), operatorId],
    );
    return `foyer_operator=${token}`;
  }

  /** A cookie per visitor, opened when first needed and dropped after an unsafe request (which may end it). */
  const cookies = new Map<Visitor, string>();
  async function cookieOf(visitor: Visitor): Promise<string | null> {
    const cached = cookies.get(visitor);
    if (cached) return cached;
    let cookie: string | null;
    switch (visitor) {
      case 'anonymous':
        return null;
      case 'other-admin':
        cookie = await personCookie(b.admin);
        break;
      case 'client':
        cookie = await personCookie(a.client);
        break;
      case 'staff':
        cookie = await personCookie(staff);
        break;
      case 'admin':
        cookie = await personCookie(a.admin);
        break;
      case 'operator':
        cookie = await operatorCookie();
        break;
    }
    cookies.set(visitor, cookie);
    return cookie;
  }

  async function send(
    method: string,
    target: string,
    host: HostKind,
    cookie: string | null,
    origin = `http://${hostOf(host)}`,
  ): Promise<Response> {
    const headers: Record<string, string> = { host: hostOf(host), accept: 'text/html' };
    if (cookie) headers.cookie = cookie;
    const unsafe = UNSAFE.has(method);
    if (unsafe) {
      headers.origin = origin;
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    return app.request(`http://${hostOf(host)}${target}`, {
      method,
      headers,
      ...(unsafe ? { body: new Uint8Array() } : {}),
    });
  }

  /** Sends `probe` as every visitor on both hosts and returns what differed from `expect`. */
  async function driveAll(
    probe: { method: string; target: string },
    expectation: (host: HostKind, who: Identity) => Expected,
    context: { routeId?: string; allowedStatus?: number } = {},
  ): Promise<string[]> {
    const problems: string[] = [];
    for (const host of HOSTS) {
      for (const visitor of VISITORS) {
        const who = identityOf(visitor, host);
        const res = await send(probe.method, probe.target, host, await cookieOf(visitor));
        if (UNSAFE.has(probe.method)) cookies.delete(visitor);
        const problem = await mismatch(res, expectation(host, who), {
          ...context,
          target: probe.target,
          who,
        });
        await res.body?.cancel();
        if (problem)
          problems.push(`${probe.method} ${probe.target} on the ${host} host as ${visitor}: ${problem}`);
      }
      if (UNSAFE.has(probe.method)) {
        // From a sibling tenant's page, with the cookie of whoever may act here: the CSRF check.
        const insider = host === 'tenant' ? 'admin' : 'operator';
        const res = await send(
          probe.method,
          probe.target,
          host,
          await cookieOf(insider),
          `http://${b.slug}.${PLATFORM}`,
        );
        // A page from Hono for pages, problem+json of type cross-origin for the API.
        const body = await res.text();
        if (probe.target.startsWith('/webhooks/')) {
          // Gateways post from anywhere, with no cookie: what stops this one is its missing signature.
          if (res.status !== 400)
            problems.push(
              `${probe.method} ${probe.target} on the ${host} host from ${b.slug}: expected 400, got ${res.status}`,
            );
          continue;
        }
        if (res.status !== 403 || !(body.includes('Request refused') || body.includes('/cross-origin'))) {
          problems.push(
            `${probe.method} ${probe.target} on the ${host} host from ${b.slug}: expected 403, got ${res.status}`,
          );
        }
      }
    }
    return problems;
  }

  beforeAll(async () => {
    t = await openTestDatabase('pglite');
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...randomBytes(24)]);
    const sha = createHash('sha256').update(png).digest('hex');
    a = await createTenant(t, {
      branding: {
        logoMime: 'image/png',
        logoData: png,
        logoSha256: sha,
        faviconMime: 'image/png',
        faviconData: png,
        faviconSha256: sha,
      },
    });
    b = await createTenant(t);
    // The client and company pages' sample id names a company and a client person of `a`.
    await t.superuser(`insert into app.clients (tenant_id, id, name) values ($1, $2, 'Sample Company')`, [
      a.id,
      PARAMS.id,
    ]);
    await t.superuser(
      `insert into app.users (tenant_id, id, email, name, role, client_id, permissions)
       values ($1, $2, $3, 'Sample Client', 'client', $2, '{projects}')`,
      [a.id, PARAMS.id, `sample-client@${a.slug}.test`],
    );
    ({ actor: staff } = await addUser(t, a, { role: 'staff' }));
    await t.superuser(`insert into app.projects (tenant_id, id, name) values ($1, $2, 'Route access')`, [
      a.id,
      PARAMS.id,
    ]);
    await t.superuser('insert into app.project_staff (tenant_id, project_id, user_id) values ($1, $2, $3)', [
      a.id,
      PARAMS.id,
      staff.userId,
    ]);
    const [operator] = await t.superuser<{ id: string }>(
      'insert into platform.operators (email, name, password_hash) values ($1, $2, $3) returning id::text',
      [`operator-${randomBytes(4).toString('hex')}@${PLATFORM}`, 'Operator', TEST_PASSWORD_HASH],
    );
    operatorId = required(operator, 'the operator').id;
    // A tenant of its own for the TLS ask: a verified domain moves its tenant's pages there.
    // A domain waiting for its DNS, so that the domain page's "verify" has something to check.
    await t.superuser(
      `insert into platform.domains (hostname, tenant_id, verification_token)
       values ($1, $2, 'token-token-token')`,
      [`pending-${randomBytes(4).toString('hex')}.example.com`, a.id],
    );
    const owner = await insertTenant(t);
    verifiedDomain = `portal-${randomBytes(4).toString('hex')}.example.com`;
    await t.superuser(
      `insert into platform.domains (hostname, tenant_id, verification_token, verified_at)
       values ($1, $2, 'token-token-token', now())`,
      [verifiedDomain, owner.id],
    );
    // The sample project (made above) is shared with a's client too, so that the portal's
    // project page answers the people its group lets in rather than "no such project".
    await t.superuser(
      'insert into app.project_clients (tenant_id, project_id, user_id) values ($1, $2, $3)',
      [a.id, PARAMS.id, a.client.userId],
    );
    // And a client-visible task on it with the same id (with its comment thread), and a milestone.
    await t.superuser(
      `insert into app.tasks (tenant_id, id, project_id, status_id, title, client_visible)
       values ($1, $2, $2, $3, 'Route access task', true)`,
      [a.id, PARAMS.id, a.statusId],
    );
    await t.superuser(
      `insert into app.threads (tenant_id, kind, project_id, task_id) values ($1, 'task', $2, $2)`,
      [a.id, PARAMS.id],
    );
    // A discussion of the sample project with the same id, with the admin, the staff member and
    // the client in it: the conversation pages answer everyone their groups let in.
    await t.superuser(
      `insert into app.threads (tenant_id, id, kind, title, project_id, created_by)
       values ($1, $2, 'project', 'Route access discussion', $2, $3)`,
      [a.id, PARAMS.id, a.admin.userId],
    );
    await t.superuser(
      `insert into app.thread_participants (tenant_id, thread_id, user_id, shown_name)
       values ($1, $2, $3, 'Admin'), ($1, $2, $4, 'Staff'), ($1, $2, $5, 'Client company')`,
      [a.id, PARAMS.id, a.admin.userId, staff.userId, a.client.userId],
    );
    await t.superuser(
      `insert into app.milestones (tenant_id, id, project_id, name, client_visible) values ($1, $2, $2, 'Route access milestone', true)`,
      [a.id, PARAMS.id],
    );
    // A client-visible file on it, with the same id, whose bytes are stored below.
    await t.superuser(
      `insert into app.files (tenant_id, id, project_id, name, content_type, size, sha256, object_key, client_visible, uploaded_by)
       values ($1, $2, $2, 'route-access.txt', 'text/plain', 17, $3, $4, true, $5)`,
      [a.id, PARAMS.id, 'e'.repeat(64), objectKey(a.id, PARAMS.id ?? ''), a.admin.userId],
    );
    await t.superuser(
      `insert into app.file_versions (tenant_id, file_id, version, name, content_type, size, sha256, object_key, uploaded_by)
       values ($1, $2, 1, 'route-access.txt', 'text/plain', 17, $3, $4, $5)`,
      [a.id, PARAMS.id, 'e'.repeat(64), objectKey(a.id, PARAMS.id ?? ''), a.admin.userId],
    );
    // An issued invoice with the same id, addressed to a's client company, with one line: the
    // client's invoice pages (and its PDF) answer the people their group lets in.
    await t.superuser(
      `insert into app.invoices (tenant_id, id, client_id, number, currency, issue_date, due_date, buyer_name,
         subtotal_minor, total_minor, issued_at, sent_at)
       values ($1, $2, $3, 'INV-0001', 'GBP', current_date, current_date + 30, 'Client company', 12000, 12000, now(), now())`,
      [a.id, PARAMS.id, a.clientId],
    );
    await t.superuser(
      `insert into app.invoice_lines (tenant_id, invoice_id, position, description, quantity_milli, unit_price_minor,
         gross_minor, discount_minor, net_minor, tax_minor, total_minor)
       values ($1, $2, 0, 'Route access line', 1000, 12000, 12000, 0, 12000, 0, 12000)`,
      [a.id, PARAMS.id],
    );
    mailDir = await mkdtemp(join(tmpdir(), 'foyer-route-access-'));
    await writeFile(join(mailDir, PARAMS.name ?? ''), 'Subject: hello\r\n\r\nHello.\r\n');
    const base = testCore(t).ctx;
    core = { ...base, mail: { ...base.mail, fileDir: mailDir } };
    hub = new RealtimeHub(t.handle, createLogger('silent'));
    app = createApp({
      config: loadConfig({ PLATFORM_DOMAIN: PLATFORM, PUBLIC_PORT: '80' }),
      db: t.handle,
      pages: web,
      assets: web.assets,
      log: createLogger('silent'),
      core,
      realtime: hub,
    });
    // A file in the core's local store and a link to it: the token is all a visitor needs.
    const fileKey = objectKey(a.id, PARAMS.id ?? '');
    await core.files.store.put(fileKey, new TextEncoder().encode('route access file'), {
      contentType: 'text/plain',
    });
    fileLink = await core.files.store.signedUrl(fileKey, {
      expiresInSeconds: 3600,
      filename: 'route-access.txt',
      disposition: 'attachment',
      contentType: 'text/plain',
    });
    logoPath = `/_brand/logo/${sha.slice(0, 16)}`;
    faviconPath = `/_brand/favicon/${sha.slice(0, 16)}`;
  });
  afterAll(async () => {
    await hub?.close();
    await t?.close();
    if (mailDir) await rm(mailDir, { recursive: true, force: true });
    if (core?.files.store instanceof LocalObjectStore)
      await rm(core.files.store.root, { recursive: true, force: true });
  });

  it('every page and endpoint declares its access by exactly one route group', () => {
    expect(undeclaredPages, `routes without exactly one access group: ${undeclaredPages.join(', ')}`).toEqual(
      [],
    );
    expect(pageRoutes.length).toBeGreaterThan(20);
    const labels = pageRoutes.flatMap((route) => route.probes.map((probe) => probe.label));
    const stale = Object.keys(NARROWER_ACTIONS).filter((label) => !labels.includes(label));
    expect(stale, 'NARROWER_ACTIONS names actions that no longer exist').toEqual([]);
  });

  it('every route Hono answers itself declares its access with one `access()` guard', () => {
    const undeclared = declaredRoutes(app)
      .filter((route) => route.access.length !== 1)
      .map((route) => `${route.method} ${route.path} (${route.access.length} declarations)`);
    expect(undeclared, `Hono routes without exactly one access() guard: ${undeclared.join(', ')}`).toEqual(
      [],
    );
  });

  describe.each(pageRoutes)('$id', (route) => {
    it(`answers as (${route.access}) promises, for every visitor on both hosts`, async () => {
      const problems: string[] = [];
      for (const probe of route.probes) {
        const access = NARROWER_ACTIONS[probe.label] ?? route.access;
        problems.push(
          ...(await driveAll(probe, (host, who) => pageExpectation(access, host, who, probe.target), {
            routeId: route.id,
          })),
        );
      }
      expect(problems).toEqual([]);
    });
  });

  it("Hono's own routes answer as their guards promise, for every visitor on both hosts", async () => {
    /** Requests for routes whose path has parameters or wildcards, and what an allowed visitor gets. */
    const samples: Record<string, { target: string; allowedStatus?: number }> = {
      '/_brand/logo/:hash': { target: logoPath, allowedStatus: 200 },
      '/_brand/favicon/:hash': { target: faviconPath, allowedStatus: 200 },
      '/files/:token': { target: fileLink, allowedStatus: 200 },
      '/.well-known/foyer/tls-allowed': {
        target: `/.well-known/foyer/tls-allowed?domain=${verifiedDomain}`,
        allowedStatus: 200,
      },
      '/*': { target: required([...web.assets.keys()][0], 'a build asset'), allowedStatus: 200 },
      '/api/v1/slugs/:slug': {
        target: `/api/v1/slugs/free-${randomBytes(3).toString('hex')}`,
        allowedStatus: 200,
      },
      // The sample project: its admin, the staff member on it and the client on it all read it.
      '/api/v1/projects/:id/tasks': { target: `/api/v1/projects/${PARAMS.id}/tasks`, allowedStatus: 200 },
      // Invoices: the client's issued ones, the admins' list, and none for staff.
      '/api/v1/invoices': { target: '/api/v1/invoices', allowedStatus: 200 },
      // The upload endpoint: without tus headers an allowed visitor's request is refused as bad
      // tus (not as a stranger); an upload id nobody started is not found, even for them.
      '/uploads': { target: '/uploads' },
      '/uploads/:id': { target: `/uploads/${PARAMS.id}`, allowedStatus: 404 },
      // A project as a zip: the sample file is client-visible, so everyone allowed gets a zip of it
      // (GET by query, POST from a form with the same names).
      '/files-zip': { target: `/files-zip?project=${PARAMS.id}`, allowedStatus: 200 },
      // The live stream opens for every signed-in person (the suite ends it by cancelling the body);
      // an empty body is not a typing notice.
      '/events': { target: '/events', allowedStatus: 200 },
      '/events/typing': { target: '/events/typing', allowedStatus: 400 },
      // A gateway's own endpoint: unsigned, refused before the endpoint id is even looked up.
      '/webhooks/stripe/:endpoint': { target: `/webhooks/stripe/${PARAMS.id}` },
      '/webhooks/paypal/:endpoint': { target: `/webhooks/paypal/${PARAMS.id}` },
      '/webhooks/twocheckout/:endpoint': { target: `/webhooks/twocheckout/${PARAMS.id}` },
      // The API's catch-all: whatever is not a route there is a problem+json 404, for everyone.
      '/api/v1/*': { target: '/api/v1/no-such-route', allowedStatus: 404 },
    };
    const problems: string[] = [];
    const routes = declaredRoutes(app).filter((route) => route.access.length === 1);
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      const access = required(route.access[0], 'a declaration');
      const sample = samples[route.path];
      if (!sample && /[:*]/.test(route.path)) {
        problems.push(`${route.method} ${route.path}: no sample request in the suite's table`);
        continue;
      }
      const target = sample?.target ?? route.path;
      const methods = route.method === 'ALL' ? ['GET', 'POST'] : [route.method];
      for (const method of methods) {
        problems.push(
          ...(await driveAll({ method, target }, (host, who) => honoExpectation(access, host, who), {
            allowedStatus: sample?.allowedStatus,
          })),
        );
      }
    }
    expect(problems).toEqual([]);
  });
});
