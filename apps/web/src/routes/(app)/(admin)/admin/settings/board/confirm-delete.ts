import type { Confirmation } from '$lib/confirm';

/** The question before a board column is deleted (its tasks, if any, go to `moveTo`). */
export function deleteColumnQuestion(
  name: string,
  tasks: number,
  moveTo: string | null,
): Omit<Confirmation, 'action' | 'fields'> {
  return {
    title: `Delete the column “${name}”?`,
    message:
      tasks === 0 || !moveTo
        ? 'It has no tasks. It disappears from every project’s board.'
        : `Its ${tasks === 1 ? 'task moves' : `${tasks} tasks move`} to “${moveTo}”, after the tasks already there, on every project. The column disappears from every board.`,
    confirmLabel: 'Delete column',
  };
}
