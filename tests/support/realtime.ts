import { randomUUID } from 'node:crypto';
import { sql, withActor } from '@foyer/db';
import type { PersonActor } from './auth';
import type { TestDatabase } from './databases';

/**
 * Conversations and live streams for the realtime tests. Conversations are made as their people
 * through `withActor` with plain SQL, under the same policies the conversation verbs meet: a team
 * member starts a project discussion (made by themselves, with a title) and adds participants
 * with the names the thread shows; a message in it is client-visible, and a client's carries the
 * shown name the policy checks.
 */

export interface Participant {
  actor: PersonActor;
  shownName: string;
}

/** A project discussion started by `by` (a team member) with these participants (`by` included). */
export async function startConversation(
  t: Pick<TestDatabase, 'handle'>,
  by: PersonActor,
  projectId: string,
  people: readonly Participant[],
  title = 'Launch plans',
): Promise<string> {
  const threadId = randomUUID();
  const peopleJson = JSON.stringify(
    people.map((p) => ({ id: p.actor.userId, name: p.shownName, client: p.actor.kind === 'client' })),
  );
  await withActor(t.handle.db, by, async (tx) => {
    await tx.execute(
      sql`insert into app.threads (tenant_id, id, kind, project_id, title, created_by, people)
          values (${by.tenantId}, ${threadId}, 'project', ${projectId}, ${title}, ${by.userId}, ${peopleJson}::jsonb)`,
    );
    for (const person of people) {
      await tx.execute(
        sql`insert into app.thread_participants (tenant_id, thread_id, user_id, shown_name, added_by)
            values (${by.tenantId}, ${threadId}, ${person.actor.userId}, ${person.shownName}, ${by.userId})`,
      );
    }
  });
  return threadId;
}

/** Posts a client-visible message in a conversation as `by`, named as the thread shows them. */
export async function postMessage(
  t: Pick<TestDatabase, 'handle'>,
  by: PersonActor,
  threadId: string,
  shownName: string,
  body = 'Hello there',
): Promise<string> {
  const messageId = randomUUID();
  await withActor(t.handle.db, by, async (tx) => {
    await tx.execute(
      sql`insert into app.messages (tenant_id, id, thread_id, author_id, author_name, body, client_visible)
          values (${by.tenantId}, ${messageId}, ${threadId}, ${by.userId}, ${shownName}, ${body}, true)`,
    );
  });
  return messageId;
}

/** One server-sent event as a browser's EventSource would dispatch it. */
export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/** Parses one block of lines (between blank lines); null for comments and `retry:` alone. */
function parseBlock(block: string): SseEvent | null {
  let id: string | null = null;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length > 0 ? { id, event, data: data.join('\n') } : null;
}

/**
 * Reads a `text/event-stream` body event by event, each wait with a deadline. A read left pending
 * by a deadline is picked up by the next wait, so nothing is lost between them.
 */
export function sseReader(body: ReadableStream<Uint8Array> | null) {
  if (!body) throw new Error('the response has no body');
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let pending: ReturnType<typeof reader.read> | null = null;
  let done = false;
  const ready: SseEvent[] = [];

  const take = (): boolean => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end === -1) return ready.length > 0;
      const event = parseBlock(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (event) ready.push(event);
    }
  };

  /** The next event, or a rejection after `timeoutMs`. */
  const next = async (timeoutMs = 5_000): Promise<SseEvent> => {
    const deadline = Date.now() + timeoutMs;
    while (!take()) {
      if (done) throw new Error('the stream ended');
      pending ??= reader.read();
      const left = deadline - Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), Math.max(0, left));
      });
      const result = await Promise.race([pending, timeout]);
      clearTimeout(timer);
      if (result === 'timeout') throw new Error(`no event within ${timeoutMs} ms`);
      pending = null;
      if (result.done) done = true;
      else buffer += decoder.decode(result.value, { stream: true }).replace(/\r\n?/g, '\n');
    }
    return ready.shift() as SseEvent;
  };

  return {
    next,
    /**
     * The next event of this kind, with every event read before it (bell notices and read marks
     * come and go with messages).
     */
    async nextOf(kind: string, timeoutMs = 5_000): Promise<{ event: SseEvent; before: SseEvent[] }> {
      const deadline = Date.now() + timeoutMs;
      const before: SseEvent[] = [];
      for (;;) {
        const event = await next(Math.max(1, deadline - Date.now()));
        if (event.event === kind) return { event, before };
        before.push(event);
      }
    },
    /** Resolves once the server has ended the stream (rejects after `timeoutMs`). */
    async ended(timeoutMs = 5_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          await next(Math.max(1, deadline - Date.now()));
        } catch (error) {
          if (done) return;
          throw error;
        }
      }
    },
    close: () => reader.cancel().catch(() => {}),
  };
}

export type SseReader = ReturnType<typeof sseReader>;
