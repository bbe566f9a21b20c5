import { randomUUID } from 'node:crypto';
import { and, eq, inArray, schema, sql } from '@foyer/db';
import { z } from 'zod';
import { type KnownPerson, peopleByIds, teamName } from '../conversations/common';
import { type Ctx, type Person, personOf, record, type TxCtx, teamMemberOf, transact } from '../ctx';
import { CoreError } from '../errors';
import { id, lines, parseInput } from '../input';
import { renderMarkdown } from '../text/markdown';

/**
 * Comments on tasks: the messages of a task's `task` thread (ARCHITECTURE's one message model).
 * Each is internal (the team's) or client-visible; a client's own comment is seen by the team and
 * by its author, and by the project's other clients only once the team shares it, under the name
 * the agency chose (the company's). The database's policies decide what each person reads; the
 * checks here turn refusals into plain answers (404, 403) instead of database errors.
 */

const { clients, messages, projectFeed, tasks, threads, users } = schema;

/** The longest comment, in characters (the database refuses longer bodies too). */
export const COMMENT_MAX_LENGTH = 20_000;

const TASK_NOT_FOUND = 'That task doesn’t exist, or it isn’t shared with you.';
const COMMENT_NOT_FOUND = 'That comment doesn’t exist.';
const NO_COMMENTING = 'You can’t comment on tasks. Ask the team if you need to.';
const OWN_ONLY = 'You can only change your own comments.';

// ---- inputs -------------------------------------------------------------------------------------

const body = lines(COMMENT_MAX_LENGTH)
  .transform((value) => value.trim())
  .refine((value) => value.length > 0, 'Write something first.');

/** A form's tick box or a JSON boolean: 'yes', 'on', 'true' and true mean client-visible. */
const visibility = z
  .union([z.boolean(), z.enum(['yes', 'on', 'true', 'no', 'off', 'false', ''])])
  .transform((value) => value === true || value === 'yes' || value === 'on' || value === 'true');

export const taskCommentsInput = z.object({ taskId: id('task') });
export const postCommentInput = z.object({
  taskId: id('task'),
  body,
  clientVisible: visibility.optional(),
});
export const editCommentInput = z.object({ id: id('comment'), body });
export const commentIdInput = z.object({ id: id('comment') });
export const commentVisibilityInput = z.object({ id: id('comment'), clientVisible: visibility });

// ---- reading ------------------------------------------------------------------------------------

export interface CommentItem {
  id: string;
  /**
   * The author as this viewer may see them: the team sees real names (a client's with their
   * company); a client sees "You" for their own, the team member's name, and another client's
   * comment by the name the agency gave it (their company's).
   */
  authorName: string;
  mine: boolean;
  /**
   * Written by a client. A client viewer cannot tell another client's shared comment from the
   * team's (they never read other people's accounts), so for them this marks their own only.
   */
  fromClient: boolean;
  /** The Markdown source, only for the viewer's own comments (to edit); null otherwise. */
  body: string | null;
  /** The rendered, sanitised body; '' when deleted. */
  bodyHtml: string;
  clientVisible: boolean;
  createdAt: Date;
  editedAt: Date | null;
  deleted: boolean;
  /** Files attached to the comment that this viewer may read (none once it is deleted). */
  attachments: CommentAttachment[];
}

export interface CommentAttachment {
  id: string;
  name: string;
  size: number;
  contentType: string;
}

export interface TaskThread {
  /** The task's thread, whose live events the page listens for; null when it has none yet. */
  threadId: string | null;
  comments: CommentItem[];
  /** Whether this viewer may post: the team always, a client with `tasks.comment`. */
  canPost: boolean;
}

interface TaskRef {
  id: string;
  projectId: string;
  title: string;
  clientVisible: boolean;
}

/** The task as this person's policies show it, or not_found. */
async function readableTask(ctx: TxCtx, taskId: string): Promise<TaskRef> {
  const [task] = await ctx.tx
    .select({
      id: tasks.id,
      projectId: tasks.projectId,
      title: tasks.title,
      clientVisible: tasks.clientVisible,
    })
    .from(tasks)
    .where(eq(tasks.id, taskId));
  if (!task) throw new CoreError('not_found', TASK_NOT_FOUND);
  return task;
}

/** The task's thread; null when a task somehow has none (every task gets one when it is made). */
async function threadOf(ctx: TxCtx, taskId: string): Promise<string | null> {
  const [thread] = await ctx.tx.select({ id: threads.id }).from(threads).where(eq(threads.taskId, taskId));
  return thread?.id ?? null;
}

/** The team's door to a task's thread: made here for a task that lacks one. */
async function ensureThread(ctx: TxCtx, me: Person, task: TaskRef): Promise<string> {
  const existing = await threadOf(ctx, task.id);
  if (existing) return existing;
  await ctx.tx
    .insert(threads)
    .values({ tenantId: me.tenantId, kind: 'task', projectId: task.projectId, taskId: task.id })
    .onConflictDoNothing();
  const made = await threadOf(ctx, task.id);
  if (!made) throw new Error('a task thread could not be made');
  return made;
}

/** A client's own permissions, read from their row (a change applies on the next request). */
async function clientMayComment(ctx: TxCtx, me: Person): Promise<boolean> {
  const [row] = await ctx.tx
    .select({ permissions: users.permissions, status: users.status })
    .from(users)
    .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
  return Boolean(row && row.status === 'active' && row.permissions.includes('tasks.comment'));
}

const isTeam = (me: Person) => me.kind === 'admin' || me.kind === 'staff';

async function commentsOf(ctx: TxCtx, me: Person, threadId: string): Promise<CommentItem[]> {
  const team = isTeam(me);
  const rows = await ctx.tx
    .select({
      id: messages.id,
      authorId: messages.authorId,
      authorName: messages.authorName,
      body: messages.body,
      clientVisible: messages.clientVisible,
      createdAt: messages.createdAt,
      editedAt: messages.editedAt,
      deletedAt: messages.deletedAt,
    })
    .from(messages)
    .where(eq(messages.threadId, threadId))
    .orderBy(messages.createdAt, messages.id);
  // The team reads the authors' accounts (a client's with their company) for their real names;
  // clients read no one's account but their own, so they see the names the messages carry.
  const authorIds = rows.map((r) => r.authorId).filter((a): a is string => a !== null);
  const people = team ? await peopleByIds(ctx.tx, authorIds) : new Map<string, KnownPerson>();
  // Attachments the viewer may read (the files policy decides): with the comments, by comment.
  const attached = new Map<string, CommentAttachment[]>();
  if (rows.length > 0) {
    const files = await ctx.tx
      .select({
        id: schema.files.id,
        messageId: schema.files.messageId,
        name: schema.files.name,
        size: schema.files.size,
        contentType: schema.files.contentType,
      })
      .from(schema.files)
      .where(
        inArray(
          schema.files.messageId,
          rows.map((r) => r.id),
        ),
      )
      .orderBy(schema.files.createdAt, schema.files.id);
    for (const { messageId, ...file } of files) {
      if (!messageId) continue;
      attached.set(messageId, [...(attached.get(messageId) ?? []), file]);
    }
  }
  return rows.map((row) => {
    const mine = row.authorId === me.userId;
    const deleted = row.deletedAt !== null;
    const person = row.authorId ? people.get(row.authorId) : undefined;
    let authorName: string;
    let fromClient: boolean;
    if (team) {
      fromClient = person?.role === 'client';
      authorName = person ? teamName(person) : (row.authorName ?? 'A former member');
    } else {
      fromClient = mine;
      authorName = mine ? 'You' : (row.authorName ?? 'The team');
    }
    return {
      id: row.id,
      authorName,
      mine,
      fromClient,
      body: mine && !deleted ? row.body : null,
      bodyHtml: deleted ? '' : renderMarkdown(row.body),
      clientVisible: row.clientVisible,
      createdAt: row.createdAt,
      editedAt: row.editedAt,
      deleted,
      attachments: deleted ? [] : (attached.get(row.id) ?? []),
    };
  });
}

/**
 * A task's comments, oldest first, as this person may see them: the team every one; a client the
 * client-visible ones and their own, while they can see the task (not_found otherwise).
 */
export async function listComments({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof taskCommentsInput>;
}): Promise<CommentItem[]> {
  return (await taskThread({ ctx, input })).comments;
}

/** A task's comments and whether this person may add one, in one transaction. */
export async function taskThread({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof taskCommentsInput>;
}): Promise<TaskThread> {
  const me = personOf(ctx);
  const { taskId } = parseInput(taskCommentsInput, input);
  return transact(ctx, async (ctx) => {
    const task = await readableTask(ctx, taskId);
    const threadId = await threadOf(ctx, task.id);
    const comments = threadId ? await commentsOf(ctx, me, threadId) : [];
    const canPost = isTeam(me) || (threadId !== null && (await clientMayComment(ctx, me)));
    return { threadId, comments, canPost };
  });
}

// ---- writing ------------------------------------------------------------------------------------

/**
 * The client feed's entry for a comment other clients can now read; named as the comment shows
 * its author. Once per comment: sharing it again after making it internal adds nothing.
 */
async function addCommentFeed(
  ctx: TxCtx,
  me: Person,
  task: TaskRef,
  messageId: string,
  actorName: string,
): Promise<void> {
  const [existing] = await ctx.tx
    .select({ id: projectFeed.id })
    .from(projectFeed)
    .where(and(eq(projectFeed.messageId, messageId), eq(projectFeed.kind, 'comment.shared')))
    .limit(1);
  if (existing) return;
  await ctx.tx.insert(projectFeed).values({
    tenantId: me.tenantId,
    projectId: task.projectId,
    kind: 'comment.shared',
    actorName,
    taskId: task.id,
    messageId,
    data: { taskTitle: task.title },
  });
}

/**
 * Adds a comment to a task. The team chooses internal (the default) or client-visible; a
 * client's comment is seen by the team and themselves (the team may share it later), and needs
 * `tasks.comment`. A client's comment tells the team through the database (the
 * `client_comment_posted` trigger: the bell and the `task-comment` email).
 */
export async function postComment({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof postCommentInput>;
}): Promise<{ id: string }> {
  const me = personOf(ctx);
  const data = parseInput(postCommentInput, input);
  return transact(ctx, async (ctx) => {
    const task = await readableTask(ctx, data.taskId);
    let messageId: string;
    let clientVisible = false;
    if (isTeam(me)) {
      const threadId = await ensureThread(ctx, me, task);
      const [self] = await ctx.tx
        .select({ name: users.name })
        .from(users)
        .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
      clientVisible = data.clientVisible ?? false;
      const authorName = self?.name ?? 'The team';
      const [row] = await ctx.tx
        .insert(messages)
        .values({
          tenantId: me.tenantId,
          threadId,
          authorId: me.userId,
          authorName,
          body: data.body,
          clientVisible,
        })
        .returning({ id: messages.id });
      if (!row) throw new Error('message insert returned no row');
      messageId = row.id;
      if (clientVisible) await addCommentFeed(ctx, me, task, messageId, authorName);
    } else {
      if (!(await clientMayComment(ctx, me))) throw new CoreError('forbidden', NO_COMMENTING);
      const threadId = await threadOf(ctx, task.id);
      if (!threadId) throw new CoreError('not_found', TASK_NOT_FOUND);
      // Only the columns a client may write (the rest, visibility and the shown name, is the
      // team's), named one by one: drizzle's insert would list every column of the table.
      messageId = randomUUID();
      await ctx.tx.execute(
        sql`insert into app.messages (tenant_id, id, thread_id, author_id, body)
            values (${me.tenantId}::uuid, ${messageId}::uuid, ${threadId}::uuid, ${me.userId}::uuid, ${data.body})`,
      );
    }
    await record(ctx, {
      verb: 'comment.post',
      subject: { type: 'message', id: messageId },
      projectId: task.projectId,
      data: { taskId: task.id, clientVisible },
    });
    return { id: messageId };
  });
}

interface CommentRef {
  id: string;
  authorId: string | null;
  authorName: string | null;
  clientVisible: boolean;
  deleted: boolean;
  task: TaskRef;
}

/** A comment this person can read, with its task; not_found otherwise. Locked for the change. */
async function readableComment(ctx: TxCtx, commentId: string): Promise<CommentRef> {
  const [row] = await ctx.tx
    .select({
      id: messages.id,
      authorId: messages.authorId,
      authorName: messages.authorName,
      clientVisible: messages.clientVisible,
      deletedAt: messages.deletedAt,
      taskId: threads.taskId,
    })
    .from(messages)
    .innerJoin(threads, and(eq(threads.tenantId, messages.tenantId), eq(threads.id, messages.threadId)))
    .where(eq(messages.id, commentId));
  if (!row?.taskId) throw new CoreError('not_found', COMMENT_NOT_FOUND);
  const task = await readableTask(ctx, row.taskId).catch((error: unknown) => {
    if (error instanceof CoreError) throw new CoreError('not_found', COMMENT_NOT_FOUND);
    throw error;
  });
  return {
    id: row.id,
    authorId: row.authorId,
    authorName: row.authorName,
    clientVisible: row.clientVisible,
    deleted: row.deletedAt !== null,
    task,
  };
}

/** One's own comment, still there, that one may still change. */
async function ownComment(ctx: TxCtx, me: Person, commentId: string): Promise<CommentRef> {
  const comment = await readableComment(ctx, commentId);
  if (comment.authorId !== me.userId) throw new CoreError('forbidden', OWN_ONLY);
  if (comment.deleted) throw new CoreError('conflict', 'That comment was deleted.');
  if (!isTeam(me) && !(await clientMayComment(ctx, me))) throw new CoreError('forbidden', NO_COMMENTING);
  return comment;
}

/** Changes the text of one's own comment; it shows as edited. */
export async function editComment({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof editCommentInput>;
}): Promise<void> {
  const me = personOf(ctx);
  const data = parseInput(editCommentInput, input);
  await transact(ctx, async (ctx) => {
    const comment = await ownComment(ctx, me, data.id);
    await ctx.tx
      .update(messages)
      .set({ body: data.body, editedAt: sql`now()` })
      .where(eq(messages.id, comment.id));
    await record(ctx, {
      verb: 'comment.edit',
      subject: { type: 'message', id: comment.id },
      projectId: comment.task.projectId,
      data: { taskId: comment.task.id },
    });
  });
}

/** Deletes one's own comment: its text goes, a "Comment deleted" marker stays in its place. */
export async function deleteComment({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof commentIdInput>;
}): Promise<void> {
  const me = personOf(ctx);
  const { id: commentId } = parseInput(commentIdInput, input);
  await transact(ctx, async (ctx) => {
    const comment = await ownComment(ctx, me, commentId);
    await ctx.tx.update(messages).set({ body: '', deletedAt: sql`now()` }).where(eq(messages.id, comment.id));
    await record(ctx, {
      verb: 'comment.delete',
      subject: { type: 'message', id: comment.id },
      projectId: comment.task.projectId,
      data: { taskId: comment.task.id },
    });
  });
}

/**
 * The team shares a comment with the project's clients or makes it internal again. A client's
 * comment, once shared, shows to other clients under their company's name (the agency's default);
 * its author sees it either way. Sharing adds a `comment.shared` entry to the clients' feed.
 */
export async function setCommentVisibility({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof commentVisibilityInput>;
}): Promise<void> {
  const me = teamMemberOf(ctx, 'Only the team chooses who sees a comment.');
  const data = parseInput(commentVisibilityInput, input);
  await transact(ctx, async (ctx) => {
    const comment = await readableComment(ctx, data.id);
    if (comment.deleted) throw new CoreError('conflict', 'That comment was deleted.');
    if (comment.clientVisible === data.clientVisible) return;
    let authorName = comment.authorName;
    if (data.clientVisible && comment.authorId) {
      const [author] = await ctx.tx
        .select({ name: users.name, role: users.role, companyName: clients.name })
        .from(users)
        .leftJoin(clients, and(eq(clients.tenantId, users.tenantId), eq(clients.id, users.clientId)))
        .where(eq(users.id, comment.authorId));
      if (author?.role === 'client') authorName ??= author.companyName ?? 'A client';
      else if (author) authorName ??= author.name;
    }
    authorName ??= 'A client';
    await ctx.tx
      .update(messages)
      .set({ clientVisible: data.clientVisible, authorName })
      .where(eq(messages.id, comment.id));
    if (data.clientVisible) await addCommentFeed(ctx, me, comment.task, comment.id, authorName);
    await record(ctx, {
      verb: data.clientVisible ? 'comment.share' : 'comment.unshare',
      subject: { type: 'message', id: comment.id },
      projectId: comment.task.projectId,
      data: { taskId: comment.task.id },
    });
  });
}
