import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  clearCookieHeader,
  cookieName,
  createSecretBox,
  deriveKey,
  type FoyerCookie,
  setCookieHeader,
} from '@foyer/auth';
import { parseStripeApi } from '@foyer/billing/gateways';
import type {
  Branding,
  Deps,
  FileStorage,
  ResolvedSession,
  SignedInOperator,
  TenantSummary,
  TxCtx,
} from '@foyer/core';
import {
  asSession,
  CoreError,
  createCtx,
  platformBranding,
  problemType,
  resolveOperator,
  resolveSession,
  systemDnsResolver,
} from '@foyer/core';
import { type DatabaseHandle, system } from '@foyer/db';
import { fileTransport, resendTransport } from '@foyer/email';
import { LocalObjectStore, S3ObjectStore } from '@foyer/storage';
import { type Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { access } from './access';
import { createApi } from './api/index';
import { AppError, problem } from './api/problem';
import { bodyLimit } from './body-limit';
import { type Config, originFor, secretKeyFor } from './env';
import { loggedPath, serveFileLink } from './files';
import { normaliseHost, resolveHost } from './host';
import { inputGuard, type Refusal } from './input-guard';
import { errorFields, type Logger } from './log';
import { errorPage, forbiddenPage, neutralPage, suspendedPage, unknownHostPage } from './pages';
import type { RequestPlatform } from './platform';
import { RealtimeHub } from './realtime/hub';
import { mountRealtime } from './realtime/routes';
import { TenantDirectory } from './tenants';
import { isUploadPath, mountUploads } from './upload-routes';
import { REFUSED_EXTENSIONS } from './uploads/content-types';
import type { PageRenderer, StaticAsset } from './web';
import { mountWebhooks } from './webhooks';
import { mountZip } from './zip-routes';

/** Where a request landed, as resolved from its host. */
export type Site =
  | { kind: 'platform'; host: string }
  | { kind: 'tenant'; host: string; tenant: TenantSummary; branding: Branding };

export type AppEnv = {
  Variables: {
    requestId: string;
    site: Site;
    clientAddress: string;
    /** The Host the client asked for: X-Forwarded-Host when a trusted proxy sent the request. */
    rawHost: string | undefined;
    viaProxy: boolean;
    /** The signed-in session on a tenant host, if any. */
    session: ResolvedSession | null;
    /**
     * The session cookie of an API request on a tenant host, not yet looked up: the API folds the
     * lookup into its transaction's context statement (`asSession`). Null when there is none.
     */
    sessionToken: string | null;
    /** Runs API work as the person behind `sessionToken`, in one transaction; 401 when nobody is. */
    asSession: <T>(work: (ctx: TxCtx, session: ResolvedSession) => Promise<T>) => Promise<T>;
    /** The signed-in operator on the platform host, if any. */
    operator: SignedInOperator | null;
    core: Deps;
    /** Set-Cookie values the session layer wants on the final response (renewal, clearing). */
    pendingCookies: { name: string; value: string }[];
  };
};

export interface AppDeps {
  config: Config;
  db: DatabaseHandle;
  pages: PageRenderer;
  assets?: Map<string, StaticAsset>;
  log: Logger;
  tenants?: TenantDirectory;
  core?: Deps;
  /** This process's live delivery; one is made (and starts with the first stream) when omitted. */
  realtime?: RealtimeHub;
}

/** Policy for everything Hono renders itself; SvelteKit sets its own, with nonces, on pages. */
const DEFAULT_CSP =
  "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type NodeBindings = { incoming?: { socket?: { remoteAddress?: string } } };

function peerAddress(c: Context): string {
  return (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress ?? '';
}

function firstHeaderValue(value: string | undefined): string | undefined {
  return value?.split(',')[0]?.trim() || undefined;
}

function setSecurityHeaders(headers: Headers, config: Config) {
  if (!headers.has('content-security-policy')) headers.set('content-security-policy', DEFAULT_CSP);
  headers.set('x-content-type-options', 'nosniff');
  headers.set('referrer-policy', 'strict-origin-when-cross-origin');
  headers.set('x-frame-options', 'DENY');
  headers.set('cross-origin-opener-policy', 'same-origin');
  headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  if (config.publicScheme === 'https') {
    headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
  }
}

/**
 * Adds the session layer's cookies to the final response, unless the response sets the same
 * cookie itself (a sign-in replacing a stale cookie must win).
 */
function appendPendingCookies(headers: Headers, pending: AppEnv['Variables']['pendingCookies']) {
  if (pending.length === 0) return;
  const own = headers.getSetCookie().map((cookie) => cookie.slice(0, cookie.indexOf('=')));
  for (const { name, value } of pending) if (!own.includes(name)) headers.append('set-cookie', value);
}

/**
 * Edits the final response's headers. A Response from fetch() or Response.redirect() has
 * immutable headers; such a response is copied first.
 */
function editResponseHeaders(c: Context<AppEnv>, edit: (headers: Headers) => void) {
  try {
    edit(c.res.headers);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    c.res = new Response(c.res.body, c.res);
    edit(c.res.headers);
  }
}

/** The origin the browser used for this request: what its Origin header must equal. */
function publicOrigin(c: Context<AppEnv>, config: Config): string {
  const url = new URL(c.req.url);
  const rawHost = c.get('rawHost');
  if (c.get('viaProxy') && rawHost) return `${config.publicScheme}://${rawHost}`;
  return url.origin;
}

/**
 * The request as the browser made it: behind a trusted proxy, its URL carries the public scheme
 * and host, so that `event.url` in pages is the address the visitor used (the domain page
 * compares its hostname). Not a security check: the CSRF check is Hono's alone (docs/adr/0011).
 */
function publicRequest(c: Context<AppEnv>, config: Config): Request {
  const request = c.req.raw;
  const rawHost = c.get('rawHost');
  if (!c.get('viaProxy') || !rawHost) return request;
  const internal = new URL(request.url);
  // A fresh URL, not the internal one with its host replaced: the host setter keeps the old port
  // when the new host names none (`https://acme.example:3000/`).
  const url = new URL(`${internal.pathname}${internal.search}`, `${config.publicScheme}://${rawHost}`);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  return new Request(url, {
    method: request.method,
    headers: request.headers,
    body: hasBody ? request.body : null,
    signal: request.signal,
    ...(hasBody ? { duplex: 'half' } : {}),
  } as RequestInit);
}

/**
 * A request refused at the edge, answered in the form its sender reads: problem+json for the API,
 * an ActionResult for SvelteKit's `use:enhance` (which shows it on the error page), a page
 * otherwise. The connection is closed: whatever is left of the body is not worth reading.
 */
function refuse(c: Context<AppEnv>, { status, message }: Refusal): Response {
  const headers = { connection: 'close' };
  if (c.req.path.startsWith('/api/')) {
    const type = { 400: 'bad_request', 413: 'too_large', 415: 'unsupported_media_type' }[status];
    return c.json(
      { type: problemType(type), title: message, status, requestId: c.get('requestId') },
      status,
      { ...headers, 'content-type': 'application/problem+json' },
    );
  }
  if (c.req.header('x-sveltekit-action') === 'true') {
    return c.json({ type: 'error', status, error: { message } }, status, headers);
  }
  const title = { 400: 'Request not accepted', 413: 'Too large to accept', 415: 'Request not accepted' }[
    status
  ];
  return c.html(neutralPage(title, message), status, headers);
}

/**
 * The S3 bucket when S3_BUCKET is set, otherwise `$FOYER_DATA_DIR/files`, whose links are signed
 * with a key derived from FOYER_SECRET_KEY for this purpose alone.
 */
export function createFileStorage(config: Config, secretKey: Uint8Array): FileStorage {
  const storage = config.storage;
  const secret = deriveKey(secretKey, 'file-links');
  const uploads = { maxFileBytes: config.maxUploadBytes, refusedExtensions: [...REFUSED_EXTENSIONS] };
  if (storage.kind === 's3') {
    return {
      store: new S3ObjectStore({
        bucket: storage.bucket,
        region: storage.region,
        ...(storage.endpoint ? { endpoint: storage.endpoint } : {}),
        accessKeyId: storage.accessKeyId,
        secretAccessKey: storage.secretAccessKey,
        forcePathStyle: storage.forcePathStyle,
      }),
      linkSecret: secret,
      direct: true,
      uploads,
    };
  }
  return {
    store: new LocalObjectStore({ root: storage.dir, secret }),
    linkSecret: secret,
    direct: false,
    uploads,
  };
}

/**
 * The core's view of the outside world. Mail leaves through Resend when RESEND_API_KEY is set,
 * otherwise as files in `$FOYER_DATA_DIR/mail`; tenants with their own SMTP use that instead.
 */
export function createDeps(
  config: Config,
  db: DatabaseHandle,
  tenants: TenantDirectory = new TenantDirectory(db, config),
): Deps {
  const fileDir = config.resendApiKey ? null : join(config.dataDir, 'mail');
  const secretKey = secretKeyFor(config);
  const secrets = createSecretBox(secretKey);
  return {
    db,
    mail: {
      platform: config.resendApiKey
        ? resendTransport({ apiKey: config.resendApiKey })
        : fileTransport({ dir: join(config.dataDir, 'mail') }),
      from: config.mailFrom,
      secrets,
      allowPrivateSmtp: config.allowPrivateSmtp,
      fileDir,
      resend: config.resendApiKey ? { apiKey: config.resendApiKey } : null,
    },
    files: createFileStorage(config, secretKey),
    payments: {
      secrets,
      stripe: {
        connect: config.stripe.connect,
        ownKeys: config.stripe.ownKeys,
        api: config.stripe.apiUrl ? parseStripeApi(config.stripe.apiUrl) : null,
      },
      paypal: { apiBase: config.paypalApiUrl },
      twocheckout: { api: config.twocheckoutApi },
    },
    platformOrigin: originFor(config, config.platformDomain),
    tenantOriginForSlug: (slug) => originFor(config, `${slug}.${config.platformDomain}`),
    siteForSlug: (slug) =>
      tenants.lookup({ kind: 'subdomain', slug, host: `${slug}.${config.platformDomain}` }),
    // Every node following the channel drops its cached lookups (see TenantDirectory.follow).
    tenantChanged: (tenantId) => tenants.announce(tenantId),
    dns: systemDnsResolver(config.dnsServers),
    platformDomain: config.platformDomain,
    // Operators must use two-factor wherever DATABASE_URL is set (issue #19); the embedded demo
    // operator stays password-only for the README's demo login and CI's start check.
    operatorTwoFactorRequired: Boolean(config.databaseUrl ?? config.databaseLoginUrl),
    now: () => new Date(),
    google: config.google,
  };
}

/**
 * The front door. Middleware order is fixed here: request id and log line -> security headers ->
 * /healthz -> body limit -> the TLS ask -> tenant from host (and the subdomain -> custom domain redirect) ->
 * brand and build assets -> CSRF -> input guard -> session -> API -> pages.
 */
export function createApp(deps: AppDeps) {
  const { config, db, log } = deps;
  const tenants = deps.tenants ?? new TenantDirectory(db, config);
  const core = deps.core ?? createDeps(config, db, tenants);
  const realtime = deps.realtime ?? new RealtimeHub(db, log);
  const platformOrigin = originFor(config, config.platformDomain);
  const sessionCookie = cookieName('session', config.publicScheme);
  const operatorCookie = cookieName('operator', config.publicScheme);
  const logos = new Map<string, { mime: string; data: Uint8Array }>();
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    const started = performance.now();
    const peer = peerAddress(c);
    const viaProxy = config.trustedProxies?.check(peer, peer.includes(':') ? 'ipv6' : 'ipv4') ?? false;
    const forwardedFor = viaProxy ? firstHeaderValue(c.req.header('x-forwarded-for')) : undefined;
    const requestId = (viaProxy && c.req.header('x-request-id')?.slice(0, 64)) || randomUUID();
    c.set('requestId', requestId);
    c.set('viaProxy', viaProxy);
    c.set('clientAddress', forwardedFor ?? peer);
    c.set(
      'rawHost',
      (viaProxy && firstHeaderValue(c.req.header('x-forwarded-host'))) || c.req.header('host'),
    );
    c.set('core', core);
    c.set('session', null);
    c.set('sessionToken', null);
    c.set('asSession', () => Promise.reject(new CoreError('unauthenticated', 'Sign in first.')));
    c.set('operator', null);
    c.set('pendingCookies', []);
    try {
      await next();
    } finally {
      editResponseHeaders(c, (headers) => {
        appendPendingCookies(headers, c.get('pendingCookies'));
        setSecurityHeaders(headers, config);
        headers.set('x-request-id', requestId);
      });
      log.info('request', {
        requestId,
        method: c.req.method,
        host: c.req.header('host'),
        path: loggedPath(c.req.path),
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      });
    }
  });

  app.get('/healthz', access('public'), (c) => c.json({ status: 'ok' }));

  // Every body is capped while it streams in, before anything else looks at the request.
  // The upload endpoint streams its bodies and caps them per upload itself (tus).
  const limitBody = bodyLimit(refuse);
  app.use('*', (c, next) => (isUploadPath(c.req.path) ? next() : limitBody(c, next)));

  // The edge proxy's on-demand TLS "ask" (Caddy: `on_demand_tls { ask … }`), on any host: 200
  // only for a verified custom domain of an active tenant. Any other answer means no certificate.
  app.get('/.well-known/foyer/tls-allowed', access('public'), async (c) => {
    const raw = c.req.query('domain') ?? '';
    const hostname = normaliseHost(raw);
    if (!hostname || raw.includes(':') || raw.length > 253) return c.text('bad domain', 400);
    try {
      return (await system.domains.tlsAllowed(db, hostname)) ? c.text('ok', 200) : c.text('no', 404);
    } catch (error) {
      log.error('tls ask failed', { requestId: c.get('requestId'), ...errorFields(error) });
      return c.text('unavailable', 503);
    }
  });

  // Signed file links, on any host: the token is the authorisation, and a path link works on
  // whichever domain the tenant is served from. Every local link, and previews with S3.
  app.on(['GET', 'HEAD'], '/files/:token', access('public'), (c) =>
    serveFileLink(c, core.files.store, core.files.linkSecret, core.now(), log),
  );

  mountWebhooks(app, core, log);

  const assets = deps.assets ?? new Map<string, StaticAsset>();

  app.use('*', async (c, next) => {
    const match = resolveHost(c.get('rawHost'), config);
    if (match.kind === 'platform') {
      c.set('site', { kind: 'platform', host: match.host });
      return next();
    }
    if (match.kind === 'unknown') return c.html(unknownHostPage, 404);
    const resolved = await tenants.lookup(match);
    if (!resolved) return c.html(unknownHostPage, 404);
    if (resolved.tenant.status !== 'active') return c.html(suspendedPage, 503, { 'retry-after': '3600' });
    // A tenant with a verified custom domain lives there: pages on its subdomain move over. Brand
    // files, build assets and the API keep answering on both hosts, and so do the data requests
    // of a page already open there (a cross-origin redirect would break them; the next full
    // page load moves over).
    if (match.kind === 'subdomain' && (c.req.method === 'GET' || c.req.method === 'HEAD')) {
      const home = new URL(resolved.tenant.origin);
      const path = c.req.path;
      const exempt =
        path.startsWith('/_brand/') ||
        path.startsWith('/api/') ||
        path.endsWith('/__data.json') ||
        assets.has(path);
      if (home.hostname !== match.host && !exempt) {
        const url = new URL(c.req.url);
        return c.redirect(`${home.origin}${url.pathname}${url.search}`, 308);
      }
    }
    c.set('site', { kind: 'tenant', host: match.host, ...resolved });
    return next();
  });

  app.get('/_brand/logo/:hash', access('tenant-host'), async (c) => {
    const site = c.get('site');
    if (site.kind !== 'tenant' || !site.branding.logoUrl || site.branding.logoUrl !== c.req.path) {
      return c.notFound();
    }
    const key = c.req.param('hash');
    let logo = logos.get(key);
    if (!logo) {
      const stored = await system.tenants.logo(db, site.tenant.id);
      if (!stored?.sha256.startsWith(key)) return c.notFound();
      logo = { mime: stored.mime, data: stored.data };
      if (logos.size > 500) logos.clear();
      logos.set(key, logo);
    }
    return c.body(logo.data as Uint8Array<ArrayBuffer>, 200, {
      'content-type': logo.mime,
      'cache-control': 'public, max-age=31536000, immutable',
      'content-security-policy': LOGO_CSP,
    });
  });

  app.get('/_brand/favicon/:hash', access('tenant-host'), async (c) => {
    const site = c.get('site');
    if (site.kind !== 'tenant' || site.branding.faviconUrl !== c.req.path) return c.notFound();
    const stored = await system.tenants.favicon(db, site.tenant.id);
    if (!stored?.sha256.startsWith(c.req.param('hash'))) return c.notFound();
    return c.body(stored.data as Uint8Array<ArrayBuffer>, 200, {
      'content-type': stored.mime,
      'cache-control': 'public, max-age=31536000, immutable',
      'content-security-policy': LOGO_CSP,
    });
  });

  app.on(['GET', 'HEAD'], '*', access('public'), async (c, next) => {
    const asset = assets.get(c.req.path);
    if (!asset) return next();
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      'content-type': asset.type,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
    });
  });

  // Sibling tenants' subdomains are same-site, so SameSite=Lax alone does not stop one tenant's
  // page from posting to another's: every unsafe request must come from this exact origin,
  // whatever its Content-Type. API requests authenticated by a key instead of a cookie, and
  // payment webhooks (signed), are exempt. This is the only CSRF check: SvelteKit's is off
  // (docs/adr/0011), so everything unsafe that reaches a page has passed here.
  app.use('*', async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || c.req.path.startsWith('/webhooks/')) return next();
    const cookieless = !c.req.header('cookie');
    const apiKey = c.req.path.startsWith('/api/') && c.req.header('authorization')?.startsWith('Bearer ');
    if (cookieless && apiKey) return next();
    if (c.req.header('origin') !== publicOrigin(c, config)) {
      log.warn('cross-origin request refused', {
        requestId: c.get('requestId'),
        origin: c.req.header('origin') ?? null,
      });
      if (c.req.path.startsWith('/api/')) {
        return problem(c, new AppError('cross-origin', 403, 'Unsafe requests must come from this site.'));
      }
      return c.html(forbiddenPage, 403);
    }
    return next();
  });

  // Past the origin check, what no page of ours sends (a NUL byte, a text/plain or broken
  // multipart body, JSON that does not parse) is refused before any action or route meets it.
  const guardInput = inputGuard(refuse);
  app.use('*', (c, next) => (isUploadPath(c.req.path) ? next() : guardInput(c, next)));

  const queueCookie = (c: Context<AppEnv>, cookie: FoyerCookie, header: string) => {
    c.get('pendingCookies').push({ name: cookieName(cookie, config.publicScheme), value: header });
  };
  const clearCookie = (c: Context<AppEnv>, cookie: FoyerCookie) =>
    queueCookie(c, cookie, clearCookieHeader(cookie, config.publicScheme));

  app.use('*', async (c, next) => {
    const site = c.get('site');
    if (site.kind === 'tenant') {
      const token = getCookie(c, sessionCookie);
      if (token && c.req.path.startsWith('/api/')) {
        const ctx = createCtx(core, {
          site: { tenant: site.tenant, branding: site.branding },
          client: { ip: c.get('clientAddress'), userAgent: c.req.header('user-agent') ?? null },
        });
        c.set('sessionToken', token);
        c.set('asSession', (work) =>
          asSession({ ctx, input: { token } }, (txCtx, session) => {
            if (session.renewedUntil) {
              queueCookie(
                c,
                'session',
                setCookieHeader('session', config.publicScheme, token, session.renewedUntil),
              );
            }
            return work(txCtx, session);
          }).catch((error: unknown) => {
            if (error instanceof CoreError && error.code === 'unauthenticated') clearCookie(c, 'session');
            throw error;
          }),
        );
      } else if (token) {
        const ctx = createCtx(core, { site: { tenant: site.tenant, branding: site.branding } });
        const session = await resolveSession({ ctx, input: { token } });
        c.set('session', session);
        if (!session) clearCookie(c, 'session');
        else if (session.renewedUntil) {
          const renewed = setCookieHeader('session', config.publicScheme, token, session.renewedUntil);
          queueCookie(c, 'session', renewed);
        }
      }
    } else {
      const token = getCookie(c, operatorCookie);
      if (token) {
        const operator = await resolveOperator({ ctx: createCtx(core), input: { token } });
        c.set('operator', operator);
        if (!operator) clearCookie(c, 'operator');
      }
    }
    return next();
  });

  app.route('/api/v1', createApi(log));

  mountUploads(app, core, config.storage, log);
  mountZip(app, core, log);
  mountRealtime(app, core, realtime, log);

  app.all('*', async (c) => {
    const site = c.get('site');
    const session = c.get('session');
    const platform: RequestPlatform = {
      tenant: site.kind === 'tenant' ? site.tenant : null,
      branding: site.kind === 'tenant' ? site.branding : platformBranding,
      actor: session?.actor ?? null,
      user: session?.user ?? null,
      sessionId: session?.sessionId ?? null,
      operator: c.get('operator'),
      core,
      clientAddress: c.get('clientAddress'),
      requestId: c.get('requestId'),
      platformOrigin,
      sessionCookie,
      secureCookies: config.publicScheme === 'https',
    };
    return deps.pages.respond(publicRequest(c, config), platform, c.get('clientAddress'));
  });

  app.onError((error, c) => {
    log.error('unhandled error', {
      requestId: c.get('requestId'),
      path: loggedPath(c.req.path),
      ...errorFields(error),
    });
    if (c.req.path.startsWith('/api/')) {
      return problem(c, new AppError('internal', 500, 'Something went wrong on our side.'));
    }
    return c.html(errorPage, 500);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
