import { Resolver } from 'node:dns/promises';
import type { DnsResolver } from './context';

/** Answers that mean "no such record", as opposed to a resolver that could not be asked. */
const ABSENT = new Set(['ENODATA', 'ENOTFOUND', 'ENONAME', 'NXDOMAIN']);

/**
 * The system resolver, or the given servers (`host` or `host:port`, e.g. a local test DNS
 * server). A name without the record reads as empty; a failing resolver throws.
 */
export function systemDnsResolver(servers: readonly string[] = []): DnsResolver {
  const resolver = new Resolver({ timeout: 5000, tries: 2 });
  if (servers.length > 0) resolver.setServers([...servers]);
  const orEmpty = async <T>(lookup: Promise<T[]>): Promise<T[]> => {
    try {
      return await lookup;
    } catch (error) {
      if (ABSENT.has((error as NodeJS.ErrnoException).code ?? '')) return [];
      throw error;
    }
  };
  return {
    resolveTxt: (hostname) => orEmpty(resolver.resolveTxt(hostname)),
    resolveCname: (hostname) => orEmpty(resolver.resolveCname(hostname)),
  };
}
