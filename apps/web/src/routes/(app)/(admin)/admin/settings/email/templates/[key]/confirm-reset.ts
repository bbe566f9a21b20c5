import type { Confirmation } from '$lib/confirm';

/** The question before an agency's wording of a template is thrown away. */
export function resetTemplate(name: string): Omit<Confirmation, 'action' | 'fields'> {
  return {
    title: `Reset “${name}” to the default?`,
    message:
      'Your subject and text for this email are deleted, and new emails use the default wording again.',
    confirmLabel: 'Reset to default',
  };
}
