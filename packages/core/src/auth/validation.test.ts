import { describe, expect, it } from 'vitest';
import { RESERVED_SLUGS, slugProblem } from './validation';

describe('workspace addresses', () => {
  it('reserves the names clients and resolvers look up under any domain', () => {
    for (const slug of ['autodiscover', 'autoconfig', 'wpad', 'isatap', 'mta-sts', 'lyncdiscover', 'pop3']) {
      expect(RESERVED_SLUGS.has(slug), slug).toBe(true);
      expect(slugProblem(slug), slug).toBe('This address is reserved. Choose another.');
    }
  });

  it('still offers ordinary names', () => {
    expect(slugProblem('northwind-studio')).toBeNull();
    expect(slugProblem('autodiscovery-labs')).toBeNull();
  });

  it('keeps every reserved name in the form a slug could take', () => {
    // A reserved name no slug can match would protect nothing (e.g. `_dmarc`).
    for (const slug of RESERVED_SLUGS) expect(slug, slug).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
  });
});
