import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  inet,
  integer,
  jsonb,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { app } from './app';
import {
  actorIsWorker,
  clientMay,
  currentUser,
  idColumn,
  isCurrentUser,
  teamReaches,
  tenantIdColumn,
  walledPolicies,
} from './columns';
import { tenants } from './platform';
import { clientRole, teamRole } from './roles';
import { tasks } from './tasks';

export const reviewEntryKinds = ['round', 'decision'] as const;
export type ReviewEntryKind = (typeof reviewEntryKinds)[number];
export const reviewDecisions = ['approved', 'revisions'] as const;
export type ReviewDecision = (typeof reviewDecisions)[number];
export const reviewRules = ['any', 'all'] as const;
export type ReviewRule = (typeof reviewRules)[number];

/** A deliverable of a round, as submitted: a file by its exact version, or a link. */
export type ReviewDeliverable =
  | {
      kind: 'file';
      fileId: string;
      versionId: string;
      version: number;
      name: string;
      size: number;
      sha256: string;
      contentType: string;
    }
  | { kind: 'link'; url: string; label: string };

/** Where a request for revisions points: a deliverable, and a point on an image or a PDF's page. */
export interface ReviewPin {
  /** The deliverable's place in its round's list. */
  deliverable: number;
  /** A point on an image, as fractions of its width and height (0..1). */
  x?: number;
  y?: number;
  /** A PDF's page, from 1. */
  page?: number;
}

/**
 * A task's review trail: the rounds the team submits and the reviewers' decisions, one chain per
 * task. Insert-only for every runtime role. The database fills what the trail vouches for (BEFORE
 * INSERT, `app_system.review_entry_chain`): the entry's place (`seq`, from 1, unique per task),
 * the round's number, who acted as they were named then, the time, and the hash of the previous
 * entry with this one's own; it also refuses a decision that is not the reviewer's to make (a
 * closed or old round, not a reviewer, a second decision). A round's state is derived from its
 * decisions (`app.review_state`), never stored.
 */
export const reviewEntries = app.table(
  'review_entries',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    taskId: uuid('task_id').notNull(),
    /** The task's project, set by the database (the team's policy reads it). */
    projectId: uuid('project_id').notNull(),
    seq: integer('seq').notNull(),
    kind: text('kind', { enum: reviewEntryKinds }).notNull(),
    /** A decision's round; null on a round. */
    roundId: uuid('round_id'),
    /** The round's number on its task (1, 2, …); a decision carries its round's. */
    roundN: integer('round_n').notNull(),
    /** Who submitted or decided. */
    actorId: uuid('actor_id').notNull(),
    /** Their name when they acted: the team's copy of the trail. Clients are not granted it. */
    actorName: text('actor_name').notNull(),
    /** The name clients see: the team member's, or for a reviewer the agency's choice. */
    shownName: text('shown_name').notNull(),
    decision: text('decision', { enum: reviewDecisions }),
    /** A round's note to the reviewers; a decision's comment. */
    body: text('body'),
    pin: jsonb('pin').$type<ReviewPin>(),
    deliverables: jsonb('deliverables').$type<ReviewDeliverable[]>().notNull().default(sql`'[]'::jsonb`),
    /** A round's reviewers, and the names they see each other by (in the same order). */
    reviewerIds: uuid('reviewer_ids').array().notNull().default(sql`'{}'::uuid[]`),
    reviewersShown: text('reviewers_shown').array().notNull().default(sql`'{}'::text[]`),
    /** A round's approval rule, from the tenant's setting when it was submitted. */
    rule: text('rule', { enum: reviewRules }),
    /** Where the act came from. Clients are not granted it. */
    ip: inet('ip'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.taskId], foreignColumns: [tasks.tenantId, tasks.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ columns: [t.tenantId, t.roundId], foreignColumns: [t.tenantId, t.id] }),
    // The chain: one entry per place; two writers racing for a place, one wins, the other retries.
    uniqueIndex('review_entries_task_seq_idx').on(t.tenantId, t.taskId, t.seq),
    // One decision per reviewer and round: a double click or a replay is refused here.
    uniqueIndex('review_entries_round_actor_idx')
      .on(t.tenantId, t.roundId, t.actorId)
      .where(sql`${t.kind} = 'decision'`),
    // "Waiting on clients" and reminders read the rounds of a tenant by age.
    index('review_entries_tenant_rounds_idx').on(t.tenantId, t.createdAt).where(sql`${t.kind} = 'round'`),
    check('review_entries_kind_known', sql`${t.kind} in ('round', 'decision')`),
    check('review_entries_seq_positive', sql`${t.seq} >= 1 and ${t.roundN} >= 1`),
    check(
      'review_entries_shape',
      sql`(${t.kind} = 'round' and ${t.roundId} is null and ${t.decision} is null and ${t.rule} in ('any', 'all') and cardinality(${t.reviewerIds}) between 1 and 50 and cardinality(${t.reviewersShown}) = cardinality(${t.reviewerIds}))
       or (${t.kind} = 'decision' and ${t.roundId} is not null and ${t.decision} in ('approved', 'revisions') and ${t.rule} is null)`,
    ),
    // Revisions say what to change.
    check(
      'review_entries_revisions_explained',
      sql`${t.decision} is distinct from 'revisions' or length(btrim(coalesce(${t.body}, ''))) > 0`,
    ),
    check('review_entries_body_length', sql`length(${t.body}) <= 20000`),
    check('review_entries_hashes', sql`${t.hash} ~ '^[0-9a-f]{64}$' and ${t.prevHash} ~ '^[0-9a-f]{64}$'`),
    // The team reads the trails of its projects and submits rounds as itself; it never decides.
    ...walledPolicies('review_entries', 'team', teamRole, t.tenantId, {
      select: teamReaches(t.projectId),
      insert: sql`${teamReaches(t.projectId)} and ${t.kind} = 'round' and ${isCurrentUser(t.actorId)}`,
    }),
    // A client with `review` on reads the trails of the tasks they can read, and decides as
    // themselves; which decisions are theirs to make, the BEFORE INSERT trigger says.
    ...walledPolicies('review_entries', 'client', clientRole, t.tenantId, {
      select: sql`${t.taskId} in (select rt.id from app.tasks rt) and ${clientMay('review')}`,
      insert: sql`${t.kind} = 'decision' and ${t.actorId} = ${currentUser} and ${t.taskId} in (select rt.id from app.tasks rt) and ${clientMay('review')}`,
    }),
  ],
);

/**
 * Reminders sent to a round's reviewers (the scheduled job's record, one row per reviewer and
 * reminder): what the team's view shows, and what spaces the next reminder.
 */
export const reviewReminders = app.table(
  'review_reminders',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    taskId: uuid('task_id').notNull(),
    projectId: uuid('project_id').notNull(),
    roundId: uuid('round_id').notNull(),
    userId: uuid('user_id').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.roundId],
      foreignColumns: [reviewEntries.tenantId, reviewEntries.id],
    }).onDelete('cascade'),
    index('review_reminders_round_idx').on(t.tenantId, t.roundId, t.sentAt),
    // The worker, acting for the tenant, records the reminders it sends.
    ...walledPolicies('review_reminders', 'team', teamRole, t.tenantId, {
      select: sql`(${teamReaches(t.projectId)} or ${actorIsWorker})`,
      insert: actorIsWorker,
    }),
    // A reviewer sees the reminders sent to them.
    ...walledPolicies('review_reminders', 'client', clientRole, t.tenantId, {
      select: isCurrentUser(t.userId),
    }),
  ],
);
