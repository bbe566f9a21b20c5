import type { Branding, RequestPlatform, TenantSummary, Theme } from '@foyer/core';

// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    interface Error {
      message: string;
      /** Set for unexpected errors so that a user can quote it to support. */
      requestId?: string;
    }
    /** Hono resolves all of this before SvelteKit runs; pages never resolve it again. */
    interface Platform extends RequestPlatform {}
    /** Returned by the root layout, so every page and the error page can rely on it. */
    interface PageData {
      tenant: TenantSummary | null;
      branding: Branding;
      /** The visitor's own theme (a cookie), over the agency's default; null when not chosen. */
      themeOverride: Theme | null;
    }
  }
}
