import type { Confirmation } from '$lib/confirm';

/** The question before a milestone is deleted. */
export function deleteMilestoneQuestion(
  name: string,
  tasks: number,
): Omit<Confirmation, 'action' | 'fields'> {
  return {
    title: `Delete the milestone “${name}”?`,
    message:
      tasks === 0
        ? 'It has no tasks. Clients who could see it no longer will.'
        : `Its ${tasks === 1 ? 'task stays' : `${tasks} tasks stay`} on the project, in no milestone. Clients who could see the milestone no longer will.`,
    confirmLabel: 'Delete milestone',
  };
}
