import type { Confirmation } from '$lib/confirm';

/** The question before the logo is removed. */
export const removeLogoQuestion: Omit<Confirmation, 'action' | 'fields'> = {
  title: 'Remove your logo?',
  message:
    'Your initials show in its place on the portal, the sign-in page, emails and invoices. A favicon made from the logo goes with it.',
  confirmLabel: 'Remove logo',
};

/** The question before an uploaded favicon is removed. */
export function removeFaviconQuestion(hasLogo: boolean): Omit<Confirmation, 'action' | 'fields'> {
  return {
    title: 'Remove your favicon?',
    message: hasLogo
      ? 'Browser tabs show an icon made from your logo instead.'
      : 'Browser tabs show no icon for your portal until you upload one.',
    confirmLabel: 'Remove favicon',
  };
}
