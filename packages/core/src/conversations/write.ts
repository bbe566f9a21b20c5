import { randomUUID } from 'node:crypto';
import { and, eq, schema, sql } from '@foyer/db';
import { z } from 'zod';
import { type Ctx, type Person, personOf, record, type TxCtx, teamMemberOf, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { id, line, lines, optionalId, parseInput } from '../input';
import { postComment } from '../tasks/comments';
import {
  CONVERSATION_KINDS,
  clientPermissions,
  isTeam,
  MESSAGE_MAX_LENGTH,
  MESSAGE_NOT_FOUND,
  type PersonChip,
  REACTIONS,
  readableThread,
  THREAD_NOT_FOUND,
  type ThreadRef,
} from './common';
import { type Candidate, candidates } from './read';

/**
 * Writing conversations: the team starts them and chooses who is in them; everyone in one posts,
 * answers, mentions, edits and deletes their own messages, reacts and marks what they have read.
 * What a message does beyond itself (the thread's latest time, telling the people it mentions,
 * emailing participants who are away, the live events) happens in the database's triggers, in
 * the same transaction.
 */

const { messageReactions, messages, threadParticipants, threads, users } = schema;

const TEAM_ONLY = 'Only the team can do this.';
const OWN_ONLY = 'You can only change your own messages.';
const NO_MESSAGES = 'You can’t send messages here. Ask the team if you need to.';

const body = lines(MESSAGE_MAX_LENGTH)
  .transform((value) => value.trim())
  .refine((value) => value.length > 0, 'Write something first.');
const title = line(200).refine((value) => value.length > 0, 'Give the conversation a subject.');
/** Ids from a form (one or many) or JSON, without repeats. */
const idList = (what: string, max: number) =>
  z
    .union([id(what), z.array(id(what)).max(max, `Choose at most ${max}.`)])
    .optional()
    .transform((value) => [...new Set(value === undefined ? [] : Array.isArray(value) ? value : [value])]);

export const startConversationInput = z.object({
  kind: z.enum(CONVERSATION_KINDS, 'Choose what kind of conversation it is.'),
  title,
  projectId: optionalId('project'),
  people: idList('person', 100),
  body: z
    .union([body, z.literal('')])
    .optional()
    .transform((value) => value || null),
});
export const participantsInput = z.object({ threadId: id('conversation'), people: idList('person', 100) });
export const removeParticipantInput = z.object({ threadId: id('conversation'), userId: id('person') });
export const renameInput = z.object({ threadId: id('conversation'), title });
export const postMessageInput = z.object({
  threadId: id('conversation'),
  body,
  replyToId: optionalId('message'),
  mentions: idList('person', 50),
  /** Task threads only: whether the team's comment is shared with the project's clients. */
  clientVisible: z
    .union([z.boolean(), z.enum(['yes', 'on', 'true', 'no', 'off', 'false', ''])])
    .optional()
    .transform((value) => value === true || value === 'yes' || value === 'on' || value === 'true'),
});
export const editMessageInput = z.object({ id: id('message'), body });
export const messageIdInput = z.object({ id: id('message') });
export const reactionInput = z.object({
  id: id('message'),
  emoji: z.enum(REACTIONS, 'Choose one of the reactions offered.'),
});
export const threadIdInput = z.object({ threadId: id('conversation') });

// ---- who is in a conversation -------------------------------------------------------------------

/** The people to add, each one the team may bring into a conversation of this kind. */
function chosen(all: Candidate[], ids: string[], kind: string): Candidate[] {
  const byId = new Map(all.map((c) => [c.id, c]));
  const picked: Candidate[] = [];
  for (const personId of ids) {
    const person = byId.get(personId);
    if (!person)
      throw invalid({
        people:
          kind === 'internal'
            ? 'Internal chats are for the team: choose team members only.'
            : 'Someone you chose can’t join this conversation (a client needs messages on, and a project discussion’s clients must be on the project).',
      });
    picked.push(person);
  }
  return picked;
}

/** Keeps `threads.people` (what everyone in it sees) equal to the participant rows. */
async function refreshPeople(ctx: TxCtx, threadId: string): Promise<PersonChip[]> {
  const rows = await ctx.tx
    .select({ id: threadParticipants.userId, name: threadParticipants.shownName, role: users.role })
    .from(threadParticipants)
    .innerJoin(
      users,
      and(eq(users.tenantId, threadParticipants.tenantId), eq(users.id, threadParticipants.userId)),
    )
    .where(eq(threadParticipants.threadId, threadId))
    .orderBy(sql`${users.role} = 'client'`, threadParticipants.shownName);
  const people = rows.map((r) => ({ id: r.id, name: r.name, client: r.role === 'client' }));
  await ctx.tx
    .update(threads)
    .set({ people: sql`${JSON.stringify(people)}::jsonb` })
    .where(eq(threads.id, threadId));
  return people;
}

async function addPeople(ctx: TxCtx, me: Person, threadId: string, people: Candidate[]): Promise<void> {
  if (people.length === 0) return;
  await ctx.tx
    .insert(threadParticipants)
    .values(
      people.map((p) => ({
        tenantId: me.tenantId,
        threadId,
        userId: p.id,
        shownName: p.shownName,
        addedBy: me.userId,
      })),
    )
    .onConflictDoNothing();
}

/** The conversation, as one the team may manage (not a task's thread). */
async function managedThread(
  ctx: TxCtx,
  threadId: string,
): Promise<ThreadRef & { kind: 'project' | 'direct' | 'internal' }> {
  const thread = await readableThread(ctx, threadId);
  if (thread.kind === 'task') throw new CoreError('not_found', THREAD_NOT_FOUND);
  return thread as ThreadRef & { kind: 'project' | 'direct' | 'internal' };
}

function checkShape(kind: string, people: Candidate[]): void {
  if (kind === 'direct' && people.filter((p) => p.client).length !== 1)
    throw invalid({ people: 'A direct message is with one client: choose exactly one.' });
}

/**
 * The team starts a conversation: a project discussion (with people of the project), a direct
 * message (one client and team members, no project) or an internal chat (team only, optionally
 * about a project). Its maker takes part; a first message may come with it.
 */
export async function startConversation({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof startConversationInput>;
}): Promise<{ id: string }> {
  const me = teamMemberOf(ctx, 'Only the team starts conversations.');
  const data = parseInput(startConversationInput, input);
  if (data.kind === 'project' && !data.projectId) throw invalid({ projectId: 'Choose the project.' });
  if (data.kind === 'direct' && data.projectId)
    throw invalid({ projectId: 'A direct message belongs to no project.' });
  return transact(ctx, async (ctx) => {
    if (data.projectId) {
      const [project] = await ctx.tx
        .select({ id: schema.projects.id })
        .from(schema.projects)
        .where(eq(schema.projects.id, data.projectId));
      // Admins reach every project, staff their own (the threads' policy agrees).
      const reaches =
        project &&
        (me.kind === 'admin' ||
          (
            await ctx.tx
              .select({ id: schema.projectStaff.userId })
              .from(schema.projectStaff)
              .where(
                and(
                  eq(schema.projectStaff.projectId, data.projectId),
                  eq(schema.projectStaff.userId, me.userId),
                ),
              )
          ).length > 0);
      if (!reaches) throw invalid({ projectId: 'That project doesn’t exist, or you’re not on it.' });
    }
    const all = await candidates(ctx.tx, data.kind, data.projectId);
    const people = chosen(
      all,
      data.people.filter((p) => p !== me.userId),
      data.kind,
    );
    checkShape(data.kind, people);
    const self = all.find((c) => c.id === me.userId);
    if (!self) throw new CoreError('forbidden', TEAM_ONLY);
    const threadId = randomUUID();
    await ctx.tx.insert(threads).values({
      tenantId: me.tenantId,
      id: threadId,
      kind: data.kind,
      title: data.title,
      projectId: data.projectId,
      createdBy: me.userId,
    });
    await addPeople(ctx, me, threadId, [self, ...people]);
    await refreshPeople(ctx, threadId);
    await record(ctx, {
      verb: 'conversation.start',
      subject: { type: 'thread', id: threadId },
      projectId: data.projectId,
      data: { kind: data.kind, people: people.length },
    });
    if (data.body) await postMessage({ ctx, input: { threadId, body: data.body } });
    return { id: threadId };
  });
}

/** The team brings more people into a conversation. */
export async function addParticipants({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof participantsInput>;
}): Promise<void> {
  const me = teamMemberOf(ctx, TEAM_ONLY);
  const data = parseInput(participantsInput, input);
  if (data.people.length === 0) throw invalid({ people: 'Choose someone to add.' });
  await transact(ctx, async (ctx) => {
    const thread = await managedThread(ctx, data.threadId);
    const people = chosen(await candidates(ctx.tx, thread.kind, thread.projectId), data.people, thread.kind);
    const present = new Set(thread.people.map((p) => p.id));
    const fresh = people.filter((p) => !present.has(p.id));
    if (thread.kind === 'direct' && fresh.some((p) => p.client))
      throw invalid({ people: 'A direct message is with one client.' });
    await addPeople(ctx, me, thread.id, fresh);
    await refreshPeople(ctx, thread.id);
    await record(ctx, {
      verb: 'conversation.people_add',
      subject: { type: 'thread', id: thread.id },
      projectId: thread.projectId,
      data: { people: fresh.map((p) => p.id) },
    });
  });
}

/** The team takes someone out of a conversation (themselves included: leaving it). */
export async function removeParticipant({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof removeParticipantInput>;
}): Promise<void> {
  teamMemberOf(ctx, TEAM_ONLY);
  const data = parseInput(removeParticipantInput, input);
  await transact(ctx, async (ctx) => {
    const thread = await managedThread(ctx, data.threadId);
    if (!thread.people.some((p) => p.id === data.userId))
      throw new CoreError('not_found', 'That person isn’t in this conversation.');
    if (thread.kind === 'direct' && thread.people.find((p) => p.id === data.userId)?.client)
      throw new CoreError(
        'conflict',
        'A direct message keeps its client. Start another conversation instead.',
      );
    await ctx.tx
      .delete(threadParticipants)
      .where(and(eq(threadParticipants.threadId, thread.id), eq(threadParticipants.userId, data.userId)));
    await refreshPeople(ctx, thread.id);
    await record(ctx, {
      verb: 'conversation.people_remove',
      subject: { type: 'thread', id: thread.id },
      projectId: thread.projectId,
      data: { userId: data.userId },
    });
  });
}

/** The team renames a conversation. */
export async function renameConversation({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof renameInput>;
}): Promise<void> {
  teamMemberOf(ctx, TEAM_ONLY);
  const data = parseInput(renameInput, input);
  await transact(ctx, async (ctx) => {
    const thread = await managedThread(ctx, data.threadId);
    await ctx.tx.update(threads).set({ title: data.title }).where(eq(threads.id, thread.id));
    await record(ctx, {
      verb: 'conversation.rename',
      subject: { type: 'thread', id: thread.id },
      projectId: thread.projectId,
      data: { title: data.title },
    });
  });
}

// ---- messages -----------------------------------------------------------------------------------

/** Marks the thread read up to now for this person (their own message, or opening it). */
async function markRead(ctx: TxCtx, me: Person, threadId: string): Promise<void> {
  await ctx.tx.execute(
    sql`insert into app.thread_reads (tenant_id, thread_id, user_id, read_at)
        values (${me.tenantId}::uuid, ${threadId}::uuid, ${me.userId}::uuid, now())
        on conflict (tenant_id, user_id, thread_id) do update set read_at = excluded.read_at`,
  );
}

/**
 * Posts a message: in a conversation, seen by everyone in it (never by clients in an internal
 * chat), under the name it shows its author by; in a task's thread, a comment (the task's rules).
 * It may answer a message of the same thread and mention people who may read it.
 */
export async function postMessage({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof postMessageInput>;
}): Promise<{ id: string }> {
  const me = personOf(ctx);
  const data = parseInput(postMessageInput, input);
  return transact(ctx, async (ctx) => {
    const thread = await readableThread(ctx, data.threadId);
    if (thread.kind === 'task' && thread.taskId) {
      return postComment({
        ctx,
        input: { taskId: thread.taskId, body: data.body, clientVisible: data.clientVisible },
      });
    }
    if (data.replyToId) {
      const [answered] = await ctx.tx
        .select({ id: messages.id })
        .from(messages)
        .where(and(eq(messages.id, data.replyToId), eq(messages.threadId, thread.id)));
      if (!answered) throw invalid({ replyToId: 'That message isn’t in this conversation.' });
    }
    const addressable = new Set(thread.people.map((p) => p.id));
    const mentions = data.mentions.filter((p) => addressable.has(p) && p !== me.userId);
    const messageId = randomUUID();
    if (isTeam(me)) {
      const [self] = await ctx.tx
        .select({ name: users.name })
        .from(users)
        .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
      await ctx.tx.insert(messages).values({
        tenantId: me.tenantId,
        id: messageId,
        threadId: thread.id,
        authorId: me.userId,
        authorName: self?.name ?? 'The team',
        body: data.body,
        clientVisible: thread.kind !== 'internal',
        replyToId: data.replyToId,
        mentions,
      });
    } else {
      if (!(await clientPermissions(ctx, me)).includes('messages'))
        throw new CoreError('forbidden', NO_MESSAGES);
      const [self] = await ctx.tx
        .select({ shownName: threadParticipants.shownName })
        .from(threadParticipants)
        .where(and(eq(threadParticipants.threadId, thread.id), eq(threadParticipants.userId, me.userId)));
      if (!self) throw new CoreError('not_found', THREAD_NOT_FOUND);
      // Only the columns a client may write, named one by one.
      await ctx.tx.execute(
        sql`insert into app.messages (tenant_id, id, thread_id, author_id, author_name, body, client_visible, reply_to_id, mentions)
            values (${me.tenantId}::uuid, ${messageId}::uuid, ${thread.id}::uuid, ${me.userId}::uuid, ${self.shownName},
              ${data.body}, true, ${data.replyToId}::uuid, ${`{${mentions.join(',')}}`}::uuid[])`,
      );
    }
    await markRead(ctx, me, thread.id);
    await record(ctx, {
      verb: 'message.post',
      subject: { type: 'message', id: messageId },
      projectId: thread.projectId,
      data: {
        threadId: thread.id,
        kind: thread.kind,
        mentions: mentions.length,
        reply: data.replyToId !== null,
      },
    });
    return { id: messageId };
  });
}

interface OwnMessage {
  id: string;
  thread: ThreadRef;
}

/** One's own message, still there, in a thread one may still write in. */
async function ownMessage(ctx: TxCtx, me: Person, messageId: string): Promise<OwnMessage> {
  const [row] = await ctx.tx
    .select({
      id: messages.id,
      threadId: messages.threadId,
      authorId: messages.authorId,
      deletedAt: messages.deletedAt,
    })
    .from(messages)
    .where(eq(messages.id, messageId));
  if (!row) throw new CoreError('not_found', MESSAGE_NOT_FOUND);
  const thread = await readableThread(ctx, row.threadId).catch(() => {
    throw new CoreError('not_found', MESSAGE_NOT_FOUND);
  });
  if (row.authorId !== me.userId) throw new CoreError('forbidden', OWN_ONLY);
  if (row.deletedAt) throw new CoreError('conflict', 'That message was deleted.');
  if (!isTeam(me)) {
    const needs = thread.kind === 'task' ? 'tasks.comment' : 'messages';
    if (!(await clientPermissions(ctx, me)).includes(needs)) throw new CoreError('forbidden', NO_MESSAGES);
  }
  return { id: row.id, thread };
}

/** Changes the text of one's own message; it shows as edited. */
export async function editMessage({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof editMessageInput>;
}): Promise<void> {
  const me = personOf(ctx);
  const data = parseInput(editMessageInput, input);
  await transact(ctx, async (ctx) => {
    const message = await ownMessage(ctx, me, data.id);
    await ctx.tx
      .update(messages)
      .set({ body: data.body, editedAt: sql`now()` })
      .where(eq(messages.id, message.id));
    await record(ctx, {
      verb: 'message.edit',
      subject: { type: 'message', id: message.id },
      projectId: message.thread.projectId,
      data: { threadId: message.thread.id },
    });
  });
}

/** Deletes one's own message: its text goes, a "Message deleted" marker stays in its place. */
export async function deleteMessage({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof messageIdInput>;
}): Promise<void> {
  const me = personOf(ctx);
  const { id: messageId } = parseInput(messageIdInput, input);
  await transact(ctx, async (ctx) => {
    const message = await ownMessage(ctx, me, messageId);
    await ctx.tx.update(messages).set({ body: '', deletedAt: sql`now()` }).where(eq(messages.id, message.id));
    await record(ctx, {
      verb: 'message.delete',
      subject: { type: 'message', id: message.id },
      projectId: message.thread.projectId,
      data: { threadId: message.thread.id },
    });
  });
}

/** Adds this person's reaction to a message, or takes it back when it is there. */
export async function toggleReaction({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof reactionInput>;
}): Promise<{ reacted: boolean }> {
  const me = personOf(ctx);
  const data = parseInput(reactionInput, input);
  return transact(ctx, async (ctx) => {
    const [row] = await ctx.tx
      .select({ threadId: messages.threadId, deletedAt: messages.deletedAt })
      .from(messages)
      .where(eq(messages.id, data.id));
    if (!row) throw new CoreError('not_found', MESSAGE_NOT_FOUND);
    const thread = await readableThread(ctx, row.threadId).catch(() => {
      throw new CoreError('not_found', MESSAGE_NOT_FOUND);
    });
    if (row.deletedAt) throw new CoreError('conflict', 'That message was deleted.');
    if (!isTeam(me) && (thread.kind === 'task' || !(await clientPermissions(ctx, me)).includes('messages')))
      throw new CoreError('forbidden', 'You can’t react here.');
    const removed = await ctx.tx
      .delete(messageReactions)
      .where(
        and(
          eq(messageReactions.messageId, data.id),
          eq(messageReactions.userId, me.userId),
          eq(messageReactions.emoji, data.emoji),
        ),
      )
      .returning({ emoji: messageReactions.emoji });
    if (removed.length === 0) {
      await ctx.tx.execute(
        sql`insert into app.message_reactions (tenant_id, message_id, user_id, emoji)
            values (${me.tenantId}::uuid, ${data.id}::uuid, ${me.userId}::uuid, ${data.emoji})
            on conflict do nothing`,
      );
    }
    await record(ctx, {
      verb: removed.length === 0 ? 'message.react' : 'message.unreact',
      subject: { type: 'message', id: data.id },
      projectId: thread.projectId,
      data: { emoji: data.emoji },
    });
    return { reacted: removed.length === 0 };
  });
}

/** Marks a thread read up to now (opening it); reading is not activity: nothing is recorded. */
export async function markThreadRead({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof threadIdInput>;
}): Promise<void> {
  const me = personOf(ctx);
  if (ctx.previewBy) return;
  const { threadId } = parseInput(threadIdInput, input);
  await transact(ctx, async (ctx) => {
    const thread = await readableThread(ctx, threadId);
    await markRead(ctx, me, thread.id);
  });
}

/**
 * Who is typing in a thread, as the thread shows them: a team member by their name, a client by
 * the name the agency chose. Checks the person reads the thread; nothing is written.
 */
export async function typingAs({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof threadIdInput>;
}): Promise<{ tenantId: string; threadId: string; userId: string; name: string }> {
  const me = personOf(ctx);
  const { threadId } = parseInput(threadIdInput, input);
  return transact(ctx, async (ctx) => {
    const thread = await readableThread(ctx, threadId);
    let name = thread.people.find((p) => p.id === me.userId)?.name;
    if (!name && isTeam(me)) {
      const [self] = await ctx.tx
        .select({ name: users.name })
        .from(users)
        .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
      name = self?.name;
    }
    return { tenantId: me.tenantId, threadId: thread.id, userId: me.userId, name: name ?? 'A client' };
  });
}
