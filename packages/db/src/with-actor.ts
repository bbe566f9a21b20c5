import { sql } from 'drizzle-orm';
import type { TenantActor } from './actor';
import type { Database } from './client';

/** A transaction handle: the only way request work touches the database. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

const roleOf = (actor: TenantActor) => (actor.kind === 'client' ? 'foyer_client' : 'foyer_team');

const userOf = (actor: TenantActor) => (actor.kind === 'apikey' ? '' : actor.userId);

/**
 * The one door for request work: one transaction whose first statement switches to the actor's
 * runtime role and sets the tenant and user context, with bound parameters, all transaction-local.
 * After COMMIT (or ROLLBACK) nothing of it remains on the connection.
 *
 * The context statement is sent without waiting for its answer, so it travels with the work's
 * first query (one round trip instead of two on PostgreSQL). That is safe because both go down
 * the same connection in order: if the context statement fails, PostgreSQL aborts the
 * transaction and refuses every statement after it, so no work ever runs without context.
 */
export function withActor<T>(db: Database, actor: TenantActor, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    // drizzle queries are lazy: then() is what sends this one, right now.
    const context = tx
      .execute(
        sql`select set_config('role', ${roleOf(actor)}, true), set_config('app.tenant_id', ${actor.tenantId}, true), set_config('app.user_id', ${userOf(actor)}, true), set_config('app.role', ${actor.kind}, true)`,
      )
      .then(() => undefined);
    const [, result] = await Promise.all([context, work(tx)]);
    return result;
  });
}
