import { describe, expect, it } from 'vitest';
import { normaliseHost, resolveHost } from './host';

const config = { platformDomain: 'localhost' };

describe('normaliseHost', () => {
  it.each([
    ['Northwind.LOCALHOST:3000', 'northwind.localhost'],
    ['portal.agency.com.', 'portal.agency.com'],
    ['  portal.agency.com:443 ', 'portal.agency.com'],
    ['localhost', 'localhost'],
  ])('%s -> %s', (raw, expected) => {
    expect(normaliseHost(raw)).toBe(expected);
  });

  it.each([
    [''],
    [undefined],
    ['127.0.0.1:3000'],
    ['[::1]:3000'],
    ['evil.com:abc'],
    ['user@evil.com'],
    ['a..b.com'],
    ['-bad.com'],
    ['bad_.com'],
    ['exa mple.com'],
    [`${'a'.repeat(64)}.com`],
  ])('rejects %s', (raw) => {
    expect(normaliseHost(raw)).toBeNull();
  });
});

describe('resolveHost', () => {
  it('recognises the platform host whatever the port and case', () => {
    expect(resolveHost('LocalHost:3000', config)).toEqual({ kind: 'platform', host: 'localhost' });
    expect(resolveHost('foyer.app', { platformDomain: 'foyer.app' })).toMatchObject({ kind: 'platform' });
  });

  it('reads a tenant slug from a single subdomain label', () => {
    expect(resolveHost('northwind.localhost:3000', config)).toEqual({
      kind: 'subdomain',
      host: 'northwind.localhost',
      slug: 'northwind',
    });
    expect(resolveHost('Blue-Fin.Foyer.App', { platformDomain: 'foyer.app' })).toMatchObject({
      slug: 'blue-fin',
    });
  });

  it('names nothing for nested or malformed subdomains', () => {
    expect(resolveHost('a.northwind.localhost', config).kind).toBe('unknown');
    expect(resolveHost('ab-.localhost', config).kind).toBe('unknown');
    expect(resolveHost('x.localhost', config).kind).toBe('unknown'); // slugs have 3+ characters
  });

  it('treats other multi-label names as custom domains to look up', () => {
    expect(resolveHost('Portal.Agency.com:8443', config)).toEqual({
      kind: 'custom',
      host: 'portal.agency.com',
    });
    // A suffix that only looks like the platform domain is someone else's domain.
    expect(resolveHost('evil-localhost.com', config).kind).toBe('custom');
    expect(resolveHost('northwindlocalhost', config).kind).toBe('unknown');
  });

  it('names nothing for IP literals or a missing host', () => {
    expect(resolveHost('127.0.0.1:3000', config)).toEqual({ kind: 'unknown', host: null });
    expect(resolveHost(undefined, config)).toEqual({ kind: 'unknown', host: null });
  });
});
