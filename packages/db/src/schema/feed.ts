import { sql } from 'drizzle-orm';
import { check, foreignKey, index, jsonb, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { app } from './app';
import {
  actorIsAdmin,
  currentUser,
  idColumn,
  readableProjectIds,
  staffProjectIds,
  tenantIdColumn,
  walledPolicies,
} from './columns';
import { tenants } from './platform';
import { projects } from './projects';
import { clientRole, teamRole } from './roles';
import { messages, milestones, tasks } from './tasks';
import { users } from './users';

/**
 * The client's "recent activity": what happened on a project, as the portal shows it. Not the
 * audit log (`app.activity`): entries point at items and are shown to a client only while the
 * client can read the project (and, for entries about one person, only to that person).
 */
export const projectFeed = app.table(
  'project_feed',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    projectId: uuid('project_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * `project.created`, `project.status`, `project.assigned`, `task.shared`, `milestone.shared`,
     * `comment.shared`; later areas add theirs.
     */
    kind: text('kind').notNull(),
    /** Shown only to this person when set (e.g. "you were added"); to everyone on the project otherwise. */
    userId: uuid('user_id'),
    /** The name of who did it, as the item shows it: the agency's display name for the team. */
    actorName: text('actor_name'),
    /** The item an entry is about; the entry is shown to a client only while they can read it. */
    taskId: uuid('task_id'),
    milestoneId: uuid('milestone_id'),
    messageId: uuid('message_id'),
    data: jsonb('data').notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ columns: [t.tenantId, t.taskId], foreignColumns: [tasks.tenantId, tasks.id] }).onDelete(
      'cascade',
    ),
    foreignKey({
      columns: [t.tenantId, t.milestoneId],
      foreignColumns: [milestones.tenantId, milestones.id],
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.messageId],
      foreignColumns: [messages.tenantId, messages.id],
    }).onDelete('cascade'),
    index('project_feed_tenant_project_at_idx').on(t.tenantId, t.projectId, t.at.desc()),
    check('project_feed_kind_shape', sql`${t.kind} ~ '^[a-z_]+\\.[a-z_]+$'`),
    ...walledPolicies('project_feed', 'team', teamRole, t.tenantId, {
      select: sql`(${actorIsAdmin} or ${t.projectId} in ${staffProjectIds})`,
      insert: sql`(${actorIsAdmin} or ${t.projectId} in ${staffProjectIds})`,
    }),
    ...walledPolicies('project_feed', 'client', clientRole, t.tenantId, {
      select: sql`${t.projectId} in ${readableProjectIds} and (${t.userId} is null or ${t.userId} = ${currentUser})
        and (${t.taskId} is null or ${t.taskId} in (select ft.id from app.tasks ft))
        and (${t.milestoneId} is null or ${t.milestoneId} in (select fm.id from app.milestones fm))
        and (${t.messageId} is null or ${t.messageId} in (select fmsg.id from app.messages fmsg))`,
    }),
  ],
);
