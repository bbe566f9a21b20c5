import { and, eq, schema } from '@foyer/db';
import { z } from 'zod';
import { type Ctx, personOf, transact } from '../ctx';
import { CoreError } from '../errors';
import { id, parseInput } from '../input';

const { threadParticipants, threads, users } = schema;

export const typingInput = z.object({ threadId: id('conversation') });

/** Who is typing where, for the server to announce to the thread's other readers. */
export interface Typing {
  tenantId: string;
  threadId: string;
  userId: string;
  /** The typer's name as the thread shows them to everyone who reads it. */
  name: string;
}

/** What a client who has no shown name in a thread is called while typing there. */
const UNNAMED_CLIENT = 'A client';

/**
 * Says who is typing in a thread the person reads, under their own policies (404 otherwise):
 * a team member by their own name, a client by the name the agency chose for them in that thread.
 * Writes nothing; the server announces it to the thread's other readers.
 */
export async function typingAs({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof typingInput>;
}): Promise<Typing> {
  const me = personOf(ctx);
  const { threadId } = parseInput(typingInput, input);
  return transact(ctx, async ({ tx }) => {
    const [thread] = await tx
      .select({ id: threads.id })
      .from(threads)
      .where(and(eq(threads.tenantId, me.tenantId), eq(threads.id, threadId)));
    if (!thread) throw new CoreError('not_found', 'That conversation doesn’t exist.');
    const [named] =
      me.kind === 'client'
        ? await tx
            .select({ name: threadParticipants.shownName })
            .from(threadParticipants)
            .where(
              and(
                eq(threadParticipants.tenantId, me.tenantId),
                eq(threadParticipants.threadId, threadId),
                eq(threadParticipants.userId, me.userId),
              ),
            )
        : await tx
            .select({ name: users.name })
            .from(users)
            .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
    const name = named?.name ?? (me.kind === 'client' ? UNNAMED_CLIENT : 'Someone');
    return { tenantId: me.tenantId, threadId, userId: me.userId, name };
  });
}
