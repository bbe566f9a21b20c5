import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';

/**
 * Operators are created from the command line, with the superuser connection migrations use:
 * the runtime login role cannot create one, so a compromised server cannot mint itself an
 * operator. Creating an existing email resets that operator's name and password.
 */
const upsert = `insert into platform.operators (email, name, password_hash) values ($1, $2, $3)
  on conflict (lower(email)) do update set name = excluded.name, password_hash = excluded.password_hash
  returning id, (xmax = 0) as created`;

type Operator = { email: string; name: string; passwordHash: string };

export async function upsertOperatorPostgres(superuserUrl: string, operator: Operator) {
  const sql = postgres(superuserUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql.unsafe<{ id: string; created: boolean }[]>(upsert, [
      operator.email,
      operator.name,
      operator.passwordHash,
    ]);
    return row;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** On PGlite: call before `openPglite`, while the session is still the superuser. */
export async function upsertOperatorPglite(pg: PGlite, operator: Operator) {
  const result = await pg.query<{ id: string; created: boolean }>(upsert, [
    operator.email,
    operator.name,
    operator.passwordHash,
  ]);
  return result.rows[0];
}

export async function operatorExistsPglite(pg: PGlite, email: string): Promise<boolean> {
  const result = await pg.query('select 1 from platform.operators where lower(email) = lower($1)', [email]);
  return result.rows.length > 0;
}
