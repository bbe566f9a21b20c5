import type { Context, MiddlewareHandler } from 'hono';

/**
 * C0 controls other than tab, newline and carriage return, DEL, and the C1 block. NUL is the one
 * PostgreSQL refuses outright (a 500 if it reaches a query); the others are never typed by a
 * person and only ever arrive to confuse a log, a header or a mail client.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
export const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** A request refused at the edge, with the sentence its sender is shown. */
export type Refusal = { status: 400 | 413 | 415; message: string };

const unreadableForm: Refusal = {
  status: 400,
  message: 'The form could not be read. Reload the page and try again.',
};
const controlCharacters: Refusal = {
  status: 400,
  message:
    'The form contains characters that cannot be accepted (such as a NUL byte). Remove them and try again.',
};

/** Every string in a parsed JSON value, keys included. */
function* jsonStrings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const item of value) yield* jsonStrings(item);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      yield key;
      yield* jsonStrings(item);
    }
  }
}

/** Why the query string cannot be accepted, or null. */
export function queryProblem(url: string): Refusal | null {
  if (!url.includes('?')) return null;
  const query = new URL(url).searchParams;
  for (const [key, value] of query) {
    if (FORBIDDEN_CONTROL.test(key) || FORBIDDEN_CONTROL.test(value)) {
      return { status: 400, message: 'The address contains characters that cannot be accepted.' };
    }
  }
  return null;
}

/**
 * Why a request body cannot be accepted, or null; the body is read whole (the body limit has
 * capped it already) and handed back so that the request can be rebuilt from it.
 */
export async function bodyProblem(
  request: Request,
  type: string,
  kind: 'page' | 'api',
): Promise<{ refusal: Refusal | null; bytes: Uint8Array }> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength === 0) return { refusal: null, bytes };
  if (kind === 'api') {
    if (type !== 'application/json') {
      return { refusal: { status: 415, message: 'Send JSON (application/json).' }, bytes };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      return { refusal: { status: 400, message: 'The body is not valid JSON.' }, bytes };
    }
    for (const text of jsonStrings(parsed)) {
      if (FORBIDDEN_CONTROL.test(text)) return { refusal: controlCharacters, bytes };
    }
    return { refusal: null, bytes };
  }
  if (!FORM_TYPES.includes(type)) {
    return {
      refusal: { status: 415, message: 'Forms here are sent as form data. Reload the page and try again.' },
      bytes,
    };
  }
  let form: FormData;
  try {
    form = await new Request('http://form.invalid/', {
      method: 'POST',
      headers: { 'content-type': request.headers.get('content-type') ?? type },
      body: bytes,
    }).formData();
  } catch {
    return { refusal: unreadableForm, bytes };
  }
  for (const [name, value] of form) {
    if (FORBIDDEN_CONTROL.test(name)) return { refusal: controlCharacters, bytes };
    // Uploaded files are bytes, checked by whoever takes them; only their names are text.
    const text = typeof value === 'string' ? value : value.name;
    if (FORBIDDEN_CONTROL.test(text)) return { refusal: controlCharacters, bytes };
  }
  return { refusal: null, bytes };
}

const UNSAFE_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Endpoints outside the API that pages send JSON to rather than forms: held to the API's rules. */
const JSON_ENDPOINTS = new Set(['/events/typing']);

/**
 * The edge of every form action and endpoint: a query string or body that no page of ours could
 * have produced (a NUL byte, a text/plain or truncated multipart body, JSON that does not parse)
 * is refused here with a 400 or 415, so no action or route ever meets it. Each action still
 * parses its own fields with its zod schema; this is the floor beneath them.
 */
export function inputGuard(render: (c: Context, refusal: Refusal) => Response): MiddlewareHandler {
  return async (c, next) => {
    const fromQuery = queryProblem(c.req.url);
    if (fromQuery) return render(c, fromQuery);
    if (!UNSAFE_WITH_BODY.has(c.req.method) || c.req.path.startsWith('/webhooks/')) return next();
    const request = c.req.raw;
    if (!request.body) return next();
    const kind = c.req.path.startsWith('/api/') || JSON_ENDPOINTS.has(c.req.path) ? 'api' : 'page';
    const { refusal, bytes } = await bodyProblem(request, mediaType(c), kind);
    if (refusal) return render(c, refusal);
    c.req.raw = new Request(request, { body: bytes });
    return next();
  };
}
