/** A text field of a submitted form; a missing field or a file upload in its place reads as ''. */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/** The same, trimmed: for everything but passwords, which are taken verbatim. */
export function trimmed(form: FormData, name: string): string {
  return field(form, name).trim();
}

/** Destructive actions post once without this field (the server asks) and once with it. */
export function isConfirmed(form: FormData): boolean {
  return field(form, 'confirmed') === 'yes';
}
