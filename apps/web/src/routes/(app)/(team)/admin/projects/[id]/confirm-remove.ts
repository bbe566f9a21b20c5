import type { Confirmation } from '$lib/confirm';

/** The question before a client is taken off a project. */
export function removeClientQuestion(name: string, project: string): Omit<Confirmation, 'action' | 'fields'> {
  return {
    title: `Remove ${name} from ${project}?`,
    message: `${name} will stop seeing this project in their portal at once. You can add them again later.`,
    confirmLabel: 'Remove client',
  };
}

/** The question before a team member is taken off a project. */
export function removeStaffQuestion(name: string, project: string): Omit<Confirmation, 'action' | 'fields'> {
  return {
    title: `Remove ${name} from ${project}?`,
    message: `${name} will no longer be listed on this project. Staff stop seeing it; admins see every project anyway.`,
    confirmLabel: 'Remove from project',
  };
}
