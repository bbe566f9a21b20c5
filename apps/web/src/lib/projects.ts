import type { ClientState, ProjectStatus } from '@foyer/core';

/** Project statuses as the team's pages name them, in the order they are offered. */
export const STATUS_OPTIONS: readonly { value: ProjectStatus; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'on_hold', label: 'On hold' },
  { value: 'completed', label: 'Completed' },
  { value: 'archived', label: 'Archived' },
];

export function statusLabel(status: string): string {
  return STATUS_OPTIONS.find((option) => option.value === status)?.label ?? status;
}

/** The badge tone of a status: active is good news, archived is set aside. */
export function statusTone(status: string): 'positive' | 'negative' | null {
  if (status === 'active') return 'positive';
  if (status === 'archived') return 'negative';
  return null;
}

export const CLIENT_STATE_LABELS: Record<ClientState, string> = {
  active: 'Active',
  invited: 'Invited',
  deactivated: 'Deactivated',
};

const calendarFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A calendar date ('YYYY-MM-DD', no time zone) in words, e.g. "1 Mar 2026"; '—' for none. */
export function calendarDate(value: string | null): string {
  if (!value) return '—';
  const day = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(day.getTime())) return value;
  return calendarFormat.format(day);
}
