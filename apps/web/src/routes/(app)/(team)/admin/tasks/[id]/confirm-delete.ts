import type { Confirmation } from '$lib/confirm';

/** The question before a task is deleted for good. */
export function deleteTaskQuestion(title: string, comments: number): Omit<Confirmation, 'action' | 'fields'> {
  const thread =
    comments === 0
      ? ''
      : comments === 1
        ? ' Its comment goes with it.'
        : ` Its ${comments} comments go with it.`;
  return {
    title: `Delete “${title}”?`,
    message: `The task is removed for everyone, clients included, and can’t be brought back.${thread} To keep it out of the way instead, archive it.`,
    confirmLabel: 'Delete task',
  };
}
