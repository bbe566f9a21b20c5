import type { ActivityKind } from '@foyer/core';

// Types only from @foyer/core: the page's component imports this file too, and core is server code.

/** The activity filters as the address gives them; an unknown kind falls back to everything. */
export function activityFilters(url: URL) {
  const rawKind = url.searchParams.get('kind') ?? '';
  const kind: ActivityKind = Object.hasOwn(KIND_LABELS, rawKind) ? (rawKind as ActivityKind) : 'all';
  const from = (url.searchParams.get('from') ?? '').slice(0, 10);
  const to = (url.searchParams.get('to') ?? '').slice(0, 10);
  const page = Number.parseInt(url.searchParams.get('page') ?? '1', 10);
  return { kind, from, to, page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1 };
}

export const KIND_LABELS: Record<ActivityKind, string> = {
  all: 'Everything',
  sign_ins: 'Sign-ins',
  sessions: 'Sessions',
  files: 'Files',
  invoices: 'Invoices',
  reviews: 'Reviews',
  messages: 'Messages',
  comments: 'Comments',
};
