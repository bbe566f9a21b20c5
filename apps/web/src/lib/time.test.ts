import { describe, expect, it } from 'vitest';
import { fullDateTime, relativeTime } from './time';

const now = new Date('2026-03-10T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('relativeTime', () => {
  it.each([
    [0, 'just now'],
    [59_000, 'just now'],
    [60_000, '1 minute ago'],
    [5 * 60_000, '5 minutes ago'],
    [3 * 3_600_000, '3 hours ago'],
    [24 * 3_600_000, 'yesterday'],
    [3 * 86_400_000, '3 days ago'],
  ])('%i ms ago reads "%s"', (ms, text) => {
    expect(relativeTime(ago(ms), now)).toBe(text);
  });

  it('falls back to the date after a week', () => {
    expect(relativeTime(new Date('2026-02-01T09:00:00Z'), now)).toBe('1 Feb 2026');
  });

  it('words the future too (clock skew between nodes)', () => {
    expect(relativeTime(new Date(now.getTime() + 2 * 60_000), now)).toBe('in 2 minutes');
  });

  it('rounds the future up, so a fresh 7-day link reads "in 7 days"', () => {
    expect(relativeTime(new Date(now.getTime() + 7 * 86_400_000 - 5_000), now)).toBe('in 7 days');
  });
});

describe('fullDateTime', () => {
  it('names the time zone it shows', () => {
    expect(fullDateTime(now, 'UTC')).toBe('10 Mar 2026, 12:00 UTC');
  });
});
