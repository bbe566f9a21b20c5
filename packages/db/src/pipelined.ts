import type { PgDialect } from 'drizzle-orm/pg-core';
import { PostgresJsSession, PostgresJsTransaction } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database } from './client';
import type { Tx } from './with-actor';

type Sql = postgres.Sql;
type Row = Record<string, unknown>;

/** The first statement of a request's transaction: text with `$n` placeholders, and their values. */
export interface ContextStatement {
  text: string;
  params: unknown[];
}

/**
 * What `openPostgres` leaves behind for the transaction door: the pool, how to wrap one of its
 * reserved connections for drizzle (prepared statements, as for the pool), and drizzle's
 * transaction handle over such a connection.
 */
export interface PostgresDoor {
  reserve(): Promise<postgres.ReservedSql>;
  wrap(connection: Sql): Sql;
  transaction(client: Sql): Tx;
}

const doors = new WeakMap<Database, PostgresDoor>();

/** Called by `openPostgres` for the drizzle handle it returns; PGlite handles have no door. */
export function registerPostgresDoor(db: Database, door: PostgresDoor): void {
  doors.set(db, door);
}

export const postgresDoorOf = (db: Database): PostgresDoor | undefined => doors.get(db);

/**
 * drizzle's own transaction classes, built over a client of our choosing: the same construction
 * `PostgresJsSession.transaction` does inside `sql.begin`, so a `Tx` from here behaves like one
 * from `db.transaction` (relational queries included).
 */
export function drizzleTransactionFactory(db: Database): (client: Sql) => Tx {
  const { dialect, session } = db as unknown as {
    dialect: PgDialect;
    session: { schema: unknown; options: unknown };
  };
  type Schema = ConstructorParameters<typeof PostgresJsTransaction>[2];
  type Options = ConstructorParameters<typeof PostgresJsSession>[3];
  const schema = session.schema as Schema;
  const options = session.options as Options;
  return (client) => {
    // drizzle types a transaction's client as postgres.js's TransactionSql, which this is at run time.
    const txSession = new PostgresJsSession(client, dialect, schema, options);
    return new PostgresJsTransaction(dialect, txSession as never, schema) as unknown as Tx;
  };
}

/** A postgres.js query not yet awaited. `handle()` hands it to its connection (postgres.js 3.4). */
interface PendingQuery extends Promise<unknown> {
  handle?: () => Promise<unknown>;
}

/**
 * Resolves once `query` is in its connection's FIFO: written to the connection's output, or queued
 * on the reserved connection behind what was written before. Every later query on the same
 * connection goes out after it. postgres.js's `handle()` does exactly that (it is what `.then()`
 * calls, one microtask later); without it, wait for the answer instead, which keeps the order at
 * the cost of a round trip.
 */
async function handOver(query: PendingQuery): Promise<void> {
  if (typeof query.handle === 'function') await query.handle();
  else await query;
}

/** The server answered with an error: the connection is fine and its transaction state known. */
const answeredByServer = (error: unknown) => error instanceof postgres.PostgresError;

/**
 * The connection itself failed (closed, reset, destroyed): postgres.js has handed it back to its
 * pool, and nothing more may be sent through the reservation, not even ROLLBACK.
 */
const connectionLost = (error: unknown) =>
  !answeredByServer(error) && typeof error === 'object' && error !== null && 'errno' in error;

/**
 * A drizzle-facing client over one reserved connection: prepared statements as the pool has them,
 * and `savepoint` (which postgres.js offers only inside `sql.begin`) for drizzle's nested
 * `tx.transaction`.
 */
function transactionClient(door: PostgresDoor, connection: postgres.ReservedSql): Sql {
  const client = door.wrap(connection);
  let savepoints = 0;
  const savepoint = async (work: (sql: Sql) => unknown) => {
    const name = `s${savepoints++}`;
    await client.unsafe(`savepoint ${name}`);
    try {
      return await work(withSavepoint);
    } catch (error) {
      await client.unsafe(`rollback to savepoint ${name}`);
      throw error;
    }
  };
  const withSavepoint: Sql = new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'savepoint' ? savepoint : Reflect.get(target, property, receiver),
  });
  return withSavepoint;
}

/**
 * One transaction on a reserved connection with BEGIN, the context statement and the work's
 * first query written together: BEGIN and the context statement are handed to the connection
 * before `work` is called, and postgres.js sends a connection's queries in the order they were
 * handed to it, so nothing of the work can reach the server before its context. Then COMMIT.
 *
 * If BEGIN or the context statement fails, PostgreSQL refuses every later statement of the
 * transaction ("current transaction is aborted"), so the work sees errors, never rows read
 * without context; that failure is what this rejects with, after ROLLBACK.
 *
 * `work` gets the context statement's rows as a promise: it may start its queries at once (they
 * queue behind the context statement) or wait for them first.
 */
export async function pipelinedTransaction<T>(
  door: PostgresDoor,
  context: ContextStatement,
  work: (tx: Tx, contextRows: Promise<Row[]>) => Promise<T>,
): Promise<T> {
  const connection = await door.reserve();
  const client = transactionClient(door, connection);
  // The transaction is over (committed or rolled back) and the connection idle: it may go back.
  let ended = false;
  const end = async (statement: 'commit' | 'rollback') => {
    try {
      await client.unsafe(statement);
      ended = true;
    } catch (error) {
      // A refused COMMIT (a deferred constraint, a serialization failure) ends the transaction too.
      if (answeredByServer(error)) ended = true;
      throw error;
    }
  };
  try {
    let result: T;
    let opened: Promise<Row[]> | null = null;
    try {
      const begin: PendingQuery = client.unsafe('begin');
      await handOver(begin);
      const statement: PendingQuery = client.unsafe(context.text, context.params as never[]);
      await handOver(statement);
      opened = Promise.all([begin, statement]).then(([, rows]) => rows as Row[]);
      // Observed below; a work that fails before reading them must not leave a rejection unhandled.
      opened.catch(() => {});
      result = await work(door.transaction(client), opened);
      await opened;
    } catch (error) {
      // When the transaction did not open, that is the cause; the work then only saw "current
      // transaction is aborted".
      const cause = opened
        ? await opened.then(
            () => error,
            (failure: unknown) => failure,
          )
        : error;
      // After a lost connection nothing more goes through the reservation: postgres.js has
      // already handed the connection back to its pool.
      if (!connectionLost(error) && !connectionLost(cause)) await end('rollback').catch(() => {});
      throw cause;
    }
    await end('commit');
    return result;
  } finally {
    if (ended) connection.release();
  }
}
