import {
  DIGEST_WAIT_MS,
  markRead,
  markThreadRead,
  notify,
  postMessage,
  savePreferences,
  sendDigests,
  startConversation,
} from '@foyer/core';
import { type SettleOutcome, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, deliverQueued, siteOf, type TestCore, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * The offline digest (issue #18): people who left notices they take as a digest (new messages by
 * default) unread for a few minutes while holding no live stream get one email of what they
 * missed, written as them, once however many workers run; their instant emails of those events
 * are suppressed. Connected people, people who chose instant or off, and other tenants are not.
 */

interface DigestRow extends Record<string, unknown> {
  user_id: string;
  vars: {
    count: number;
    several: boolean;
    items: { title: string; excerpt: string; unread: number; linkUrl: string }[];
    preferencesUrl: string;
    notificationsUrl: string;
  };
}

/** Why an email was not sent; '' for one that was. */
const reasonOf = (outcome: SettleOutcome) => ('reason' in outcome ? outcome.reason : '');

describe.each(drivers)('offline digests on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  const digests = (tenantId: string) =>
    t.superuser<DigestRow>(
      `select user_id::text as user_id, vars from app.outbox where tenant_id = $1 and template = 'digest' order by created_at`,
      [tenantId],
    );

  /** Past the wait: what the job sees a few minutes after the notices were written. */
  const later = (core: TestCore) => core.clock.advance(DIGEST_WAIT_MS + 60_000);

  const run = (core: TestCore, tenant: TenantFixture) => sendDigests(core.deps, { tenantIds: [tenant.id] });

  async function world() {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const staff = await addUser(t, tenant, { role: 'staff', name: 'Sam Staff' });
    await t.superuser('insert into app.project_staff (tenant_id, project_id, user_id) values ($1, $2, $3)', [
      tenant.id,
      tenant.projectId,
      staff.id,
    ]);
    const admin = core.as(tenant.admin, site);
    const talk = async (title: string, bodies: string[]) => {
      const { id } = await startConversation({
        ctx: admin,
        input: {
          kind: 'project',
          title,
          projectId: tenant.projectId,
          people: [tenant.client.userId, staff.id],
        },
      });
      for (const body of bodies) await postMessage({ ctx: admin, input: { threadId: id, body } });
      return id;
    };
    // A node of its own: a beat replaces what the node said before.
    const node = `node-${tenant.slug}`;
    const connect = (...userIds: string[]) =>
      t.superuser(`select app_system.presence_beat($3, $1::uuid[], $2::uuid[])`, [
        `{${userIds.map(() => tenant.id).join(',')}}`,
        `{${userIds.join(',')}}`,
        node,
      ]);
    return { core, tenant, site, staff, admin, talk, connect };
  }

  it('sends an away participant one digest for several messages in two conversations, and a connected one none', async () => {
    const w = await world();
    const launch = await w.talk('Launch plan', ['First', 'Second', 'Third']);
    const photos = await w.talk('Photos', ['Have a look at these']);
    // The staff member was away when the messages came, and is reading again now.
    await w.connect(w.staff.id);

    // Within the wait, nothing: they may still read it.
    expect(await run(w.core, w.tenant)).toEqual({ people: 0, emails: 0 });
    later(w.core);
    // Two workers at once: one digest.
    const [a, b] = await Promise.all([run(w.core, w.tenant), run(w.core, w.tenant)]);
    expect(a.emails + b.emails).toBe(1);
    const sent = await digests(w.tenant.id);
    expect(sent.map((row) => row.user_id)).toEqual([w.tenant.client.userId]);
    expect(sent[0]?.vars).toMatchObject({
      count: 2,
      several: true,
      preferencesUrl: '/account/notifications',
      items: [
        { title: 'Admin wrote in “Launch plan”', unread: 3, linkUrl: `/messages/${launch}` },
        {
          title: 'Admin wrote in “Photos”',
          excerpt: 'Have a look at these',
          unread: 1,
          linkUrl: `/messages/${photos}`,
        },
      ],
    });
    // A later run finds nothing more to say.
    w.core.clock.advance(60_000);
    expect(await run(w.core, w.tenant)).toEqual({ people: 0, emails: 0 });

    // Delivered: the digest goes out with absolute links; the instant emails are held back.
    w.core.mail.length = 0;
    const outcomes = await deliverQueued(w.core, [w.tenant.id]);
    const digest = w.core.mail.filter((m) => m.subject.startsWith('What you missed'));
    expect(digest.map((m) => m.to)).toEqual([`client@${w.tenant.slug}.test`]);
    expect(digest[0]?.text).toContain(`${w.site.tenant.origin}/messages/${launch}`);
    expect(digest[0]?.text).toContain('3 unread');
    expect(digest[0]?.html).toContain(`href="${w.site.tenant.origin}/account/notifications"`);
    expect(w.core.mail.filter((m) => m.subject.startsWith('New message'))).toEqual([]);
    expect(outcomes.filter((o) => reasonOf(o) === 'The recipient gets these in their digest.')).toHaveLength(
      4,
    );
    // The notices stay unread under the bell, marked as carried.
    const notices = await t.superuser<{ user_id: string; read_at: Date | null; digested_at: Date | null }>(
      `select user_id::text as user_id, read_at, digested_at from app.notifications where tenant_id = $1 and event = 'message-new'`,
      [w.tenant.id],
    );
    expect(
      notices.filter((n) => n.user_id === w.tenant.client.userId && n.digested_at && !n.read_at),
    ).toHaveLength(2);
    expect(notices.filter((n) => n.user_id === w.staff.id).every((n) => n.digested_at === null)).toBe(true);
  });

  it('leaves out a notice read before the job and a conversation read since', async () => {
    const w = await world();
    const seen = await w.talk('Seen in the bell', ['One']);
    const read = await w.talk('Read in the conversation', ['Two']);
    const waiting = await w.talk('Still waiting', ['Three', 'Four']);
    const client = w.core.as(w.tenant.client, w.site);
    const [notice] = await t.superuser<{ id: string }>(
      `select id::text as id from app.notifications where user_id = $1 and link = $2`,
      [w.tenant.client.userId, `/messages/${seen}`],
    );
    await markRead({ ctx: client, input: { id: notice?.id ?? '' } });
    await markThreadRead({ ctx: client, input: { threadId: read } });
    await w.connect(w.staff.id);
    later(w.core);
    await run(w.core, w.tenant);
    const [digest, ...more] = await digests(w.tenant.id);
    expect(more).toEqual([]);
    expect(digest?.vars.items).toEqual([
      {
        title: 'Admin wrote in “Still waiting”',
        excerpt: 'Three', // the notice is of the first message; the count, of what waits now
        unread: 2,
        linkUrl: `/messages/${waiting}`,
      },
    ]);
    expect(digest?.vars.count).toBe(1);
    expect(digest?.vars.several).toBe(false);

    // Everything read since: no email at all, though the notices are carried.
    const w2 = await world();
    const only = await w2.talk('Quick one', ['Hello']);
    await w2.connect(w2.staff.id);
    later(w2.core);
    // Read after the notice was written, before the job ran.
    await markThreadRead({ ctx: w2.core.as(w2.tenant.client, w2.site), input: { threadId: only } });
    expect(await run(w2.core, w2.tenant)).toMatchObject({ emails: 0 });
    expect(await digests(w2.tenant.id)).toEqual([]);
  });

  it('respects each person’s choice: instant, off, or another event taken as a digest', async () => {
    const w = await world();
    const client = w.core.as(w.tenant.client, w.site);
    const staff = w.core.as(w.staff.actor, w.site);
    // The client takes new messages at once; the staff member none, but assignments in the digest.
    await savePreferences({ ctx: client, input: { 'message-new': 'instant' } });
    await savePreferences({ ctx: staff, input: { 'message-new': 'off', 'task-assigned': 'digest' } });
    await w.talk('Budget', ['Can we talk numbers?']);
    await withActor(t.handle.db, w.tenant.admin, (tx) =>
      notify(tx, {
        tenantId: w.tenant.id,
        event: 'task-assigned',
        userIds: [w.staff.id],
        title: 'You were assigned “Homepage copy”',
        body: 'On Website refresh',
        link: '/admin/tasks/00000000-0000-4000-8000-000000000001',
        vars: {
          taskTitle: 'Homepage copy',
          projectName: 'Website refresh',
          assignedByName: 'Admin',
          count: 1,
        },
      }),
    );
    later(w.core);
    await run(w.core, w.tenant);
    const sent = await digests(w.tenant.id);
    expect(sent.map((row) => row.user_id)).toEqual([w.staff.id]);
    expect(sent[0]?.vars.items).toEqual([
      {
        title: 'You were assigned “Homepage copy”',
        excerpt: 'On Website refresh',
        unread: 0,
        linkUrl: '/admin/tasks/00000000-0000-4000-8000-000000000001',
      },
    ]);

    w.core.mail.length = 0;
    const outcomes = await deliverQueued(w.core, [w.tenant.id]);
    // The client's instant email of the message goes out; the staff member's is off; the
    // assignment's instant email is held back for the digest, which goes out.
    expect(w.core.mail.map((m) => [m.to, m.subject.replace(/ in .*$/, '')]).sort()).toEqual(
      [
        [`client@${w.tenant.slug}.test`, 'New message from Admin'],
        [w.staff.email, `What you missed at ${w.site.branding.displayName}`],
      ].sort(),
    );
    expect(outcomes.map(reasonOf).filter(Boolean).sort()).toEqual([
      'The recipient gets these in their digest.',
      'The recipient turned these emails off.',
    ]);
  });

  it('touches no other tenant’s people', async () => {
    const w = await world();
    const other = await world();
    await w.talk('Ours', ['Hello']);
    await other.talk('Theirs', ['Hello there']);
    await w.connect(w.staff.id);
    await other.connect(other.staff.id);
    later(w.core);
    await run(w.core, w.tenant);
    expect((await digests(w.tenant.id)).map((row) => row.user_id)).toEqual([w.tenant.client.userId]);
    expect(await digests(other.tenant.id)).toEqual([]);
    const [left] = await t.superuser<{ n: number }>(
      `select count(*)::int as n from app.notifications where tenant_id = $1 and digested_at is not null`,
      [other.tenant.id],
    );
    expect(left?.n).toBe(0);
  });
});
