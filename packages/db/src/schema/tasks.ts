import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  type PgColumn,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { app } from './app';
import {
  actorIsAdmin,
  clientMay,
  createdAt,
  currentTenant,
  currentUser,
  idColumn,
  isCurrentUser,
  readableProjectIds,
  teamReaches,
  teamRules,
  tenantIdColumn,
  updatedAt,
  walledPolicies,
} from './columns';
import { tenants } from './platform';
import { projects } from './projects';
import { clientRole, teamRole } from './roles';
import { users } from './users';

export const statusKinds = ['todo', 'in_progress', 'review', 'done'] as const;

/** A tenant's board columns. Workflows use `kind`, never the name an admin gave the column. */
export const taskStatuses = app.table(
  'task_statuses',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    kind: text('kind', { enum: statusKinds }).notNull(),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    index('task_statuses_tenant_position_idx').on(t.tenantId, t.position),
    check('task_statuses_kind_known', sql`${t.kind} in ('todo', 'in_progress', 'review', 'done')`),
    // The team reads the board's columns; admins shape them. Clients read a task's column name.
    ...walledPolicies('task_statuses', 'team', teamRole, t.tenantId, {
      select: true,
      insert: actorIsAdmin,
      update: actorIsAdmin,
      delete: actorIsAdmin,
    }),
    ...walledPolicies('task_statuses', 'client', clientRole, t.tenantId, { select: true }),
  ],
);

/** Tenant-wide settings of the work area (tasks, reviews): one row per tenant, made when first saved. */
export const workSettings = app.table(
  'work_settings',
  {
    tenantId: tenantIdColumn().primaryKey(),
    /** Whether clients see who is assigned to the tasks they can see (default: no). */
    clientsSeeAssignees: boolean('clients_see_assignees').notNull().default(false),
    /** Whether one reviewer's approval approves a round (`any`) or every reviewer's (`all`). */
    reviewRule: text('review_rule', { enum: ['any', 'all'] })
      .notNull()
      .default('any'),
    /** Days a round waits before its reviewers are reminded, and again after as many; 0 is never. */
    reviewReminderDays: integer('review_reminder_days').notNull().default(3),
    /** Whether reviewers see each other's names (otherwise each other's company names). */
    reviewersNamed: boolean('reviewers_named').notNull().default(false),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    check('work_settings_review_rule_known', sql`${t.reviewRule} in ('any', 'all')`),
    check('work_settings_review_reminder_days_range', sql`${t.reviewReminderDays} between 0 and 60`),
    ...walledPolicies('work_settings', 'team', teamRole, t.tenantId, {
      select: true,
      insert: actorIsAdmin,
      update: actorIsAdmin,
      delete: actorIsAdmin,
    }),
    // A client's policies read the assignee setting; it says nothing about anyone.
    ...walledPolicies('work_settings', 'client', clientRole, t.tenantId, { select: true }),
  ],
);

/** A project's milestones: dated goals that group tasks. Internal until made client-visible. */
export const milestones = app.table(
  'milestones',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    projectId: uuid('project_id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    targetDate: date('target_date', { mode: 'string' }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    clientVisible: boolean('client_visible').notNull().default(false),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete('cascade'),
    index('milestones_tenant_project_idx').on(t.tenantId, t.projectId, t.position),
    check('milestones_name_length', sql`length(${t.name}) between 1 and 200`),
    ...walledPolicies('milestones', 'team', teamRole, t.tenantId, teamRules(t.projectId)),
    // A client reads client-visible milestones of the projects they can read, with `tasks.view` on.
    ...walledPolicies('milestones', 'client', clientRole, t.tenantId, {
      select: sql`${t.clientVisible} and ${t.projectId} in ${readableProjectIds} and ${clientMay('tasks.view')}`,
    }),
  ],
);

export const taskPriorities = ['none', 'low', 'medium', 'high', 'urgent'] as const;
export type TaskPriority = (typeof taskPriorities)[number];

export const tasks = app.table(
  'tasks',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    projectId: uuid('project_id').notNull(),
    statusId: uuid('status_id').notNull(),
    milestoneId: uuid('milestone_id'),
    title: text('title').notNull(),
    /** Markdown; rendered through a parser and a sanitiser, never as raw HTML. */
    description: text('description'),
    priority: text('priority', { enum: taskPriorities }).notNull().default('none'),
    dueDate: date('due_date', { mode: 'string' }),
    clientVisible: boolean('client_visible').notNull().default(false),
    /** Client Review is on: the team submits rounds of deliverables for the client's decision. */
    clientReview: boolean('client_review').notNull().default(false),
    /** Order within the task's board column (0, 1, 2, … kept dense by every move). */
    position: integer('position').notNull().default(0),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.statusId],
      foreignColumns: [taskStatuses.tenantId, taskStatuses.id],
    }),
    // Deleting a milestone leaves its tasks without one (ON DELETE SET NULL (milestone_id), in the migration).
    foreignKey({
      columns: [t.tenantId, t.milestoneId],
      foreignColumns: [milestones.tenantId, milestones.id],
    }),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    index('tasks_tenant_project_idx').on(t.tenantId, t.projectId, t.position),
    index('tasks_tenant_project_status_idx').on(t.tenantId, t.projectId, t.statusId, t.position),
    index('tasks_tenant_milestone_idx').on(t.tenantId, t.milestoneId),
    // A client's task list reads only these rows: the visible, unarchived tasks of a project.
    index('tasks_tenant_project_shared_idx')
      .on(t.tenantId, t.projectId, t.position)
      .where(sql`${t.clientVisible} and ${t.archivedAt} is null`),
    check('tasks_title_length', sql`length(${t.title}) between 1 and 300`),
    check('tasks_priority_known', sql`${t.priority} in ('none', 'low', 'medium', 'high', 'urgent')`),
    check('tasks_position_positive', sql`${t.position} >= 0`),
    // Admins reach every task; staff the tasks of their projects.
    ...walledPolicies('tasks', 'team', teamRole, t.tenantId, teamRules(t.projectId)),
    // A client reads client-visible, unarchived tasks of the projects they can read, with `tasks.view` on.
    ...walledPolicies('tasks', 'client', clientRole, t.tenantId, {
      select: sql`${t.clientVisible} and ${t.archivedAt} is null and ${t.projectId} in ${readableProjectIds} and ${clientMay('tasks.view')}`,
    }),
  ],
);

/** The tasks each actor's policies let them read (the tasks table's own policies apply). */
const readableTaskIds = sql`(select rt.id from app.tasks rt)`;

/**
 * Who of the team works on a task. `name` is the assignee's name when assigned: what a client
 * sees when the agency shows assignees, without a grant on the team's rows.
 */
export const taskAssignees = app.table(
  'task_assignees',
  {
    tenantId: tenantIdColumn(),
    taskId: uuid('task_id').notNull(),
    userId: uuid('user_id').notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.taskId, t.userId] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.taskId], foreignColumns: [tasks.tenantId, tasks.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    // "My tasks": a person's assignments.
    index('task_assignees_tenant_user_idx').on(t.tenantId, t.userId, t.taskId),
    ...walledPolicies('task_assignees', 'team', teamRole, t.tenantId, {
      select: sql`${t.taskId} in ${readableTaskIds}`,
      insert: sql`${t.taskId} in ${readableTaskIds}`,
      update: sql`${t.taskId} in ${readableTaskIds}`,
      delete: sql`${t.taskId} in ${readableTaskIds}`,
    }),
    // Clients see the assignees of the tasks they can read only where the agency shows them.
    ...walledPolicies('task_assignees', 'client', clientRole, t.tenantId, {
      select: sql`${t.taskId} in ${readableTaskIds} and coalesce((select ws.clients_see_assignees from app.work_settings ws where ws.tenant_id = ${t.tenantId}), false)`,
    }),
  ],
);

export const threadKinds = ['task', 'project', 'direct', 'internal'] as const;
export type ThreadKind = (typeof threadKinds)[number];

/**
 * The conversations the signed-in person takes part in, from their own rows of
 * `app.thread_participants`, through a plain (SECURITY INVOKER) function: the participants'
 * write policies read the threads, so a subquery here would make PostgreSQL's rewriter see the
 * participants inside their own policies and refuse the statement as recursive. The function's
 * query runs under the caller's policies (their own rows), when it runs.
 */
const participatingThreadIds = sql`(select app.participating_threads())::uuid[]`;

/**
 * A conversation (ARCHITECTURE's one message model). A task's comments are the messages of its
 * `task` thread, made with the task. A `project` discussion belongs to a project and has explicit
 * participants; a `direct` thread is between a client and team members, with no project; an
 * `internal` chat is the team's alone. The team reaches task threads with their task and project
 * discussions with their project; direct and internal threads only their participants (and their
 * maker) read. A client reads task threads with their task, and the project and direct threads
 * they take part in while `messages` is on.
 */
export const threads = app.table(
  'threads',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    kind: text('kind', { enum: threadKinds }).notNull(),
    projectId: uuid('project_id'),
    taskId: uuid('task_id'),
    /** The conversation's subject; task threads take their task's title instead. */
    title: text('title'),
    createdBy: uuid('created_by'),
    /**
     * Who takes part, as everyone who reads the thread may see them: `[{ id, name, client }]`
     * with the name the agency chose for each client (their company's by default). Written with
     * `app.thread_participants` in one transaction; names travel with the item, not a wider grant.
     */
    people: jsonb('people').notNull().default(sql`'[]'::jsonb`),
    /** When its latest message was posted (kept by the database); orders conversation lists. */
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.taskId], foreignColumns: [tasks.tenantId, tasks.id] }).onDelete(
      'cascade',
    ),
    // ON DELETE SET NULL (created_by), in the migration.
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    uniqueIndex('threads_tenant_task_idx').on(t.tenantId, t.taskId),
    index('threads_tenant_project_idx')
      .on(t.tenantId, t.projectId, t.lastMessageAt)
      .where(sql`${t.kind} = 'project'`),
    check('threads_kind_known', sql`${t.kind} in ('task', 'project', 'direct', 'internal')`),
    check(
      'threads_task_shape',
      sql`(${t.kind} = 'task') = (${t.taskId} is not null) and (${t.kind} <> 'task' or ${t.projectId} is not null)`,
    ),
    check(
      'threads_conversation_shape',
      sql`(${t.kind} <> 'project' or ${t.projectId} is not null) and (${t.kind} <> 'direct' or ${t.projectId} is null)
        and (${t.kind} = 'task' or length(${t.title}) between 1 and 200)`,
    ),
    ...walledPolicies('threads', 'team', teamRole, t.tenantId, {
      select: sql`case ${t.kind}
        when 'task' then ${t.taskId} in ${readableTaskIds}
        when 'project' then ${teamReaches(t.projectId)}
        else ${t.createdBy} = ${currentUser} or ${t.id} = any(${participatingThreadIds}) end`,
      insert: sql`case ${t.kind}
        when 'task' then ${t.taskId} in ${readableTaskIds}
        when 'project' then ${teamReaches(t.projectId)} and ${isCurrentUser(t.createdBy)}
        else ${isCurrentUser(t.createdBy)} and (${t.projectId} is null or ${teamReaches(t.projectId)}) end`,
      update: sql`case ${t.kind}
        when 'task' then ${t.taskId} in ${readableTaskIds}
        when 'project' then ${teamReaches(t.projectId)}
        else ${t.createdBy} = ${currentUser} or ${t.id} = any(${participatingThreadIds}) end`,
      delete: sql`case ${t.kind}
        when 'task' then ${t.taskId} in ${readableTaskIds}
        when 'project' then ${teamReaches(t.projectId)} and (${actorIsAdmin} or ${t.createdBy} = ${currentUser})
        else ${t.createdBy} = ${currentUser} end`,
    }),
    ...walledPolicies('threads', 'client', clientRole, t.tenantId, {
      select: sql`case ${t.kind}
        when 'task' then ${t.taskId} in ${readableTaskIds}
        when 'project' then ${t.id} = any(${participatingThreadIds}) and ${t.projectId} in ${readableProjectIds} and ${clientMay('messages')}
        when 'direct' then ${t.id} = any(${participatingThreadIds}) and ${clientMay('messages')}
        else false end`,
    }),
  ],
);

const readableThreadIds = sql`(select rth.id from app.threads rth)`;

/** The threads of each kind this actor reads (the threads' own policies apply). */
const readableTaskThreadIds = sql`(select rth.id from app.threads rth where rth.kind = 'task')`;
const readableConversationIds = sql`(select rth.id from app.threads rth where rth.kind in ('project', 'direct'))`;
const readableInternalThreadIds = sql`(select rth.id from app.threads rth where rth.kind = 'internal')`;

/** The name the signed-in client goes by in a conversation: the one the agency chose. */
const shownNameIn = (threadId: PgColumn) =>
  sql`(select tp.shown_name from app.thread_participants tp where tp.tenant_id = ${currentTenant} and tp.thread_id = ${threadId} and tp.user_id = ${currentUser})`;

/**
 * A message of a thread: a task's comment, or a message of a conversation. A task's comments are
 * client-visible or internal; in conversations every message is seen by everyone the thread shows
 * it to (client-visible in project and direct threads, never in internal ones). A deleted message
 * keeps its row as a marker (`deleted_at`, empty body). `author_name` is the name other clients
 * see: the team member's name, and for a client the agency's choice (their company's name), set
 * by the team when it shares a comment and taken from the participant row in conversations.
 * `mentions` are the people the author addressed with `@`; `reply_to_id` the message answered.
 */
export const messages = app.table(
  'messages',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    threadId: uuid('thread_id').notNull(),
    authorId: uuid('author_id'),
    authorName: text('author_name'),
    body: text('body').notNull(),
    clientVisible: boolean('client_visible').notNull().default(false),
    replyToId: uuid('reply_to_id'),
    mentions: uuid('mentions').array().notNull().default(sql`'{}'::uuid[]`),
    createdAt: createdAt(),
    editedAt: timestamp('edited_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.threadId],
      foreignColumns: [threads.tenantId, threads.id],
    }).onDelete('cascade'),
    // A person removed from the tenant leaves their messages (ON DELETE SET NULL (author_id), in the migration).
    foreignKey({ columns: [t.tenantId, t.authorId], foreignColumns: [users.tenantId, users.id] }),
    // ON DELETE SET NULL (reply_to_id), in the migration (messages are not deleted, but threads are).
    foreignKey({ columns: [t.tenantId, t.replyToId], foreignColumns: [t.tenantId, t.id] }),
    index('messages_tenant_thread_created_idx').on(t.tenantId, t.threadId, t.createdAt),
    check('messages_body_length', sql`length(${t.body}) <= 20000`),
    check('messages_deleted_empty', sql`${t.deletedAt} is null or ${t.body} = ''`),
    check('messages_mentions_few', sql`cardinality(${t.mentions}) <= 50`),
    // The team writes as itself: any visibility in task threads, client-visible in conversations
    // with clients, internal in internal chats.
    ...walledPolicies('messages', 'team', teamRole, t.tenantId, {
      select: sql`${t.threadId} in ${readableThreadIds}`,
      insert: sql`${isCurrentUser(t.authorId)} and (${t.threadId} in ${readableTaskThreadIds}
        or (${t.clientVisible} and ${t.threadId} in ${readableConversationIds})
        or (not ${t.clientVisible} and ${t.threadId} in ${readableInternalThreadIds}))`,
      update: sql`${t.threadId} in ${readableThreadIds}`,
    }),
    // A client reads the client-visible messages of threads they can read, and their own. They
    // write only their own: on a task, internal until the team shares it, with `tasks.comment`;
    // in a conversation, seen by its participants under the name the agency chose, with `messages`.
    ...walledPolicies('messages', 'client', clientRole, t.tenantId, {
      select: sql`${t.threadId} in ${readableThreadIds} and (${t.clientVisible} or ${t.authorId} = ${currentUser})`,
      insert: sql`${isCurrentUser(t.authorId)} and (
        (not ${t.clientVisible} and ${t.authorName} is null and ${t.threadId} in ${readableTaskThreadIds} and ${clientMay('tasks.comment')})
        or (${t.clientVisible} and ${t.threadId} in ${readableConversationIds} and ${clientMay('messages')}
          and ${t.authorName} is not distinct from ${shownNameIn(t.threadId)}))`,
      update: sql`${isCurrentUser(t.authorId)} and (
        (${t.threadId} in ${readableTaskThreadIds} and ${clientMay('tasks.comment')})
        or (${t.threadId} in ${readableConversationIds} and ${clientMay('messages')}))`,
    }),
  ],
);
