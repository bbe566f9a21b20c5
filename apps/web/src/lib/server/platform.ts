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
