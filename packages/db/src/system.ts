import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from './client';

/**
 * Typed wrappers around the `app_system` SECURITY DEFINER functions: the only work done before a
 * tenant or user is known. Each is one statement run as `foyer_login`.
 */

export interface HostTenantRow {
  tenantId: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended';
  primaryDomain: string | null;
  /** Branding columns as JSON, or null when the tenant has none yet. */
  branding: Record<string, unknown> | null;
}

type RawHostTenant = {
  tenant_id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended';
  primary_domain: string | null;
  branding: Record<string, unknown> | string | null;
};

export type HostLookup = { slug: string } | { hostname: string };

export async function tenantForHost(
  handle: DatabaseHandle,
  lookup: HostLookup,
): Promise<HostTenantRow | null> {
  const slug = 'slug' in lookup ? lookup.slug : null;
  const hostname = 'hostname' in lookup ? lookup.hostname : null;
  const [row] = await handle.rows<RawHostTenant>(
    sql`select * from app_system.tenant_for_host(${slug}::text, ${hostname}::text)`,
  );
  if (!row) return null;
  return {
    tenantId: row.tenant_id,
    slug: row.slug,
    name: row.name,
    status: row.status,
    primaryDomain: row.primary_domain,
    branding: typeof row.branding === 'string' ? JSON.parse(row.branding) : row.branding,
  };
}

export type TenantLogo = {
  mime: string;
  data: Uint8Array;
  sha256: string;
};

export async function tenantLogo(handle: DatabaseHandle, tenantId: string): Promise<TenantLogo | null> {
  const [row] = await handle.rows<TenantLogo>(
    sql`select mime, data, sha256 from app_system.tenant_logo(${tenantId}::uuid)`,
  );
  return row ?? null;
}

/** A tenant's favicon (a small PNG), served before anyone signs in, like the logo. */
export async function tenantFavicon(handle: DatabaseHandle, tenantId: string): Promise<TenantLogo | null> {
  const [row] = await handle.rows<TenantLogo>(
    sql`select mime, data, sha256 from app_system.tenant_favicon(${tenantId}::uuid)`,
  );
  return row ?? null;
}
