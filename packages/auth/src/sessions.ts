const DAY = 24 * 60 * 60 * 1000;

/** Sessions slide: 30 days from the last renewal, renewed once fewer than 15 remain. */
export const SESSION_LIFETIME_MS = 30 * DAY;
export const SESSION_RENEW_BELOW_MS = 15 * DAY;
/** How stale `last_seen_at` may get before a request writes it again (writes cost; reads don't). */
export const SESSION_TOUCH_AFTER_MS = 5 * 60 * 1000;

export const HANDOFF_LIFETIME_MS = 2 * 60 * 1000;
export const RESET_LIFETIME_MS = 30 * 60 * 1000;
export const EMAIL_CHANGE_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const EMAIL_VERIFY_LIFETIME_MS = 2 * DAY;
export const INVITATION_LIFETIME_MS = 7 * DAY;

export function sessionExpiry(now: Date): Date {
  return new Date(now.getTime() + SESSION_LIFETIME_MS);
}

export function isExpired(expiresAt: Date, now: Date): boolean {
  return expiresAt.getTime() <= now.getTime();
}

/** The new expiry when a live session should be renewed, or null when it need not be. */
export function renewal(expiresAt: Date, now: Date): Date | null {
  if (isExpired(expiresAt, now)) return null;
  return expiresAt.getTime() - now.getTime() < SESSION_RENEW_BELOW_MS ? sessionExpiry(now) : null;
}

export function needsTouch(lastSeenAt: Date, now: Date): boolean {
  return now.getTime() - lastSeenAt.getTime() >= SESSION_TOUCH_AFTER_MS;
}
