/**
 * Errors as log fields, without the values they carry. A failed query's message lists its
 * parameters (drizzle: `Failed query: … params: …`), and PostgreSQL's own messages and details
 * quote the offending value (`invalid input syntax for type uuid: "…"`, `Key (email)=(…)`):
 * password hashes, token hashes, links with tokens. A database error is therefore logged as its
 * SQLSTATE, the names of the objects involved and the statement's shape (its SQL text, in which
 * every value is a `$n` placeholder and any literal is blanked), never a message or a parameter.
 */

const SQLSTATE = /^[0-9A-Z]{5}$/;

type Fields = Record<string, unknown>;

interface DatabaseFailure {
  code: string;
  constraint?: string;
  table?: string;
  column?: string;
  routine?: string;
  statement?: string;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, 200) : undefined;

/** The statement with its literals blanked, in case one was ever spliced in; bounded. */
function statementShape(query: string): string {
  return query
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, '$$…$$')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}

/** The database failure somewhere in an error's cause chain, if there is one. */
function databaseFailure(error: unknown): DatabaseFailure | null {
  let statement: string | undefined;
  let failure: DatabaseFailure | null = null;
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const candidate = e as Record<string, unknown>;
    // drizzle's DrizzleQueryError: the SQL text (placeholders only) beside its parameters.
    if (statement === undefined && typeof candidate.query === 'string' && 'params' in candidate) {
      statement = statementShape(candidate.query);
    }
    if (failure === null && typeof candidate.code === 'string' && SQLSTATE.test(candidate.code)) {
      failure = {
        code: candidate.code,
        constraint: text(candidate.constraint_name ?? candidate.constraint),
        table: text(candidate.table_name ?? candidate.table),
        column: text(candidate.column_name ?? candidate.column),
        routine: text(candidate.routine),
      };
    }
    e = candidate.cause;
  }
  if (failure === null && statement === undefined) return null;
  return { code: failure?.code ?? 'unknown', ...failure, statement };
}

/** The stack's frames only: its first line repeats the message. */
function frames(error: Error): string | undefined {
  return error.stack
    ?.split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .join('\n');
}

/**
 * What a log line may say about `error`. Database errors are reduced to code, object names and
 * statement shape; other errors keep their message, which is our own code's text.
 */
export function errorFields(error: unknown): Fields {
  const failure = databaseFailure(error);
  if (failure) {
    const fields: Fields = { error: 'database error' };
    for (const [key, value] of Object.entries(failure)) if (value !== undefined) fields[key] = value;
    if (error instanceof Error) fields.stack = frames(error);
    return fields;
  }
  if (error instanceof Error) return { error: error.message, name: error.name, stack: error.stack };
  return { error: typeof error === 'string' ? error : 'non-error value thrown' };
}
