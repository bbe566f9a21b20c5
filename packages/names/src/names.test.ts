import { describe, expect, it } from 'vitest';
import { isWithin, normaliseHostname, normaliseSlug, SLUG, slugProblem, splitHostHeader } from './index';

describe('normaliseHostname', () => {
  it.each([
    ['Portal.Agency.COM', 'portal.agency.com'],
    ['  portal.agency.com.  ', 'portal.agency.com'],
    ['localhost', 'localhost'],
    ['northwind.localhost', 'northwind.localhost'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['a-b.c1.io', 'a-b.c1.io'],
  ])('%s → %s', (raw, expected) => {
    expect(normaliseHostname(raw)).toBe(expected);
  });

  it.each([
    '',
    ' ',
    '.',
    'a..b',
    '-a.example',
    'a-.example',
    'a_b.example',
    'a b.example',
    'example.com:80',
    'user@example.com',
    'https://example.com',
    '10.0.0.1',
    '1.2.3.4.5',
    '::1',
    '[::1]',
    `${'a'.repeat(64)}.example`,
    `${'a.'.repeat(127)}ab`,
    'example.123',
    'a/b',
    'evil.example/x',
    'evil.example\\x',
    'evil.example?x',
    'evil.example#x',
    'x\u0000',
  ])('refuses %j', (raw) => {
    expect(normaliseHostname(raw)).toBeNull();
  });

  it('answers null for what is not a string', () => {
    expect(normaliseHostname(null)).toBeNull();
    expect(normaliseHostname(undefined)).toBeNull();
  });
});

describe('splitHostHeader', () => {
  it('takes the port off', () => {
    expect(splitHostHeader('northwind.localhost:3000')).toEqual({
      hostname: 'northwind.localhost',
      port: '3000',
    });
    expect(splitHostHeader('foyer.app')).toEqual({ hostname: 'foyer.app', port: null });
  });
  it('refuses IPv6 literals and odd ports', () => {
    expect(splitHostHeader('[::1]:3000')).toBeNull();
    expect(splitHostHeader('a.example:x')).toBeNull();
    expect(splitHostHeader('a.example:123456')).toBeNull();
    expect(splitHostHeader('')).toBeNull();
  });
});

describe('isWithin', () => {
  it('is the domain itself or a name under it, never a look-alike', () => {
    expect(isWithin('foyer.app', 'foyer.app')).toBe(true);
    expect(isWithin('a.foyer.app', 'foyer.app')).toBe(true);
    expect(isWithin('evilfoyer.app', 'foyer.app')).toBe(false);
  });
});

describe('slugs', () => {
  it('normalises and judges a typed address', () => {
    expect(normaliseSlug('  Northwind ')).toBe('northwind');
    expect(slugProblem('northwind')).toBeNull();
    expect(slugProblem('ab')).toMatch(/at least 3/);
    expect(slugProblem('a'.repeat(41))).toMatch(/at most 40/);
    expect(slugProblem('-abc')).toMatch(/lower-case/);
    expect(slugProblem('ab--c')).toMatch(/two dashes/);
    expect(slugProblem('www')).toMatch(/reserved/);
  });
  it('SLUG matches what a subdomain label may be', () => {
    expect(SLUG.test('acme-co')).toBe(true);
    expect(SLUG.test('Acme')).toBe(false);
  });
});
