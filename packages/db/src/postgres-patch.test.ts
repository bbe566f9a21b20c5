import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/**
 * What patches/postgres@3.4.9.patch changes in postgres.js, tested on the copies Node loads
 * (ESM `src/` and CommonJS `cjs/src/`). See docs/adr/0010-pipelined-door.md.
 */

interface Queue<T> {
  readonly length: number;
  push(x: T): T;
  shift(): T | undefined;
  remove(x: T): T | null;
}
type QueueFactory = <T>(initial?: T[]) => Queue<T>;

const require = createRequire(import.meta.url);
/** postgres.js's `exports` hide its internal files; its directory does not. */
const packageDir = join(dirname(require.resolve('postgres')), '..', '..');

async function queueCopies(): Promise<[string, QueueFactory][]> {
  const esm = (await import(pathToFileURL(join(packageDir, 'src/queue.js')).href)) as {
    default: QueueFactory;
  };
  const cjs = require(join(packageDir, 'cjs/src/queue.js')) as QueueFactory;
  return [
    ['src/queue.js', esm.default],
    ['cjs/src/queue.js', cjs],
  ];
}

/**
 * Runs `work` and returns the largest array `Array.prototype.indexOf` was called on meanwhile:
 * the queue's internal array, holes included, since `remove` looks its entry up with indexOf.
 */
function largestSearched(work: () => void): number {
  const indexOf = Array.prototype.indexOf;
  let largest = 0;
  Array.prototype.indexOf = function (this: unknown[], ...args: Parameters<typeof indexOf>) {
    largest = Math.max(largest, this.length);
    return indexOf.apply(this, args);
  };
  try {
    work();
  } finally {
    Array.prototype.indexOf = indexOf;
  }
  return largest;
}

describe('postgres.js Queue (patched)', () => {
  it('keeps its array bounded when it never empties, in both copies Node loads', async () => {
    for (const [file, Queue] of await queueCopies()) {
      // The pool's busy queue under load: a connection is shifted off, moved (remove misses, since
      // it was shifted already) and pushed back, while others stay queued.
      const busy = Queue<number>([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const largest = largestSearched(() => {
        for (let i = 0; i < 100_000; i++) {
          const c = busy.shift() as number;
          busy.remove(c);
          busy.push(c);
        }
      });
      expect(busy.length, file).toBe(10);
      // Unpatched, every shift leaves a hole and the array reaches 100,010 entries.
      expect(largest, file).toBeLessThan(200);
    }
  });

  it('still behaves as a FIFO with removal', async () => {
    for (const [file, Queue] of await queueCopies()) {
      const q = Queue<number>();
      const model: number[] = [];
      let next = 0;
      for (let i = 0; i < 20_000; i++) {
        const op = (i * 7919) % 10;
        if (op < 5) model.push(q.push(next++));
        else if (op < 8) expect(q.shift(), file).toBe(model.shift());
        else {
          const victim = model[Math.floor(model.length / 2)];
          if (victim === undefined) expect(q.remove(-1), file).toBeNull();
          else {
            expect(q.remove(victim), file).toBe(victim);
            model.splice(model.indexOf(victim), 1);
          }
        }
        expect(q.length, file).toBe(model.length);
      }
      while (model.length) expect(q.shift(), file).toBe(model.shift());
    }
  });
});

describe('postgres.js reservations whose connection is lost (patched)', () => {
  const url = inject('postgresUrl');
  let admin: postgres.Sql;
  let pool: postgres.Sql;
  beforeAll(() => {
    admin = postgres(url, { max: 1, onnotice: () => {} });
    pool = postgres(url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await pool.end({ timeout: 1 });
    await admin.end({ timeout: 1 });
  });

  const kill = async (pid: number) => {
    await admin`select pg_terminate_backend(${pid})`;
    // Let the client see the socket close.
    await new Promise((resolve) => setTimeout(resolve, 100));
  };

  // Unpatched, a query sent after the close crashed the process (a write on a null socket, from
  // setImmediate), or, had the pool already reconnected, ran on someone else's session.
  it('sql.reserve(): later queries reject, release is harmless, the pool carries on', async () => {
    const reserved = await pool.reserve();
    const [self] = await reserved`select pg_backend_pid() as pid`;
    await kill(self?.pid);
    await expect(reserved`select 1`).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    reserved.release();
    expect(await pool`select 2 as x`).toEqual([{ x: 2 }]);
  });

  it('sql.begin(): later queries of the transaction reject, the pool carries on', async () => {
    // sql.begin rejects as soon as the connection closes; the callback runs on and queries again.
    let late: Promise<unknown> = Promise.resolve('not reached');
    const transaction = pool.begin(async (tx) => {
      const [self] = await tx`select pg_backend_pid() as pid`;
      await kill(self?.pid);
      late = tx`select 1`.then(
        () => 'ran',
        (error: { code?: string }) => error.code,
      );
      return late;
    });
    await expect(transaction).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await late).toBe('CONNECTION_CLOSED');
    expect(await pool`select 3 as x`).toEqual([{ x: 3 }]);
  });
});
