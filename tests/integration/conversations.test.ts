import {
  addParticipants,
  conversationCandidates,
  deleteMessage,
  editMessage,
  getConversation,
  getMessage,
  listConversations,
  markThreadRead,
  postMessage,
  type REACTIONS,
  removeParticipant,
  startConversation,
  toggleReaction,
  typingAs,
  unreadConversations,
} from '@foyer/core';
import { type ActingAs, sql, type Tx, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgFailure } from '../support/assert';
import { addOtherClient, addUser, countAs, expectCoreError, siteOf, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * Conversations (issue #17): project discussions with explicit participants, direct messages
 * between a client and the team, internal chats clients never see. Each person reads what the
 * database lets them read: a client their own conversations with `messages` on, under the names
 * the agency chose; mentions and away-notices come from the database's trigger; read marks give
 * unread counts; each change is published to the live event log, read under the recipient's actor.
 */

describe.each(drivers)('conversations on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  const as = <T>(actor: ActingAs, work: (tx: Tx) => Promise<T>) => withActor(t.handle.db, actor, work);

  async function staffOnProject(tenant: TenantFixture, name = 'Sam Staff') {
    const staff = await addUser(t, tenant, { role: 'staff', name });
    await t.superuser('insert into app.project_staff (tenant_id, project_id, user_id) values ($1, $2, $3)', [
      tenant.id,
      tenant.projectId,
      staff.id,
    ]);
    return staff;
  }

  async function world() {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const staff = await staffOnProject(tenant);
    const olive = await addOtherClient(t, tenant, ['projects', 'tasks.view', 'messages']);
    return {
      core,
      tenant,
      staff,
      olive,
      admin: core.as(tenant.admin, site),
      client: core.as(tenant.client, site),
      staffCtx: core.as(staff.actor, site),
      oliveCtx: core.as(olive.actor, site),
    };
  }

  it('a project discussion shows its people each other under the names the agency chose', async () => {
    const w = await world();
    const { id } = await startConversation({
      ctx: w.admin,
      input: {
        kind: 'project',
        title: 'Launch plan',
        projectId: w.tenant.projectId,
        people: [w.tenant.client.userId, w.staff.id],
        body: 'Here is the **plan**',
      },
    });
    const reply = await postMessage({ ctx: w.client, input: { threadId: id, body: 'Looks great' } });

    const forClient = await getConversation({ ctx: w.client, input: { id } });
    expect(forClient.title).toBe('Launch plan');
    expect(forClient.canPost).toBe(true);
    expect(forClient.canManage).toBe(false);
    expect(forClient.messages.map((m) => [m.authorName, m.mine])).toEqual([
      ['Admin', false],
      ['You', true],
    ]);
    // The client reads their company's name for themselves among the people, never their account.
    expect(forClient.people.map((p) => p.name).sort()).toEqual([
      'Admin',
      `Client of ${w.tenant.slug}`,
      'Sam Staff',
    ]);

    const forTeam = await getConversation({ ctx: w.staffCtx, input: { id } });
    expect(forTeam.messages.map((m) => m.authorName)).toEqual([
      'Admin',
      `Client (Client of ${w.tenant.slug})`,
    ]);
    expect(forTeam.messages[0]?.bodyHtml.trim()).toBe('<p>Here is the <strong>plan</strong></p>');
    expect(forTeam.canManage).toBe(true);

    // Olive is on the project but not in the discussion: nothing, by any door.
    await expectCoreError(getConversation({ ctx: w.oliveCtx, input: { id } }), 'not_found');
    await expectCoreError(getMessage({ ctx: w.oliveCtx, input: { id: reply.id } }), 'not_found');
    expect(await listConversations({ ctx: w.oliveCtx })).toEqual([]);
    expect(
      await as(w.olive.actor, (tx) =>
        tx.execute(sql`select id from app.messages where thread_id = ${id}::uuid`),
      ),
    ).toSatisfy((r: unknown) =>
      Array.isArray(r) ? r.length === 0 : (r as { rows: unknown[] }).rows.length === 0,
    );

    // Added, she reads it all, her own messages under her company's name for the others.
    await addParticipants({ ctx: w.admin, input: { threadId: id, people: [w.olive.id] } });
    await postMessage({ ctx: w.oliveCtx, input: { threadId: id, body: 'Hello all' } });
    const clientNow = await getConversation({ ctx: w.client, input: { id } });
    expect(clientNow.messages.map((m) => m.authorName)).toEqual(['Admin', 'You', 'Other Co']);
    // A client writing under another name is refused by the database itself.
    await expect(
      as(w.olive.actor, (tx) =>
        tx.execute(sql`insert into app.messages (tenant_id, thread_id, author_id, author_name, body, client_visible)
          values (${w.tenant.id}::uuid, ${id}::uuid, ${w.olive.id}::uuid, 'Admin', 'spoof', true)`),
      ),
    ).rejects.toThrow();

    // Without `messages`, the conversation is gone for her.
    await t.superuser(`update app.users set permissions = '{projects}' where id = $1`, [w.olive.id]);
    await expectCoreError(getConversation({ ctx: w.oliveCtx, input: { id } }), 'not_found');
  });

  it('an internal chat is the team’s: no client reads it by any route, nor staff outside it', async () => {
    const w = await world();
    const outsider = await addUser(t, w.tenant, { role: 'staff', name: 'Outside Staff' });
    await expectCoreError(
      startConversation({
        ctx: w.admin,
        input: { kind: 'internal', title: 'Pricing', people: [w.tenant.client.userId] },
      }),
      'validation',
      'people',
    );
    const { id } = await startConversation({
      ctx: w.admin,
      input: { kind: 'internal', title: 'Pricing', people: [w.staff.id], body: 'Margin is thin' },
    });
    const [message] = (await getConversation({ ctx: w.staffCtx, input: { id } })).messages;
    expect(message?.authorName).toBe('Admin');
    for (const ctx of [w.client, w.oliveCtx, w.core.as(outsider.actor, siteOf(w.tenant))]) {
      await expectCoreError(getConversation({ ctx, input: { id } }), 'not_found');
      await expectCoreError(getMessage({ ctx, input: { id: message?.id ?? '' } }), 'not_found');
      await expectCoreError(postMessage({ ctx, input: { threadId: id, body: 'hi' } }), 'not_found');
      await expectCoreError(typingAs({ ctx, input: { threadId: id } }), 'not_found');
    }
    for (const actor of [w.tenant.client, w.olive.actor, outsider.actor]) {
      const seen = await as(actor, async (tx) => {
        const threads = await tx.execute(
          sql`select count(*)::int as n from app.threads where id = ${id}::uuid`,
        );
        const messages = await tx.execute(
          sql`select count(*)::int as n from app.messages where thread_id = ${id}::uuid`,
        );
        const events = await tx.execute(
          sql`select count(*)::int as n from app.realtime_events where thread_id = ${id}::uuid`,
        );
        const n = (r: unknown) =>
          Number((Array.isArray(r) ? r[0] : (r as { rows: { n: number }[] }).rows[0])?.n ?? -1);
        return [n(threads), n(messages), n(events)];
      });
      expect(seen).toEqual([0, 0, 0]);
    }
    // The events exist: the team in it reads them.
    expect(await countAs(t, `select 1 from app.realtime_events where thread_id = '${id}'`)).toBeGreaterThan(
      0,
    );
  });

  it('a direct message is with one client and has no project', async () => {
    const w = await world();
    await expectCoreError(
      startConversation({
        ctx: w.admin,
        input: { kind: 'direct', title: 'Hi', people: [w.tenant.client.userId, w.olive.id] },
      }),
      'validation',
      'people',
    );
    const { id } = await startConversation({
      ctx: w.admin,
      input: { kind: 'direct', title: 'Invoice question', people: [w.tenant.client.userId] },
    });
    await postMessage({ ctx: w.client, input: { threadId: id, body: 'Is the invoice final?' } });
    const list = await listConversations({ ctx: w.client });
    expect(list.map((c) => [c.kind, c.title, c.projectId, c.lastExcerpt, c.lastAuthor])).toEqual([
      ['direct', 'Invoice question', null, 'Is the invoice final?', 'You'],
    ]);
    await expectCoreError(
      removeParticipant({ ctx: w.admin, input: { threadId: id, userId: w.tenant.client.userId } }),
      'conflict',
    );
    // Staff not in it do not read it, though they reach the client.
    await expectCoreError(getConversation({ ctx: w.staffCtx, input: { id } }), 'not_found');
  });

  it('staff on the project start and manage discussions; a thread keeps its kind and project', async () => {
    const w = await world();
    const { id } = await startConversation({
      ctx: w.staffCtx,
      input: {
        kind: 'project',
        title: 'Staff-led',
        projectId: w.tenant.projectId,
        people: [w.tenant.client.userId, w.tenant.admin.userId],
      },
    });
    const forClient = await getConversation({ ctx: w.client, input: { id } });
    expect(forClient.people.map((p) => p.name).sort()).toEqual([
      'Admin',
      `Client of ${w.tenant.slug}`,
      'Sam Staff',
    ]);
    await removeParticipant({ ctx: w.staffCtx, input: { threadId: id, userId: w.tenant.client.userId } });
    await expectCoreError(getConversation({ ctx: w.client, input: { id } }), 'not_found');
    // Turning a discussion into a direct thread (no project) would show it elsewhere: refused.
    const failure = await pgFailure(
      as(w.staff.actor, (tx) =>
        tx.execute(sql`update app.threads set kind = 'direct', project_id = null where id = ${id}::uuid`),
      ),
    );
    expect(failure.message).toMatch(/keeps its kind/);
  });

  it('a client taken off the project hears nothing more of its discussion', async () => {
    const w = await world();
    const { id } = await startConversation({
      ctx: w.admin,
      input: { kind: 'project', title: 'Pricing', projectId: w.tenant.projectId, people: [w.olive.id] },
    });
    await t.superuser('delete from app.project_clients where tenant_id = $1 and user_id = $2', [
      w.tenant.id,
      w.olive.id,
    ]);
    await postMessage({
      ctx: w.admin,
      input: { threadId: id, body: 'Our margin here is 60 percent', mentions: [w.olive.id] },
    });
    expect(await countAs(t, `select 1 from app.notifications where user_id = '${w.olive.id}'`)).toBe(0);
    expect(await countAs(t, `select 1 from app.outbox where user_id = '${w.olive.id}'`)).toBe(0);
  });

  it('unread counts follow read marks; a message of one’s own is read', async () => {
    const w = await world();
    const { id } = await startConversation({
      ctx: w.admin,
      input: {
        kind: 'project',
        title: 'Copy',
        projectId: w.tenant.projectId,
        people: [w.tenant.client.userId],
      },
    });
    await postMessage({ ctx: w.admin, input: { threadId: id, body: 'One' } });
    await postMessage({ ctx: w.admin, input: { threadId: id, body: 'Two' } });
    expect(await unreadConversations({ ctx: w.client })).toBe(2);
    const [summary] = await listConversations({ ctx: w.client });
    expect(summary?.unread).toBe(2);
    const view = await getConversation({ ctx: w.client, input: { id } });
    expect(view.firstUnreadId).toBe(view.messages[0]?.id);
    await markThreadRead({ ctx: w.client, input: { threadId: id } });
    expect(await unreadConversations({ ctx: w.client })).toBe(0);
    await postMessage({ ctx: w.client, input: { threadId: id, body: 'Thanks' } });
    expect(await unreadConversations({ ctx: w.client })).toBe(0);
    expect(await unreadConversations({ ctx: w.admin })).toBe(1);
    // Reading someone else's read marks: nothing.
    const theirs = await as(w.olive.actor, (tx) =>
      tx.execute(sql`select user_id from app.thread_reads where thread_id = ${id}::uuid`),
    );
    expect(Array.isArray(theirs) ? theirs.length : (theirs as { rows: unknown[] }).rows.length).toBe(0);
  });

  it('mentions tell the people mentioned who may read the message, and no one else', async () => {
    const w = await world();
    const { id } = await startConversation({
      ctx: w.admin,
      input: {
        kind: 'project',
        title: 'Dates',
        projectId: w.tenant.projectId,
        people: [w.tenant.client.userId, w.staff.id],
      },
    });
    await postMessage({
      ctx: w.client,
      input: { threadId: id, body: '@Sam Staff can you confirm?', mentions: [w.staff.id, w.olive.id] },
    });
    const mentions = await t.superuser<{ user_id: string; title: string; link: string }>(
      `select user_id, title, link from app.notifications where tenant_id = $1 and event = 'mention'`,
      [w.tenant.id],
    );
    expect(mentions).toEqual([
      {
        user_id: w.staff.id,
        title: 'Client mentioned you in “Dates”',
        link: `/admin/messages/${id}`,
      },
    ]);
    expect(
      await countAs(
        t,
        `select 1 from app.outbox where tenant_id = '${w.tenant.id}' and template = 'mention'`,
      ),
    ).toBe(1);
    // A mention the core would drop, written straight to the database, still reaches only readers.
    await as(w.tenant.admin, (tx) =>
      tx.execute(sql`insert into app.messages (tenant_id, thread_id, author_id, author_name, body, client_visible, mentions)
        values (${w.tenant.id}::uuid, ${id}::uuid, ${w.tenant.admin.userId}::uuid, 'Admin', 'hey', true,
          ${`{${w.olive.id}}`}::uuid[])`),
    );
    expect(
      await countAs(
        t,
        `select 1 from app.notifications where event = 'mention' and user_id = '${w.olive.id}'`,
      ),
    ).toBe(0);
  });

  it('people away are told of new messages at most once per conversation per 15 minutes', async () => {
    const w = await world();
    const { id } = await startConversation({
      ctx: w.admin,
      input: {
        kind: 'project',
        title: 'Photos',
        projectId: w.tenant.projectId,
        people: [w.tenant.client.userId, w.staff.id],
      },
    });
    // The staff member holds a live stream somewhere; the client does not.
    await t.superuser(`select app_system.presence_beat('node-a', $1::uuid[], $2::uuid[])`, [
      `{${w.tenant.id}}`,
      `{${w.staff.id}}`,
    ]);
    await postMessage({ ctx: w.admin, input: { threadId: id, body: 'First' } });
    await postMessage({ ctx: w.admin, input: { threadId: id, body: 'Second' } });
    const told = await t.superuser<{ user_id: string; vars: { senderName: string; messageUrl: string } }>(
      `select user_id, vars from app.outbox where tenant_id = $1 and template = 'message-new'`,
      [w.tenant.id],
    );
    expect(told.map((r) => [r.user_id, r.vars.senderName, r.vars.messageUrl])).toEqual([
      [w.tenant.client.userId, 'Admin', `/messages/${id}`],
    ]);
    expect(
      await countAs(
        t,
        `select 1 from app.notifications where event = 'message-new' and user_id = '${w.tenant.client.userId}'`,
      ),
    ).toBe(1);
    // Fifteen minutes on, the next message tells them again.
    await t.superuser(
      `update app.thread_reads set emailed_at = now() - interval '16 minutes' where thread_id = $1`,
      [id],
    );
    await postMessage({ ctx: w.admin, input: { threadId: id, body: 'Third' } });
    expect(
      await countAs(
        t,
        `select 1 from app.outbox where tenant_id = '${w.tenant.id}' and template = 'message-new'`,
      ),
    ).toBe(2);
  });

  it('edit and delete are the author’s own; a deleted message leaves a marker', async () => {
    const w = await world();
    const { id } = await startConversation({
      ctx: w.admin,
      input: {
        kind: 'project',
        title: 'Edits',
        projectId: w.tenant.projectId,
        people: [w.tenant.client.userId],
      },
    });
    const mine = await postMessage({ ctx: w.client, input: { threadId: id, body: 'Typo hree' } });
    await expectCoreError(editMessage({ ctx: w.admin, input: { id: mine.id, body: 'Hacked' } }), 'forbidden');
    await expectCoreError(deleteMessage({ ctx: w.admin, input: { id: mine.id } }), 'forbidden');
    await editMessage({ ctx: w.client, input: { id: mine.id, body: 'Typo here' } });
    let [item] = (await getConversation({ ctx: w.admin, input: { id } })).messages;
    expect(item?.bodyHtml.trim()).toBe('<p>Typo here</p>');
    expect(item?.editedAt).not.toBeNull();
    const answer = await postMessage({
      ctx: w.admin,
      input: { threadId: id, body: 'Thanks', replyToId: mine.id },
    });
    await deleteMessage({ ctx: w.client, input: { id: mine.id } });
    const after = (await getConversation({ ctx: w.admin, input: { id } })).messages;
    item = after[0];
    expect([item?.deleted, item?.bodyHtml]).toEqual([true, '']);
    expect(after[1]?.id).toBe(answer.id);
    expect(after[1]?.replyTo).toMatchObject({ id: mine.id, deleted: true, excerpt: '' });
    await expectCoreError(editMessage({ ctx: w.client, input: { id: mine.id, body: 'Back' } }), 'conflict');
    // A reply must answer a message of the same thread.
    const other = await startConversation({
      ctx: w.admin,
      input: { kind: 'internal', title: 'Elsewhere', people: [], body: 'Internal' },
    });
    const [elsewhere] = (await getConversation({ ctx: w.admin, input: { id: other.id } })).messages;
    await expectCoreError(
      postMessage({ ctx: w.client, input: { threadId: id, body: 'x', replyToId: elsewhere?.id } }),
      'validation',
      'replyToId',
    );
  });

  it('reactions toggle and count; clients react only where they converse', async () => {
    const w = await world();
    const { id } = await startConversation({
      ctx: w.admin,
      input: {
        kind: 'project',
        title: 'Mood',
        projectId: w.tenant.projectId,
        people: [w.tenant.client.userId],
        body: 'Launched!',
      },
    });
    const [message] = (await getConversation({ ctx: w.client, input: { id } })).messages;
    const messageId = message?.id ?? '';
    expect(await toggleReaction({ ctx: w.client, input: { id: messageId, emoji: '🎉' } })).toEqual({
      reacted: true,
    });
    await toggleReaction({ ctx: w.admin, input: { id: messageId, emoji: '🎉' } });
    expect((await getMessage({ ctx: w.client, input: { id: messageId } })).reactions).toEqual([
      { emoji: '🎉', count: 2, mine: true },
    ]);
    expect(await toggleReaction({ ctx: w.client, input: { id: messageId, emoji: '🎉' } })).toEqual({
      reacted: false,
    });
    await expectCoreError(
      // A form may post anything: what is not one of the six is a field error.
      toggleReaction({ ctx: w.client, input: { id: messageId, emoji: '💩' as (typeof REACTIONS)[number] } }),
      'validation',
    );
    await expectCoreError(
      toggleReaction({ ctx: w.client, input: { id: w.tenant.messageId, emoji: '👍' } }),
      'forbidden',
    );
  });

  it('candidates: a project discussion’s clients are on its project with messages; internal chats have none', async () => {
    const w = await world();
    const stranger = await addUser(t, w.tenant, {
      role: 'client',
      clientId: w.tenant.clientId,
      name: 'Off Project',
    });
    await t.superuser(`update app.users set permissions = '{projects,messages}' where id = $1`, [
      stranger.id,
    ]);
    const project = await conversationCandidates({
      ctx: w.admin,
      input: { kind: 'project', projectId: w.tenant.projectId },
    });
    const ids = project.map((c) => c.id);
    expect(ids).toContain(w.tenant.client.userId);
    expect(ids).toContain(w.olive.id);
    expect(ids).not.toContain(stranger.id);
    const internal = await conversationCandidates({ ctx: w.admin, input: { kind: 'internal' } });
    expect(internal.every((c) => !c.client)).toBe(true);
    const direct = await conversationCandidates({ ctx: w.admin, input: { kind: 'direct' } });
    expect(direct.map((c) => c.id)).toContain(stranger.id);
    await expectCoreError(conversationCandidates({ ctx: w.client, input: { kind: 'direct' } }), 'forbidden');
  });

  it('publishes each change to the live log, read under each recipient’s actor', async () => {
    const w = await world();
    const { id } = await startConversation({
      ctx: w.admin,
      input: {
        kind: 'project',
        title: 'Live',
        projectId: w.tenant.projectId,
        people: [w.tenant.client.userId],
      },
    });
    const posted = await postMessage({ ctx: w.admin, input: { threadId: id, body: 'Now' } });
    const read = (actor: ActingAs) =>
      as(actor, async (tx) => {
        const result = await tx.execute(
          sql`select kind, message_id from app.realtime_events where thread_id = ${id}::uuid and kind = 'message.posted'`,
        );
        return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
          kind: string;
          message_id: string;
        }[];
      });
    expect(await read(w.tenant.client)).toEqual([{ kind: 'message.posted', message_id: posted.id }]);
    expect(await read(w.olive.actor)).toEqual([]);
    // Nobody writes the log but the database.
    await expect(
      as(w.tenant.admin, (tx) =>
        tx.execute(
          sql`insert into app.realtime_events (tenant_id, kind) values (${w.tenant.id}::uuid, 'message.posted')`,
        ),
      ),
    ).rejects.toThrow();
  });
});
