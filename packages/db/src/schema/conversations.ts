import { sql } from 'drizzle-orm';
import { bigint, check, foreignKey, index, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { app } from './app';
import { clientMay, createdAt, currentUser, isCurrentUser, tenantIdColumn, walledPolicies } from './columns';
import { platform, tenants } from './platform';
import { clientRole, teamRole } from './roles';
import { messages, threads } from './tasks';
import { users } from './users';

/** The threads this actor reads (the threads' own policies apply). */
const readableThreadIds = sql`(select rth.id from app.threads rth)`;
/** The messages this actor reads (the messages' own policies apply). */
const readableMessageIds = sql`(select rm.id from app.messages rm)`;

/**
 * Who takes part in a conversation (project, direct and internal threads; task threads reach
 * their task's people instead). `shown_name` is the name the conversation's clients see: a team
 * member's name, and for a client the agency's choice (by default their company's name), so a
 * client never reads another client's account. A client reads their own rows (the threads'
 * policies look here, so these read no thread) and who else is in a thread from the thread's
 * `people`; the team reads who takes part in which conversation (not what is said in it), so any
 * member who manages a conversation can keep its people.
 */
export const threadParticipants = app.table(
  'thread_participants',
  {
    tenantId: tenantIdColumn(),
    threadId: uuid('thread_id').notNull(),
    userId: uuid('user_id').notNull(),
    shownName: text('shown_name').notNull(),
    addedBy: uuid('added_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.threadId, t.userId] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.threadId],
      foreignColumns: [threads.tenantId, threads.id],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    // ON DELETE SET NULL (added_by), in the migration.
    foreignKey({ columns: [t.tenantId, t.addedBy], foreignColumns: [users.tenantId, users.id] }),
    // "My conversations": the policies' lookup and the conversation list.
    index('thread_participants_tenant_user_idx').on(t.tenantId, t.userId, t.threadId),
    check('thread_participants_shown_name_length', sql`length(${t.shownName}) between 1 and 200`),
    // The team adds and removes people in the conversations it reads; the core checks who may join.
    ...walledPolicies('thread_participants', 'team', teamRole, t.tenantId, {
      select: true,
      insert: sql`${t.threadId} in ${readableThreadIds}`,
      update: sql`${t.threadId} in ${readableThreadIds}`,
      delete: sql`${t.threadId} in ${readableThreadIds}`,
    }),
    ...walledPolicies('thread_participants', 'client', clientRole, t.tenantId, {
      select: isCurrentUser(t.userId),
    }),
  ],
);

/**
 * How far each person has read each thread (their unread counts), and when they were last emailed
 * about it (at most once per conversation per 15 minutes). Each person reads and writes their own.
 */
export const threadReads = app.table(
  'thread_reads',
  {
    tenantId: tenantIdColumn(),
    threadId: uuid('thread_id').notNull(),
    userId: uuid('user_id').notNull(),
    /** Null until they first open it. */
    readAt: timestamp('read_at', { withTimezone: true }),
    /** Kept by the database when it emails the person about the thread. */
    emailedAt: timestamp('emailed_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId, t.threadId] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.threadId],
      foreignColumns: [threads.tenantId, threads.id],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    ...walledPolicies('thread_reads', 'team', teamRole, t.tenantId, {
      select: isCurrentUser(t.userId),
      insert: sql`${isCurrentUser(t.userId)} and ${t.threadId} in ${readableThreadIds}`,
      update: sql`${isCurrentUser(t.userId)} and ${t.threadId} in ${readableThreadIds}`,
      delete: isCurrentUser(t.userId),
    }),
    ...walledPolicies('thread_reads', 'client', clientRole, t.tenantId, {
      select: isCurrentUser(t.userId),
      insert: sql`${isCurrentUser(t.userId)} and ${t.threadId} in ${readableThreadIds}`,
      update: sql`${isCurrentUser(t.userId)} and ${t.threadId} in ${readableThreadIds}`,
    }),
  ],
);

/** The reactions offered under a message: a short, fixed set keeps them readable. */
export const reactionEmoji = ['👍', '❤️', '😄', '🎉', '👀', '✅'] as const;

/** One person's reaction to a message; whoever reads the message sees how many there are. */
export const messageReactions = app.table(
  'message_reactions',
  {
    tenantId: tenantIdColumn(),
    messageId: uuid('message_id').notNull(),
    userId: uuid('user_id').notNull(),
    emoji: text('emoji').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.messageId, t.userId, t.emoji] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.messageId],
      foreignColumns: [messages.tenantId, messages.id],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    check(
      'message_reactions_emoji_known',
      sql`${t.emoji} in ${sql.raw(`(${reactionEmoji.map((e) => `'${e}'`).join(', ')})`)}`,
    ),
    ...walledPolicies('message_reactions', 'team', teamRole, t.tenantId, {
      select: sql`${t.messageId} in ${readableMessageIds}`,
      insert: sql`${isCurrentUser(t.userId)} and ${t.messageId} in ${readableMessageIds}`,
      update: sql`${isCurrentUser(t.userId)} and ${t.messageId} in ${readableMessageIds}`,
      delete: isCurrentUser(t.userId),
    }),
    // A client reacts where they may write: to messages of conversations with `messages` on.
    ...walledPolicies('message_reactions', 'client', clientRole, t.tenantId, {
      select: sql`${t.messageId} in ${readableMessageIds}`,
      insert: sql`${isCurrentUser(t.userId)} and ${clientMay('messages')} and ${t.messageId} in (select rm.id from app.messages rm join app.threads rt on rt.tenant_id = rm.tenant_id and rt.id = rm.thread_id where rt.kind in ('project', 'direct'))`,
      delete: isCurrentUser(t.userId),
    }),
  ],
);

/**
 * The tenant's live events of the last day (a message posted or changed, a thread read, a
 * notification), written by the database's triggers in the transaction that made the change and
 * announced with NOTIFY, which PostgreSQL delivers on COMMIT. They carry ids only: a server node
 * reads each one again as each recipient, so a stream shows exactly what the database would, and
 * a reconnecting stream catches up from its last event id. Runtime roles only read them.
 */
export const realtimeEvents = app.table(
  'realtime_events',
  {
    tenantId: tenantIdColumn(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    kind: text('kind').notNull(),
    threadId: uuid('thread_id'),
    messageId: uuid('message_id'),
    /** Set for an event meant for one person (a notification, their own read marks). */
    userId: uuid('user_id'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    index('realtime_events_tenant_created_idx').on(t.tenantId, t.createdAt),
    ...walledPolicies('realtime_events', 'team', teamRole, t.tenantId, {
      select: sql`case when ${t.userId} is not null then ${t.userId} = ${currentUser}
        else ${t.threadId} in ${readableThreadIds} and (${t.messageId} is null or ${t.messageId} in ${readableMessageIds}) end`,
    }),
    ...walledPolicies('realtime_events', 'client', clientRole, t.tenantId, {
      select: sql`case when ${t.userId} is not null then ${t.userId} = ${currentUser}
        else ${t.threadId} in ${readableThreadIds} and (${t.messageId} is null or ${t.messageId} in ${readableMessageIds}) end`,
    }),
  ],
);

/**
 * Who holds a live stream, on which server node, as of the node's last heartbeat: every node
 * knows who is connected anywhere (a message emails only people who are not). Written and read
 * only through app_system functions.
 */
export const presence = platform.table(
  'presence',
  {
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id').notNull(),
    nodeId: text('node_id').notNull(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId, t.nodeId] }), index('presence_node_idx').on(t.nodeId)],
);
