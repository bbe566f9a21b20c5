import { describe, expect, it } from 'vitest';
import { slugFromName } from './slug';

describe('slugFromName', () => {
  it.each([
    ['Northwind Studio', 'northwind-studio'],
    ['Café Nord & Co.', 'cafe-nord-co'],
    ['  --Hello--  ', 'hello'],
    ['日本', ''],
    [`${'a'.repeat(39)} b`, 'a'.repeat(39)],
  ])('%j → %j', (name, slug) => {
    expect(slugFromName(name)).toBe(slug);
  });
});
