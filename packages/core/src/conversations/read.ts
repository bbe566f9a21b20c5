import { and, asc, desc, eq, inArray, isNull, lt, or, schema, sql } from '@foyer/db';
import { z } from 'zod';
import { type Ctx, type Person, personOf, teamMemberOf, transact } from '../ctx';
import { CoreError } from '../errors';
import { id, optionalId, parseInput } from '../input';
import {
  CONVERSATION_KINDS,
  type ConversationKind,
  clientPermissions,
  excerptOf,
  isTeam,
  MESSAGE_NOT_FOUND,
  type MessageItem,
  messageColumns,
  messageItems,
  type PersonChip,
  peopleByIds,
  readableThread,
  teamName,
} from './common';

/**
 * Reading conversations: the person's list with unread counts, one conversation a page at a
 * time, one message (for live updates), and who the team may bring into a conversation.
 */

const { clients, messages, projectClients, projects, threadParticipants, threadReads, threads, users } =
  schema;

/** Messages shown at once; older ones come a page at a time. */
export const MESSAGES_PER_PAGE = 50;
/** Conversations listed at once (the most recent first). */
export const CONVERSATIONS_LISTED = 200;

export interface ConversationSummary {
  id: string;
  kind: ConversationKind;
  title: string;
  projectId: string | null;
  projectName: string | null;
  people: PersonChip[];
  lastMessageAt: Date | null;
  lastExcerpt: string | null;
  lastAuthor: string | null;
  unread: number;
}

export interface ConversationView {
  id: string;
  kind: ConversationKind | 'task';
  title: string;
  projectId: string | null;
  projectName: string | null;
  taskId: string | null;
  people: PersonChip[];
  canPost: boolean;
  canManage: boolean;
  canAttach: boolean;
  /** Oldest first: the latest page, or the page before `before`. */
  messages: MessageItem[];
  /** Pass as `before` for the page of older messages; null when there are none. */
  before: string | null;
  /** Who this person may mention here. */
  mentionable: PersonChip[];
  /** The first message this person has not read (not their own), or null. */
  firstUnreadId: string | null;
}

const listInput = z.object({
  kind: z.enum(CONVERSATION_KINDS).optional(),
  projectId: optionalId('project'),
});

/** `author_id is distinct from me`, unread after the person's read mark. */
const unreadOf = (me: Person) => sql<number>`(select count(*)::int from app.messages um
  where um.tenant_id = ${threads.tenantId} and um.thread_id = ${threads.id}
    and um.author_id is distinct from ${me.userId}::uuid and um.deleted_at is null
    and um.created_at > coalesce((select r.read_at from app.thread_reads r
      where r.tenant_id = ${threads.tenantId} and r.thread_id = ${threads.id} and r.user_id = ${me.userId}::uuid), '-infinity'))`;

const mineOnly = (me: Person) =>
  or(
    eq(threads.createdBy, me.userId),
    sql`${threads.id} in (select tp.thread_id from app.thread_participants tp where tp.tenant_id = ${me.tenantId}::uuid and tp.user_id = ${me.userId}::uuid)`,
  );

/**
 * The person's conversations (project discussions, direct messages, internal chats), latest
 * first, with unread counts. With `projectId`: every discussion of that project they may read
 * (admins and the project's staff read them all; clients those they take part in).
 */
export async function listConversations({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: z.input<typeof listInput>;
}): Promise<ConversationSummary[]> {
  const me = personOf(ctx);
  const { kind, projectId } = parseInput(listInput, input);
  return transact(ctx, async ({ tx }) => {
    const rows = await tx
      .select({
        id: threads.id,
        kind: threads.kind,
        title: threads.title,
        projectId: threads.projectId,
        projectName: projects.name,
        people: threads.people,
        lastMessageAt: threads.lastMessageAt,
        createdAt: threads.createdAt,
        last: sql<{ body: string; author: string | null; mine: boolean } | null>`(select jsonb_build_object(
            'body', left(lm.body, 400), 'author', lm.author_name, 'mine', lm.author_id = ${me.userId}::uuid)
          from app.messages lm where lm.tenant_id = ${threads.tenantId} and lm.thread_id = ${threads.id}
            and lm.deleted_at is null order by lm.created_at desc, lm.id desc limit 1)`,
        unread: unreadOf(me),
      })
      .from(threads)
      .leftJoin(projects, and(eq(projects.tenantId, threads.tenantId), eq(projects.id, threads.projectId)))
      .where(
        and(
          inArray(threads.kind, kind ? [kind] : [...CONVERSATION_KINDS]),
          projectId ? eq(threads.projectId, projectId) : mineOnly(me),
        ),
      )
      .orderBy(sql`coalesce(${threads.lastMessageAt}, ${threads.createdAt}) desc`, desc(threads.id))
      .limit(CONVERSATIONS_LISTED);
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind as ConversationKind,
      title: row.title ?? '',
      projectId: row.projectId,
      projectName: row.projectName,
      people: (row.people as PersonChip[] | null) ?? [],
      lastMessageAt: row.lastMessageAt,
      lastExcerpt: row.last ? excerptOf(row.last.body) : null,
      lastAuthor: row.last ? (row.last.mine ? 'You' : (row.last.author ?? null)) : null,
      unread: Number(row.unread),
    }));
  });
}

/** How many messages the person has not read across the conversations they take part in. */
export async function unreadConversations({ ctx }: { ctx: Ctx }): Promise<number> {
  const me = personOf(ctx);
  const [row] = await transact(ctx, ({ tx }) =>
    tx
      .select({ n: sql<number>`count(*)::int` })
      .from(messages)
      .innerJoin(
        threadParticipants,
        and(
          eq(threadParticipants.tenantId, messages.tenantId),
          eq(threadParticipants.threadId, messages.threadId),
          eq(threadParticipants.userId, me.userId),
        ),
      )
      .leftJoin(
        threadReads,
        and(
          eq(threadReads.tenantId, messages.tenantId),
          eq(threadReads.threadId, messages.threadId),
          eq(threadReads.userId, me.userId),
        ),
      )
      .where(
        and(
          eq(messages.tenantId, me.tenantId),
          sql`${messages.authorId} is distinct from ${me.userId}::uuid`,
          isNull(messages.deletedAt),
          or(isNull(threadReads.readAt), sql`${messages.createdAt} > ${threadReads.readAt}`),
        ),
      ),
  );
  return Number(row?.n ?? 0);
}

const viewInput = z.object({ id: id('conversation'), before: optionalId('message') });

/**
 * One conversation as this person may see it: its latest messages (or those before `before`),
 * who is in it, who they may mention, and what they may do. A task's thread opens too (its
 * comments), under the same rules as the task page.
 */
export async function getConversation({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof viewInput>;
}): Promise<ConversationView> {
  const me = personOf(ctx);
  const { id: threadId, before } = parseInput(viewInput, input);
  return transact(ctx, async (ctx) => {
    const thread = await readableThread(ctx, threadId);
    const team = isTeam(me);
    let cursor: Date | null = null;
    let cursorId: string | null = null;
    if (before) {
      const [at] = await ctx.tx
        .select({ createdAt: messages.createdAt })
        .from(messages)
        .where(and(eq(messages.id, before), eq(messages.threadId, thread.id)));
      if (!at) throw new CoreError('not_found', MESSAGE_NOT_FOUND);
      cursor = at.createdAt;
      cursorId = before;
    }
    const page = await ctx.tx
      .select(messageColumns)
      .from(messages)
      .where(
        and(
          eq(messages.threadId, thread.id),
          cursor && cursorId
            ? or(
                lt(messages.createdAt, cursor),
                and(eq(messages.createdAt, cursor), lt(messages.id, cursorId)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(MESSAGES_PER_PAGE + 1);
    const rows = page.slice(0, MESSAGES_PER_PAGE).reverse();
    const items = await messageItems(ctx, me, rows);
    const permissions = team ? [] : await clientPermissions(ctx, me);
    const canPost = team || permissions.includes(thread.kind === 'task' ? 'tasks.comment' : 'messages');
    const canAttach =
      canPost &&
      (team ||
        (thread.kind === 'direct' ? permissions.includes('messages') : permissions.includes('files.upload')));
    const [read] = await ctx.tx
      .select({ readAt: threadReads.readAt })
      .from(threadReads)
      .where(and(eq(threadReads.threadId, thread.id), eq(threadReads.userId, me.userId)));
    const readAt = read?.readAt ?? null;
    const firstUnread = rows.find(
      (r) => r.authorId !== me.userId && r.deletedAt === null && (readAt === null || r.createdAt > readAt),
    );
    // The team knows who its clients are: their real names beside the company's.
    let people = thread.people;
    if (team && people.some((p) => p.client)) {
      const known = await peopleByIds(
        ctx.tx,
        people.filter((p) => p.client).map((p) => p.id),
      );
      people = people.map((p) => {
        const person = known.get(p.id);
        return person ? { ...p, name: teamName(person) } : p;
      });
    }
    return {
      id: thread.id,
      kind: thread.kind,
      title: thread.title,
      projectId: thread.projectId,
      projectName: thread.projectName,
      taskId: thread.taskId,
      people,
      canPost,
      canManage: team && thread.kind !== 'task',
      canAttach,
      messages: items,
      before: page.length > MESSAGES_PER_PAGE ? (rows[0]?.id ?? null) : null,
      mentionable: thread.kind === 'task' ? [] : people.filter((p) => p.id !== me.userId),
      firstUnreadId: firstUnread?.id ?? null,
    };
  });
}

/** One message as this person may see it, with its thread's id: what a live update fetches. */
export async function getMessage({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<MessageItem & { threadId: string }> {
  const me = personOf(ctx);
  const { id: messageId } = parseInput(z.object({ id: id('message') }), input);
  return transact(ctx, async (ctx) => {
    const [row] = await ctx.tx.select(messageColumns).from(messages).where(eq(messages.id, messageId));
    if (!row) throw new CoreError('not_found', MESSAGE_NOT_FOUND);
    await readableThread(ctx, row.threadId).catch(() => {
      throw new CoreError('not_found', MESSAGE_NOT_FOUND);
    });
    const [item] = await messageItems(ctx, me, [row]);
    if (!item) throw new CoreError('not_found', MESSAGE_NOT_FOUND);
    return { ...item, threadId: row.threadId };
  });
}

const candidatesInput = z.object({ kind: z.enum(CONVERSATION_KINDS), projectId: optionalId('project') });

/** A person the team may bring into a conversation, with the name it will show them by. */
export interface Candidate extends PersonChip {
  /** The name the conversation shows to its clients: a team member's own, a client's company's. */
  shownName: string;
}

/**
 * Who the team may bring into a conversation of `kind`: active team members (those this person
 * reads), and clients with `messages` on: a project discussion's must be on its project; a
 * direct message's any client this person reads; an internal chat has no clients.
 */
export async function conversationCandidates({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof candidatesInput>;
}): Promise<Candidate[]> {
  teamMemberOf(ctx, 'Only the team starts conversations.');
  const data = parseInput(candidatesInput, input);
  return transact(ctx, (ctx) => candidates(ctx.tx, data.kind, data.projectId));
}

export async function candidates(
  tx: import('@foyer/db').Tx,
  kind: ConversationKind,
  projectId: string | null,
): Promise<Candidate[]> {
  if (kind === 'project' && !projectId) return [];
  const onProject = projectId
    ? sql`${users.id} in (select pc.user_id from ${projectClients} pc where pc.project_id = ${projectId}::uuid)`
    : sql`true`;
  const rows = await tx
    .select({ id: users.id, name: users.name, role: users.role, companyName: clients.name })
    .from(users)
    .leftJoin(clients, and(eq(clients.tenantId, users.tenantId), eq(clients.id, users.clientId)))
    .where(
      and(
        eq(users.status, 'active'),
        kind === 'internal'
          ? sql`${users.role} <> 'client'`
          : sql`(${users.role} <> 'client' or ('messages' = any(${users.permissions}) and ${kind === 'project' ? onProject : sql`true`}))`,
      ),
    )
    .orderBy(sql`${users.role} = 'client'`, asc(users.name));
  return rows.map((r) => {
    const client = r.role === 'client';
    return {
      id: r.id,
      name: client && r.companyName ? `${r.name} (${r.companyName})` : r.name,
      client,
      shownName: client ? (r.companyName ?? 'A client') : r.name,
    };
  });
}
