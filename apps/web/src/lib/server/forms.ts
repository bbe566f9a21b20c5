import { type ActionFailure, error } from '@sveltejs/kit';
import { z } from 'zod';
import type { FailureData } from './errors';
import { fieldFailure } from './errors';

/**
 * The submitted form. The server's input guard has already refused bodies that are not form data;
 * one that still cannot be read (a client that lied about its Content-Type) is a 400, not a 500.
 */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    error(400, 'The form could not be read. Reload the page and try again.');
  }
}

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

/**
 * The form's fields as the schema's object: every field the schema names is present (a missing
 * text field reads as '', a missing list as []), uploads in place of text read as ''.
 */
function formObject(form: FormData, shape: z.ZodRawShape): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const [name, schema] of Object.entries(shape)) {
    values[name] =
      schema instanceof z.ZodArray
        ? form.getAll(name).filter((value): value is string => typeof value === 'string')
        : field(form, name);
  }
  return values;
}

export type ParsedForm<T, Echo> =
  | { ok: true; data: T; form: FormData }
  | { ok: false; failure: ActionFailure<FailureData & Echo>; form: FormData };

/**
 * Reads the posted form and parses it with the operation's input schema (from `@foyer/core`), in
 * one step for every action: bad input comes back as field errors beside the form, with `echo`
 * (what the person typed, never passwords) so nothing they entered is lost.
 */
export async function parseForm<S extends z.ZodObject, Echo extends Record<string, unknown>>(
  request: Request,
  schema: S,
  echo: (raw: Record<string, string>) => Echo = () => ({}) as Echo,
): Promise<ParsedForm<z.output<S>, Echo>> {
  const form = await readForm(request);
  const raw = formObject(form, schema.shape);
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data, form };
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) fields[issue.path.join('.') || 'form'] ??= issue.message;
  // Echoes show text fields back in their inputs; lists (ticked boxes) are not echoed.
  return { ok: false, failure: fieldFailure(fields, echo(raw as Record<string, string>)), form };
}
