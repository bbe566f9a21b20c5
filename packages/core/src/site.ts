import type { Actor } from '@foyer/db';
import type { Branding } from './branding/types';

export type TenantStatus = 'active' | 'suspended';

export interface TenantSummary {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
  /** Absolute origin of the tenant's portal, e.g. `http://northwind.localhost:3000`. */
  origin: string;
}

/**
 * What Hono resolved for a request and hands to SvelteKit as `event.platform`.
 * Pages never resolve the host, the tenant or the session again.
 */
export interface RequestPlatform {
  /** `null` on the platform host. */
  tenant: TenantSummary | null;
  branding: Branding;
  actor: Actor | null;
  requestId: string;
  /** Absolute origin of the platform host, e.g. `http://localhost:3000`. */
  platformOrigin: string;
}
