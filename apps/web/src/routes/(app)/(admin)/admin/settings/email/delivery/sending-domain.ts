import type { Confirmation } from '$lib/confirm';

/** The question asked before a sending domain is removed. */
export function removeSendingDomainQuestion(domain: string): Omit<Confirmation, 'action' | 'fields'> {
  return {
    title: `Remove ${domain}?`,
    message:
      'Email goes back to the built-in sending address at once, with your sender name. You can add the domain again later, but its DNS records will have to be checked again.',
    confirmLabel: 'Remove domain',
  };
}
