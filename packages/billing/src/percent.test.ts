import { describe, expect, it } from 'vitest';
import { parsePercent } from './percent';

describe('parsePercent', () => {
  it('reads whole and decimal percentages, with or without the sign, in basis points', () => {
    expect(parsePercent('20', 10_000)).toBe(2000);
    expect(parsePercent(' 7.5 ', 10_000)).toBe(750);
    expect(parsePercent('12.25 %', 10_000)).toBe(1225);
    expect(parsePercent('100', 10_000)).toBe(10_000);
    expect(parsePercent('1000', 100_000)).toBe(100_000);
  });

  it('refuses more than two decimals, more than the largest, too many digits and words', () => {
    for (const [text, max] of [
      ['7.125', 10_000],
      ['100.01', 10_000],
      ['0100', 10_000],
      ['1000.5', 100_000],
      ['ten', 10_000],
      ['-5', 10_000],
      ['', 10_000],
    ] as const) {
      expect(parsePercent(text, max), text).toBeNull();
    }
  });
});
