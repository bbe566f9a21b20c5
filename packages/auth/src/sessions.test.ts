import { describe, expect, it } from 'vitest';
import { isExpired, needsTouch, renewal, SESSION_LIFETIME_MS, sessionExpiry } from './sessions';

const DAY = 86_400_000;
const start = new Date('2026-01-01T00:00:00Z');
const after = (ms: number) => new Date(start.getTime() + ms);

describe('sliding sessions (fake clock)', () => {
  const expires = sessionExpiry(start);

  it('last 30 days from issue', () => {
    expect(expires.getTime() - start.getTime()).toBe(SESSION_LIFETIME_MS);
    expect(isExpired(expires, after(30 * DAY - 1))).toBe(false);
    expect(isExpired(expires, after(30 * DAY))).toBe(true);
  });

  it('are not renewed while more than 15 days remain', () => {
    expect(renewal(expires, after(0))).toBeNull();
    expect(renewal(expires, after(14 * DAY))).toBeNull();
    expect(renewal(expires, after(15 * DAY))).toBeNull();
  });

  it('are renewed to 30 days from now once fewer than 15 remain', () => {
    const now = after(15 * DAY + 1);
    expect(renewal(expires, now)?.getTime()).toBe(now.getTime() + SESSION_LIFETIME_MS);
    expect(renewal(expires, after(29 * DAY))?.getTime()).toBe(
      after(29 * DAY).getTime() + SESSION_LIFETIME_MS,
    );
  });

  it('are never renewed once expired', () => {
    expect(renewal(expires, after(30 * DAY))).toBeNull();
    expect(renewal(expires, after(40 * DAY))).toBeNull();
  });

  it('record activity at most every five minutes', () => {
    expect(needsTouch(start, after(60_000))).toBe(false);
    expect(needsTouch(start, after(5 * 60_000))).toBe(true);
  });
});
