import { sql } from 'drizzle-orm';
import type { ActingAs } from './actor';
import type { Database } from './client';

/** A transaction handle: the only way request work touches the database. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

const roleOf = (actor: ActingAs) =>
  actor.kind === 'client' || actor.kind === 'visitor' ? 'foyer_client' : 'foyer_team';

const userOf = (actor: ActingAs) => ('userId' in actor ? actor.userId : '');

/**
 * The one door for request work: one transaction whose first statement switches to the actor's
 * runtime role and sets the tenant and user context, with bound parameters, all transaction-local.
 * After COMMIT (or ROLLBACK) nothing of it remains on the connection.
 *
 * The context statement is awaited before the work starts. Sending it together with the work's
 * first query would save a round trip, but drizzle's lazy queries give no guarantee about which
 * of the two reaches the driver first; see docs/benchmarks.md for the faster path planned.
 */
export function withActor<T>(db: Database, actor: ActingAs, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('role', ${roleOf(actor)}, true), set_config('app.tenant_id', ${actor.tenantId}, true), set_config('app.user_id', ${userOf(actor)}, true), set_config('app.role', ${actor.kind}, true)`,
    );
    return work(tx);
  });
}
