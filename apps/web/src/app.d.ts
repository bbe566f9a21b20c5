import type {
  Branding,
  Ctx,
  PortalNav,
  PreviewTarget,
  SignedInOperator,
  TenantSite,
  TenantSummary,
  Theme,
} from '@foyer/core';
import type { Me } from '$lib/server/session';
// The hand-off type lives with the server that fills it in. A type-only path, not a package
// dependency: apps/server depends on this app (it loads the build at run time), so a dependency
// back would make the workspace graph cyclic. turbo.json lists the file among typecheck's inputs.
import type { RequestPlatform } from '../../server/src/platform';

// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    interface Error {
      message: string;
      /** Set for unexpected errors so that a user can quote it to support. */
      requestId?: string;
      /** The message is a sentence meant for the visitor (a refused sign-in link), shown as it is. */
      explained?: boolean;
    }
    /** Hono resolves all of this before SvelteKit runs; pages never resolve it again. */
    interface Platform extends RequestPlatform {}
    /** What `hooks.server.ts` made of `platform`, once per request, before the route's guard. */
    interface Locals {
      /** The context core verbs take: dependencies, who acts (or null), the site, the client address. */
      ctx: Ctx;
      /** The signed-in person on an agency's host; null when nobody is. */
      me: Me | null;
      /** The agency whose host this is; null on the platform host. */
      site: TenantSite | null;
      /** The signed-in operator, on the platform host only. */
      operator: SignedInOperator | null;
      /**
       * An admin previewing the portal as this client, on the portal's pages (where `me` and
       * `ctx` are then the client's, read-only); null otherwise.
       */
      preview: (PreviewTarget & { adminId: string }) | null;
    }
    /** Returned by the root layout, so every page and the error page can rely on it. */
    interface PageData {
      tenant: TenantSummary | null;
      branding: Branding;
      /** The visitor's own theme (a cookie), over the agency's default; null when not chosen. */
      themeOverride: Theme | null;
      /** A signed-in person's own theme (their account), over everything else; null or absent when not chosen. */
      personalTheme?: Theme | null;
      /** A signed-in person's time zone (their account), for dates; null or absent follows the browser. */
      timeZone?: string | null;
      /** A client's header links beyond Home (by their permissions); null or absent otherwise. */
      portalNav?: PortalNav | null;
      /** Unread messages over a signed-in person's conversations (the header's Messages link). */
      unreadMessages?: number;
    }
  }
}
