import { describe, expect, it } from 'vitest';
import { brandingFromStored, initialsOf, logoPath } from './resolve';

describe('brandingFromStored', () => {
  it('uses stored values and derives readable text colours', () => {
    const b = brandingFromStored('Northwind', {
      displayName: 'Northwind Studio',
      primaryColor: '#1e3a8a',
      accentColor: '#fde047',
      theme: 'dark',
      logoSha256: 'ab'.repeat(32),
      welcomeText: 'Hello',
      contactEmail: 'hi@northwind.test',
    });
    expect(b).toMatchObject({
      displayName: 'Northwind Studio',
      initials: 'NS',
      primaryColor: '#1e3a8a',
      onPrimaryColor: '#ffffff',
      onAccentColor: '#111827',
      theme: 'dark',
      logoUrl: logoPath('ab'.repeat(32)),
      welcomeText: 'Hello',
      contact: { email: 'hi@northwind.test', phone: null, website: null, address: null },
    });
  });

  it('falls back to safe defaults for missing or malformed values', () => {
    const b = brandingFromStored('Bluefin', {
      primaryColor: 'red;background:url(//evil)',
      theme: 'neon',
      welcomeText: '   ',
    });
    expect(b.displayName).toBe('Bluefin');
    expect(b.primaryColor).toMatch(/^#[0-9a-f]{6}$/);
    expect(b.theme).toBe('light');
    expect(b.welcomeText).toBeNull();
    expect(b.logoUrl).toBeNull();
    expect(brandingFromStored('Acme', null).displayName).toBe('Acme');
  });

  it('makes initials from the first two words', () => {
    expect(initialsOf('Northwind Studio')).toBe('NS');
    expect(initialsOf('bluefin')).toBe('B');
    expect(initialsOf('  a  b  c ')).toBe('AB');
  });
});
