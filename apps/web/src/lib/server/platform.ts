import type { TenantSite, TenantSummary } from '@foyer/core';
import { error } from '@sveltejs/kit';

/**
 * Hono (apps/server) resolves host, tenant, branding and session and hands them over as
 * `platform`; without it no page can know whose portal it is, so there is no sensible fallback.
 */
export function requirePlatform(platform: Readonly<App.Platform> | null | undefined): Readonly<App.Platform> {
  if (platform == null) {
    throw new Error(
      'event.platform is missing: the web app must be served through apps/server, which passes ' +
        '{ platform } to Server.respond(). A bare `vite dev` cannot resolve tenants.',
    );
  }
  return platform;
}

/** For pages that exist only on an agency's host; the platform host answers 404 for them. */
export function requireTenantHost(platform: Readonly<App.Platform> | undefined): TenantSummary {
  const { tenant } = requirePlatform(platform);
  if (tenant === null) error(404);
  return tenant;
}

/** The tenant and its branding, as `@foyer/core` operations on a tenant host take them. */
export function tenantSite(platform: Readonly<App.Platform> | undefined): TenantSite {
  const tenant = requireTenantHost(platform);
  return { tenant, branding: requirePlatform(platform).branding };
}

/** For pages of the platform itself (sign-up, operator console); agencies' hosts answer 404. */
export function requirePlatformHost(platform: Readonly<App.Platform> | undefined): Readonly<App.Platform> {
  const resolved = requirePlatform(platform);
  if (resolved.tenant !== null) error(404);
  return resolved;
}

/** `http://<slug>.<platform domain>[:port]`, the address an agency's workspace lives at. */
export function tenantOrigin(platformOrigin: string, slug: string): string {
  const url = new URL(platformOrigin);
  return `${url.protocol}//${slug}.${url.host}`;
}

/** The platform domain as people type it in an address (`localhost`, `foyer.app`). */
export function platformDomain(platformOrigin: string): string {
  return new URL(platformOrigin).hostname;
}
