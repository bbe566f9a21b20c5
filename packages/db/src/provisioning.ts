import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';

/**
 * Provisioning (tenants from declarations, operators) runs on the superuser connection that
 * migrations use, never as the runtime login role: a compromised server can neither mint itself
 * an operator nor create or rename a tenant. On PostgreSQL that is DATABASE_URL; on PGlite, the
 * session before `openPglite` steps it down to foyer_login.
 */
export interface SuperuserDoor {
  query<T extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

/** A one-connection door on PostgreSQL; close it when done. */
export function postgresSuperuser(superuserUrl: string): SuperuserDoor & { close(): Promise<void> } {
  const sql = postgres(superuserUrl, { max: 1, onnotice: () => {} });
  return {
    query: async <T>(text: string, params: unknown[] = []) =>
      (await sql.unsafe(text, params as never[])) as unknown as T[],
    close: () => sql.end({ timeout: 5 }),
  };
}

/** On PGlite: valid only until `openPglite` steps the session down. */
export function pgliteSuperuser(pg: PGlite): SuperuserDoor {
  return { query: async <T>(text: string, params: unknown[] = []) => (await pg.query<T>(text, params)).rows };
}

const one = async <T>(rows: Promise<T[]>, what: string): Promise<T> => {
  const [row] = await rows;
  if (!row) throw new Error(`${what} returned no row`);
  return row;
};

/**
 * Creates or renames the tenant with this slug. A new password or a change of status is none
 * of this: those belong to the tenant's people and the operators.
 */
export async function ensureTenant(
  door: SuperuserDoor,
  input: { slug: string; name: string },
): Promise<{ tenantId: string; created: boolean }> {
  const row = await one(
    door.query<{ id: string; created: boolean }>(
      `insert into platform.tenants (slug, name) values ($1, $2)
       on conflict (slug) do update set name = excluded.name
       returning id::text, (xmax = 0) as created`,
      [input.slug, input.name],
    ),
    `ensuring tenant ${input.slug}`,
  );
  return { tenantId: row.id, created: row.created };
}

type Operator = { email: string; name: string; passwordHash: string };

/**
 * Creates an operator, or resets an existing one's name and password. A new password ends every
 * session the operator had (trigger `operators_end_sessions`, drizzle/0013); a disabled operator
 * stays disabled until enabled.
 */
export async function upsertOperator(door: SuperuserDoor, operator: Operator) {
  return one(
    door.query<{ id: string; created: boolean; disabled: boolean }>(
      `insert into platform.operators (email, name, password_hash) values ($1, $2, $3)
       on conflict (lower(email)) do update set name = excluded.name, password_hash = excluded.password_hash
       returning id::text, (xmax = 0) as created, disabled_at is not null as disabled`,
      [operator.email, operator.name, operator.passwordHash],
    ),
    `saving operator ${operator.email}`,
  );
}

export async function operatorExists(door: SuperuserDoor, email: string): Promise<boolean> {
  const rows = await door.query('select 1 from platform.operators where lower(email) = lower($1)', [email]);
  return rows.length > 0;
}

/**
 * Disables (ending every session, by the same trigger) or enables an operator. False when no
 * operator has this email.
 */
export async function setOperatorDisabled(door: SuperuserDoor, email: string, disabled: boolean) {
  const rows = await door.query(
    `update platform.operators
        set disabled_at = case when $2 then coalesce(disabled_at, now()) end
      where lower(email) = lower($1)
      returning id`,
    [email, disabled],
  );
  return rows.length > 0;
}

export interface OperatorListing {
  email: string;
  name: string;
  disabledAt: Date | null;
  /** The latest sign-in or use of a session (sessions are deleted on sign-out). */
  lastSeenAt: Date | null;
  sessions: number;
}

export async function listOperators(door: SuperuserDoor): Promise<OperatorListing[]> {
  const rows = await door.query<{
    email: string;
    name: string;
    disabled_at: Date | string | null;
    last_seen_at: Date | string | null;
    sessions: number | string;
  }>(
    `select o.email, o.name, o.disabled_at,
            greatest(o.last_sign_in_at,
              (select max(s.last_seen_at) from platform.operator_sessions s where s.operator_id = o.id)) as last_seen_at,
            (select count(*) from platform.operator_sessions s
              where s.operator_id = o.id and s.expires_at > now()) as sessions
       from platform.operators o
      order by lower(o.email)`,
  );
  const date = (v: Date | string | null) => (v === null ? null : new Date(v));
  return rows.map((r) => ({
    email: r.email,
    name: r.name,
    disabledAt: date(r.disabled_at),
    lastSeenAt: date(r.last_seen_at),
    sessions: Number(r.sessions),
  }));
}
