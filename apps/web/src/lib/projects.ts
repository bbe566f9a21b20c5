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
