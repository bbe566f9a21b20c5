import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from './client';

/**
 * Wrappers around the custom-domain `app_system` functions (drizzle/0011). Runtime roles cannot
 * read `platform.domains`; everything about domains goes through these.
 */

const date = (value: Date | string) => new Date(value);
const dateOrNull = (value: Date | string | null) => (value === null ? null : new Date(value));

export interface TenantDomainRow {
  hostname: string;
  verificationToken: string;
  verifiedAt: Date | null;
  createdAt: Date;
  lastCheckedAt: Date | null;
  lastError: string | null;
}

export async function tenantDomains(h: DatabaseHandle, tenantId: string): Promise<TenantDomainRow[]> {
  const rows = await h.rows<{
    hostname: string;
    verification_token: string;
    verified_at: Date | string | null;
    created_at: Date | string;
    last_checked_at: Date | string | null;
    last_error: string | null;
  }>(sql`select * from app_system.tenant_domains(${tenantId}::uuid)`);
  return rows.map((r) => ({
    hostname: r.hostname,
    verificationToken: r.verification_token,
    verifiedAt: dateOrNull(r.verified_at),
    createdAt: date(r.created_at),
    lastCheckedAt: dateOrNull(r.last_checked_at),
    lastError: r.last_error,
  }));
}

/** See `app_system.claim_domain` for what each outcome means. */
export type DomainClaim = 'claimed' | 'unchanged' | 'taken' | 'has_verified';

export async function claimDomain(
  h: DatabaseHandle,
  input: { tenantId: string; hostname: string; token: string },
): Promise<DomainClaim> {
  const [row] = await h.rows<{ outcome: DomainClaim }>(
    sql`select app_system.claim_domain(${input.tenantId}::uuid, ${input.hostname}::text, ${input.token}::text) as outcome`,
  );
  if (!row) throw new Error('claim_domain returned no row');
  return row.outcome;
}

/** See `app_system.mark_domain_verified` (drizzle/0014) for what each outcome means. */
export type DomainVerification =
  | { outcome: 'verified' /** Tenants whose unverified claims of the hostname lapsed. */; lapsed: string[] }
  | { outcome: 'taken' }
  | { outcome: 'gone' };

const uuidList = (value: string[] | string | null): string[] => {
  if (Array.isArray(value)) return value;
  if (!value || value === '{}') return [];
  return value.replace(/^\{|\}$/g, '').split(',');
};

/** Records a check that found the token: the first tenant to verify a hostname owns it. */
export async function markDomainVerified(
  h: DatabaseHandle,
  input: { tenantId: string; hostname: string; token: string },
): Promise<DomainVerification> {
  const [row] = await h.rows<{ outcome: DomainVerification['outcome']; lapsed: string[] | string | null }>(
    sql`select * from app_system.mark_domain_verified(${input.tenantId}::uuid, ${input.hostname}::text, ${input.token}::text)`,
  );
  if (!row) throw new Error('mark_domain_verified returned no row');
  return row.outcome === 'verified'
    ? { outcome: 'verified', lapsed: uuidList(row.lapsed) }
    : { outcome: row.outcome };
}

/**
 * Records a check that did not find the token; the domain stops being verified. Returns whether
 * it was verified until now, or null when the tenant no longer holds that claim.
 */
export async function recordDomainCheckFailed(
  h: DatabaseHandle,
  input: { tenantId: string; hostname: string; token: string; error: string },
): Promise<boolean | null> {
  const [row] = await h.rows<{ was_verified: boolean | null }>(
    sql`select app_system.domain_check_failed(${input.tenantId}::uuid, ${input.hostname}::text, ${input.token}::text, ${input.error}::text) as was_verified`,
  );
  return row?.was_verified ?? null;
}

export async function removeDomainClaim(
  h: DatabaseHandle,
  input: { tenantId: string; hostname: string },
): Promise<boolean> {
  const [row] = await h.rows<{ removed: boolean }>(
    sql`select app_system.remove_domain(${input.tenantId}::uuid, ${input.hostname}::text) as removed`,
  );
  return row?.removed === true;
}

export interface DueDomain {
  tenantId: string;
  tenantSlug: string;
  hostname: string;
  verificationToken: string;
  verifiedAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Verified domains of active tenants last checked before `checkedBefore`, across tenants. */
export async function domainsDueForCheck(
  h: DatabaseHandle,
  options: { checkedBefore: Date; limit: number; tenantIds?: readonly string[] | null },
): Promise<DueDomain[]> {
  if (options.tenantIds?.some((id) => !UUID.test(id))) throw new Error('tenantIds must be UUIDs');
  const tenantIds = options.tenantIds ? `{${options.tenantIds.join(',')}}` : null;
  const rows = await h.rows<{
    tenant_id: string;
    tenant_slug: string;
    hostname: string;
    verification_token: string;
    verified_at: Date | string;
  }>(
    sql`select * from app_system.domains_due_for_check(${options.checkedBefore.toISOString()}::timestamptz, ${options.limit}::integer, ${tenantIds}::uuid[])`,
  );
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    tenantSlug: r.tenant_slug,
    hostname: r.hostname,
    verificationToken: r.verification_token,
    verifiedAt: date(r.verified_at),
  }));
}

/** The on-demand TLS "ask": true only for a verified domain of an active tenant. */
export async function tlsAllowed(h: DatabaseHandle, hostname: string): Promise<boolean> {
  const [row] = await h.rows<{ allowed: boolean }>(
    sql`select app_system.tls_allowed(${hostname}::text) as allowed`,
  );
  return row?.allowed === true;
}
