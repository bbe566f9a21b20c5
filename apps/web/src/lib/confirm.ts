/**
 * A destructive action waiting for a "yes". With JavaScript the question is a <dialog>; without
 * it the action answers the first POST with this, and the page shows it as a confirmation step.
 */
export interface Confirmation {
  /** The form action, e.g. `?/deactivate`. */
  action: string;
  /** Hidden fields to post again, e.g. `{ memberId }`. */
  fields: Record<string, string>;
  title: string;
  message: string;
  confirmLabel: string;
  /** A text the answer carries, asked for with the question (e.g. why an invoice is voided). */
  input?: ConfirmationInput;
}

export interface ConfirmationInput {
  name: string;
  label: string;
  hint?: string;
  maxlength?: number;
  required?: boolean;
  /** One line (an amount) rather than a paragraph (a reason); `inputmode` for the phone's keyboard. */
  line?: { inputmode: 'decimal' | 'text' };
  /** What was typed, and the server's word on it, when it is asked again. */
  value?: string;
  error?: string;
}

export function deactivateMember(name: string, self: boolean): Omit<Confirmation, 'action' | 'fields'> {
  return {
    title: self ? 'Deactivate your own account?' : `Deactivate ${name}?`,
    message: self
      ? 'You will be signed out at once and can’t sign in again until another admin reactivates you.'
      : `${name} will be signed out everywhere at once and can’t sign in until reactivated.`,
    confirmLabel: 'Deactivate',
  };
}

export function endMemberSessions(name: string, self: boolean): Omit<Confirmation, 'action' | 'fields'> {
  return {
    title: self ? 'End all your sessions?' : `End ${name}’s sessions?`,
    message: self
      ? 'You will be signed out on every device, this one included.'
      : `${name} will be signed out on every device and will need to sign in again.`,
    confirmLabel: 'End sessions',
  };
}

export function revokeInvitation(email: string): Omit<Confirmation, 'action' | 'fields'> {
  return {
    title: 'Revoke this invitation?',
    message: `The link sent to ${email} will stop working. You can invite them again later.`,
    confirmLabel: 'Revoke',
  };
}

export const endOtherSessions: Omit<Confirmation, 'action' | 'fields'> = {
  title: 'Sign out everywhere else?',
  message:
    'Every other browser and device signed in to your account will be signed out. This one stays signed in.',
  confirmLabel: 'Sign out everywhere else',
};
