import type { Context, MiddlewareHandler } from 'hono';
import { findTargetHandler } from 'hono/utils/handler';
import { notFound, problem, unauthenticated } from './api/problem';
import type { AppEnv } from './app';

/**
 * Who may reach a route that Hono answers itself (the API, brand files, the TLS ask). Pages
 * declare theirs by a route group in apps/web (`$lib/server/access.ts`); these use the same
 * names, as a guard that is the first handler of the route:
 *
 *   app.get('/_brand/logo/:hash', access('tenant-host'), handler)
 *   createRoute({ method: 'get', path: '/me', middleware: access('signed-in'), … })
 *
 * The guard enforces the declaration; `declaredRoutes(app)` reads it back from the app's
 * routing table, and the route-access suite drives every route with every kind of visitor.
 */
export const HONO_ACCESS = [
  /** Anyone, on any host (even unknown ones, for what answers before tenant resolution). */
  'public',
  /** Anyone on an agency's host; 404 on the platform host. */
  'tenant-host',
  /** Anyone on the platform host; 404 on agencies' hosts. */
  'platform-host',
  /** A signed-in person of this agency: 404 on the platform host, 401 without a session. */
  'signed-in',
  /**
   * A payment gateway's notification, on any host: no cookie or session counts, only the
   * signature on the body, which the route verifies (400 without one, whoever sends it).
   */
  'signed',
] as const;

export type HonoAccess = (typeof HONO_ACCESS)[number];

const isApi = (c: Context<AppEnv>) => c.req.path.startsWith('/api/');

function refuseNotFound(c: Context<AppEnv>) {
  return isApi(c) ? problem(c, notFound()) : c.notFound();
}

const declared = new WeakMap<object, HonoAccess>();

function guard(level: HonoAccess): MiddlewareHandler<AppEnv> {
  const handler: MiddlewareHandler<AppEnv> = async (c, next) => {
    const site = c.get('site');
    switch (level) {
      case 'public':
      case 'signed':
        break;
      case 'tenant-host':
        if (site?.kind !== 'tenant') return refuseNotFound(c);
        break;
      case 'platform-host':
        if (site?.kind !== 'platform') return refuseNotFound(c);
        break;
      case 'signed-in':
        if (site?.kind !== 'tenant') return refuseNotFound(c);
        // An API request's session is looked up by its own transaction (`asSession`), which
        // answers 401 itself when the cookie names no live session.
        if (c.get('session') === null && c.get('sessionToken') === null) {
          return isApi(c) ? problem(c, unauthenticated()) : c.text('Sign in first.', 401);
        }
        break;
    }
    await next();
  };
  declared.set(handler, level);
  return handler;
}

const GUARDS = Object.fromEntries(HONO_ACCESS.map((level) => [level, guard(level)])) as Record<
  HonoAccess,
  MiddlewareHandler<AppEnv>
>;

/** The guard that declares and enforces `level` for the route it heads. */
export function access(level: HonoAccess): MiddlewareHandler<AppEnv> {
  return GUARDS[level];
}

export interface DeclaredRoute {
  method: string;
  path: string;
  /** The levels its handlers declare: exactly one for a well-declared route. */
  access: HonoAccess[];
}

/**
 * Every route of a Hono app with the access its handlers declare. `ALL /*` is the request
 * pipeline (middleware for every request, and the hand-off to SvelteKit, whose routes declare
 * their access by group) and is left out; a guard registered for `ALL` on a path declares it
 * for every method there.
 */
export function declaredRoutes(app: {
  routes: readonly { method: string; path: string; handler: unknown }[];
}): DeclaredRoute[] {
  const routes = new Map<string, DeclaredRoute>();
  const forAll = new Map<string, HonoAccess[]>();
  for (const { method, path, handler } of app.routes) {
    if (method === 'ALL' && path === '/*') continue;
    const level = declared.get(findTargetHandler(handler as never));
    const key = `${method} ${path}`;
    const route = routes.get(key) ?? { method, path, access: [] };
    routes.set(key, route);
    if (level) {
      route.access.push(level);
      if (method === 'ALL') forAll.set(path, [...(forAll.get(path) ?? []), level]);
    }
  }
  for (const route of routes.values()) {
    if (route.method !== 'ALL') route.access.push(...(forAll.get(route.path) ?? []));
  }
  return [...routes.values()];
}
