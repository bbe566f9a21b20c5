import { describe, expect, it } from 'vitest';
import { PASSWORD_MAX_LENGTH, parseSignInForm } from './sign-in';

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

describe('parseSignInForm', () => {
  it('accepts a well-formed email and password, trimming only the email', () => {
    expect(parseSignInForm(form({ email: '  ana@example.com ', password: ' secret ' }))).toEqual({
      ok: true,
      email: 'ana@example.com',
      password: ' secret ',
    });
  });

  it('asks for both fields when they are missing', () => {
    expect(parseSignInForm(new FormData())).toEqual({
      ok: false,
      email: '',
      errors: { email: 'Enter your email address.', password: 'Enter your password.' },
    });
  });

  it.each(['ana', 'ana@', 'ana@example', 'a na@example.com', `${'a'.repeat(250)}@example.com`])(
    'rejects %s as an email',
    (email) => {
      const result = parseSignInForm(form({ email, password: 'x' }));
      expect(result.ok).toBe(false);
      expect(result.ok ? undefined : result.errors).toEqual({
        email: 'Enter a valid email address, like name@example.com.',
      });
    },
  );

  it(`accepts a password of ${PASSWORD_MAX_LENGTH} characters and rejects one more`, () => {
    const atLimit = parseSignInForm(form({ email: 'a@b.co', password: 'p'.repeat(PASSWORD_MAX_LENGTH) }));
    expect(atLimit.ok).toBe(true);
    const over = parseSignInForm(form({ email: 'a@b.co', password: 'p'.repeat(PASSWORD_MAX_LENGTH + 1) }));
    expect(over).toEqual({
      ok: false,
      email: 'a@b.co',
      errors: { password: `Passwords are at most ${PASSWORD_MAX_LENGTH} characters.` },
    });
  });

  it('treats a file upload in place of a field as empty', () => {
    const data = form({ password: 'x' });
    data.set('email', new Blob(['ana@example.com']), 'email.txt');
    expect(parseSignInForm(data)).toMatchObject({
      ok: false,
      errors: { email: 'Enter your email address.' },
    });
  });
});
