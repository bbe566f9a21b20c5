/**
 * What the loads that count for the header (the bell, Messages) depend on besides the path: the
 * signed-in layout's and the portal home's, which sits outside that layout. Live events
 * invalidate it (`$lib/live-header`).
 */
export const HEADER_COUNTS = 'app:unread';
