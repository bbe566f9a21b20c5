import { randomUUID } from 'node:crypto';
import { type SQL, schema, sql, system, type Tx } from '@foyer/db';
import { approvalRecordPdf } from '@foyer/pdf';
import type { z } from 'zod';
import { type Ctx, type Person, PREVIEW_IS_READ_ONLY, personOf, record, type TxCtx, transact } from '../ctx';
import { CoreError, invalid, sqlState, UNIQUE_VIOLATION } from '../errors';
import { parseInput } from '../input';
import { notify } from '../mail/outbox';
import { notifyInApp } from '../notifications/in-app';
import { accountReasons, clientsOnProject } from '../tasks/audience';
import { json, rows, teamOf, writerOf } from '../tasks/common';
import { renderMarkdown } from '../text/markdown';
import {
  decideReviewInput,
  reviewSettingsInput,
  setClientReviewInput,
  submitRoundInput,
  taskReviewInput,
  waitingReviewsInput,
} from './inputs';
import type {
  DeliverableCandidate,
  ReviewCandidate,
  ReviewDecisionItem,
  ReviewDeliverable,
  ReviewPin,
  ReviewRoundItem,
  ReviewRule,
  ReviewSettings,
  ReviewSubmitForm,
  RoundChange,
  RoundState,
  TaskReview,
  TrailCheck,
  WaitingReview,
} from './types';

const { workSettings } = schema;

export const REVIEW_NOT_FOUND = 'That task doesn’t exist, or it isn’t shared with you.';
const NO_REVIEWING = 'You can’t review work here. Ask the team if you need to.';
const ROUND_CLOSED = 'This round is closed: the review has moved on. Reload the page to see where it stands.';
const DECIDED = 'You’ve already decided on this round.';
const NOT_REVIEWER = 'You’re not a reviewer of this round.';
export const WAITING_PAGE_SIZE = 25;

/** The reviewer's portal page of a task. */
export const portalTaskLink = (taskId: string) => `/tasks/${taskId}`;

const isTeam = (me: Person) => me.kind === 'admin' || me.kind === 'staff';

// ---- reading ------------------------------------------------------------------------------------

interface TaskRef {
  id: string;
  title: string;
  projectId: string;
  projectName: string;
  clientVisible: boolean;
  clientReview: boolean;
  archived: boolean;
  dueDate: string | null;
}

/** The task as this actor's policies let them read it; not_found otherwise. */
async function readTask(tx: Tx, taskId: string, lock = false): Promise<TaskRef> {
  const [row] = await rows<{
    id: string;
    title: string;
    project_id: string;
    project_name: string;
    client_visible: boolean;
    client_review: boolean;
    archived: boolean;
    due_date: string | null;
  }>(
    tx,
    sql`select t.id::text as id, t.title, t.project_id::text as project_id, p.name as project_name,
               t.client_visible, t.client_review, (t.archived_at is not null) as archived, t.due_date::text as due_date
          from app.tasks t join app.projects p on p.tenant_id = t.tenant_id and p.id = t.project_id
         where t.id = ${taskId}::uuid ${lock ? sql`for update of t` : sql``}`,
  );
  if (!row) throw new CoreError('not_found', REVIEW_NOT_FOUND);
  return {
    id: row.id,
    title: row.title,
    projectId: row.project_id,
    projectName: row.project_name,
    clientVisible: row.client_visible,
    clientReview: row.client_review,
    archived: row.archived,
    dueDate: row.due_date,
  };
}

/** Whether the signed-in client holds `review` (and is active): what their policies read too. */
async function clientMayReview(tx: Tx, me: Person): Promise<boolean> {
  const [row] = await rows<{ ok: boolean }>(
    tx,
    sql`select ('review' = any(permissions) and status = 'active') as ok from app.users where id = ${me.userId}::uuid`,
  );
  return row?.ok === true;
}

interface EntryRow {
  id: string;
  seq: number;
  kind: 'round' | 'decision';
  round_id: string | null;
  round_n: number;
  actor_id: string;
  actor_name: string | null;
  shown_name: string;
  decision: 'approved' | 'revisions' | null;
  body: string | null;
  pin: unknown;
  deliverables: unknown;
  reviewer_ids: string[] | string;
  reviewers_shown: string[] | string;
  rule: ReviewRule | null;
  ip: string | null;
  created_at: string | Date;
  state: RoundState | null;
}

/** A text array as a list, whether the driver parsed it or not. */
function list(value: string[] | string | null): string[] {
  if (Array.isArray(value)) return value;
  if (!value) return [];
  const inner = value.replace(/^\{|\}$/g, '');
  if (inner === '') return [];
  return inner.split(',').map((item) => item.replace(/^"|"$/g, '').replace(/\\(.)/g, '$1'));
}

/**
 * The state of the round whose entry is aliased `alias`, by the database's one rule
 * (`app.review_state`) over its decisions; `superseded` says whether a later round counts.
 */
function roundState(alias: 'e' | 'r', superseded: boolean): SQL {
  const a = sql.raw(alias);
  const count = (decision: 'approved' | 'revisions') =>
    sql`(select count(*)::int from app.review_entries d where d.tenant_id = ${a}.tenant_id and d.round_id = ${a}.id and d.decision = ${sql.raw(`'${decision}'`)})`;
  const later = superseded
    ? sql`exists (select 1 from app.review_entries l where l.tenant_id = ${a}.tenant_id and l.task_id = ${a}.task_id and l.kind = 'round' and l.seq > ${a}.seq)`
    : sql`false`;
  return sql`app.review_state(${a}.rule, cardinality(${a}.reviewer_ids), ${count('approved')}, ${count('revisions')}, ${later})`;
}

/**
 * A task's trail, oldest first, with each round's state derived by the database's one rule. The
 * team's copy carries the names as they were and where each act came from; a client's does not
 * (nor are they granted those columns).
 */
async function readEntries(tx: Tx, taskId: string, team: boolean): Promise<EntryRow[]> {
  const teamOnly = team
    ? sql`e.actor_name, host(e.ip) as ip`
    : sql`null::text as actor_name, null::text as ip`;
  return rows<EntryRow>(
    tx,
    sql`select e.id::text as id, e.seq, e.kind, e.round_id::text as round_id, e.round_n, e.actor_id::text as actor_id,
               ${teamOnly}, e.shown_name, e.decision, e.body, e.pin, e.deliverables,
               e.reviewer_ids::text[] as reviewer_ids, e.reviewers_shown, e.rule, e.created_at,
               case when e.kind = 'round' then ${roundState('e', true)} end as state
          from app.review_entries e
         where e.task_id = ${taskId}::uuid
         order by e.seq`,
  );
}

function describePin(pin: ReviewPin | null, deliverables: ReviewDeliverable[]): string | null {
  if (!pin) return null;
  const target = deliverables[pin.deliverable];
  const name = target ? (target.kind === 'file' ? target.name : target.label || target.url) : 'a deliverable';
  if (pin.page !== undefined) return `${name}, page ${pin.page}`;
  if (pin.x !== undefined && pin.y !== undefined) {
    return `${name}, at ${Math.round(pin.x * 100)}% across and ${Math.round(pin.y * 100)}% down`;
  }
  return name;
}

/** What changed from one round's deliverables and note to the next's. */
function changesBetween(before: ReviewRoundItem | undefined, after: ReviewRoundItem): RoundChange[] {
  if (!before) return [];
  const changes: RoundChange[] = [];
  const key = (d: ReviewDeliverable) => (d.kind === 'file' ? `file:${d.fileId}` : `link:${d.url}`);
  const name = (d: ReviewDeliverable) => (d.kind === 'file' ? d.name : d.label || d.url);
  const old = new Map(before.deliverables.map((d) => [key(d), d]));
  const now = new Map(after.deliverables.map((d) => [key(d), d]));
  for (const [k, d] of now) {
    const was = old.get(k);
    if (!was) changes.push({ kind: 'added', name: name(d) });
    else if (d.kind === 'file' && was.kind === 'file' && d.versionId !== was.versionId)
      changes.push({ kind: 'new_version', name: d.name, from: was.version, to: d.version });
  }
  for (const [k, d] of old) if (!now.has(k)) changes.push({ kind: 'removed', name: name(d) });
  if ((before.note ?? '') !== (after.note ?? '')) changes.push({ kind: 'note_changed' });
  return changes;
}

/** Rounds as this reader may see them, oldest first. */
async function buildRounds(tx: Tx, me: Person, entries: EntryRow[]): Promise<ReviewRoundItem[]> {
  const team = isTeam(me);
  const roundRows = entries.filter((e) => e.kind === 'round');
  const decisionRows = entries.filter((e) => e.kind === 'decision');
  const fileIds = new Set<string>();
  for (const r of roundRows)
    for (const d of json<ReviewDeliverable[]>(r.deliverables, []))
      if (d.kind === 'file') fileIds.add(d.fileId);
  // The files this reader can open now, at their current version (a deliverable may have been
  // deleted, made internal or given a newer version since).
  const current = new Map(
    fileIds.size === 0
      ? []
      : (
          await rows<{ id: string; version: number }>(
            tx,
            sql`select id::text as id, version from app.files where id = any(${`{${[...fileIds].join(',')}}`}::uuid[])`,
          )
        ).map((row) => [row.id, Number(row.version)] as const),
  );
  // The team names reviewers by their names now; the trail keeps the decider's name as it was.
  const reviewerNames = new Map<string, string>();
  if (team) {
    const ids = [...new Set(roundRows.flatMap((r) => list(r.reviewer_ids)))];
    if (ids.length > 0) {
      const found = await rows<{ id: string; name: string; company: string | null }>(
        tx,
        sql`select u.id::text as id, u.name, c.name as company from app.users u
              left join app.clients c on c.tenant_id = u.tenant_id and c.id = u.client_id
             where u.id = any(${`{${ids.join(',')}}`}::uuid[])`,
      );
      for (const row of found)
        reviewerNames.set(row.id, row.company ? `${row.name} (${row.company})` : row.name);
    }
  }
  const rounds: ReviewRoundItem[] = [];
  for (const [index, r] of roundRows.entries()) {
    const deliverables: ReviewDeliverable[] = json<ReviewDeliverable[]>(r.deliverables, []).map((d) =>
      d.kind === 'file'
        ? { ...d, available: current.has(d.fileId), currentVersion: current.get(d.fileId) ?? null }
        : d,
    ) as ReviewDeliverable[];
    const mine = decisionRows.filter((d) => d.round_id === r.id);
    const decisions: ReviewDecisionItem[] = mine.map((d) => {
      const pin = json<ReviewPin | null>(d.pin, null);
      const own = d.actor_id === me.userId;
      return {
        id: d.id,
        decision: d.decision as 'approved' | 'revisions',
        by: team ? (d.actor_name ?? d.shown_name) : own ? 'You' : d.shown_name,
        mine: own,
        comment: d.body,
        pin,
        pinLabel: describePin(pin, deliverables),
        decidedAt: new Date(d.created_at),
        ip: team ? d.ip : null,
      };
    });
    const ids = list(r.reviewer_ids);
    const shown = list(r.reviewers_shown);
    const reviewers = ids.map((id, i) => {
      const decision = mine.find((d) => d.actor_id === id);
      const own = id === me.userId;
      return {
        name: team ? (reviewerNames.get(id) ?? shown[i] ?? '') : own ? 'You' : (shown[i] ?? ''),
        mine: own,
        decision: decision?.decision ?? null,
        decidedAt: decision ? new Date(decision.created_at) : null,
      };
    });
    const state = (r.state ?? 'open') as RoundState;
    const next = roundRows[index + 1];
    const closedAt =
      state === 'superseded' && next
        ? new Date(next.created_at)
        : state === 'open' || decisions.length === 0
          ? null
          : new Date(Math.max(...decisions.map((d) => d.decidedAt.getTime())));
    const item: ReviewRoundItem = {
      id: r.id,
      n: r.round_n,
      state,
      rule: (r.rule ?? 'any') as ReviewRule,
      note: r.body,
      noteHtml: renderMarkdown(r.body),
      submittedBy: team ? (r.actor_name ?? r.shown_name) : r.shown_name,
      submittedAt: new Date(r.created_at),
      ip: team ? r.ip : null,
      deliverables,
      reviewers,
      reviewerCount: ids.length,
      decisions,
      changes: [],
      closedAt,
    };
    item.changes = changesBetween(rounds[rounds.length - 1], item);
    rounds.push(item);
  }
  return rounds;
}

async function tenantRule(tx: Tx): Promise<ReviewRule> {
  const [row] = await tx.select({ rule: workSettings.reviewRule }).from(workSettings).limit(1);
  return (row?.rule ?? 'any') as ReviewRule;
}

/**
 * The trail's verification, through the database's one door for it. Asked before the reader's
 * transaction (the embedded database runs one at a time); the answer is shown only once the
 * reader has been found to read the task.
 */
function verifyTrail(ctx: Ctx, me: Person, taskId: string): Promise<TrailCheck> {
  return system.reviews.verify(ctx.deps.db, me.tenantId, taskId);
}

/**
 * The review of a task for its reader (team, or a client with `review`); null when there is
 * nothing to show them. Call it outside any open transaction: the trail is verified through the
 * system door, on a connection of its own, which the embedded database (one transaction at a
 * time) would make wait for the open one.
 */
export async function taskReview({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof taskReviewInput>;
}): Promise<TaskReview | null> {
  const me = personOf(ctx);
  const { taskId } = parseInput(taskReviewInput, input);
  const trail = await verifyTrail(ctx, me, taskId);
  return transact(ctx, async ({ tx }) => {
    const task = await readTask(tx, taskId);
    const team = isTeam(me);
    if (!team && !(await clientMayReview(tx, me))) return null;
    const entries = await readEntries(tx, taskId, team);
    if (!team && entries.length === 0) return null;
    const rounds = await buildRounds(tx, me, entries);
    const current = rounds[rounds.length - 1] ?? null;
    const awaitingMe =
      !team &&
      current !== null &&
      current.state === 'open' &&
      current.reviewers.some((r) => r.mine && r.decision === null);
    return {
      taskId: task.id,
      taskTitle: task.title,
      projectId: task.projectId,
      projectName: task.projectName,
      enabled: task.clientReview,
      rounds,
      current,
      trail,
      awaitingMe,
      recordAvailable: current?.state === 'approved',
      rule: team ? await tenantRule(tx) : (current?.rule ?? 'any'),
    };
  });
}

// ---- the team -----------------------------------------------------------------------------------

/** Turns Client Review on or off for a task (the team). Its trail stays either way. */
export async function setClientReview({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof setClientReviewInput>;
}): Promise<{ enabled: boolean }> {
  writerOf(ctx);
  const { taskId, enabled } = parseInput(setClientReviewInput, input);
  return transact(ctx, async (ctx) => {
    const task = await readTask(ctx.tx, taskId, true);
    if (task.clientReview !== enabled) {
      await rows(
        ctx.tx,
        sql`update app.tasks set client_review = ${enabled}, updated_at = now() where id = ${taskId}::uuid`,
      );
      await record(ctx, {
        verb: enabled ? 'review.enabled' : 'review.disabled',
        subject: { type: 'task', id: taskId },
        projectId: task.projectId,
        data: {},
      });
    }
    return { enabled };
  });
}

/**
 * Why a project's client can't review, or null. Someone still to accept their invitation can:
 * the round waits for them, and they hear of it in the bell until they sign in.
 */
function candidateReason(
  person: Awaited<ReturnType<typeof clientsOnProject>>[number],
): ReviewCandidate['reason'] {
  const [account] = accountReasons(person).filter((reason) => reason !== 'invited');
  if (account) return account;
  if (!person.permissions.includes('review')) return 'no_review_permission';
  return null;
}

/** What the team's "submit for review" form offers: reviewers, files, the last round's choices. */
export async function reviewSubmitForm({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof taskReviewInput>;
}): Promise<ReviewSubmitForm> {
  teamOf(ctx);
  const { taskId } = parseInput(taskReviewInput, input);
  return transact(ctx, async ({ tx }) => {
    const task = await readTask(tx, taskId);
    const people = await clientsOnProject(tx, task.projectId);
    const emails = new Map(
      (
        await rows<{ id: string; email: string }>(
          tx,
          sql`select id::text as id, email from app.users where id = any(${`{${people.map((p) => p.id).join(',')}}`}::uuid[])`,
        )
      ).map((row) => [row.id, row.email]),
    );
    const files = await rows<{
      id: string;
      name: string;
      version: number;
      size: number;
      content_type: string;
      client_visible: boolean;
      on_task: boolean;
      created_at: string | Date;
    }>(
      tx,
      sql`select f.id::text as id, f.name, f.version, f.size::float8 as size, f.content_type, f.client_visible,
                 (f.task_id is not distinct from ${taskId}::uuid) as on_task, f.updated_at as created_at
            from app.files f
           where f.project_id = ${task.projectId}::uuid and f.message_id is null
           order by (f.task_id is not distinct from ${taskId}::uuid) desc, f.updated_at desc, f.id
           limit 200`,
    );
    const [last] = await rows<{ reviewer_ids: string[] | string; deliverables: unknown }>(
      tx,
      sql`select reviewer_ids::text[] as reviewer_ids, deliverables from app.review_entries
           where task_id = ${taskId}::uuid and kind = 'round' order by seq desc limit 1`,
    );
    const lastDeliverables = last ? json<ReviewDeliverable[]>(last.deliverables, []) : [];
    return {
      taskId: task.id,
      taskTitle: task.title,
      taskClientVisible: task.clientVisible,
      candidates: people.map((person) => ({
        userId: person.id,
        name: person.name,
        email: emails.get(person.id) ?? '',
        companyName: person.companyName ?? '',
        reason: candidateReason(person),
      })),
      files: files.map(
        (f): DeliverableCandidate => ({
          fileId: f.id,
          name: f.name,
          version: Number(f.version),
          size: Number(f.size),
          contentType: f.content_type,
          clientVisible: f.client_visible,
          onTask: f.on_task,
          uploadedAt: new Date(f.created_at),
        }),
      ),
      previous: last
        ? {
            reviewerIds: list(last.reviewer_ids),
            fileIds: lastDeliverables.flatMap((d) => (d.kind === 'file' ? [d.fileId] : [])),
            links: lastDeliverables.flatMap((d) =>
              d.kind === 'link' ? [{ url: d.url, label: d.label }] : [],
            ),
          }
        : null,
      rule: await tenantRule(tx),
    };
  });
}

/** The hint a review rule of the database raised with, looking through driver wrappers. */
function reviewHint(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const hint = (e as { hint?: unknown }).hint;
    if (typeof hint === 'string' && hint.startsWith('review_')) return hint;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The unique index a violation names, looking through driver wrappers. */
function violatedIndex(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const found = e as { constraint_name?: unknown; constraint?: unknown; message?: unknown };
    const name = found.constraint_name ?? found.constraint;
    if (typeof name === 'string') return name;
    if (typeof found.message === 'string') {
      const match = /"(review_entries_[a-z_]+_idx)"/.exec(found.message);
      if (match) return match[1];
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Appends an entry to a task's chain. Two writers racing for the same place collide on the
 * unique (task, seq): the loser's savepoint is rolled back and it tries again, reading the winner's
 * entry (each statement sees what committed before it). A rule the database refuses becomes the
 * matching CoreError.
 */
async function appendEntry(tx: Tx, insert: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await tx.transaction(async () => {
        await insert();
      });
      return;
    } catch (error) {
      const hint = reviewHint(error);
      if (hint === 'review_round_closed') throw new CoreError('conflict', ROUND_CLOSED);
      if (hint === 'review_decided') throw new CoreError('conflict', DECIDED);
      if (hint === 'review_not_reviewer') throw new CoreError('forbidden', NOT_REVIEWER);
      if (hint === 'review_task_hidden')
        throw new CoreError('conflict', 'Share the task with the client before submitting it for review.');
      if (hint === 'review_reviewers')
        throw invalid({
          reviewerIds: 'Every reviewer must be an active client of this project with Review on.',
        });
      if (hint === 'review_actor') throw new CoreError('forbidden', 'You can’t do that here.');
      if (hint === 'review_task_missing') throw new CoreError('not_found', REVIEW_NOT_FOUND);
      if (sqlState(error) === UNIQUE_VIOLATION) {
        const index = violatedIndex(error);
        if (index === 'review_entries_round_actor_idx') throw new CoreError('conflict', DECIDED);
        if (index === 'review_entries_task_seq_idx' && attempt < 8) continue;
      }
      throw error;
    }
  }
}

/**
 * Submits the next round. A task that is not client-visible needs `shareTask` (the form's
 * confirmation): without it, CoreError('conflict') with fields.shareTask. Internal deliverable
 * files are shared with the reviewers; the reviewers hear of the round (bell and email).
 */
export async function submitRound({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof submitRoundInput>;
}): Promise<{ roundId: string; n: number }> {
  const me = writerOf(ctx);
  const data = parseInput(submitRoundInput, input);
  const note = data.note?.trim() ? data.note.trim() : null;
  if (data.reviewerIds.length === 0) throw invalid({ reviewerIds: 'Choose at least one reviewer.' });
  if (data.fileIds.length === 0 && data.links.length === 0 && !note)
    throw invalid({ fileIds: 'Add a deliverable (a file or a link), or a note saying what to review.' });
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const task = await readTask(tx, data.taskId, true);
    if (task.archived)
      throw new CoreError('conflict', 'This task is archived: bring it back before submitting it.');
    if (!task.clientVisible) {
      if (!data.shareTask) {
        const message =
          'This task is internal. Submitting it shares it with the reviewers: confirm to go on.';
        throw new CoreError('conflict', message, { shareTask: message });
      }
      await rows(
        tx,
        sql`update app.tasks set client_visible = true, updated_at = now() where id = ${task.id}::uuid`,
      );
    }
    const people = await clientsOnProject(tx, task.projectId);
    const byId = new Map(people.map((person) => [person.id, person]));
    for (const reviewerId of data.reviewerIds) {
      const person = byId.get(reviewerId);
      if (!person) throw invalid({ reviewerIds: 'Choose reviewers from this project’s clients.' });
      if (candidateReason(person) !== null)
        throw invalid({ reviewerIds: `${person.name} can’t review: ${reasonText(candidateReason(person))}` });
    }
    const found = await rows<{
      id: string;
      version_id: string;
      version: number;
      name: string;
      size: number;
      sha256: string;
      content_type: string;
    }>(
      tx,
      sql`select f.id::text as id, v.id::text as version_id, f.version, f.name, f.size::float8 as size, f.sha256, f.content_type
            from app.files f
            join app.file_versions v on v.tenant_id = f.tenant_id and v.file_id = f.id and v.version = f.version
           where f.id = any(${`{${data.fileIds.join(',')}}`}::uuid[]) and f.project_id = ${task.projectId}::uuid
             and f.message_id is null`,
    );
    if (found.length !== data.fileIds.length)
      throw invalid({ fileIds: 'A file you chose is no longer in this project. Choose again.' });
    const filesById = new Map(found.map((f) => [f.id, f]));
    const deliverables: schema.ReviewDeliverable[] = [
      ...data.fileIds.map((fileId) => {
        const f = filesById.get(fileId) as (typeof found)[number];
        return {
          kind: 'file' as const,
          fileId: f.id,
          versionId: f.version_id,
          version: Number(f.version),
          name: f.name,
          size: Number(f.size),
          sha256: f.sha256,
          contentType: f.content_type,
        };
      }),
      ...data.links.map((link) => ({
        kind: 'link' as const,
        url: link.url,
        label: link.label?.trim() || link.url,
      })),
    ];
    // The reviewers open what they review: internal deliverables are shared with the project's
    // clients (the review request itself is their notice, so no separate "files shared" one).
    if (data.fileIds.length > 0) {
      await rows(
        tx,
        sql`update app.files set client_visible = true, shared_at = now(), share_pending = false, updated_at = now()
             where id = any(${`{${data.fileIds.join(',')}}`}::uuid[]) and not client_visible`,
      );
    }
    if (!task.clientReview) {
      await rows(tx, sql`update app.tasks set client_review = true where id = ${task.id}::uuid`);
    }
    const roundId = randomUUID();
    const reviewerIds = [...new Set(data.reviewerIds)];
    await appendEntry(tx, () =>
      tx.execute(sql`insert into app.review_entries (tenant_id, id, task_id, kind, actor_id, body, deliverables, reviewer_ids, ip)
        values (${me.tenantId}::uuid, ${roundId}::uuid, ${task.id}::uuid, 'round', ${me.userId}::uuid, ${note},
           ${JSON.stringify(deliverables)}::jsonb, ${`{${reviewerIds.join(',')}}`}::uuid[], ${ctx.client?.ip || null}::inet)`),
    );
    const [round] = await rows<{ round_n: number; actor_name: string }>(
      tx,
      sql`select round_n, actor_name from app.review_entries where id = ${roundId}::uuid`,
    );
    const n = Number(round?.round_n ?? 1);
    const by = round?.actor_name ?? '';
    const invited = new Set(reviewerIds.filter((reviewerId) => byId.get(reviewerId)?.invited));
    const notice = {
      tenantId: me.tenantId,
      event: 'review-requested' as const,
      title: `Ready for your review: ${task.title}`,
      body: `${by} submitted round ${n} on ${task.projectName}.`,
      link: portalTaskLink(task.id),
    };
    await notifyInApp(tx, { ...notice, userIds: [...invited] });
    await notify(tx, {
      ...notice,
      userIds: reviewerIds.filter((reviewerId) => !invited.has(reviewerId)),
      vars: {
        taskTitle: task.title,
        projectName: task.projectName,
        requestedByName: by,
        roundNumber: n,
        reminder: false,
        waitingDays: 0,
        dueDate: task.dueDate ?? '',
        reviewUrl: portalTaskLink(task.id),
      },
    });
    await record(ctx, {
      verb: 'review.submit',
      subject: { type: 'task', id: task.id },
      projectId: task.projectId,
      data: {
        round: n,
        reviewers: reviewerIds.length,
        files: data.fileIds.length,
        links: data.links.length,
        shared: !task.clientVisible,
      },
    });
    return { roundId, n };
  });
}

function reasonText(reason: ReviewCandidate['reason']): string {
  switch (reason) {
    case 'no_review_permission':
      return 'their Review permission is off.';
    case 'projects_off':
      return 'their Projects permission is off.';
    case 'deactivated':
      return 'they are deactivated.';
    case 'invited':
      return 'they haven’t accepted their invitation yet.';
    default:
      return '';
  }
}

// ---- the reviewer -------------------------------------------------------------------------------

/**
 * A reviewer's decision on the current open round. The database checks the rest (the latest
 * round, still open, theirs to decide, once) and moves the task and tells the team in the same
 * transaction as the decision and its activity entry.
 */
export async function decideReview({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof decideReviewInput>;
}): Promise<{ state: RoundState }> {
  const me = personOf(ctx);
  if (ctx.previewBy) throw new CoreError('forbidden', PREVIEW_IS_READ_ONLY);
  if (isTeam(me)) throw new CoreError('forbidden', 'Only the client’s reviewers decide on a round.');
  const data = parseInput(decideReviewInput, input);
  const comment = data.comment?.trim() ? data.comment.trim() : null;
  if (data.decision === 'revisions' && !comment) throw invalid({ comment: 'Say what should change.' });
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const task = await readTask(tx, data.taskId);
    if (!(await clientMayReview(tx, me))) throw new CoreError('forbidden', NO_REVIEWING);
    const [round] = await rows<{
      id: string;
      round_n: number;
      deliverables: unknown;
      reviewer_ids: string[] | string;
    }>(
      tx,
      sql`select id::text as id, round_n, deliverables, reviewer_ids::text[] as reviewer_ids from app.review_entries
           where id = ${data.roundId}::uuid and task_id = ${task.id}::uuid and kind = 'round'`,
    );
    if (!round) throw new CoreError('not_found', 'That review round doesn’t exist.');
    if (!list(round.reviewer_ids).includes(me.userId)) throw new CoreError('forbidden', NOT_REVIEWER);
    let pin: ReviewPin | null = null;
    if (data.pin) {
      const deliverables = json<ReviewDeliverable[]>(round.deliverables, []);
      const target = deliverables[data.pin.deliverable];
      if (!target) throw invalid({ pin: 'Choose one of this round’s deliverables.' });
      pin = { deliverable: data.pin.deliverable };
      if (data.pin.page !== undefined) pin.page = data.pin.page;
      if (data.pin.x !== undefined && data.pin.y !== undefined) {
        pin.x = Math.round(data.pin.x * 10_000) / 10_000;
        pin.y = Math.round(data.pin.y * 10_000) / 10_000;
      }
    }
    await appendEntry(tx, () =>
      tx.execute(sql`insert into app.review_entries (tenant_id, id, task_id, kind, round_id, actor_id, decision, body, pin, ip)
        values (${me.tenantId}::uuid, ${randomUUID()}::uuid, ${task.id}::uuid, 'decision', ${round.id}::uuid,
          ${me.userId}::uuid, ${data.decision}, ${comment}, ${pin ? JSON.stringify(pin) : null}::jsonb,
          ${ctx.client?.ip || null}::inet)`),
    );
    const [after] = await rows<{ state: RoundState }>(
      tx,
      sql`select ${roundState('r', false)} as state from app.review_entries r where r.id = ${round.id}::uuid`,
    );
    await record(ctx, {
      verb: data.decision === 'approved' ? 'review.approved' : 'review.revisions',
      subject: { type: 'task', id: task.id },
      projectId: task.projectId,
      data: { round: Number(round.round_n), pinned: pin !== null },
    });
    return { state: after?.state ?? 'open' };
  });
}

// ---- lists --------------------------------------------------------------------------------------

/** Team: open rounds waiting on clients, oldest first. Client: the rounds waiting for their decision. */
export async function waitingReviews({
  ctx,
  input,
}: {
  ctx: Ctx;
  input?: z.input<typeof waitingReviewsInput>;
}): Promise<{ items: WaitingReview[]; total: number; page: number; pageSize: number }> {
  const me = personOf(ctx);
  const page = parseInput(waitingReviewsInput, input ?? {}).page ?? 1;
  const team = isTeam(me);
  return transact(ctx, async ({ tx }) => {
    if (!team && !(await clientMayReview(tx, me)))
      return { items: [], total: 0, page, pageSize: WAITING_PAGE_SIZE };
    const mine = team
      ? sql``
      : sql`and ${me.userId}::uuid = any(r.reviewer_ids)
            and not exists (select 1 from app.review_entries d where d.tenant_id = r.tenant_id and d.round_id = r.id and d.actor_id = ${me.userId}::uuid)`;
    const open = sql`from app.review_entries r
          join app.tasks t on t.tenant_id = r.tenant_id and t.id = r.task_id and t.archived_at is null
          join app.projects p on p.tenant_id = r.tenant_id and p.id = r.project_id and p.status <> 'archived'
         where r.kind = 'round'
           and not exists (select 1 from app.review_entries l where l.tenant_id = r.tenant_id and l.task_id = r.task_id and l.kind = 'round' and l.seq > r.seq)
           and ${roundState('r', false)} = 'open'
           ${mine}`;
    const [count] = await rows<{ n: number }>(tx, sql`select count(*)::int as n ${open}`);
    const found = await rows<{
      task_id: string;
      title: string;
      project_id: string;
      project_name: string;
      round_id: string;
      round_n: number;
      created_at: string | Date;
      submitted_by: string;
      reviewer_ids: string[] | string;
      reviewers_shown: string[] | string;
      decided_ids: string[] | string | null;
      reminded_at: string | Date | null;
    }>(
      tx,
      sql`select t.id::text as task_id, t.title, p.id::text as project_id, p.name as project_name, r.id::text as round_id,
                 r.round_n, r.created_at, r.shown_name as submitted_by, r.reviewer_ids::text[] as reviewer_ids, r.reviewers_shown,
                 (select array_agg(d.actor_id::text) from app.review_entries d where d.tenant_id = r.tenant_id and d.round_id = r.id) as decided_ids,
                 ${team ? sql`(select max(m.sent_at) from app.review_reminders m where m.tenant_id = r.tenant_id and m.round_id = r.id)` : sql`null::timestamptz`} as reminded_at
            ${open}
           order by r.created_at, r.id
           limit ${WAITING_PAGE_SIZE} offset ${(page - 1) * WAITING_PAGE_SIZE}`,
    );
    const now = ctx.deps.now().getTime();
    const names = new Map<string, string>();
    if (team) {
      const ids = [...new Set(found.flatMap((row) => list(row.reviewer_ids)))];
      if (ids.length > 0) {
        for (const row of await rows<{ id: string; name: string }>(
          tx,
          sql`select id::text as id, name from app.users where id = any(${`{${ids.join(',')}}`}::uuid[])`,
        ))
          names.set(row.id, row.name);
      }
    }
    return {
      items: found.map((row) => {
        const submittedAt = new Date(row.created_at);
        const decidedIds = new Set(list(row.decided_ids ?? []));
        return {
          taskId: row.task_id,
          taskTitle: row.title,
          projectId: row.project_id,
          projectName: row.project_name,
          roundId: row.round_id,
          n: Number(row.round_n),
          submittedAt,
          submittedBy: row.submitted_by,
          waitingDays: Math.max(0, Math.floor((now - submittedAt.getTime()) / 86_400_000)),
          pending: team
            ? list(row.reviewer_ids)
                .filter((id) => !decidedIds.has(id))
                .map((id) => names.get(id) ?? '')
            : [],
          lastRemindedAt: row.reminded_at ? new Date(row.reminded_at) : null,
        };
      }),
      total: Number(count?.n ?? 0),
      page,
      pageSize: WAITING_PAGE_SIZE,
    };
  });
}

// ---- the approval record ------------------------------------------------------------------------

/** The reader's time zone when it is one Intl knows, else UTC. */
export function knownZone(zone: string | null | undefined): string {
  if (!zone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

/** A file name made of the task's title: letters, digits and dashes. */
function recordFilename(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `approval-record-${slug || 'task'}.pdf`;
}

/** The approval record of an approved task, as a PDF: the team's copy or the client's. */
export async function approvalRecord({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof taskReviewInput>;
}): Promise<{ filename: string; body: Buffer }> {
  const me = personOf(ctx);
  const review = await taskReview({ ctx, input });
  const noRecord = 'There is no approval record yet: the latest round isn’t approved.';
  if (!review) {
    // A reviewer's task without a trail has no record yet; anyone else is told nothing of it.
    const reviewer = await transact(ctx, async ({ tx }) => {
      await readTask(tx, parseInput(taskReviewInput, input).taskId);
      return clientMayReview(tx, me);
    });
    throw reviewer ? new CoreError('conflict', noRecord) : new CoreError('not_found', REVIEW_NOT_FOUND);
  }
  const current = review.current;
  if (current?.state !== 'approved') throw new CoreError('conflict', noRecord);
  const team = isTeam(me);
  const site = ctx.site ?? null;
  const { clientName, timeZone } = await transact(ctx, async ({ tx }) => {
    const [company] = team
      ? await rows<{ name: string }>(
          tx,
          sql`select c.name from app.projects p join app.clients c on c.tenant_id = p.tenant_id and c.id = p.client_id
               where p.id = ${review.projectId}::uuid`,
        )
      : await rows<{ name: string }>(
          tx,
          sql`select c.name from app.users u join app.clients c on c.tenant_id = u.tenant_id and c.id = u.client_id
               where u.id = ${me.userId}::uuid`,
        );
    const [zone] = await rows<{ tz: string | null }>(
      tx,
      sql`select time_zone as tz from app.users where id = ${me.userId}::uuid`,
    );
    return { clientName: company?.name ?? null, timeZone: knownZone(zone?.tz) };
  });
  const stored = await system.tenants.logo(ctx.deps.db, me.tenantId);
  const logo = stored ? { bytes: stored.data, contentType: stored.mime } : null;
  const brandName = site?.branding.displayName ?? review.projectName;
  const accent = site?.branding.primaryColor ?? '#1f2937';
  const approvers = current.decisions.filter((d) => d.decision === 'approved');
  const body = await approvalRecordPdf({
    brand: { name: brandName, accent, logo },
    copy: team ? 'team' : 'client',
    generatedAt: ctx.deps.now(),
    timeZone,
    task: { title: review.taskTitle, projectName: review.projectName, clientName, url: null },
    outcome: {
      state: 'approved',
      approvedAt: current.closedAt ?? current.submittedAt,
      approvedBy: approvers.map((d) => d.by),
    },
    trail: { ...review.trail, checkedAt: ctx.deps.now() },
    rounds: review.rounds.map((round) => ({
      n: round.n,
      state: round.state,
      rule: round.rule,
      submittedBy: round.submittedBy,
      submittedAt: round.submittedAt,
      ip: team ? round.ip : null,
      note: round.note,
      reviewers: round.reviewers.map((r) => r.name),
      deliverables: round.deliverables.map((d) =>
        d.kind === 'file'
          ? {
              kind: 'file' as const,
              name: d.name,
              version: d.version,
              size: d.size,
              sha256: d.sha256,
              contentType: d.contentType,
            }
          : { kind: 'link' as const, label: d.label, url: d.url },
      ),
      decisions: round.decisions.map((d) => ({
        by: d.by,
        decision: d.decision,
        at: d.decidedAt,
        ip: team ? d.ip : null,
        comment: d.comment,
        pin: d.pinLabel,
      })),
    })),
  });
  await transact(ctx, async (ctx) => {
    await record(ctx, {
      verb: 'review.record_downloaded',
      subject: { type: 'task', id: review.taskId },
      projectId: review.projectId,
      data: { copy: team ? 'team' : 'client' },
    });
  });
  return { filename: recordFilename(review.taskTitle), body };
}

// ---- settings -----------------------------------------------------------------------------------

function adminOnly(ctx: Ctx, what: string): Person {
  const me = personOf(ctx);
  if (me.kind !== 'admin') throw new CoreError('forbidden', what);
  return me;
}

async function readSettings(tx: Tx): Promise<ReviewSettings> {
  const [row] = await tx
    .select({
      rule: workSettings.reviewRule,
      reminderDays: workSettings.reviewReminderDays,
      reviewersNamed: workSettings.reviewersNamed,
    })
    .from(workSettings)
    .limit(1);
  return {
    rule: (row?.rule ?? 'any') as ReviewRule,
    reminderDays: row?.reminderDays ?? 3,
    reviewersNamed: row?.reviewersNamed ?? false,
  };
}

export async function reviewSettings({ ctx }: { ctx: Ctx }): Promise<ReviewSettings> {
  adminOnly(ctx, 'Only admins see the review settings.');
  return transact(ctx, ({ tx }) => readSettings(tx));
}

export async function updateReviewSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof reviewSettingsInput>;
}): Promise<ReviewSettings> {
  const me = adminOnly(ctx, 'Only admins change the review settings.');
  if (ctx.previewBy) throw new CoreError('forbidden', PREVIEW_IS_READ_ONLY);
  const data = parseInput(reviewSettingsInput, input);
  return transact(ctx, async (ctx: TxCtx) => {
    const before = await readSettings(ctx.tx);
    await ctx.tx
      .insert(workSettings)
      .values({
        tenantId: me.tenantId,
        reviewRule: data.rule,
        reviewReminderDays: data.reminderDays,
        reviewersNamed: data.reviewersNamed,
      })
      .onConflictDoUpdate({
        target: workSettings.tenantId,
        set: {
          reviewRule: data.rule,
          reviewReminderDays: data.reminderDays,
          reviewersNamed: data.reviewersNamed,
          updatedAt: sql`now()`,
        },
      });
    await record(ctx, {
      verb: 'review_settings.update',
      subject: { type: 'work_settings', id: null },
      data: { before, after: data },
    });
    return { rule: data.rule, reminderDays: data.reminderDays, reviewersNamed: data.reviewersNamed };
  });
}
