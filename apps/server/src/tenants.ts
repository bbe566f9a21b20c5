import { type Branding, siteFromHostRow, type TenantSummary } from '@foyer/core';
import { type DatabaseHandle, type HostLookup, system } from '@foyer/db';
import { type Config, originFor } from './env';
import type { HostMatch } from './host';

/** NOTIFY channel on which nodes announce that a tenant's host, domain or branding changed. */
export const TENANT_CHANGED = 'foyer_tenant_changed';

export interface ResolvedTenant {
  tenant: TenantSummary;
  branding: Branding;
}

interface Entry {
  expires: number;
  value: Promise<ResolvedTenant | null>;
}

/**
 * Host -> tenant, cached per host for a few seconds (unknown hosts too, so a flood of random
 * names costs one query each per TTL, not one per request). Concurrent lookups of one host
 * share a single query.
 */
export class TenantDirectory {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly config: Pick<Config, 'platformDomain' | 'publicScheme' | 'publicPort'>,
    private readonly options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {}

  lookup(match: Extract<HostMatch, { kind: 'subdomain' | 'custom' }>): Promise<ResolvedTenant | null> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.entries.get(match.host);
    if (cached && cached.expires > now) return cached.value;

    const query: HostLookup = match.kind === 'subdomain' ? { slug: match.slug } : { hostname: match.host };
    const value = this.load(query);
    this.entries.delete(match.host);
    this.entries.set(match.host, { expires: now + (this.options.ttlMs ?? 10_000), value });
    // A failed lookup is not remembered: the next request asks again.
    value.catch(() => this.entries.delete(match.host));
    const max = this.options.maxEntries ?? 10_000;
    if (this.entries.size > max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return value;
  }

  /**
   * Clears this cache whenever any node says a tenant changed (`announce`), so a new brand or
   * domain shows everywhere at once rather than after the TTL. Resolves once listening.
   */
  follow(): Promise<() => Promise<void>> {
    return this.handle.listen(TENANT_CHANGED, () => this.clear());
  }

  /** Drops this node's cache and tells every other node (and this one) to drop theirs. */
  announce(tenantId: string): void {
    this.clear();
    this.handle.notify(TENANT_CHANGED, tenantId).catch(() => {
      // Other nodes then catch up within the TTL.
    });
  }

  /** Forgets every cached host, e.g. after a tenant's status, domain or branding changed. */
  clear(): void {
    this.entries.clear();
  }

  private async load(query: HostLookup): Promise<ResolvedTenant | null> {
    const row = await system.tenants.forHost(this.handle, query);
    if (!row) return null;
    const host = row.primaryDomain ?? `${row.slug}.${this.config.platformDomain}`;
    return siteFromHostRow(row, originFor(this.config, host));
  }
}
