import { createCtx, errorFields } from '@foyer/core';
import { error, type Handle, type HandleServerError } from '@sveltejs/kit';
import { accessOf, enforce } from '$lib/server/access';
import { requirePlatform } from '$lib/server/platform';

/**
 * Turns what Hono resolved (host, tenant, branding, session) into typed `event.locals`, once per
 * request, and enforces the route's declared access before any load, action or endpoint runs.
 */
export const handle: Handle = async ({ event, resolve }) => {
  // Fail before any load runs, so the cause is this message rather than a TypeError somewhere.
  const platform = requirePlatform(event.platform);
  const site = platform.tenant ? { tenant: platform.tenant, branding: platform.branding } : null;
  const actor = platform.actor;
  const person =
    site &&
    platform.user &&
    platform.sessionId &&
    actor &&
    actor.kind !== 'operator' &&
    actor.kind !== 'apikey'
      ? { actor, user: platform.user, sessionId: platform.sessionId, site }
      : null;
  event.locals.site = site;
  event.locals.me = person;
  event.locals.operator = site ? null : platform.operator;
  event.locals.ctx = createCtx(platform.core, {
    actor: person?.actor ?? null,
    site,
    client: { ip: platform.clientAddress, userAgent: event.request.headers.get('user-agent') },
  });

  // Unknown paths have no route id: SvelteKit answers them with its 404 page.
  if (event.route.id !== null) {
    const access = accessOf(event.route.id);
    if (access === null) {
      // A route that declares no access (or two) is refused: fail closed, and say why in the log.
      console.error(
        JSON.stringify({ level: 'error', message: 'route declares no access', route: event.route.id }),
      );
      error(404);
    }
    enforce(
      access,
      { tenantHost: site !== null, user: person?.user ?? null, operator: event.locals.operator },
      event.url,
    );
  }

  const response = await resolve(event);
  // A page rendered for a signed-in person must not be kept by a shared cache or shown again
  // from history after signing out.
  if ((person !== null || event.locals.operator !== null) && !response.headers.has('cache-control')) {
    response.headers.set('cache-control', 'private, no-store');
  }
  return response;
};

export const handleError: HandleServerError = ({ error, event, status }) => {
  const requestId = event.platform?.requestId;
  // Unknown paths arrive here as 404s; they are not faults worth a log line.
  if (status !== 404) {
    console.error(
      JSON.stringify({
        time: new Date().toISOString(),
        level: 'error',
        message: 'page request failed',
        requestId,
        status,
        method: event.request.method,
        // The path only: query strings can carry tokens.
        path: event.url.pathname,
        // Database errors carry their parameters in their message: never log that.
        ...errorFields(error),
      }),
    );
  }
  return { message: 'Something went wrong', requestId };
};
