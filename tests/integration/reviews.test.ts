import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  approvalRecord,
  type Ctx,
  decideReview,
  registerUpload,
  remindReviewers,
  submitRound,
  taskReview,
  updateReviewSettings,
  waitingReviews,
} from '@foyer/core';
import { type ActingAs, sql, withActor } from '@foyer/db';
import { objectKey } from '@foyer/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import {
  addUser,
  clientInfo,
  coreError,
  expectCoreError,
  setPassword,
  siteOf,
  type TestCore,
  testCore,
} from '../support/auth';
import { drivers, itOnPostgres, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * Client review, verb by verb, on both drivers: the rounds the team submits and the reviewers'
 * decisions, every legal transition and every illegal one (refused with a clear error and no
 * change at all), two decisions racing on PostgreSQL, the trail's hash chain catching an edit or
 * a removal made behind the application's back, what each side may see, the reminders job and
 * the approval record.
 *
 * Each test works on tasks of its own; every tenant also carries createTenant's open round on its
 * Kick-off task, awaiting the fixture client, which the lists below take into account.
 */

const dir = mkdtempSync(join(tmpdir(), 'review-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The PDF's text as pdftotext reads it (Debian's poppler-utils), whitespace removed. */
function pdfText(pdf: Buffer): string {
  const path = join(dir, `${randomUUID()}.pdf`);
  writeFileSync(path, pdf);
  const read = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
  expect(read.status, read.stderr).toBe(0);
  return read.stdout;
}
const squash = (text: string) => text.replace(/\s+/g, '');

/** The review rule a database refusal carries (RAISE … HINT = 'review_…'), through driver wrappers. */
function reviewHint(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 8; depth++) {
    const hint = (e as { hint?: unknown }).hint;
    if (typeof hint === 'string') return hint;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.each(drivers)('client review on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  interface World {
    tenant: TenantFixture;
    core: TestCore;
    admin: Ctx;
    /** The fixture's client (company "Client of <slug>"), with a password, so mail reaches them. */
    client: Ctx;
    /** Olive Other of Other Co, a second reviewer on the same project. */
    other: Ctx;
    otherId: string;
    clientIp: string;
    /** Board columns by kind: the first of each, and a later one that must never be chosen. */
    column: { todo: string; in_progress: string; review: string; done: string };
  }

  /** A tenant with every column kind, two reviewers on its project, and the review rule asked for. */
  async function world(options: { rule?: 'any' | 'all'; named?: boolean } = {}): Promise<World> {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const column = {
      todo: tenant.statusId,
      in_progress: randomUUID(),
      review: randomUUID(),
      done: randomUUID(),
    };
    // A second column of each kind comes first in insertion but later on the board: the moves
    // must follow the board's order, not the table's.
    for (const [kind, position] of [
      ['done', 9],
      ['review', 8],
      ['in_progress', 7],
    ] as const)
      await t.superuser(
        'insert into app.task_statuses (tenant_id, name, kind, position) values ($1, $2, $3, $4)',
        [tenant.id, `Later ${kind}`, kind, position],
      );
    for (const [kind, position] of [
      ['in_progress', 1],
      ['review', 2],
      ['done', 3],
    ] as const)
      await t.superuser(
        'insert into app.task_statuses (tenant_id, id, name, kind, position) values ($1, $2, $3, $4, $5)',
        [tenant.id, column[kind], kind, kind, position],
      );
    await setPassword(t, tenant.id, tenant.client.userId);
    const otherCompany = randomUUID();
    await t.superuser('insert into app.clients (tenant_id, id, name) values ($1, $2, $3)', [
      tenant.id,
      otherCompany,
      'Other Co',
    ]);
    const other = await addUser(t, tenant, { role: 'client', clientId: otherCompany, name: 'Olive Other' });
    await t.superuser(`update app.users set permissions = $3 where tenant_id = $1 and id = $2`, [
      tenant.id,
      other.id,
      ['projects', 'tasks.view', 'tasks.comment', 'review', 'files.download'],
    ]);
    await t.superuser(
      'insert into app.project_clients (tenant_id, project_id, user_id) values ($1, $2, $3)',
      [tenant.id, tenant.projectId, other.id],
    );
    const admin = core.as(tenant.admin, siteOf(tenant));
    if (options.rule || options.named)
      await updateReviewSettings({
        ctx: admin,
        input: { rule: options.rule ?? 'any', reminderDays: 3, reviewersNamed: options.named ?? false },
      });
    const clientIp = '198.18.77.1';
    return {
      tenant,
      core,
      admin,
      client: core.as(tenant.client, siteOf(tenant), clientInfo(clientIp)),
      other: core.as(other.actor, siteOf(tenant)),
      otherId: other.id,
      clientIp,
      column,
    };
  }

  /** A task of the fixture's project in the To do column, client-visible unless asked otherwise. */
  async function newTask(w: World, options: { visible?: boolean; title?: string } = {}): Promise<string> {
    const id = randomUUID();
    await t.superuser(
      `insert into app.tasks (tenant_id, id, project_id, status_id, title, client_visible)
       values ($1, $2, $3, $4, $5, $6)`,
      [
        w.tenant.id,
        id,
        w.tenant.projectId,
        w.column.todo,
        options.title ?? 'Homepage design',
        options.visible ?? true,
      ],
    );
    return id;
  }

  const reviewers = (w: World, ...who: ('client' | 'other')[]) =>
    who.map((name) => (name === 'client' ? w.tenant.client.userId : w.otherId));

  function submit(
    w: World,
    taskId: string,
    reviewerIds: string[],
    extra: { note?: string; fileIds?: string[]; shareTask?: boolean } = {},
  ) {
    return submitRound({
      ctx: w.admin,
      input: {
        taskId,
        note: extra.note ?? 'The first designs',
        fileIds: extra.fileIds ?? [],
        links: [{ url: 'https://example.com/mock-up', label: 'Mock-up' }],
        reviewerIds,
        ...(extra.shareTask ? { shareTask: true } : {}),
      },
    });
  }

  function decide(
    ctx: Ctx,
    taskId: string,
    roundId: string,
    decision: 'approved' | 'revisions',
    extra: { comment?: string; pin?: { deliverable: number; x?: number; y?: number; page?: number } } = {},
  ) {
    return decideReview({ ctx, input: { taskId, roundId, decision, ...extra } });
  }

  async function statusOf(w: World, taskId: string): Promise<string> {
    const [row] = await t.superuser<{ status_id: string }>(
      'select status_id::text from app.tasks where tenant_id = $1 and id = $2',
      [w.tenant.id, taskId],
    );
    return required(row, 'the task').status_id;
  }

  /** Everything a review act can change, for "refused with no change". */
  async function snapshot(w: World, taskId: string) {
    const [row] = await t.superuser<Record<string, unknown>>(
      `select (select count(*)::int from app.review_entries where tenant_id = $1 and task_id = $2) as entries,
              (select max(seq) from app.review_entries where tenant_id = $1 and task_id = $2) as last_seq,
              (select status_id::text from app.tasks where tenant_id = $1 and id = $2) as status,
              (select position from app.tasks where tenant_id = $1 and id = $2) as position,
              (select client_visible from app.tasks where tenant_id = $1 and id = $2) as visible,
              (select count(*)::int from app.notifications where tenant_id = $1) as notifications,
              (select count(*)::int from app.outbox where tenant_id = $1) as outbox,
              (select count(*)::int from app.activity where tenant_id = $1) as activity`,
      [w.tenant.id, taskId],
    );
    return required(row, 'a snapshot');
  }

  /** Runs a refused act and checks that it changed nothing at all. */
  async function refusedWithoutChange(
    w: World,
    taskId: string,
    act: () => Promise<unknown>,
    code: Parameters<typeof expectCoreError>[1],
    field?: string,
  ) {
    const before = await snapshot(w, taskId);
    const error = await expectCoreError(act(), code, field);
    expect(await snapshot(w, taskId)).toEqual(before);
    return error;
  }

  async function mailCount(w: World, template: string, userId: string): Promise<number> {
    const [row] = await t.superuser<{ n: number }>(
      'select count(*)::int as n from app.outbox where tenant_id = $1 and template = $2 and user_id = $3',
      [w.tenant.id, template, userId],
    );
    return required(row, 'a count').n;
  }

  async function bellCount(w: World, event: string, userId: string): Promise<number> {
    const [row] = await t.superuser<{ n: number }>(
      'select count(*)::int as n from app.notifications where tenant_id = $1 and event = $2 and user_id = $3',
      [w.tenant.id, event, userId],
    );
    return required(row, 'a count').n;
  }

  async function entriesOf(w: World, taskId: string) {
    return t.superuser<{ seq: number; kind: string; decision: string | null; actor_id: string }>(
      `select seq, kind, decision, actor_id::text from app.review_entries
        where tenant_id = $1 and task_id = $2 order by seq`,
      [w.tenant.id, taskId],
    );
  }

  /** Stores `bytes` and registers them as the admin's upload (a new file, or a new version). */
  async function upload(w: World, name: string, bytes: Buffer, replaceFileId: string | null = null) {
    const key = objectKey(w.tenant.id, randomUUID());
    await w.core.deps.files.store.put(key, bytes, { contentType: 'application/pdf' });
    return registerUpload({
      ctx: w.admin,
      input: {
        projectId: w.tenant.projectId,
        folderId: null,
        replaceFileId,
        taskId: null,
        messageId: null,
        name,
        size: bytes.length,
        key,
        sha256: sha256(bytes),
        contentType: 'application/pdf',
      },
    });
  }

  describe('the state machine', () => {
    it('round 1 goes to review and asks its reviewers; an approval (rule any) approves and tells the team', async () => {
      const w = await world();
      const taskId = await newTask(w);
      const round = await submit(w, taskId, reviewers(w, 'client', 'other'));
      expect(round.n).toBe(1);
      // The first review column by the board's order, not the later one.
      expect(await statusOf(w, taskId)).toBe(w.column.review);
      for (const reviewer of reviewers(w, 'client', 'other')) {
        expect(await bellCount(w, 'review-requested', reviewer)).toBe(1);
        expect(await mailCount(w, 'review-requested', reviewer)).toBe(1);
      }
      const seen = required(await taskReview({ ctx: w.client, input: { taskId } }), 'the client’s review');
      expect(seen.current?.state).toBe('open');
      expect(seen.awaitingMe).toBe(true);
      expect(seen.recordAvailable).toBe(false);

      expect(await decide(w.client, taskId, round.roundId, 'approved')).toEqual({ state: 'approved' });
      expect(await statusOf(w, taskId)).toBe(w.column.done);
      // The team hears of it: whoever submitted (the admin; the task has no assignees).
      expect(await bellCount(w, 'review-approved', w.tenant.admin.userId)).toBe(1);
      expect(await mailCount(w, 'review-approved', w.tenant.admin.userId)).toBe(1);
      const team = required(await taskReview({ ctx: w.admin, input: { taskId } }), 'the team’s review');
      expect(team.rounds.map((r) => r.state)).toEqual(['approved']);
      expect(team.recordAvailable).toBe(true);
      expect(team.trail).toEqual({ ok: true, entries: 2, brokenAt: null });
      // The other reviewer has nothing left to do: the round is closed.
      expect((await taskReview({ ctx: w.other, input: { taskId } }))?.awaitingMe).toBe(false);
    });

    it('revisions need a comment, keep their pin, send the task back to work; round 2 follows', async () => {
      const w = await world();
      const taskId = await newTask(w);
      const round1 = await submit(w, taskId, reviewers(w, 'client'));
      await refusedWithoutChange(
        w,
        taskId,
        () => decide(w.client, taskId, round1.roundId, 'revisions', { comment: '   ' }),
        'validation',
        'comment',
      );
      const revised = await decide(w.client, taskId, round1.roundId, 'revisions', {
        comment: 'Make the logo bigger',
        pin: { deliverable: 0, x: 0.42, y: 0.17 },
      });
      expect(revised).toEqual({ state: 'revisions' });
      expect(await statusOf(w, taskId)).toBe(w.column.in_progress);
      expect(await mailCount(w, 'revisions-requested', w.tenant.admin.userId)).toBe(1);
      expect(await bellCount(w, 'revisions-requested', w.tenant.admin.userId)).toBe(1);

      const round2 = await submit(w, taskId, reviewers(w, 'client'), { note: 'Bigger logo now' });
      expect(round2.n).toBe(2);
      expect(await statusOf(w, taskId)).toBe(w.column.review);
      const team = required(await taskReview({ ctx: w.admin, input: { taskId } }), 'the team’s review');
      expect(team.rounds.map((r) => [r.n, r.state])).toEqual([
        [1, 'revisions'],
        [2, 'open'],
      ]);
      const decision = required(team.rounds[0]?.decisions[0], 'round 1’s decision');
      expect(decision).toMatchObject({
        decision: 'revisions',
        comment: 'Make the logo bigger',
        pin: { deliverable: 0, x: 0.42, y: 0.17 },
        pinLabel: 'Mock-up, at 42% across and 17% down',
      });
      expect(team.rounds[1]?.changes).toEqual([{ kind: 'note_changed' }]);
      expect(team.trail).toEqual({ ok: true, entries: 3, brokenAt: null });
    });

    it('a round submitted while the last is open supersedes it', async () => {
      const w = await world();
      const taskId = await newTask(w);
      const round1 = await submit(w, taskId, reviewers(w, 'client'));
      const round2 = await submit(w, taskId, reviewers(w, 'client'), { note: 'A better version' });
      const team = required(await taskReview({ ctx: w.admin, input: { taskId } }), 'the team’s review');
      expect(team.rounds.map((r) => [r.n, r.state])).toEqual([
        [1, 'superseded'],
        [2, 'open'],
      ]);
      expect(team.rounds[0]?.closedAt).toEqual(team.rounds[1]?.submittedAt);
      // The superseded round can no longer be decided; the current one can.
      await refusedWithoutChange(
        w,
        taskId,
        () => decide(w.client, taskId, round1.roundId, 'approved'),
        'conflict',
      );
      expect(await decide(w.client, taskId, round2.roundId, 'approved')).toEqual({ state: 'approved' });
    });

    it('under rule all one approval keeps the round open; the last approves it', async () => {
      const w = await world({ rule: 'all' });
      const taskId = await newTask(w);
      const round = await submit(w, taskId, reviewers(w, 'client', 'other'));
      expect(await decide(w.client, taskId, round.roundId, 'approved')).toEqual({ state: 'open' });
      expect(await statusOf(w, taskId)).toBe(w.column.review);
      expect((await taskReview({ ctx: w.client, input: { taskId } }))?.awaitingMe).toBe(false);
      expect((await taskReview({ ctx: w.other, input: { taskId } }))?.awaitingMe).toBe(true);
      expect(await decide(w.other, taskId, round.roundId, 'approved')).toEqual({ state: 'approved' });
      expect(await statusOf(w, taskId)).toBe(w.column.done);
      const team = required(await taskReview({ ctx: w.admin, input: { taskId } }), 'the team’s review');
      expect(team.current?.rule).toBe('all');
      expect(team.current?.reviewers.map((r) => r.decision)).toEqual(['approved', 'approved']);
    });

    it('under rule all a request for revisions after one approval closes the round as revisions', async () => {
      const w = await world({ rule: 'all' });
      const taskId = await newTask(w);
      const round = await submit(w, taskId, reviewers(w, 'client', 'other'));
      await decide(w.client, taskId, round.roundId, 'approved');
      expect(await decide(w.other, taskId, round.roundId, 'revisions', { comment: 'Not the blue' })).toEqual({
        state: 'revisions',
      });
      expect(await statusOf(w, taskId)).toBe(w.column.in_progress);
      const team = required(await taskReview({ ctx: w.admin, input: { taskId } }), 'the team’s review');
      expect(team.current?.state).toBe('revisions');
      expect(team.recordAvailable).toBe(false);
    });

    it('an internal task is submitted only once the team confirms sharing it', async () => {
      const w = await world();
      const taskId = await newTask(w, { visible: false });
      const error = await refusedWithoutChange(
        w,
        taskId,
        () => submit(w, taskId, reviewers(w, 'client')),
        'conflict',
        'shareTask',
      );
      expect(error.message).toMatch(/internal/);
      const round = await submit(w, taskId, reviewers(w, 'client'), { shareTask: true });
      expect(round.n).toBe(1);
      const [task] = await t.superuser<{ client_visible: boolean }>(
        'select client_visible from app.tasks where tenant_id = $1 and id = $2',
        [w.tenant.id, taskId],
      );
      expect(task?.client_visible).toBe(true);
      expect((await taskReview({ ctx: w.client, input: { taskId } }))?.awaitingMe).toBe(true);
    });

    it('a note alone is a round: a form that sends no files and no links is accepted', async () => {
      const w = await world();
      const taskId = await newTask(w);
      // A form post leaves out a list with nothing chosen (inputs.ts: "send nothing at all"), and
      // arrives untyped: as the server hands it on.
      const formPost: Record<string, unknown> = {
        taskId,
        note: 'Have a look at the copy in the task',
        reviewerIds: reviewers(w, 'client'),
      };
      const round = await submitRound({
        ctx: w.admin,
        input: formPost as Parameters<typeof submitRound>[0]['input'],
      });
      expect(round.n).toBe(1);
      const team = required(await taskReview({ ctx: w.admin, input: { taskId } }), 'the team’s review');
      expect(team.current?.deliverables).toEqual([]);
    });
  });

  describe('illegal acts are refused with a clear error and change nothing', () => {
    it('deciding a closed round, or twice', async () => {
      const w = await world();
      const taskId = await newTask(w);
      const round = await submit(w, taskId, reviewers(w, 'client', 'other'));
      await decide(w.client, taskId, round.roundId, 'approved');
      // Rule any: the client's approval closed it for the other reviewer too.
      const closed = await refusedWithoutChange(
        w,
        taskId,
        () => decide(w.other, taskId, round.roundId, 'revisions', { comment: 'Too late' }),
        'conflict',
      );
      expect(closed.message).toMatch(/closed/);
      await refusedWithoutChange(
        w,
        taskId,
        () => decide(w.client, taskId, round.roundId, 'approved'),
        'conflict',
      );
    });

    it('deciding twice on a round that is still open (rule all)', async () => {
      const w = await world({ rule: 'all' });
      const taskId = await newTask(w);
      const round = await submit(w, taskId, reviewers(w, 'client', 'other'));
      await decide(w.client, taskId, round.roundId, 'approved');
      const twice = await refusedWithoutChange(
        w,
        taskId,
        () => decide(w.client, taskId, round.roundId, 'revisions', { comment: 'Changed my mind' }),
        'conflict',
      );
      expect(twice.message).toMatch(/already decided/);
    });

    it('a client without review, or not a reviewer of the round', async () => {
      const w = await world();
      const taskId = await newTask(w);
      const round = await submit(w, taskId, reviewers(w, 'client'));
      // Olive is on the project with review on, but not a reviewer of this round.
      await refusedWithoutChange(
        w,
        taskId,
        () => decide(w.other, taskId, round.roundId, 'approved'),
        'forbidden',
      );
      // The client loses `review`: their decision is refused, their review view is gone.
      await t.superuser(
        `update app.users set permissions = array_remove(permissions, 'review') where tenant_id = $1 and id = $2`,
        [w.tenant.id, w.tenant.client.userId],
      );
      await refusedWithoutChange(
        w,
        taskId,
        () => decide(w.client, taskId, round.roundId, 'approved'),
        'forbidden',
      );
      expect(await taskReview({ ctx: w.client, input: { taskId } })).toBeNull();
      expect((await waitingReviews({ ctx: w.client })).items).toEqual([]);
    });

    it('a client of another project, or of another tenant, finds nothing there', async () => {
      const w = await world();
      const taskId = await newTask(w);
      const round = await submit(w, taskId, reviewers(w, 'client'));
      const projectQ = randomUUID();
      await t.superuser('insert into app.projects (tenant_id, id, client_id, name) values ($1, $2, $3, $4)', [
        w.tenant.id,
        projectQ,
        w.tenant.clientId,
        'Q',
      ]);
      const onQ = await addUser(t, w.tenant, {
        role: 'client',
        clientId: w.tenant.clientId,
        name: 'Quentin',
      });
      await t.superuser(`update app.users set permissions = $3 where tenant_id = $1 and id = $2`, [
        w.tenant.id,
        onQ.id,
        ['projects', 'tasks.view', 'review'],
      ]);
      await t.superuser(
        'insert into app.project_clients (tenant_id, project_id, user_id) values ($1, $2, $3)',
        [w.tenant.id, projectQ, onQ.id],
      );
      const elsewhere = await createTenant(t);
      for (const stranger of [onQ.actor, elsewhere.client] as ActingAs[]) {
        const ctx = w.core.as(stranger, siteOf(w.tenant));
        await refusedWithoutChange(
          w,
          taskId,
          () => decide(ctx, taskId, round.roundId, 'approved'),
          'not_found',
        );
        await expectCoreError(taskReview({ ctx, input: { taskId } }), 'not_found');
        await expectCoreError(approvalRecord({ ctx, input: { taskId } }), 'not_found');
      }
      // The round stays waiting for its reviewer.
      expect((await taskReview({ ctx: w.client, input: { taskId } }))?.awaitingMe).toBe(true);
    });

    it('a round id of another task does not open a way in', async () => {
      const w = await world();
      const taskA = await newTask(w, { title: 'A' });
      const taskB = await newTask(w, { title: 'B' });
      const roundA = await submit(w, taskA, reviewers(w, 'client'));
      await submit(w, taskB, reviewers(w, 'client'));
      await refusedWithoutChange(
        w,
        taskB,
        () => decide(w.client, taskB, roundA.roundId, 'approved'),
        'not_found',
      );
    });

    it('the team never decides', async () => {
      const w = await world();
      const taskId = await newTask(w);
      const round = await submit(w, taskId, reviewers(w, 'client'));
      await refusedWithoutChange(
        w,
        taskId,
        () => decide(w.admin, taskId, round.roundId, 'approved'),
        'forbidden',
      );
    });

    it('a submission needs reviewers who may review, and links that are web addresses', async () => {
      const w = await world();
      const taskId = await newTask(w);
      await refusedWithoutChange(w, taskId, () => submit(w, taskId, []), 'validation', 'reviewerIds');
      await t.superuser(
        `update app.users set permissions = array_remove(permissions, 'review') where tenant_id = $1 and id = $2`,
        [w.tenant.id, w.otherId],
      );
      const error = await refusedWithoutChange(
        w,
        taskId,
        () => submit(w, taskId, reviewers(w, 'client', 'other')),
        'validation',
        'reviewerIds',
      );
      expect(error.fields.reviewerIds).toMatch(/Olive Other/);
      // Someone who is not on the project at all.
      const elsewhere = await createTenant(t);
      await refusedWithoutChange(
        w,
        taskId,
        () => submit(w, taskId, [elsewhere.client.userId]),
        'validation',
        'reviewerIds',
      );
      for (const url of ['javascript:alert(1)', 'data:text/html,<b>hi</b>', 'example.com/no-scheme']) {
        await refusedWithoutChange(
          w,
          taskId,
          () =>
            submitRound({
              ctx: w.admin,
              input: {
                taskId,
                note: 'Look',
                fileIds: [],
                reviewerIds: reviewers(w, 'client'),
                links: [{ url, label: 'Click' }],
              },
            }),
          'validation',
          'links.0.url',
        );
      }
    });

    it('the database refuses what the verbs would, whoever writes the row', async () => {
      const w = await world({ rule: 'all' });
      const taskId = await newTask(w);
      const round1 = await submit(w, taskId, reviewers(w, 'client', 'other'));
      const round2 = await submit(w, taskId, reviewers(w, 'client', 'other'));
      await decide(w.client, taskId, round2.roundId, 'approved');
      const insertDecision = (actor: ActingAs, actorId: string, roundId: string) =>
        withActor(t.handle.db, actor, (tx) =>
          tx.execute(
            sql`insert into app.review_entries (tenant_id, task_id, kind, round_id, actor_id, decision)
                values (${w.tenant.id}, ${taskId}, 'decision', ${roundId}, ${actorId}, 'approved')`,
          ),
        );
      const hintOf = (work: Promise<unknown>) =>
        work.then(
          () => 'inserted',
          (error: unknown) => reviewHint(error) ?? String(error),
        );
      const before = await snapshot(w, taskId);
      // The superseded round, a second decision, and a team member naming themselves.
      expect(await hintOf(insertDecision(w.tenant.client, w.tenant.client.userId, round1.roundId))).toBe(
        'review_round_closed',
      );
      expect(await hintOf(insertDecision(w.tenant.client, w.tenant.client.userId, round2.roundId))).toBe(
        'review_decided',
      );
      expect(await hintOf(insertDecision(w.tenant.admin, w.tenant.admin.userId, round2.roundId))).toBe(
        'review_not_reviewer',
      );
      expect(await snapshot(w, taskId)).toEqual(before);
    });
  });

  // PostgreSQL only: PGlite runs one transaction at a time, so nothing races there (and an empty
  // group would fail as one).
  const onPostgres = driver === 'postgres' ? describe : (_name: string, _groups: () => void) => {};
  onPostgres('two decisions at once', () => {
    /** Both verbs started together, on separate connections; what each came to. */
    async function race(acts: [() => Promise<unknown>, () => Promise<unknown>]) {
      const settled = await Promise.allSettled(acts.map((act) => act()));
      return settled.map((outcome) =>
        outcome.status === 'fulfilled' ? 'ok' : (coreErrorCode(outcome.reason) ?? String(outcome.reason)),
      );
    }
    const coreErrorCode = (error: unknown) =>
      typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
        ? error.code
        : undefined;

    async function expectWholeTrail(w: World, taskId: string, entries: number) {
      const rows = await entriesOf(w, taskId);
      expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: entries }, (_, i) => i + 1));
      const team = required(await taskReview({ ctx: w.admin, input: { taskId } }), 'the team’s review');
      expect(team.trail).toEqual({ ok: true, entries, brokenAt: null });
    }

    itOnPostgres(
      driver,
      'two reviewers under rule any: exactly one decision, one move, one notice',
      async () => {
        const w = await world();
        for (let i = 0; i < 5; i++) {
          const taskId = await newTask(w, { title: `Race ${i}` });
          const round = await submit(w, taskId, reviewers(w, 'client', 'other'));
          const outcomes = await race([
            () => decide(w.client, taskId, round.roundId, 'approved'),
            () => decide(w.other, taskId, round.roundId, 'approved'),
          ]);
          expect(outcomes.sort()).toEqual(['conflict', 'ok']);
          const decisions = (await entriesOf(w, taskId)).filter((row) => row.kind === 'decision');
          expect(decisions).toHaveLength(1);
          expect(await statusOf(w, taskId)).toBe(w.column.done);
          await expectWholeTrail(w, taskId, 2);
        }
        // One notice to the team per round, for the one decision recorded.
        expect(await mailCount(w, 'review-approved', w.tenant.admin.userId)).toBe(5);
      },
    );

    itOnPostgres(driver, 'the same reviewer twice at once (a double click): one decision', async () => {
      const w = await world({ rule: 'all' });
      for (let i = 0; i < 5; i++) {
        const taskId = await newTask(w, { title: `Double ${i}` });
        const round = await submit(w, taskId, reviewers(w, 'client', 'other'));
        const outcomes = await race([
          () => decide(w.client, taskId, round.roundId, 'approved'),
          () => decide(w.client, taskId, round.roundId, 'approved'),
        ]);
        expect(outcomes.sort()).toEqual(['conflict', 'ok']);
        expect((await entriesOf(w, taskId)).filter((row) => row.kind === 'decision')).toHaveLength(1);
        expect(await statusOf(w, taskId)).toBe(w.column.review);
        await expectWholeTrail(w, taskId, 2);
      }
    });

    itOnPostgres(driver, 'two reviewers under rule all: both recorded, the chain without a gap', async () => {
      const w = await world({ rule: 'all' });
      for (let i = 0; i < 5; i++) {
        const taskId = await newTask(w, { title: `Both ${i}` });
        const round = await submit(w, taskId, reviewers(w, 'client', 'other'));
        const outcomes = await race([
          () => decide(w.client, taskId, round.roundId, 'approved'),
          () => decide(w.other, taskId, round.roundId, 'approved'),
        ]);
        expect(outcomes).toEqual(['ok', 'ok']);
        const decisions = (await entriesOf(w, taskId)).filter((row) => row.kind === 'decision');
        expect(decisions.map((row) => row.actor_id).sort()).toEqual(reviewers(w, 'client', 'other').sort());
        expect(await statusOf(w, taskId)).toBe(w.column.done);
        const team = required(await taskReview({ ctx: w.admin, input: { taskId } }), 'the team’s review');
        expect(team.current?.state).toBe('approved');
        await expectWholeTrail(w, taskId, 3);
      }
    });
  });

  describe('tamper detection', () => {
    /** A task with four entries: round 1, revisions, round 2, approval. */
    async function decidedTwice(w: World) {
      const taskId = await newTask(w);
      const round1 = await submit(w, taskId, reviewers(w, 'client'));
      await decide(w.client, taskId, round1.roundId, 'revisions', { comment: 'Darker, please' });
      const round2 = await submit(w, taskId, reviewers(w, 'client'), { note: 'Darker now' });
      await decide(w.client, taskId, round2.roundId, 'approved');
      return taskId;
    }

    it('an entry edited behind the application’s back breaks the trail there, for both sides', async () => {
      const w = await world();
      const edited = await decidedTwice(w);
      const untouched = await decidedTwice(w);
      await t.superuser(
        `update app.review_entries set body = 'Looks great as it is' where tenant_id = $1 and task_id = $2 and seq = 2`,
        [w.tenant.id, edited],
      );
      for (const ctx of [w.admin, w.client]) {
        const review = required(await taskReview({ ctx, input: { taskId: edited } }), 'the review');
        expect(review.trail).toEqual({ ok: false, entries: 4, brokenAt: 2 });
        const clean = required(await taskReview({ ctx, input: { taskId: untouched } }), 'the review');
        expect(clean.trail).toEqual({ ok: true, entries: 4, brokenAt: null });
      }
    });

    it('a changed hash breaks the entry after it; a changed actor or time breaks the entry itself', async () => {
      const w = await world();
      const rehashed = await decidedTwice(w);
      // Rewriting an entry and its own hash consistently still breaks the link from the next one.
      await t.superuser(
        `update app.review_entries set decision = 'approved', body = null, hash = repeat('e', 64)
          where tenant_id = $1 and task_id = $2 and seq = 2`,
        [w.tenant.id, rehashed],
      );
      expect((await taskReview({ ctx: w.admin, input: { taskId: rehashed } }))?.trail).toMatchObject({
        ok: false,
        brokenAt: 2,
      });
      const redated = await decidedTwice(w);
      await t.superuser(
        `update app.review_entries set created_at = created_at - interval '1 day'
          where tenant_id = $1 and task_id = $2 and seq = 4`,
        [w.tenant.id, redated],
      );
      expect((await taskReview({ ctx: w.admin, input: { taskId: redated } }))?.trail).toEqual({
        ok: false,
        entries: 4,
        brokenAt: 4,
      });
    });

    it('a removed entry breaks the trail where it was', async () => {
      const w = await world();
      const taskId = await decidedTwice(w);
      await t.superuser('delete from app.review_entries where tenant_id = $1 and task_id = $2 and seq = 2', [
        w.tenant.id,
        taskId,
      ]);
      const review = required(await taskReview({ ctx: w.admin, input: { taskId } }), 'the review');
      expect(review.trail).toEqual({ ok: false, entries: 3, brokenAt: 2 });
    });

    it('the approval record states a broken trail', async () => {
      const w = await world();
      const taskId = await decidedTwice(w);
      const whole = pdfText((await approvalRecord({ ctx: w.admin, input: { taskId } })).body);
      await t.superuser(
        `update app.review_entries set body = 'Fine' where tenant_id = $1 and task_id = $2 and seq = 2`,
        [w.tenant.id, taskId],
      );
      const broken = pdfText((await approvalRecord({ ctx: w.admin, input: { taskId } })).body);
      expect(squash(whole)).toContain(squash('Trail verified: 4 entries'));
      expect(squash(broken)).toContain(squash('Trail does NOT verify: entry 2 was changed or removed'));
      expect(squash(broken)).not.toContain(squash('Trail verified:'));
    });
  });

  describe('what each side sees', () => {
    it('clients see reviewers by company by default, never names of others or where anyone acted', async () => {
      const w = await world({ rule: 'all' });
      const taskId = await newTask(w);
      const round = await submit(w, taskId, reviewers(w, 'client', 'other'));
      await decide(w.other, taskId, round.roundId, 'approved');
      await decide(w.client, taskId, round.roundId, 'revisions', { comment: 'One thing' });

      const mine = required(await taskReview({ ctx: w.client, input: { taskId } }), 'the client’s review');
      const seenRound = required(mine.current, 'the round');
      expect(seenRound.reviewers.map((r) => [r.name, r.mine, r.decision])).toEqual([
        ['You', true, 'revisions'],
        ['Other Co', false, 'approved'],
      ]);
      expect(seenRound.decisions.map((d) => [d.by, d.mine, d.ip])).toEqual([
        ['Other Co', false, null],
        ['You', true, null],
      ]);
      expect(seenRound.ip).toBeNull();
      expect(JSON.stringify(mine)).not.toContain('Olive');

      const team = required(await taskReview({ ctx: w.admin, input: { taskId } }), 'the team’s review');
      const teamRound = required(team.current, 'the round');
      expect(teamRound.decisions.map((d) => d.by)).toEqual(['Olive Other', 'Client']);
      // Where the decision came from: the team's copy only.
      expect(teamRound.decisions[1]?.ip).toBe(w.clientIp);
      expect(teamRound.reviewers.map((r) => r.name)).toEqual([
        `Client (Client of ${w.tenant.slug})`,
        'Olive Other (Other Co)',
      ]);
    });

    it('with reviewers named, clients see each other’s names', async () => {
      const w = await world({ rule: 'all', named: true });
      const taskId = await newTask(w);
      const round = await submit(w, taskId, reviewers(w, 'client', 'other'));
      await decide(w.other, taskId, round.roundId, 'approved');
      const mine = required(await taskReview({ ctx: w.client, input: { taskId } }), 'the client’s review');
      expect(mine.current?.reviewers.map((r) => r.name)).toEqual(['You', 'Olive Other']);
      expect(mine.current?.decisions.map((d) => d.by)).toEqual(['Olive Other']);
    });

    it('waiting lists: a client’s lists only the rounds awaiting them; the team’s every open one', async () => {
      const w = await world({ rule: 'all' });
      const both = await newTask(w, { title: 'Both' });
      const onlyOther = await newTask(w, { title: 'Only Olive' });
      const approved = await newTask(w, { title: 'Approved' });
      const bothRound = await submit(w, both, reviewers(w, 'client', 'other'));
      await submit(w, onlyOther, reviewers(w, 'other'));
      const approvedRound = await submit(w, approved, reviewers(w, 'client'));
      await decide(w.client, approved, approvedRound.roundId, 'approved');
      await decide(w.other, both, bothRound.roundId, 'approved');

      const titles = async (ctx: Ctx) => (await waitingReviews({ ctx })).items.map((item) => item.taskTitle);
      // The fixture's Kick-off round waits for the fixture client too.
      expect(await titles(w.client)).toEqual(['Kick-off', 'Both']);
      expect(await titles(w.other)).toEqual(['Only Olive']);
      const team = await waitingReviews({ ctx: w.admin });
      expect(team.items.map((item) => [item.taskTitle, item.pending])).toEqual([
        ['Kick-off', ['Client']],
        ['Both', ['Client']],
        ['Only Olive', ['Olive Other']],
      ]);
      expect(team.total).toBe(3);
      // A client's list names nobody.
      expect((await waitingReviews({ ctx: w.client })).items.every((item) => item.pending.length === 0)).toBe(
        true,
      );
    });
  });

  describe('reminders', () => {
    /** Moves a round back in time, as the job will find it days later (its hash no longer matches). */
    const age = (w: World, roundId: string, days: number) =>
      t.superuser(
        `update app.review_entries set created_at = created_at - make_interval(days => $3) where tenant_id = $1 and id = $2`,
        [w.tenant.id, roundId, days],
      );
    const ageReminders = (w: World, roundId: string, days: number) =>
      t.superuser(
        `update app.review_reminders set sent_at = sent_at - make_interval(days => $3) where tenant_id = $1 and round_id = $2`,
        [w.tenant.id, roundId, days],
      );
    const remindedOf = (w: World, roundId: string) =>
      t.superuser<{ user_id: string }>(
        'select user_id::text from app.review_reminders where tenant_id = $1 and round_id = $2 order by sent_at, user_id',
        [w.tenant.id, roundId],
      );

    it('remind each reviewer still to decide once per N days, and never when N is 0', async () => {
      const w = await world({ rule: 'all' });
      const taskId = await newTask(w);
      const round = await submit(w, taskId, reviewers(w, 'client', 'other'));
      await decide(w.other, taskId, round.roundId, 'approved');
      const remind = () => remindReviewers(w.core.deps, { tenantIds: [w.tenant.id] });

      // Not yet: the round (and the fixture's) are younger than three days.
      expect(await remind()).toEqual({ rounds: 0, reminders: 0 });
      await age(w, round.roundId, 4);
      const requestsBefore = await mailCount(w, 'review-requested', w.tenant.client.userId);
      expect(await remind()).toEqual({ rounds: 1, reminders: 1 });
      // The client only: Olive has decided.
      expect((await remindedOf(w, round.roundId)).map((r) => r.user_id)).toEqual([w.tenant.client.userId]);
      expect(await mailCount(w, 'review-requested', w.tenant.client.userId)).toBe(requestsBefore + 1);
      expect(await mailCount(w, 'review-requested', w.otherId)).toBe(1);

      // Not again within three days of the reminder.
      expect(await remind()).toEqual({ rounds: 0, reminders: 0 });
      await ageReminders(w, round.roundId, 2);
      expect(await remind()).toEqual({ rounds: 0, reminders: 0 });
      // Three days on, again.
      await ageReminders(w, round.roundId, 2);
      expect(await remind()).toEqual({ rounds: 1, reminders: 1 });
      expect(await remindedOf(w, round.roundId)).toHaveLength(2);

      // Reminders off.
      await updateReviewSettings({
        ctx: w.admin,
        input: { rule: 'all', reminderDays: 0, reviewersNamed: false },
      });
      await ageReminders(w, round.roundId, 30);
      await age(w, round.roundId, 30);
      expect(await remind()).toEqual({ rounds: 0, reminders: 0 });
    });

    it('a round that is closed or superseded reminds nobody', async () => {
      const w = await world();
      const closed = await newTask(w, { title: 'Closed' });
      const closedRound = await submit(w, closed, reviewers(w, 'client'));
      await decide(w.client, closed, closedRound.roundId, 'approved');
      const superseded = await newTask(w, { title: 'Superseded' });
      const oldRound = await submit(w, superseded, reviewers(w, 'client'));
      const newRound = await submit(w, superseded, reviewers(w, 'client'));
      for (const roundId of [closedRound.roundId, oldRound.roundId]) await age(w, roundId, 10);
      expect(await remindReviewers(w.core.deps, { tenantIds: [w.tenant.id] })).toEqual({
        rounds: 0,
        reminders: 0,
      });
      // The latest round, once old enough, is.
      await age(w, newRound.roundId, 10);
      expect(await remindReviewers(w.core.deps, { tenantIds: [w.tenant.id] })).toEqual({
        rounds: 1,
        reminders: 1,
      });
    });
  });

  describe('the approval record', () => {
    it('is a PDF of the approved task: deliverables by checksum, every round', async () => {
      const w = await world();
      const taskId = await newTask(w, { title: 'Brochure' });
      const v1 = Buffer.from('brochure, first version');
      const v2 = Buffer.from('brochure, second version');
      const file = await upload(w, 'brochure.pdf', v1);
      const round1 = await submit(w, taskId, reviewers(w, 'client'), { fileIds: [file.id] });
      // Not approved yet: no record.
      await expectCoreError(approvalRecord({ ctx: w.admin, input: { taskId } }), 'conflict');
      await decide(w.client, taskId, round1.roundId, 'revisions', {
        comment: 'Fix page 2',
        pin: { deliverable: 0, page: 2 },
      });
      await expectCoreError(approvalRecord({ ctx: w.client, input: { taskId } }), 'conflict');
      await upload(w, 'brochure.pdf', v2, file.id);
      const round2 = await submit(w, taskId, reviewers(w, 'client'), {
        fileIds: [file.id],
        note: 'Page 2 fixed',
      });
      const team = required(await taskReview({ ctx: w.admin, input: { taskId } }), 'the team’s review');
      expect(team.current?.changes).toContainEqual({
        kind: 'new_version',
        name: 'brochure.pdf',
        from: 1,
        to: 2,
      });
      // Round 1 named version 1; both sides are told the file has moved on since.
      for (const ctx of [w.admin, w.client]) {
        const seen = required(await taskReview({ ctx, input: { taskId } }), 'the review');
        expect(seen.rounds.map((r) => r.deliverables[0])).toMatchObject([
          { kind: 'file', version: 1, currentVersion: 2, available: true },
          { kind: 'file', version: 2, currentVersion: 2, available: true },
        ]);
      }
      await decide(w.client, taskId, round2.roundId, 'approved');

      for (const ctx of [w.admin, w.client]) {
        const record = await approvalRecord({ ctx, input: { taskId } });
        expect(record.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        expect(record.filename).toMatch(/\.pdf$/);
        const text = pdfText(record.body);
        expect(text).toContain('Round 1');
        expect(text).toContain('Round 2');
        expect(squash(text)).toContain(sha256(v1));
        expect(squash(text)).toContain(sha256(v2));
        expect(text).toContain('Brochure');
      }
      // The team's copy says where the client decided; the client's does not.
      expect(pdfText((await approvalRecord({ ctx: w.admin, input: { taskId } })).body)).toContain(w.clientIp);
      expect(pdfText((await approvalRecord({ ctx: w.client, input: { taskId } })).body)).not.toContain(
        w.clientIp,
      );
    });

    it('names other reviewers in the client’s copy as the agency chose, and everyone in the team’s', async () => {
      const w = await world({ rule: 'all' });
      const taskId = await newTask(w);
      const round = await submit(w, taskId, reviewers(w, 'client', 'other'));
      await decide(w.other, taskId, round.roundId, 'approved');
      await decide(w.client, taskId, round.roundId, 'approved');
      const clientCopy = pdfText((await approvalRecord({ ctx: w.client, input: { taskId } })).body);
      expect(clientCopy).toContain('Other Co');
      expect(clientCopy).not.toContain('Olive');
      const teamCopy = pdfText((await approvalRecord({ ctx: w.admin, input: { taskId } })).body);
      expect(teamCopy).toContain('Olive Other');
    });

    it('is refused for a task without any review, and to a client who may not review', async () => {
      const w = await world();
      const never = await newTask(w);
      // Nothing to download yet, for the team and for a reviewer alike (the task is theirs to read).
      await expectCoreError(approvalRecord({ ctx: w.admin, input: { taskId: never } }), 'conflict');
      await expectCoreError(approvalRecord({ ctx: w.client, input: { taskId: never } }), 'conflict');
      const taskId = await newTask(w);
      const round = await submit(w, taskId, reviewers(w, 'client'));
      await decide(w.client, taskId, round.roundId, 'approved');
      await t.superuser(
        `update app.users set permissions = array_remove(permissions, 'review') where tenant_id = $1 and id = $2`,
        [w.tenant.id, w.tenant.client.userId],
      );
      const error = await coreError(approvalRecord({ ctx: w.client, input: { taskId } }));
      expect(error.code).toBe('not_found');
    });
  });
});
