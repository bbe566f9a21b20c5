import { sql } from 'drizzle-orm';
import type { TenantActor } from './actor';
import type { Database } from './client';
import { type ContextStatement, pipelinedTransaction, postgresDoorOf } from './pipelined';
import type { SessionRow, UserRole } from './system-auth';
import type { Tx } from './with-actor';

/** No live session for this token in this tenant: unknown, expired, another tenant's, or its person deactivated. */
export class SessionInvalid extends Error {
  constructor() {
    super('no live session for this token in this tenant');
    this.name = 'SessionInvalid';
  }
}

/** The signed-in person behind a session, and the actor the transaction now runs as. */
export interface Session extends SessionRow {
  tenantId: string;
  actor: Exclude<TenantActor, { kind: 'apikey' }>;
}

export interface SessionLookup {
  tenantId: string;
  /** The stored session id: SHA-256 (hex) of the cookie token. */
  tokenHash: string;
}

/**
 * One statement that resolves the session (app_system.session_context, drizzle/0017) and sets the
 * transaction's context from it with bound parameters: the role a person of that role switches to,
 * the tenant, the user and the actor kind, exactly what withActor sets for the same person. When
 * no session row comes back, no set_config runs: the transaction stays foyer_login's.
 */
const SESSION_CONTEXT_HEAD = `select s.tenant_id, s.user_id, s.role, s.client_id, s.name, s.email, s.expires_at, s.last_seen_at,
  set_config('role', case when s.role = 'client' then 'foyer_client' else 'foyer_team' end, true) as context_role,
  set_config('app.tenant_id', s.tenant_id::text, true) as context_tenant,
  set_config('app.user_id', s.user_id::text, true) as context_user,
  set_config('app.role', s.role, true) as context_kind
from app_system.session_context(`;

const SESSION_CONTEXT = `${SESSION_CONTEXT_HEAD}$1::uuid, $2::text) s`;

/** The same statement for drizzle (PGlite), which numbers the parameters the same way. */
const sessionContextSql = (lookup: SessionLookup) =>
  sql`${sql.raw(SESSION_CONTEXT_HEAD)}${lookup.tenantId}::uuid, ${lookup.tokenHash}::text) s`;

interface ContextRow extends Record<string, unknown> {
  tenant_id: string;
  user_id: string;
  role: UserRole;
  client_id: string | null;
  name: string;
  email: string;
  expires_at: Date | string;
  last_seen_at: Date | string;
}

function sessionOf(row: ContextRow | undefined): Session {
  if (!row) throw new SessionInvalid();
  const base = { tenantId: row.tenant_id, userId: row.user_id };
  let actor: Session['actor'];
  if (row.role !== 'client') actor = { kind: row.role, ...base };
  else if (row.client_id) actor = { kind: 'client', ...base, clientId: row.client_id };
  // users_client_iff_client_role makes this impossible; an actor without its client would be worse.
  else throw new Error(`client user ${row.user_id} has no client`);
  return {
    ...base,
    role: row.role,
    clientId: row.client_id,
    name: row.name,
    email: row.email,
    expiresAt: new Date(row.expires_at),
    lastSeenAt: new Date(row.last_seen_at),
    actor,
  };
}

/**
 * withActor for a request that arrives with a session cookie: the session lookup is the
 * transaction's context statement, so a signed-in request costs BEGIN, this statement, its work
 * and COMMIT, and no separate lookup before them. `work` runs once the session is known, as its
 * person (`session.actor`, the same context withActor would set). No live session: rejects with
 * SessionInvalid after rolling back, and `work` never runs.
 *
 * Renewing the session or recording activity is the caller's, inside `work` (the context allows
 * exactly those updates of the person's own session and user rows).
 *
 * On PostgreSQL BEGIN and the statement go out together on a reserved connection (see
 * ./pipelined.ts); on PGlite the statement is awaited as withActor's is.
 */
export function withSession<T>(
  db: Database,
  lookup: SessionLookup,
  work: (tx: Tx, session: Session) => Promise<T>,
): Promise<T> {
  const door = postgresDoorOf(db);
  if (door) {
    const context: ContextStatement = { text: SESSION_CONTEXT, params: [lookup.tenantId, lookup.tokenHash] };
    return pipelinedTransaction(door, context, async (tx, rows) =>
      work(tx, sessionOf((await rows)[0] as ContextRow | undefined)),
    );
  }
  return db.transaction(async (tx) => {
    const result = (await tx.execute(sessionContextSql(lookup))) as unknown as { rows: ContextRow[] };
    return work(tx, sessionOf(result.rows[0]));
  });
}
