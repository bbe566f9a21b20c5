import {
  CoreError,
  createCtx,
  errorFields,
  gatewayPageOrigins,
  mustSetUpTwoFactor,
  operatorTwoFactorStatus,
  PREVIEW_IS_READ_ONLY,
  previewTarget,
} from '@foyer/core';
import { error, type Handle, type HandleServerError, type RequestEvent, redirect } from '@sveltejs/kit';
import { type Access, accessOf, enforce } from '$lib/server/access';
import { requirePlatform } from '$lib/server/platform';
import { clearPreviewCookie, type Me, readPreviewCookie } from '$lib/server/session';

/** The agency host's home, which is the client portal's dashboard. */
const PORTAL_HOME = '/(public)';

/**
 * The notifications pages (the bell's dropdown included) are the person's own: in a preview
 * they show the client's, read-only, like the portal around them.
 */
const PREVIEWED_OWN_PAGES = '/(app)/(signed-in)/notifications';

/** Whether a preview shows on this route: the client's pages, the portal's home, the bell. */
function previewShows(routeId: string | null, access: Access | null): boolean {
  return (
    routeId === PORTAL_HOME ||
    access === 'client' ||
    routeId === PREVIEWED_OWN_PAGES ||
    (routeId?.startsWith(`${PREVIEWED_OWN_PAGES}/`) ?? false)
  );
}

/**
 * An admin previewing the portal as a client: on the client's pages the request acts as that
 * client, read-only (`previewBy`), so what the page shows is what the client's policies let them
 * read, and nothing is written on their side. The client is checked again on every request (as
 * the admin); a preview that can no longer go on clears its cookie.
 */
async function previewFor(event: RequestEvent, me: Me): Promise<NonNullable<App.Locals['preview']> | null> {
  if (me.actor.kind !== 'admin') return null;
  const clientId = readPreviewCookie(event.cookies, event.platform);
  if (clientId === null) return null;
  const target = await previewTarget({ ctx: event.locals.ctx, input: { clientId } });
  if (target === null) {
    clearPreviewCookie(event.cookies, event.platform);
    return null;
  }
  return { ...target, adminId: me.actor.userId };
}

/**
 * Turns what Hono resolved (host, tenant, branding, session) into typed `event.locals`, once per
 * request, and enforces the route's declared access before any load, action or endpoint runs.
 */
/** The gateways' hosted pages as form-action sources, worked out once per server's dependencies. */
const formTargets = new WeakMap<object, string>();
function gatewayFormTargets(core: Parameters<typeof gatewayPageOrigins>[0]): string {
  let targets = formTargets.get(core);
  if (targets === undefined) {
    targets = gatewayPageOrigins(core).join(' ');
    formTargets.set(core, targets);
  }
  return targets;
}

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
  const client = { ip: platform.clientAddress, userAgent: event.request.headers.get('user-agent') };
  event.locals.site = site;
  event.locals.me = person;
  event.locals.operator = site ? null : platform.operator;
  event.locals.preview = null;
  event.locals.ctx = createCtx(platform.core, { actor: person?.actor ?? null, site, client });

  const access = event.route.id === null ? null : accessOf(event.route.id);
  if (person && site && previewShows(event.route.id, access)) {
    const preview = await previewFor(event, person);
    if (preview) {
      const actor = {
        kind: 'client' as const,
        tenantId: site.tenant.id,
        userId: preview.userId,
        clientId: preview.clientId,
      };
      event.locals.preview = preview;
      // The page sees the client as its signed-in person (their name in the header, their
      // access); the session stays the admin's, so the client's last seen is never touched.
      event.locals.me = {
        actor,
        user: { id: preview.userId, name: preview.name, email: preview.email, role: 'client' },
        sessionId: person.sessionId,
        site,
      };
      event.locals.ctx = createCtx(platform.core, { actor, site, client, previewBy: preview.adminId });
    }
  }
  const me = event.locals.me;

  // Unknown paths have no route id: SvelteKit answers them with its 404 page.
  if (event.route.id !== null) {
    if (access === null) {
      // A route that declares no access (or two) is refused: fail closed, and say why in the log.
      console.error(
        JSON.stringify({ level: 'error', message: 'route declares no access', route: event.route.id }),
      );
      error(404);
    }
    enforce(
      access,
      { tenantHost: site !== null, user: me?.user ?? null, operator: event.locals.operator },
      event.url,
    );
    // Settings → Security "Require two-factor for the team": an admin or staff member without it
    // reaches no team page until they set it up (their account pages stay open for that).
    if (
      (access === 'team' || access === 'admin') &&
      me !== null &&
      me.actor.kind !== 'client' &&
      event.locals.preview === null &&
      (await mustSetUpTwoFactor({ ctx: event.locals.ctx }))
    ) {
      redirect(303, '/account/two-factor');
    }
    // Operators on an installation with DATABASE_URL set up two-factor before anything else.
    const operator = event.locals.operator;
    if (
      access === 'operator' &&
      operator !== null &&
      event.route.id !== '/(operator)/operator/two-factor' &&
      platform.core.operatorTwoFactorRequired === true &&
      (await operatorTwoFactorStatus({ ctx: event.locals.ctx, operator })).mustSetUp
    ) {
      redirect(303, '/operator/two-factor');
    }
  }

  const response = await resolve(event);
  // Pay Now and "Connect with Stripe" post to us, and the answer sends the browser on to the
  // gateway's hosted pages: a form's redirect must be allowed to go there. Every page's policy
  // says so, since a page reached by client-side navigation keeps the policy of the first one.
  const csp = response.headers.get('content-security-policy');
  if (csp && site !== null) {
    const gateways = gatewayFormTargets(platform.core);
    response.headers.set(
      'content-security-policy',
      csp.replace("form-action 'self'", `form-action 'self' ${gateways}`),
    );
  }
  // A page rendered for a signed-in person must not be kept by a shared cache or shown again
  // from history after signing out.
  if ((person !== null || event.locals.operator !== null) && !response.headers.has('cache-control')) {
    response.headers.set('cache-control', 'private, no-store');
  }
  return response;
};

export const handleError: HandleServerError = ({ error, event, status }) => {
  const requestId = event.platform?.requestId;
  // A change attempted in a preview that the page did not answer itself: say what it is, and
  // keep it out of the error log (it is the preview working, not a fault).
  if (error instanceof CoreError && error.message === PREVIEW_IS_READ_ONLY) {
    return { message: PREVIEW_IS_READ_ONLY, requestId };
  }
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
