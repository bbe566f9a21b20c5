import { randomUUID } from 'node:crypto';
import {
  COMMENT_MAX_LENGTH,
  clientDashboard,
  clientProject,
  createCtx,
  createTask,
  deleteComment,
  editComment,
  listComments,
  PREVIEW_IS_READ_ONLY,
  postComment,
  setCommentVisibility,
  taskThread,
} from '@foyer/core';
import { type ActingAs, schema, sql, type Tx, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, expectRlsViolation, required } from '../support/assert';
import {
  activityOf,
  addOtherClient,
  addUser,
  countAs,
  deliverQueued,
  expectCoreError,
  siteOf,
  tenantOrigin,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * Comments on tasks: the messages of the task's thread. The team writes internal or
 * client-visible ones; a client reads the visible ones and their own, posts with `tasks.comment`,
 * and another client sees a client's comment only once the team shares it, under the company's
 * name. A task made internal takes its comments out of every client's view at once; a client's
 * comment tells the team (the database's trigger); edits and deletions are the author's only, and
 * a deleted comment leaves a marker.
 */

describe.each(drivers)('task comments on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  /** A task with its thread, made the way createTask makes them (in one go). */
  async function task(tenant: TenantFixture, options: { visible?: boolean; title?: string } = {}) {
    const id = randomUUID();
    await t.superuser(
      `insert into app.tasks (tenant_id, id, project_id, status_id, title, client_visible)
       values ($1, $2, $3, $4, $5, $6)`,
      [
        tenant.id,
        id,
        tenant.projectId,
        tenant.statusId,
        options.title ?? 'Homepage copy',
        options.visible ?? true,
      ],
    );
    await t.superuser(
      `insert into app.threads (tenant_id, kind, project_id, task_id) values ($1, 'task', $2, $3)`,
      [tenant.id, tenant.projectId, id],
    );
    return id;
  }

  /** Another client person on the fixture's project, of a company of their own. */
  const otherClient = async (
    tenant: TenantFixture,
    permissions = ['projects', 'tasks.view', 'tasks.comment'],
  ) => (await addOtherClient(t, tenant, permissions)).actor;

  const as = <T>(actor: ActingAs, work: (tx: Tx) => Promise<T>) => withActor(t.handle.db, actor, work);

  it('show the team every comment and a client the visible ones and their own', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const taskId = await task(tenant);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const client = core.as(tenant.client, siteOf(tenant));
    const other = core.as(await otherClient(tenant), siteOf(tenant));

    await postComment({ ctx: admin, input: { taskId, body: 'Internal: check the *budget* first' } });
    const shared = await postComment({
      ctx: admin,
      input: { taskId, body: 'The first draft is **ready**', clientVisible: true },
    });
    const mine = await postComment({ ctx: client, input: { taskId, body: '  Looks good, one question  ' } });

    // The team: all three, with real names (a client's with their company), oldest first.
    const team = await listComments({ ctx: admin, input: { taskId } });
    expect(team.map((c) => [c.authorName, c.clientVisible, c.mine, c.fromClient])).toEqual([
      ['Admin', false, true, false],
      ['Admin', true, true, false],
      [`Client (Client of ${tenant.slug})`, false, false, true],
    ]);
    expect(team[1]?.bodyHtml.trim()).toBe('<p>The first draft is <strong>ready</strong></p>');
    expect(team[2]?.body).toBeNull();
    expect(team[0]?.body).toBe('Internal: check the *budget* first');

    // The client: the visible one and their own, which they may edit (its source, trimmed).
    const seen = await taskThread({ ctx: client, input: { taskId } });
    expect(seen.canPost).toBe(true);
    expect(seen.comments.map((c) => [c.id, c.authorName, c.mine, c.body])).toEqual([
      [shared.id, 'Admin', false, null],
      [mine.id, 'You', true, 'Looks good, one question'],
    ]);

    // Another client on the project: the team's visible comment only, until the client's is shared.
    expect((await listComments({ ctx: other, input: { taskId } })).map((c) => c.id)).toEqual([shared.id]);
    await setCommentVisibility({ ctx: admin, input: { id: mine.id, clientVisible: true } });
    const afterShare = await listComments({ ctx: other, input: { taskId } });
    expect(afterShare.map((c) => [c.id, c.authorName, c.mine])).toEqual([
      [shared.id, 'Admin', false],
      [mine.id, `Client of ${tenant.slug}`, false],
    ]);
    // The author still sees it as theirs.
    expect((await listComments({ ctx: client, input: { taskId } }))[1]).toMatchObject({ authorName: 'You' });

    // The feed: one entry per comment other clients can read, pointing at it, named as it shows.
    const feed = (await clientDashboard({ ctx: other })).feed.filter((e) => e.kind === 'comment.shared');
    expect(feed.map((e) => [e.actorName, e.taskId, e.messageId, e.data.taskTitle])).toEqual([
      [`Client of ${tenant.slug}`, taskId, mine.id, 'Homepage copy'],
      ['Admin', taskId, shared.id, 'Homepage copy'],
    ]);
    // Made internal and shared again: still one entry for it.
    await setCommentVisibility({ ctx: admin, input: { id: mine.id, clientVisible: false } });
    expect((await listComments({ ctx: other, input: { taskId } })).map((c) => c.id)).toEqual([shared.id]);
    await setCommentVisibility({ ctx: admin, input: { id: mine.id, clientVisible: true } });
    expect(
      await countAs(t, `select 1 from app.project_feed where tenant_id = $1 and message_id = $2`, [
        tenant.id,
        mine.id,
      ]),
    ).toBe(1);

    // Only the team chooses who sees a comment.
    await expectCoreError(
      setCommentVisibility({ ctx: client, input: { id: mine.id, clientVisible: false } }),
      'forbidden',
    );

    expect((await activityOf(t, tenant.id)).map((a) => [a.verb, a.actor_kind])).toEqual([
      ['comment.post', 'admin'],
      ['comment.post', 'admin'],
      ['comment.post', 'client'],
      ['comment.share', 'admin'],
      ['comment.unshare', 'admin'],
      ['comment.share', 'admin'],
    ]);
  });

  it('leave a client’s view at once when the task is made internal, and stay for the team', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const taskId = await task(tenant);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const client = core.as(tenant.client, siteOf(tenant));
    const other = core.as(await otherClient(tenant), siteOf(tenant));
    const visible = await postComment({ ctx: admin, input: { taskId, body: 'Shared', clientVisible: true } });
    const mine = await postComment({ ctx: client, input: { taskId, body: 'Mine' } });
    await setCommentVisibility({ ctx: admin, input: { id: mine.id, clientVisible: true } });
    expect(
      (await clientDashboard({ ctx: other })).feed.filter((e) => e.kind === 'comment.shared'),
    ).toHaveLength(2);

    await t.superuser('update app.tasks set client_visible = false where tenant_id = $1 and id = $2', [
      tenant.id,
      taskId,
    ]);
    for (const ctx of [client, other]) {
      await expectCoreError(listComments({ ctx, input: { taskId } }), 'not_found');
      await expectCoreError(postComment({ ctx, input: { taskId, body: 'Hello?' } }), 'not_found');
      expect((await clientDashboard({ ctx })).feed.filter((e) => e.kind === 'comment.shared')).toEqual([]);
    }
    await expectCoreError(editComment({ ctx: client, input: { id: mine.id, body: 'Changed' } }), 'not_found');
    await expectCoreError(deleteComment({ ctx: client, input: { id: mine.id } }), 'not_found');
    // Below core too: the database shows the client none of the thread's messages.
    const rows = await as(tenant.client, (tx) =>
      tx
        .select({ id: schema.messages.id })
        .from(schema.messages)
        .where(sql`${schema.messages.id} in (${visible.id}, ${mine.id})`),
    );
    expect(rows).toEqual([]);
    // The client's comment stays for the team.
    expect((await listComments({ ctx: admin, input: { taskId } })).map((c) => c.id)).toEqual([
      visible.id,
      mine.id,
    ]);

    // An archived task too; and a client without tasks.view sees none of it.
    await t.superuser(
      'update app.tasks set client_visible = true, archived_at = now() where tenant_id = $1 and id = $2',
      [tenant.id, taskId],
    );
    await expectCoreError(listComments({ ctx: client, input: { taskId } }), 'not_found');
    await t.superuser('update app.tasks set archived_at = null where tenant_id = $1 and id = $2', [
      tenant.id,
      taskId,
    ]);
    expect(await listComments({ ctx: client, input: { taskId } })).toHaveLength(2);
    await t.superuser(`update app.users set permissions = '{projects}' where tenant_id = $1 and id = $2`, [
      tenant.id,
      tenant.client.userId,
    ]);
    await expectCoreError(listComments({ ctx: client, input: { taskId } }), 'not_found');
  });

  it('let a client post only with tasks.comment, and only as themselves, internal', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const taskId = await task(tenant);
    const reader = await otherClient(tenant, ['projects', 'tasks.view']);
    const ctx = core.as(reader, siteOf(tenant));
    const admin = core.as(tenant.admin, siteOf(tenant));
    await postComment({ ctx: admin, input: { taskId, body: 'Hello', clientVisible: true } });

    const thread = await taskThread({ ctx, input: { taskId } });
    expect(thread.canPost).toBe(false);
    expect(thread.comments).toHaveLength(1);
    await expectCoreError(postComment({ ctx, input: { taskId, body: 'Can I?' } }), 'forbidden');

    const [threadRow] = await t.superuser<{ id: string }>(
      'select id::text from app.threads where tenant_id = $1 and task_id = $2',
      [tenant.id, taskId],
    );
    const threadId = required(threadRow, 'the thread').id;
    const { messages } = schema;
    // The database refuses a direct insert without the permission …
    const insert = (authorId: string, extra = '') =>
      sql.raw(
        `insert into app.messages (tenant_id, thread_id, author_id, body${extra ? `, ${extra}` : ''})
         values ('${tenant.id}', '${threadId}', '${authorId}', 'x'${extra === 'client_visible' ? ', true' : extra ? ", 'Boss'" : ''})`,
      );
    await expectRlsViolation(
      as(reader, (tx) => tx.execute(insert(reader.userId))),
      'messages',
    );
    // … and, with it, one in someone else's name, or one the client makes visible or names.
    const client = tenant.client;
    await expectRlsViolation(
      as(client, (tx) => tx.execute(insert(tenant.admin.userId))),
      'messages',
    );
    await as(client, (tx) => tx.execute(insert(client.userId)));
    // (Clients hold these columns for conversations; on a task the policy keeps them the team's.)
    await expectRlsViolation(
      as(client, (tx) => tx.execute(insert(client.userId, 'client_visible'))),
      'messages',
    );
    await expectRlsViolation(
      as(client, (tx) => tx.execute(insert(client.userId, 'author_name'))),
      'messages',
    );
    // Nor may a client share their comment or anyone delete a message outright.
    const mine = await postComment({ ctx: core.as(client, siteOf(tenant)), input: { taskId, body: 'Mine' } });
    await expectPermissionDenied(
      as(client, (tx) =>
        tx.update(messages).set({ clientVisible: true }).where(sql`${messages.id} = ${mine.id}`),
      ),
    );
    await expectPermissionDenied(
      as(client, (tx) => tx.delete(messages).where(sql`${messages.id} = ${mine.id}`)),
    );
    await expectPermissionDenied(
      as(tenant.admin, (tx) => tx.delete(messages).where(sql`${messages.id} = ${mine.id}`)),
    );

    // Bad input is a field error, never a database error.
    await expectCoreError(postComment({ ctx: admin, input: { taskId, body: '   ' } }), 'validation', 'body');
    await expectCoreError(
      postComment({ ctx: admin, input: { taskId, body: 'x'.repeat(COMMENT_MAX_LENGTH + 1) } }),
      'validation',
      'body',
    );
    await postComment({ ctx: admin, input: { taskId, body: 'y'.repeat(COMMENT_MAX_LENGTH) } });
    await expectCoreError(
      postComment({ ctx: admin, input: { taskId: 'nope', body: 'Hi' } }),
      'validation',
      'taskId',
    );
    await expectCoreError(
      postComment({ ctx: admin, input: { taskId: randomUUID(), body: 'Hi' } }),
      'not_found',
    );
    await expectCoreError(editComment({ ctx: admin, input: { id: 'nope', body: 'Hi' } }), 'validation', 'id');
    await expectCoreError(deleteComment({ ctx: admin, input: { id: randomUUID() } }), 'not_found');
  });

  it('let people edit and delete only their own comments, leaving a marker', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const taskId = await task(tenant);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const client = core.as(tenant.client, siteOf(tenant));
    const staff = await addUser(t, tenant, { role: 'staff', name: 'Stan Staff' });
    await t.superuser('insert into app.project_staff (tenant_id, project_id, user_id) values ($1, $2, $3)', [
      tenant.id,
      tenant.projectId,
      staff.id,
    ]);
    const staffCtx = core.as(staff.actor, siteOf(tenant));
    const theirs = await postComment({ ctx: admin, input: { taskId, body: 'Admin’s', clientVisible: true } });
    const mine = await postComment({ ctx: client, input: { taskId, body: 'First try' } });

    await editComment({ ctx: client, input: { id: mine.id, body: 'Second _try_' } });
    const edited = required((await listComments({ ctx: client, input: { taskId } }))[1], 'the client’s');
    expect(edited).toMatchObject({ body: 'Second _try_', deleted: false });
    expect(edited.bodyHtml.trim()).toBe('<p>Second <em>try</em></p>');
    expect(edited.editedAt).toBeInstanceOf(Date);

    await expectCoreError(
      editComment({ ctx: client, input: { id: theirs.id, body: 'Hijack' } }),
      'forbidden',
    );
    await expectCoreError(deleteComment({ ctx: client, input: { id: theirs.id } }), 'forbidden');
    await expectCoreError(editComment({ ctx: admin, input: { id: mine.id, body: 'Hijack' } }), 'forbidden');
    await expectCoreError(deleteComment({ ctx: staffCtx, input: { id: theirs.id } }), 'forbidden');
    await expectCoreError(
      editComment({ ctx: client, input: { id: mine.id, body: '' } }),
      'validation',
      'body',
    );

    await deleteComment({ ctx: client, input: { id: mine.id } });
    for (const ctx of [client, admin]) {
      const marker = required((await listComments({ ctx, input: { taskId } }))[1], 'the marker');
      expect(marker).toMatchObject({ id: mine.id, deleted: true, body: null, bodyHtml: '' });
    }
    const [row] = await t.superuser<{ body: string; deleted: boolean }>(
      'select body, deleted_at is not null as deleted from app.messages where tenant_id = $1 and id = $2',
      [tenant.id, mine.id],
    );
    expect(row).toEqual({ body: '', deleted: true });
    await expectCoreError(editComment({ ctx: client, input: { id: mine.id, body: 'Back' } }), 'conflict');
    await expectCoreError(deleteComment({ ctx: client, input: { id: mine.id } }), 'conflict');
    await expectCoreError(
      setCommentVisibility({ ctx: admin, input: { id: mine.id, clientVisible: true } }),
      'conflict',
    );

    // Staff on the project comment and share like admins; staff off it find nothing.
    const staffNote = await postComment({ ctx: staffCtx, input: { taskId, body: 'On it' } });
    await setCommentVisibility({ ctx: staffCtx, input: { id: staffNote.id, clientVisible: true } });
    expect((await listComments({ ctx: client, input: { taskId } })).map((c) => c.authorName)).toEqual([
      'Admin',
      'You',
      'Stan Staff',
    ]);
    const outsider = await addUser(t, tenant, { role: 'staff' });
    await expectCoreError(listComments({ ctx: core.as(outsider.actor), input: { taskId } }), 'not_found');
    await expectCoreError(
      postComment({ ctx: core.as(outsider.actor), input: { taskId, body: 'Hi' } }),
      'not_found',
    );

    expect((await activityOf(t, tenant.id)).map((a) => a.verb)).toEqual([
      'comment.post',
      'comment.post',
      'comment.edit',
      'comment.delete',
      'comment.post',
      'comment.share',
    ]);
  });

  it('tell the task’s people of a client’s comment, or the admins when it has none', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t, { name: 'Harbour Studio' });
    const taskId = await task(tenant, { title: 'Logo' });
    const client = core.as(tenant.client, siteOf(tenant));
    const assignee = await addUser(t, tenant, { role: 'staff', name: 'Ana Assignee' });
    await t.superuser(
      'insert into app.task_assignees (tenant_id, task_id, user_id, name) values ($1, $2, $3, $4)',
      [tenant.id, taskId, assignee.id, 'Ana Assignee'],
    );
    await t.superuser('delete from app.notifications where tenant_id = $1', [tenant.id]);

    await postComment({ ctx: client, input: { taskId, body: 'Can we make it **bigger**?' } });
    // The fixture's admin is on the project's staff; the assignee works on the task.
    const notices = await t.superuser<{ user_id: string; event: string; title: string; link: string }>(
      `select user_id::text, event, title, link from app.notifications where tenant_id = $1 order by user_id`,
      [tenant.id],
    );
    expect(notices.map((n) => n.user_id).sort()).toEqual([tenant.admin.userId, assignee.id].sort());
    for (const n of notices) {
      expect(n).toMatchObject({ event: 'task-comment', link: `/admin/tasks/${taskId}` });
      expect(n.title).toBe(`Client (Client of ${tenant.slug}) commented on “Logo”`);
    }
    await deliverQueued(core, [tenant.id]);
    const sent = core.mail.filter((m) => m.to === assignee.email);
    expect(sent).toHaveLength(1);
    const email = required(sent[0], 'the assignee’s email');
    expect(email.subject).toBe('Client commented on Logo');
    expect(email.text).toContain('Can we make it **bigger**?');
    expect(email.text).toContain(`${tenantOrigin(tenant.slug)}/admin/tasks/${taskId}`);

    // A team member's comment tells nobody; with nobody on the task or project, the admins hear.
    await t.superuser('delete from app.notifications where tenant_id = $1', [tenant.id]);
    await postComment({ ctx: core.as(tenant.admin), input: { taskId, body: 'Sure', clientVisible: true } });
    expect(await countAs(t, 'select 1 from app.notifications where tenant_id = $1', [tenant.id])).toBe(0);
    await t.superuser('delete from app.task_assignees where tenant_id = $1', [tenant.id]);
    await t.superuser('delete from app.project_staff where tenant_id = $1', [tenant.id]);
    const otherAdmin = await addUser(t, tenant, { role: 'admin' });
    await postComment({ ctx: client, input: { taskId, body: 'Thanks!' } });
    const toAdmins = await t.superuser<{ user_id: string }>(
      `select user_id::text from app.notifications where tenant_id = $1 and event = 'task-comment'`,
      [tenant.id],
    );
    expect(toAdmins.map((n) => n.user_id).sort()).toEqual([tenant.admin.userId, otherAdmin.id].sort());
  });

  it('read in a preview as the client, and change nothing there', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const taskId = await task(tenant);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const shared = await postComment({ ctx: admin, input: { taskId, body: 'Shared', clientVisible: true } });
    await postComment({ ctx: admin, input: { taskId, body: 'Internal' } });
    const mine = await postComment({ ctx: core.as(tenant.client), input: { taskId, body: 'Mine' } });
    const preview = createCtx(core.deps, {
      actor: tenant.client,
      site: siteOf(tenant),
      previewBy: tenant.admin.userId,
    });

    const thread = await taskThread({ ctx: preview, input: { taskId } });
    expect(thread.comments.map((c) => [c.id, c.authorName])).toEqual([
      [shared.id, 'Admin'],
      [mine.id, 'You'],
    ]);
    const before = await countAs(t, 'select 1 from app.messages where tenant_id = $1', [tenant.id]);
    const refusal = await expectCoreError(
      postComment({ ctx: preview, input: { taskId, body: 'Hi' } }),
      'forbidden',
    );
    expect(refusal.message).toBe(PREVIEW_IS_READ_ONLY);
    await expectCoreError(editComment({ ctx: preview, input: { id: mine.id, body: 'Edited' } }), 'forbidden');
    await expectCoreError(deleteComment({ ctx: preview, input: { id: mine.id } }), 'forbidden');
    expect(await countAs(t, 'select 1 from app.messages where tenant_id = $1', [tenant.id])).toBe(before);
    expect(
      await countAs(t, 'select 1 from app.messages where tenant_id = $1 and edited_at is not null', [
        tenant.id,
      ]),
    ).toBe(0);
  });

  it('list on the client’s project page the shared tasks and milestones, with progress', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const doneId = randomUUID();
    await t.superuser(
      `insert into app.task_statuses (tenant_id, id, name, kind, position) values ($1, $2, 'Shipped', 'done', 1)`,
      [tenant.id, doneId],
    );
    const hidden = await t.superuser<{ id: string }>(
      `insert into app.milestones (tenant_id, project_id, name, client_visible, target_date, position)
       values ($1, $2, 'Internal goal', false, null, 2) returning id::text`,
      [tenant.id, tenant.projectId],
    );
    const shipped = await createTask({
      ctx: admin,
      input: {
        projectId: tenant.projectId,
        title: 'Logo',
        statusId: doneId,
        priority: 'high',
        dueDate: '2030-03-01',
        milestoneId: tenant.milestoneId,
        clientVisible: true,
      },
    });
    await createTask({
      ctx: admin,
      input: {
        projectId: tenant.projectId,
        title: 'Secret',
        milestoneId: tenant.milestoneId,
        clientVisible: false,
      },
    });
    await createTask({
      ctx: admin,
      input: {
        projectId: tenant.projectId,
        title: 'Hidden goal work',
        milestoneId: required(hidden[0], 'the internal milestone').id,
        clientVisible: true,
      },
    });

    const client = core.as(tenant.client, siteOf(tenant));
    const project = await clientProject({ ctx: client, input: { projectId: tenant.projectId } });
    expect(
      project.tasks?.map((task) => [task.title, task.column, task.progress, task.priority, task.dueDate]),
    ).toEqual([
      ['Kick-off', 'To do', 0, 'none', null],
      ['Hidden goal work', 'To do', 0, 'none', null],
      ['Logo', 'Shipped', 100, 'high', '2030-03-01'],
    ]);
    // A task on an internal milestone shows none; assignees stay hidden until the agency shows them.
    expect(project.tasks?.find((task) => task.id === shipped.id)).toMatchObject({
      milestoneName: 'Launch',
      assignees: null,
    });
    expect(project.tasks?.find((task) => task.title === 'Hidden goal work')?.milestoneName).toBeNull();
    expect(project.milestones?.map((m) => [m.name, m.taskCount, m.doneCount, m.progress])).toEqual([
      ['Launch', 1, 1, 1],
    ]);
    await t.superuser('update app.work_settings set clients_see_assignees = true where tenant_id = $1', [
      tenant.id,
    ]);
    const shown = await clientProject({ ctx: client, input: { projectId: tenant.projectId } });
    expect(shown.tasks?.find((task) => task.title === 'Kick-off')?.assignees).toEqual(['Admin']);
  });
});
