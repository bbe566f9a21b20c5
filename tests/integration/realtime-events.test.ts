import { createCtx, openSession } from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../apps/server/src/app';
import { loadConfig } from '../../apps/server/src/env';
import { createLogger } from '../../apps/server/src/log';
import { RealtimeHub } from '../../apps/server/src/realtime/hub';
import { addUser, clientInfo, type PersonActor, sha256Hex, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { postMessage, type SseReader, sseReader, startConversation } from '../support/realtime';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * Live delivery through the real front door, in-process: `GET /events` streams what the person's
 * policies show them (and nothing else), catches up from Last-Event-ID, carries typing to the
 * other readers of a thread; `POST /events/typing` refuses what is not a typing notice.
 */

const PLATFORM = 'foyer.test';
const pages = { respond: async () => new Response('not found', { status: 404 }) };

describe.each(drivers)('live events on %s', (driver) => {
  let t: TestDatabase;
  let app: App;
  let hub: RealtimeHub;
  let tenant: TenantFixture;
  let host = '';
  /** A second client of the same company, on the project, but not in the first conversation. */
  let outsider: PersonActor;
  let conversation = '';
  let outsiderConversation = '';
  const readers: SseReader[] = [];

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    tenant = await createTenant(t);
    host = `${tenant.slug}.${PLATFORM}`;
    const other = await addUser(t, tenant, { role: 'client', clientId: tenant.clientId, name: 'Other' });
    outsider = other.actor;
    await t.superuser(
      `update app.users set permissions = (select permissions from app.users where id = $2) where id = $1`,
      [outsider.userId, tenant.client.userId],
    );
    await t.superuser(
      `insert into app.project_clients (tenant_id, project_id, user_id) values ($1, $2, $3)`,
      [tenant.id, tenant.projectId, outsider.userId],
    );
    conversation = await startConversation(t, tenant.admin, tenant.projectId, [
      { actor: tenant.admin, shownName: 'Admin' },
      { actor: tenant.client, shownName: 'Acme' },
    ]);
    outsiderConversation = await startConversation(t, tenant.admin, tenant.projectId, [
      { actor: tenant.admin, shownName: 'Admin' },
      { actor: outsider, shownName: 'Acme too' },
    ]);
    hub = new RealtimeHub(t.handle, createLogger('silent'));
    app = createApp({
      config: loadConfig({ PLATFORM_DOMAIN: PLATFORM, PUBLIC_PORT: '80' }),
      db: t.handle,
      pages,
      log: createLogger('silent'),
      core: testCore(t).ctx,
      realtime: hub,
    });
  });
  afterAll(async () => {
    for (const reader of readers) await reader.close();
    await hub?.close();
    await t?.close();
  });

  async function cookieOf(actor: PersonActor): Promise<string> {
    const { token } = await openSession({ ctx: createCtx(testCore(t).ctx, { actor, client: clientInfo() }) });
    return `foyer_session=${token}`;
  }

  /** Opens a stream and waits until the hub holds it, so nothing posted afterwards is missed. */
  async function stream(actor: PersonActor, headers: Record<string, string> = {}): Promise<SseReader> {
    const before = hub.streamCount;
    const response = await app.request(`http://${host}/events`, {
      headers: { host, cookie: await cookieOf(actor), ...headers },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(hub.streamCount).toBe(before + 1);
    const reader = sseReader(response.body);
    readers.push(reader);
    return reader;
  }

  const typing = async (actor: PersonActor, body: string) =>
    app.request(`http://${host}/events/typing`, {
      method: 'POST',
      headers: {
        host,
        origin: `http://${host}`,
        cookie: await cookieOf(actor),
        'content-type': 'application/json',
      },
      body,
    });

  it('streams a message posted in a conversation the person is in', async () => {
    const client = await stream(tenant.client);
    const messageId = await postMessage(t, tenant.admin, conversation, 'Admin', 'Welcome');
    const { event } = await client.nextOf('message.posted');
    expect(JSON.parse(event.data)).toEqual({ thread: conversation, message: messageId });
    expect(Number(event.id)).toBeGreaterThan(0);
    await client.close();
  });

  it('shows a client nothing of a conversation they are not in', async () => {
    const reader = await stream(outsider);
    await postMessage(t, tenant.admin, conversation, 'Admin', 'Not for the outsider');
    const theirs = await postMessage(t, tenant.admin, outsiderConversation, 'Admin', 'For the outsider');
    const { event, before } = await reader.nextOf('message.posted');
    expect(JSON.parse(event.data)).toEqual({ thread: outsiderConversation, message: theirs });
    for (const other of before)
      expect(JSON.parse(other.data).thread ?? outsiderConversation).toBe(outsiderConversation);
    await reader.close();
  });

  it('catches up from Last-Event-ID with everything posted while away', async () => {
    const first = await stream(tenant.client);
    await postMessage(t, tenant.admin, conversation, 'Admin', 'Before leaving');
    const { event: seen } = await first.nextOf('message.posted');
    await first.close();
    const missed = [
      await postMessage(t, tenant.admin, conversation, 'Admin', 'One'),
      await postMessage(t, tenant.client, conversation, 'Acme', 'Two'),
      await postMessage(t, tenant.admin, conversation, 'Admin', 'Three'),
    ];
    await postMessage(t, tenant.admin, outsiderConversation, 'Admin', 'Not theirs');
    const again = await stream(tenant.client, { 'last-event-id': String(seen.id) });
    const heard: string[] = [];
    while (heard.length < missed.length) {
      const { event } = await again.nextOf('message.posted');
      // Events of the moments before the last one come again (late commits); the browser drops them.
      if (Number(event.id) <= Number(seen.id)) continue;
      const data = JSON.parse(event.data) as { thread: string; message: string };
      expect(data.thread).toBe(conversation);
      heard.push(data.message);
    }
    expect(heard).toEqual(missed);
    // And live again after catching up.
    const live = await postMessage(t, tenant.admin, conversation, 'Admin', 'Live');
    expect(JSON.parse((await again.nextOf('message.posted')).event.data).message).toBe(live);
    await again.close();
  });

  it('the first connect of a page catches up from ?last=', async () => {
    const first = await stream(tenant.client);
    await postMessage(t, tenant.admin, conversation, 'Admin', 'Seen');
    const { event: seen } = await first.nextOf('message.posted');
    await first.close();
    const missed = await postMessage(t, tenant.admin, conversation, 'Admin', 'Missed');
    const response = await app.request(`http://${host}/events?last=${seen.id}`, {
      headers: { host, cookie: await cookieOf(tenant.client) },
    });
    const reader = sseReader(response.body);
    readers.push(reader);
    let { event } = await reader.nextOf('message.posted');
    while (Number(event.id) <= Number(seen.id)) ({ event } = await reader.nextOf('message.posted'));
    expect(JSON.parse(event.data).message).toBe(missed);
    await reader.close();
  });

  it('carries typing to the other participant, named as the thread shows them, not to the typer', async () => {
    const admin = await stream(tenant.admin);
    const client = await stream(tenant.client);
    expect((await typing(tenant.client, JSON.stringify({ thread: conversation }))).status).toBe(204);
    const { event: heard } = await admin.nextOf('typing');
    expect(heard.id).toBeNull();
    expect(JSON.parse(heard.data)).toEqual({
      thread: conversation,
      user: tenant.client.userId,
      name: 'Acme',
    });
    // The typer's own stream gets the next message, and no typing before it.
    const messageId = await postMessage(t, tenant.admin, conversation, 'Admin', 'After typing');
    const own = await client.nextOf('message.posted');
    expect(JSON.parse(own.event.data).message).toBe(messageId);
    expect(own.before.map((e) => e.event)).not.toContain('typing');
    // A team member is shown by their own name.
    expect((await typing(tenant.admin, JSON.stringify({ thread: conversation }))).status).toBe(204);
    const { event: adminTyping } = await client.nextOf('typing');
    expect(JSON.parse(adminTyping.data)).toEqual({
      thread: conversation,
      user: tenant.admin.userId,
      name: 'Admin',
    });
    await admin.close();
    await client.close();
  });

  it('refuses a stream without a session (401) and on the platform host (404)', async () => {
    expect((await app.request(`http://${host}/events`, { headers: { host } })).status).toBe(401);
    const expired = await app.request(`http://${host}/events`, {
      headers: { host, cookie: 'foyer_session=not-a-session' },
    });
    expect(expired.status).toBe(401);
    const platform = await app.request(`http://${PLATFORM}/events`, {
      headers: { host: PLATFORM, cookie: await cookieOf(tenant.client) },
    });
    expect(platform.status).toBe(404);
  });

  it('answers HEAD without holding a stream', async () => {
    const before = hub.streamCount;
    const response = await app.request(`http://${host}/events`, {
      method: 'HEAD',
      headers: { host, cookie: await cookieOf(tenant.client) },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(hub.streamCount).toBe(before);
  });

  it('refuses a Last-Event-ID that is not an event id', async () => {
    const response = await app.request(`http://${host}/events`, {
      headers: { host, cookie: await cookieOf(tenant.client), 'last-event-id': '12; drop' },
    });
    expect(response.status).toBe(400);
  });

  it('refuses typing that is not JSON, not an id, too big, or in a thread the person does not read', async () => {
    expect((await typing(tenant.client, '{"thread":')).status).toBe(400);
    expect((await typing(tenant.client, JSON.stringify({ thread: 'nope' }))).status).toBe(400);
    expect((await typing(tenant.client, JSON.stringify({}))).status).toBe(400);
    expect(
      (await typing(tenant.client, JSON.stringify({ thread: conversation, pad: 'x'.repeat(400) }))).status,
    ).toBe(413);
    expect((await typing(tenant.client, JSON.stringify({ thread: outsiderConversation }))).status).toBe(404);
    const elsewhere = await createTenant(t);
    expect((await typing(tenant.client, JSON.stringify({ thread: elsewhere.threadId }))).status).toBe(404);
    const noOrigin = await app.request(`http://${host}/events/typing`, {
      method: 'POST',
      headers: { host, cookie: await cookieOf(tenant.client), 'content-type': 'application/json' },
      body: JSON.stringify({ thread: conversation }),
    });
    expect(noOrigin.status).toBe(403);
  });

  it('ends a stream at the heartbeat after its session ended', async () => {
    const quick = new RealtimeHub(t.handle, createLogger('silent'), { heartbeatMs: 200 });
    const quickApp = createApp({
      config: loadConfig({ PLATFORM_DOMAIN: PLATFORM, PUBLIC_PORT: '80' }),
      db: t.handle,
      pages,
      log: createLogger('silent'),
      core: testCore(t).ctx,
      realtime: quick,
    });
    try {
      const cookie = await cookieOf(tenant.client);
      const response = await quickApp.request(`http://${host}/events`, { headers: { host, cookie } });
      const reader = sseReader(response.body);
      readers.push(reader);
      const token = cookie.slice('foyer_session='.length);
      await t.superuser('delete from app.sessions where id = $1', [sha256Hex(token)]);
      await reader.ended(5_000);
      expect(quick.streamCount).toBe(0);
    } finally {
      await quick.close();
    }
  });
});
