import type { Confirmation } from '$lib/confirm';

/** How a client's state and invitation delivery look on the admin's pages (the states' names: CLIENT_STATE_LABELS). */
export const STATE_BADGES = {
  active: 'badge badge-positive',
  invited: 'badge',
  deactivated: 'badge badge-negative',
} as const;

export const INVITATION_LABELS = {
  queued: 'Invitation queued',
  sent: 'Invitation sent',
  failed: 'Invitation not delivered',
  accepted: 'Accepted',
} as const;

export const INVITATION_BADGES = {
  queued: 'badge',
  sent: 'badge',
  failed: 'badge badge-negative',
  accepted: 'badge badge-positive',
} as const;

/** The question before a client is deactivated. */
export function deactivateClientQuestion(name: string): Omit<Confirmation, 'action' | 'fields'> {
  return {
    title: `Deactivate ${name}?`,
    message: `${name} will be signed out at once and can’t sign in until you reactivate them. Their projects, files and messages stay.`,
    confirmLabel: 'Deactivate',
  };
}
