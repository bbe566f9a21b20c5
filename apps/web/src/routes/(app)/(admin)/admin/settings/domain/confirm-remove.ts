import type { Confirmation } from '$lib/confirm';

/** The question before a custom domain is disconnected. */
export function removeDomainQuestion(
  hostname: string,
  platformAddress: string,
): Omit<Confirmation, 'action' | 'fields'> {
  return {
    title: `Remove ${hostname}?`,
    message: `Your portal stops answering on ${hostname} at once and is reached at ${platformAddress} again. Clients signed in on ${hostname} will need to sign in there.`,
    confirmLabel: 'Remove domain',
  };
}
