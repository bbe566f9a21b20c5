import type { TenantSummary } from '@foyer/core';
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
