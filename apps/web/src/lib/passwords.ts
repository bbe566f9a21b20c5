/** The policy @foyer/auth enforces, in words for the form; the server has the last word. */
export const PASSWORD_HINT = 'At least 10 characters, and not a common password.';
