import { randomBytes, randomUUID } from 'node:crypto';
import { createCtx, openSession } from '@foyer/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addUser, clientInfo, type PersonActor, testCore } from '../support/auth';
import { loginUrlOf, openTestDatabase, type TestDatabase } from '../support/databases';
import { type SseReader, sseReader } from '../support/realtime';
import { hostRequest, type ServerProcess, startServerProcess, textOf } from '../support/server-process';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * Two real server processes on one PostgreSQL database: a comment posted through node A's page
 * reaches a stream held on node B within a second (the database's NOTIFY is what carries it
 * across), never a client who may not read it, and a stream that reconnects to B with its last
 * event id misses nothing posted meanwhile. PostgreSQL only (PGlite is one process). Reads the
 * build: run `pnpm build` first.
 */

const PLATFORM = 'foyer.test';

describe('live events across two nodes on postgres', () => {
  let t: TestDatabase;
  let tenant: TenantFixture;
  let host = '';
  let nodeA: ServerProcess;
  let nodeB: ServerProcess;
  /** A client of another company, on a project of their own: the first task is not theirs. */
  let outsider: PersonActor;
  let outsiderTaskId = '';
  const readers: SseReader[] = [];

  beforeAll(async () => {
    t = await openTestDatabase('postgres');
    tenant = await createTenant(t);
    host = `${tenant.slug}.${PLATFORM}`;
    const company = randomUUID();
    await t.superuser(`insert into app.clients (tenant_id, id, name) values ($1, $2, 'Elsewhere Ltd')`, [
      tenant.id,
      company,
    ]);
    outsider = (await addUser(t, tenant, { role: 'client', clientId: company, name: 'Outsider' })).actor;
    await t.superuser(
      'update app.users set permissions = (select permissions from app.users where id = $2) where id = $1',
      [outsider.userId, tenant.client.userId],
    );
    const project = randomUUID();
    outsiderTaskId = randomUUID();
    await t.superuser(
      `insert into app.projects (tenant_id, id, client_id, name) values ($1, $2, $3, 'Other site')`,
      [tenant.id, project, company],
    );
    await t.superuser(
      'insert into app.project_clients (tenant_id, project_id, user_id) values ($1, $2, $3)',
      [tenant.id, project, outsider.userId],
    );
    await t.superuser(
      `insert into app.tasks (tenant_id, id, project_id, status_id, title, client_visible)
       values ($1, $2, $3, $4, 'Their task', true)`,
      [tenant.id, outsiderTaskId, project, tenant.statusId],
    );
    const node = {
      loginUrl: loginUrlOf(inject('postgresUrl')),
      secretKey: randomBytes(32).toString('hex'),
      platformDomain: PLATFORM,
    };
    [nodeA, nodeB] = await Promise.all([startServerProcess(node), startServerProcess(node)]);
  }, 90_000);

  afterAll(async () => {
    for (const reader of readers) await reader.close();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await t?.close();
  });

  async function cookieOf(actor: PersonActor): Promise<string> {
    const { token } = await openSession({ ctx: createCtx(testCore(t).ctx, { actor, client: clientInfo() }) });
    return `foyer_session=${token}`;
  }

  /** Opens a stream on `node`: once it answers, the node's hub holds it. */
  async function stream(node: ServerProcess, actor: PersonActor, lastEventId?: string): Promise<SseReader> {
    const answer = await hostRequest(node.port, host, '/events', {
      headers: { cookie: await cookieOf(actor), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    });
    expect(answer.status).toBe(200);
    const reader = sseReader(answer.body);
    readers.push(reader);
    return reader;
  }

  /** Waits until `node` has beaten these people's presence (a new stream's within a second). */
  async function present(node: ServerProcess, people: PersonActor[]): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const rows = await t.superuser<{ n: string }>(
        'select count(distinct user_id)::text as n from platform.presence where tenant_id = $1 and user_id = any($2::uuid[])',
        [tenant.id, people.map((p) => p.userId)],
      );
      if (Number(rows[0]?.n) === people.length) return;
      if (Date.now() > deadline) throw new Error(`not present on a node:\n${node.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Posts a client-visible comment on a task through node A's page, as the admin. */
  async function comment(taskId: string, body: string): Promise<void> {
    const form = new URLSearchParams({ body, clientVisible: 'yes' }).toString();
    const answer = await hostRequest(nodeA.port, host, `/admin/tasks/${taskId}?/comment`, {
      method: 'POST',
      headers: {
        cookie: adminCookie,
        origin: `http://${host}`,
        accept: 'application/json',
        'x-sveltekit-action': 'true',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form,
    });
    const text = await textOf(answer);
    expect(answer.status, text).toBe(200);
    expect(JSON.parse(text).type, text).toBe('success');
  }

  let adminCookie = '';

  /** The id of the comment with this body on the task. */
  async function commentId(taskId: string, body: string): Promise<string> {
    const [row] = await t.superuser<{ id: string }>(
      `select m.id::text from app.messages m join app.threads th on th.tenant_id = m.tenant_id and th.id = m.thread_id
       where th.task_id = $1 and m.body = $2`,
      [taskId, body],
    );
    if (!row) throw new Error(`no comment "${body}"`);
    return row.id;
  }

  it('delivers a comment posted on node A to a stream on node B within a second', async () => {
    adminCookie = await cookieOf(tenant.admin);
    const client = await stream(nodeB, tenant.client);
    await present(nodeB, [tenant.client]);
    const started = performance.now();
    await comment(tenant.taskId, 'Across the nodes');
    const { event } = await client.nextOf('message.posted', 1_000);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(JSON.parse(event.data)).toEqual({
      thread: tenant.threadId,
      message: await commentId(tenant.taskId, 'Across the nodes'),
    });
  });

  it('shows a client nothing of a task they cannot read, only what they can', async () => {
    const reader = await stream(nodeB, outsider);
    await comment(tenant.taskId, 'Not for the outsider');
    await comment(outsiderTaskId, 'For the outsider');
    const { event } = await reader.nextOf('message.posted');
    expect(JSON.parse(event.data).message).toBe(await commentId(outsiderTaskId, 'For the outsider'));
  });

  it('a stream that reconnects to node B with its last id misses nothing posted meanwhile', async () => {
    const first = await stream(nodeB, tenant.client);
    await comment(tenant.taskId, 'Heard before leaving');
    let { event: last } = await first.nextOf('message.posted');
    while (JSON.parse(last.data).message !== (await commentId(tenant.taskId, 'Heard before leaving')))
      ({ event: last } = await first.nextOf('message.posted'));
    await first.close();
    const bodies = ['While away 1', 'While away 2', 'While away 3'];
    for (const body of bodies) await comment(tenant.taskId, body);
    const again = await stream(nodeB, tenant.client, String(last.id));
    const expected = await Promise.all(bodies.map((body) => commentId(tenant.taskId, body)));
    const heard = new Set<string>();
    while (!expected.every((id) => heard.has(id))) {
      const { event } = await again.nextOf('message.posted');
      heard.add(JSON.parse(event.data).message);
    }
    expect(expected.every((id) => heard.has(id))).toBe(true);
  });
});
