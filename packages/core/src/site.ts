export type TenantStatus = 'active' | 'suspended';

export interface TenantSummary {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
  /** Absolute origin of the tenant's portal, e.g. `http://northwind.localhost:3000`. */
  origin: string;
}
