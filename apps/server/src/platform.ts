import type { Branding, Deps, SignedInOperator, SignedInUser, TenantSummary } from '@foyer/core';
import type { Actor } from '@foyer/db';

/**
 * What Hono resolved for a request and hands to SvelteKit as `event.platform`
 * (`Server.respond(request, { platform })`): the HTTP hand-off between the two apps, so it lives
 * with the side that fills it in. apps/web types `App.Platform` with it through a type-only
 * import (web is loaded by this app at run time and cannot depend on it as a package).
 * Pages never resolve the host, the tenant or the session again.
 */
export interface RequestPlatform {
  /** `null` on the platform host. */
  tenant: TenantSummary | null;
  branding: Branding;
  /** Who is signed in on a tenant host, as the database sees them; null when nobody is. */
  actor: Actor | null;
  /** The signed-in person on a tenant host. */
  user: SignedInUser | null;
  /** The stored id of the current session (to mark "this device"), when signed in. */
  sessionId: string | null;
  /** The signed-in operator, on the platform host only. */
  operator: SignedInOperator | null;
  /** Domain operations' dependencies, for loads and actions to call `@foyer/core` with. */
  core: Deps;
  /** The client's address as the server sees it (after a trusted proxy). */
  clientAddress: string;
  requestId: string;
  /** Absolute origin of the platform host, e.g. `http://localhost:3000`. */
  platformOrigin: string;
  /** Name of the session cookie on this deployment (`__Host-` prefixed on https). */
  sessionCookie: string;
  /** Whether cookies must be Secure (https). */
  secureCookies: boolean;
}
