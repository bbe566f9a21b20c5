import { field } from './forms';

export const PASSWORD_MAX_LENGTH = 128;
const EMAIL_MAX_LENGTH = 254;
// Deliberately loose: the account lookup is the real test, this only catches typos early.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// A type literal rather than an interface, so that it fits a Record of field messages.
export type SignInFieldErrors = { email?: string; password?: string };

export type SignInParseResult =
  | { ok: true; email: string; password: string }
  | { ok: false; email: string; errors: SignInFieldErrors };

export function parseSignInForm(form: FormData): SignInParseResult {
  const email = field(form, 'email').trim();
  // Passwords are taken verbatim: spaces at either end may be part of them.
  const password = field(form, 'password');
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
