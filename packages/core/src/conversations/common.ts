import { and, eq, inArray, schema, sql, type Tx } from '@foyer/db';
import type { Person, TxCtx } from '../ctx';
import { CoreError } from '../errors';
import { renderMarkdown } from '../text/markdown';

/**
 * What the conversation verbs share: the thread as this person's policies show it, and messages
 * as this person may see them (names, replies, attachments, reactions). The database decides
 * what each person reads; these turn its answers into the shapes the pages show.
 */

const { clients, files, messageReactions, messages, projects, tasks, threads, users } = schema;

export type ConversationKind = 'project' | 'direct' | 'internal';
export const CONVERSATION_KINDS = ['project', 'direct', 'internal'] as const;

/** The reactions offered under a message. */
export const REACTIONS = schema.reactionEmoji;

/** The longest message, in characters (the database refuses longer bodies too). */
export const MESSAGE_MAX_LENGTH = 20_000;

export const THREAD_NOT_FOUND = 'That conversation doesn’t exist, or you’re not part of it.';
export const MESSAGE_NOT_FOUND = 'That message doesn’t exist.';

/** A person as a conversation shows them to everyone in it. */
export interface PersonChip {
  id: string;
  name: string;
  client: boolean;
}

export interface ThreadRef {
  id: string;
  kind: ConversationKind | 'task';
  title: string;
  projectId: string | null;
  projectName: string | null;
  taskId: string | null;
  createdBy: string | null;
  people: PersonChip[];
}

export const isTeam = (me: Person) => me.kind === 'admin' || me.kind === 'staff';

/** The thread as this person's policies show it (with its task's title for a task thread), or not_found. */
export async function readableThread(ctx: TxCtx, threadId: string): Promise<ThreadRef> {
  const [row] = await ctx.tx
    .select({
      id: threads.id,
      kind: threads.kind,
      title: threads.title,
      projectId: threads.projectId,
      taskId: threads.taskId,
      createdBy: threads.createdBy,
      people: threads.people,
      taskTitle: tasks.title,
      projectName: projects.name,
    })
    .from(threads)
    .leftJoin(tasks, and(eq(tasks.tenantId, threads.tenantId), eq(tasks.id, threads.taskId)))
    .leftJoin(projects, and(eq(projects.tenantId, threads.tenantId), eq(projects.id, threads.projectId)))
    .where(eq(threads.id, threadId));
  if (!row) throw new CoreError('not_found', THREAD_NOT_FOUND);
  // A task thread whose task this person cannot read is not theirs to see (the policy says so too).
  if (row.kind === 'task' && row.taskTitle === null) throw new CoreError('not_found', THREAD_NOT_FOUND);
  return {
    id: row.id,
    kind: row.kind,
    title: row.kind === 'task' ? (row.taskTitle ?? '') : (row.title ?? ''),
    projectId: row.projectId,
    projectName: row.projectName,
    taskId: row.taskId,
    createdBy: row.createdBy,
    people: (row.people as PersonChip[] | null) ?? [],
  };
}

/** A client's own standing: active, and their permissions (a change applies on the next request). */
export async function clientPermissions(ctx: TxCtx, me: Person): Promise<string[]> {
  const [row] = await ctx.tx
    .select({ permissions: users.permissions, status: users.status })
    .from(users)
    .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
  return row?.status === 'active' ? row.permissions : [];
}

/** A person as the team reads them: name, role and, for a client, their company. */
export interface KnownPerson {
  name: string;
  role: string;
  companyName: string | null;
}

/** People by id as the team's policies show them (none for no ids). */
export async function peopleByIds(tx: Tx, ids: readonly string[]): Promise<Map<string, KnownPerson>> {
  const people = new Map<string, KnownPerson>();
  if (ids.length === 0) return people;
  const found = await tx
    .select({ id: users.id, name: users.name, role: users.role, companyName: clients.name })
    .from(users)
    .leftJoin(clients, and(eq(clients.tenantId, users.tenantId), eq(clients.id, users.clientId)))
    .where(inArray(users.id, [...new Set(ids)]));
  for (const { id, ...person } of found) people.set(id, person);
  return people;
}

/** A person's name as the team shows it: a client's with their company. */
export const teamName = (person: KnownPerson): string =>
  person.role === 'client' && person.companyName ? `${person.name} (${person.companyName})` : person.name;

export interface MessageItem {
  id: string;
  authorId: string | null;
  /**
   * The author as this viewer may see them: the team sees real names (a client's with their
   * company); a client sees "You" for their own and the name each message carries otherwise.
   */
  authorName: string;
  mine: boolean;
  /** Written by a client; for a client viewer, their own only (they cannot tell others apart). */
  fromClient: boolean;
  /** The Markdown source, only for the viewer's own messages (to edit); null otherwise. */
  body: string | null;
  /** The rendered, sanitised body; '' when deleted. */
  bodyHtml: string;
  createdAt: Date;
  editedAt: Date | null;
  deleted: boolean;
  replyTo: { id: string; authorName: string; excerpt: string; deleted: boolean } | null;
  attachments: { id: string; name: string; size: number; contentType: string }[];
  reactions: { emoji: string; count: number; mine: boolean }[];
}

export interface MessageRow {
  id: string;
  threadId: string;
  authorId: string | null;
  authorName: string | null;
  body: string;
  replyToId: string | null;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
}

export const messageColumns = {
  id: messages.id,
  threadId: messages.threadId,
  authorId: messages.authorId,
  authorName: messages.authorName,
  body: messages.body,
  replyToId: messages.replyToId,
  createdAt: messages.createdAt,
  editedAt: messages.editedAt,
  deletedAt: messages.deletedAt,
};

/** A message's start as plain text on one line, for a quote or a list. */
export function excerptOf(body: string, length = 140): string {
  const flat = body
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // [text](url) and images: their text
    .replace(/^\s*(?:[#>]+|[-*+]|\d+\.)\s+/gm, '') // headings, quotes, list markers
    .replace(/[`*_~]/g, '') // emphasis and code marks
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/**
 * Messages as this viewer may see them: names, the messages they answer (those the viewer can
 * read), their attachments (those the viewer can read) and reaction counts.
 */
export async function messageItems(ctx: TxCtx, me: Person, rows: MessageRow[]): Promise<MessageItem[]> {
  if (rows.length === 0) return [];
  const team = isTeam(me);
  const ids = rows.map((r) => r.id);
  const replyIds = [...new Set(rows.map((r) => r.replyToId).filter((id): id is string => id !== null))];
  const known = new Map(rows.map((r) => [r.id, r]));
  const missing = replyIds.filter((id) => !known.has(id));
  if (missing.length > 0) {
    for (const row of await ctx.tx.select(messageColumns).from(messages).where(inArray(messages.id, missing)))
      known.set(row.id, row);
  }
  // The team reads the authors' accounts (a client's with their company) for their real names;
  // clients read no one's account but their own, so they see the names the messages carry.
  // The team reads the authors' accounts (a client's with their company) for their real names;
  // clients read no one's account but their own, so they see the names the messages carry.
  const authorIds = [...known.values()].map((r) => r.authorId).filter((a): a is string => !!a);
  const people = team ? await peopleByIds(ctx.tx, authorIds) : new Map<string, KnownPerson>();
  const nameOf = (row: MessageRow) => {
    if (row.authorId === me.userId) return 'You';
    if (!team) return row.authorName ?? 'The team';
    const person = row.authorId ? people.get(row.authorId) : undefined;
    return person ? teamName(person) : (row.authorName ?? 'A former member');
  };
  const attached = new Map<string, MessageItem['attachments']>();
  for (const file of await ctx.tx
    .select({
      id: files.id,
      messageId: files.messageId,
      name: files.name,
      size: files.size,
      contentType: files.contentType,
    })
    .from(files)
    .where(inArray(files.messageId, ids))
    .orderBy(files.createdAt, files.id)) {
    if (!file.messageId) continue;
    const { messageId, ...rest } = file;
    attached.set(messageId, [...(attached.get(messageId) ?? []), rest]);
  }
  const reacted = new Map<string, MessageItem['reactions']>();
  for (const r of await ctx.tx
    .select({
      messageId: messageReactions.messageId,
      emoji: messageReactions.emoji,
      count: sql<number>`count(*)::int`,
      mine: sql<boolean>`bool_or(${messageReactions.userId} = ${me.userId}::uuid)`,
    })
    .from(messageReactions)
    .where(inArray(messageReactions.messageId, ids))
    .groupBy(messageReactions.messageId, messageReactions.emoji)) {
    reacted.set(r.messageId, [
      ...(reacted.get(r.messageId) ?? []),
      { emoji: r.emoji, count: r.count, mine: r.mine },
    ]);
  }
  const order = new Map<string, number>(REACTIONS.map((e, i) => [e, i]));
  return rows.map((row) => {
    const mine = row.authorId === me.userId;
    const deleted = row.deletedAt !== null;
    const person = row.authorId ? people.get(row.authorId) : undefined;
    const answered = row.replyToId ? known.get(row.replyToId) : undefined;
    return {
      id: row.id,
      authorId: row.authorId,
      authorName: nameOf(row),
      mine,
      fromClient: team ? person?.role === 'client' : mine,
      body: mine && !deleted ? row.body : null,
      bodyHtml: deleted ? '' : renderMarkdown(row.body),
      createdAt: row.createdAt,
      editedAt: row.editedAt,
      deleted,
      replyTo: answered
        ? {
            id: answered.id,
            authorName: nameOf(answered),
            excerpt: answered.deletedAt ? '' : excerptOf(answered.body),
            deleted: answered.deletedAt !== null,
          }
        : null,
      attachments: deleted ? [] : (attached.get(row.id) ?? []),
      reactions: deleted
        ? []
        : (reacted.get(row.id) ?? []).sort((a, b) => (order.get(a.emoji) ?? 9) - (order.get(b.emoji) ?? 9)),
    };
  });
}
