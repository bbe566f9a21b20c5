export const PASSWORD_MAX_LENGTH = 128;
const EMAIL_MAX_LENGTH = 254;
// Deliberately loose: the account lookup is the real test, this only catches typos early.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface SignInFieldErrors {
  email?: string;
  password?: string;
}

export type SignInParseResult =
  | { ok: true; email: string; password: string }
  | { ok: false; email: string; errors: SignInFieldErrors };

function text(value: FormDataEntryValue | null): string {
  return typeof value === 'string' ? value : '';
}

export function parseSignInForm(form: FormData): SignInParseResult {
  const email = text(form.get('email')).trim();
  // Passwords are taken verbatim: spaces at either end may be part of them.
  const password = text(form.get('password'));
  const errors: SignInFieldErrors = {};

  if (email === '') {
    errors.email = 'Enter your email address.';
  } else if (email.length > EMAIL_MAX_LENGTH || !EMAIL_SHAPE.test(email)) {
    errors.email = 'Enter a valid email address, like name@example.com.';
  }

  if (password === '') {
    errors.password = 'Enter your password.';
  } else if (password.length > PASSWORD_MAX_LENGTH) {
    errors.password = `Passwords are at most ${PASSWORD_MAX_LENGTH} characters.`;
  }

  if (errors.email !== undefined || errors.password !== undefined) {
    return { ok: false, email, errors };
  }
  return { ok: true, email, password };
}
