import { randomUUID } from 'node:crypto';
import type { Branding, RequestPlatform, TenantSummary } from '@foyer/core';
import { platformBranding } from '@foyer/core';
import { type DatabaseHandle, tenantLogo } from '@foyer/db';
import { type Context, Hono } from 'hono';
import { type Config, originFor } from './env';
import { resolveHost } from './host';
import { errorFields, type Logger } from './log';
import { errorPage, suspendedPage, unknownHostPage } from './pages';
import { TenantDirectory } from './tenants';
import type { PageRenderer, StaticAsset } from './web';

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
  };
};

export interface AppDeps {
  config: Config;
  db: DatabaseHandle;
  pages: PageRenderer;
  assets?: Map<string, StaticAsset>;
  log: Logger;
  tenants?: TenantDirectory;
}

/** Policy for everything Hono renders itself; SvelteKit sets its own, with nonces, on pages. */
const DEFAULT_CSP =
  "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

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
 * The request as the browser made it: behind a trusted proxy, its URL carries the public scheme
 * and host, so SvelteKit's origin checks compare like with like.
 */
function publicRequest(c: Context<AppEnv>, config: Config): Request {
  const request = c.req.raw;
  const rawHost = c.get('rawHost');
  if (!c.get('viaProxy') || !rawHost) return request;
  const url = new URL(request.url);
  url.protocol = `${config.publicScheme}:`;
  url.host = rawHost;
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
 * The front door. Middleware order is fixed here: request id and log line -> security headers ->
 * /healthz -> tenant from host -> (session, from Foundation B) -> routes -> pages.
 */
export function createApp(deps: AppDeps) {
  const { config, db, log } = deps;
  const tenants = deps.tenants ?? new TenantDirectory(db, config);
  const platformOrigin = originFor(config, config.platformDomain);
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
    try {
      await next();
    } finally {
      // A Response from fetch() or Response.redirect() has immutable headers: copy it first.
      try {
        setSecurityHeaders(c.res.headers, config);
        c.res.headers.set('x-request-id', requestId);
      } catch {
        c.res = new Response(c.res.body, c.res);
        setSecurityHeaders(c.res.headers, config);
        c.res.headers.set('x-request-id', requestId);
      }
      log.info('request', {
        requestId,
        method: c.req.method,
        host: c.req.header('host'),
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      });
    }
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

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
    c.set('site', { kind: 'tenant', host: match.host, ...resolved });
    return next();
  });

  app.get('/_brand/logo/:hash', async (c) => {
    const site = c.get('site');
    if (site.kind !== 'tenant' || !site.branding.logoUrl || site.branding.logoUrl !== c.req.path) {
      return c.notFound();
    }
    const key = c.req.param('hash');
    let logo = logos.get(key);
    if (!logo) {
      const stored = await tenantLogo(db, site.tenant.id);
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

  const assets = deps.assets ?? new Map<string, StaticAsset>();
  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    const asset = assets.get(c.req.path);
    if (!asset) return next();
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      'content-type': asset.type,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
    });
  });

  app.all('*', async (c) => {
    const site = c.get('site');
    const platform: RequestPlatform = {
      tenant: site.kind === 'tenant' ? site.tenant : null,
      branding: site.kind === 'tenant' ? site.branding : platformBranding,
      actor: null,
      requestId: c.get('requestId'),
      platformOrigin,
    };
    return deps.pages.respond(publicRequest(c, config), platform, c.get('clientAddress'));
  });

  app.onError((error, c) => {
    log.error('unhandled error', { requestId: c.get('requestId'), path: c.req.path, ...errorFields(error) });
    return c.html(errorPage, 500);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
