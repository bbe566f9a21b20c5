import { sql } from 'drizzle-orm';
import type { ActingAs } from './actor';
import type { Database } from './client';
import { type ContextStatement, pipelinedTransaction, postgresDoorOf } from './pipelined';

/** A transaction handle: the only way request work touches the database. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

const roleOf = (actor: ActingAs) =>
  actor.kind === 'client' || actor.kind === 'visitor' ? 'foyer_client' : 'foyer_team';

const userOf = (actor: ActingAs) => ('userId' in actor ? actor.userId : '');

/** The context statement, exactly as ARCHITECTURE.md gives it: bound parameters, transaction-local. */
const ACTOR_CONTEXT =
  "select set_config('role', $1, true), set_config('app.tenant_id', $2, true), set_config('app.user_id', $3, true), set_config('app.role', $4, true)";

const actorContext = (actor: ActingAs): ContextStatement => ({
  text: ACTOR_CONTEXT,
  params: [roleOf(actor), actor.tenantId, userOf(actor), actor.kind],
});

/**
 * The one door for request work: one transaction whose first statement switches to the actor's
 * runtime role and sets the tenant and user context, with bound parameters, all transaction-local.
 * After COMMIT (or ROLLBACK) nothing of it remains on the connection.
 *
 * On PostgreSQL the transaction runs on a reserved connection, and BEGIN, the context statement
 * and the work's first query go out in one write, in that order (see ./pipelined.ts): one round
 * trip, then COMMIT. If the context statement fails, the work's queries fail with it. PGlite runs
 * in-process, with no round trips to save: there the context statement is awaited first.
 */
export function withActor<T>(db: Database, actor: ActingAs, work: (tx: Tx) => Promise<T>): Promise<T> {
  const door = postgresDoorOf(db);
  if (door) return pipelinedTransaction(door, actorContext(actor), (tx) => work(tx));
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('role', ${roleOf(actor)}, true), set_config('app.tenant_id', ${actor.tenantId}, true), set_config('app.user_id', ${userOf(actor)}, true), set_config('app.role', ${actor.kind}, true)`,
    );
    return work(tx);
  });
}

/**
 * The rows of `tx.execute(sql…)`: postgres.js answers with an array, PGlite with `{ rows }`. For
 * raw statements drizzle's builders cannot say (an INSERT of only some columns, a VALUES list).
 */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
