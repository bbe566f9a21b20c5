import {
  type ActivityItem,
  changePassword,
  clientActivity,
  clientInvoice,
  clientsToNudge,
  closeSession,
  createCtx,
  deactivateClient,
  decideReview,
  describeBrowser,
  exportClientActivity,
  fileLink,
  nudgeClient,
  postComment,
  postMessage,
  purgeOldActivityDetails,
  requestPasswordReset,
  resetPassword,
  resolveSession,
  signIn,
} from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activityOf,
  addOtherClient,
  addUser,
  clientInfo,
  countAs,
  deliverQueued,
  expectCoreError,
  linkFromMail,
  OTHER_PASSWORD,
  setPassword,
  siteOf,
  TEST_PASSWORD,
  type TestCore,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import {
  addTenantConversation,
  addTenantInvoice,
  createTenant,
  type TenantFixture,
} from '../support/tenants';

/**
 * Client activity monitoring for admins: a client person's sign-ins (refusals matched by the
 * email typed), sessions with their length, and what they did, in their history only; clients
 * and staff read none of it; a preview as the client leaves nothing; filters and the CSV export
 * (escaped, formula-guarded); the "needs a nudge" list and its reminder (one a day); and the
 * retention job that clears IP addresses and browsers of old rows per tenant setting.
 */

const MAC_CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const WINDOWS_FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

describe('describeBrowser', () => {
  it('names the browser and the system', () => {
    expect(describeBrowser(MAC_CHROME)).toBe('Chrome on macOS');
    expect(describeBrowser(WINDOWS_FIREFOX)).toBe('Firefox on Windows');
    expect(
      describeBrowser(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS');
    expect(
      describeBrowser(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      ),
    ).toBe('Edge on Windows');
    expect(describeBrowser(null)).toBe('Unknown browser');
    expect(describeBrowser('something odd')).toBe('Unknown browser');
  });
});

describe.each(drivers)('client activity on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  /** A tenant whose client A can sign in, with B, another client on the same project. */
  async function setup(core: TestCore) {
    const tenant = await createTenant(t);
    await setPassword(t, tenant.id, tenant.client.userId);
    const emailA = `client@${tenant.slug}.test`;
    const b = await addOtherClient(t, tenant, ['projects', 'files.download', 'invoices']);
    const site = siteOf(tenant);
    const admin = core.as(tenant.admin, site);
    return { tenant, emailA, b, site, admin };
  }

  const history = (core: TestCore, tenant: TenantFixture, userId: string, extra = {}) =>
    clientActivity({ ctx: core.as(tenant.admin, siteOf(tenant)), input: { userId, ...extra } });

  const verbs = (entries: ActivityItem[]) => entries.map((entry) => entry.verb).sort();

  it("client A's sign-ins, refusals and actions appear in A's history only, with IP and browser", async () => {
    const core = testCore(t);
    const { tenant, emailA, b, site } = await setup(core);
    const other = await createTenant(t);

    await expectCoreError(
      signIn({
        ctx: core.visitor(site, clientInfo('198.51.100.7', WINDOWS_FIREFOX)),
        input: { email: emailA.toUpperCase(), password: 'not the password at all' },
      }),
      'invalid_credentials',
    );
    const signedIn = await signIn({
      ctx: core.visitor(site, clientInfo('198.51.100.8', MAC_CHROME)),
      input: { email: emailA, password: TEST_PASSWORD },
    });
    const asA = createCtx(core.deps, {
      actor: tenant.client,
      site,
      client: clientInfo('198.51.100.8', MAC_CHROME),
    });
    await fileLink({ ctx: asA, input: { id: tenant.fileId } });
    const invoice = await addTenantInvoice(t, tenant);
    await clientInvoice({ ctx: asA, input: { id: invoice.invoiceId } });
    await clientInvoice({ ctx: asA, input: { id: invoice.invoiceId } });
    await signIn({
      ctx: core.visitor(site, clientInfo()),
      input: { email: b.email, password: TEST_PASSWORD },
    });
    await expect(
      resolveSession({ ctx: core.visitor(site), input: { token: signedIn.token } }),
    ).resolves.not.toBeNull();

    const a = await history(core, tenant, tenant.client.userId);
    expect(verbs(a.entries)).toEqual(
      [
        'auth.sign_in',
        'auth.sign_in_failed',
        'file.downloaded',
        'invoice.view',
        'invoice.viewed_again',
      ].sort(),
    );
    const signInEntry = a.entries.find((entry) => entry.verb === 'auth.sign_in');
    expect(signInEntry).toMatchObject({
      ok: true,
      ip: '198.51.100.8',
      browser: 'Chrome on macOS',
      kind: 'sign_ins',
    });
    expect(a.entries.find((entry) => entry.verb === 'auth.sign_in_failed')).toMatchObject({
      ok: false,
      ip: '198.51.100.7',
      browser: 'Firefox on Windows',
    });
    expect(a.entries.find((entry) => entry.verb === 'file.downloaded')?.what).toBe('Downloaded logo.png');
    expect(a.total).toBe(5);
    expect(a.person.lastSeenAt).not.toBeNull();
    expect(a.timeline.at(-1)).toMatchObject({ signIns: 1, failed: 1, actions: 3 });

    const ofB = await history(core, tenant, b.id);
    expect(verbs(ofB.entries)).toEqual(['auth.sign_in']);
    expect(ofB.sessions).toHaveLength(1);

    // Another tenant's admin cannot name A at all.
    await expectCoreError(
      clientActivity({ ctx: core.as(other.admin, siteOf(other)), input: { userId: tenant.client.userId } }),
      'not_found',
    );
  });

  it("a client's review decision, comment and message are in their history under their kinds", async () => {
    const core = testCore(t);
    const { tenant, b, site } = await setup(core);
    const conversation = await addTenantConversation(t, tenant);
    const asA = core.as(tenant.client, site, clientInfo('192.0.2.77', MAC_CHROME));
    await decideReview({
      ctx: asA,
      input: { taskId: tenant.taskId, roundId: tenant.reviewRoundId, decision: 'approved' },
    });
    await postComment({ ctx: asA, input: { taskId: tenant.taskId, body: 'Looks good to me.' } });
    await postMessage({ ctx: asA, input: { threadId: conversation.threadId, body: 'Thanks, all clear.' } });

    const kinds = async (kind: 'reviews' | 'comments' | 'messages') =>
      verbs((await history(core, tenant, tenant.client.userId, { kind })).entries);
    expect(await kinds('reviews')).toEqual(['review.approved']);
    expect(await kinds('comments')).toEqual(['comment.post']);
    expect(await kinds('messages')).toEqual(['message.post']);
    const all = await history(core, tenant, tenant.client.userId);
    expect(
      all.entries.every((entry) => entry.ip === '192.0.2.77' && entry.browser === 'Chrome on macOS'),
    ).toBe(true);
    expect((await history(core, tenant, b.id)).entries).toEqual([]);
  });

  it('sessions keep their start, last activity, end and why, after the session row is gone', async () => {
    const core = testCore(t);
    const { tenant, emailA, site } = await setup(core);
    const first = await signIn({
      ctx: core.visitor(site, clientInfo('203.0.113.5', MAC_CHROME)),
      input: { email: emailA, password: TEST_PASSWORD },
    });
    core.clock.advance(20 * 60 * 1000);
    const resolved = await resolveSession({ ctx: core.visitor(site), input: { token: first.token } });
    expect(resolved).not.toBeNull();
    await closeSession({
      ctx: core.as(tenant.client, site),
      input: { sessionId: resolved?.sessionId ?? '' },
    });
    await signIn({
      ctx: core.visitor(site, clientInfo()),
      input: { email: emailA, password: TEST_PASSWORD },
    });
    await signIn({
      ctx: core.visitor(site, clientInfo()),
      input: { email: emailA, password: TEST_PASSWORD },
    });
    expect(
      await countAs(t, 'select 1 from app.sessions where tenant_id = $1 and user_id = $2', [
        tenant.id,
        tenant.client.userId,
      ]),
    ).toBe(2);
    await deactivateClient({ ctx: core.as(tenant.admin, site), input: { clientId: tenant.client.userId } });

    const { sessions } = await history(core, tenant, tenant.client.userId, { kind: 'sessions' });
    expect(sessions).toHaveLength(3);
    const signedOut = sessions.find((session) => session.state === 'signed_out');
    expect(signedOut).toMatchObject({ ip: '203.0.113.5', browser: 'Chrome on macOS' });
    expect(signedOut?.durationSeconds).toBeGreaterThanOrEqual(20 * 60 - 5);
    expect(signedOut?.durationSeconds).toBeLessThan(21 * 60);
    expect(sessions.filter((session) => session.state === 'ended_by_admin')).toHaveLength(2);
    expect(sessions.every((session) => session.endedAt !== null)).toBe(true);
    // The log keeps no session id: only a hash of it.
    expect(
      await countAs(t, 'select 1 from app.session_log l join app.sessions s on s.id = l.session_key'),
    ).toBe(0);
  });

  it('a password change and a password reset say so as the reason their sessions ended', async () => {
    const core = testCore(t);
    const { tenant, emailA, site } = await setup(core);
    const open = () =>
      signIn({ ctx: core.visitor(site, clientInfo()), input: { email: emailA, password: TEST_PASSWORD } });
    await open();
    await changePassword({
      ctx: core.as(tenant.client, site),
      input: { currentPassword: TEST_PASSWORD, newPassword: OTHER_PASSWORD },
    });
    const reasons = async () =>
      (await history(core, tenant, tenant.client.userId, { kind: 'sessions' })).sessions
        .map((session) => session.state)
        .sort();
    // The change opened a fresh session for the person who made it.
    expect(await reasons()).toEqual(['active', 'password_change']);

    await requestPasswordReset({ ctx: core.visitor(site, clientInfo()), input: { email: emailA } });
    await deliverQueued(core, [tenant.id]);
    const { token } = linkFromMail(core.mail, emailA, '/reset-password');
    await resetPassword({ ctx: core.visitor(site), input: { token, password: TEST_PASSWORD } });
    expect(await reasons()).toEqual(['password_change', 'password_reset']);
    await open();
    expect(await reasons()).toEqual(['active', 'password_change', 'password_reset']);
  });

  it('a session past its expiry shows as expired', async () => {
    const core = testCore(t);
    const { tenant, emailA, site } = await setup(core);
    await signIn({
      ctx: core.visitor(site, clientInfo()),
      input: { email: emailA, password: TEST_PASSWORD },
    });
    await t.superuser(
      "update app.session_log set expires_at = now() - interval '1 minute' where tenant_id = $1 and user_id = $2",
      [tenant.id, tenant.client.userId],
    );
    const { sessions } = await history(core, tenant, tenant.client.userId);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.state).toBe('expired');
  });

  it('clients and staff read no activity and no session history', async () => {
    const core = testCore(t);
    const { tenant, b, site } = await setup(core);
    const staff = await addUser(t, tenant, { role: 'staff' });
    for (const actor of [tenant.client, b.actor, staff.actor]) {
      await expectCoreError(
        clientActivity({ ctx: core.as(actor, site), input: { userId: tenant.client.userId } }),
        'forbidden',
      );
      await expectCoreError(
        exportClientActivity({ ctx: core.as(actor, site), input: { userId: tenant.client.userId } }),
        'forbidden',
      );
      await expectCoreError(clientsToNudge({ ctx: core.as(actor, site) }), 'forbidden');
      await expectCoreError(
        nudgeClient({ ctx: core.as(actor, site), input: { userId: tenant.client.userId } }),
        'forbidden',
      );
    }
  });

  it('a preview as the client records nothing: no activity, no viewed mark, no last seen', async () => {
    const core = testCore(t);
    const { tenant, site } = await setup(core);
    const invoice = await addTenantInvoice(t, tenant);
    const before = (await activityOf(t, tenant.id)).length;
    const preview = createCtx(core.deps, {
      actor: tenant.client,
      site,
      client: clientInfo(),
      previewBy: tenant.admin.userId,
    });
    await fileLink({ ctx: preview, input: { id: tenant.fileId } });
    await clientInvoice({ ctx: preview, input: { id: invoice.invoiceId } });
    expect(await activityOf(t, tenant.id)).toHaveLength(before);
    const [row] = await t.superuser<{ last_seen_at: Date | null; viewed_at: Date | null }>(
      `select u.last_seen_at, i.viewed_at from app.users u, app.invoices i
        where u.tenant_id = $1 and u.id = $2 and i.tenant_id = $1 and i.id = $3`,
      [tenant.id, tenant.client.userId, invoice.invoiceId],
    );
    expect(row).toEqual({ last_seen_at: null, viewed_at: null });
    const a = await history(core, tenant, tenant.client.userId);
    expect(a.entries).toEqual([]);
    expect(a.sessions).toEqual([]);
  });

  it('filters by kind and dates, pages, and refuses bad filters as field errors', async () => {
    const core = testCore(t);
    const { tenant, emailA, site } = await setup(core);
    await signIn({
      ctx: core.visitor(site, clientInfo()),
      input: { email: emailA, password: TEST_PASSWORD },
    });
    const asA = core.as(tenant.client, site);
    for (let i = 0; i < 3; i++) await fileLink({ ctx: asA, input: { id: tenant.fileId } });
    const invoice = await addTenantInvoice(t, tenant);
    await clientInvoice({ ctx: asA, input: { id: invoice.invoiceId } });
    // An old entry, outside the default 30 days.
    await t.superuser(
      `insert into app.activity (tenant_id, at, actor_kind, actor_id, verb, data)
       values ($1, now() - interval '90 days', 'client', $2, 'comment.post', '{}')`,
      [tenant.id, tenant.client.userId],
    );

    const files = await history(core, tenant, tenant.client.userId, { kind: 'files' });
    expect(verbs(files.entries)).toEqual(['file.downloaded', 'file.downloaded', 'file.downloaded']);
    expect(files.sessions).toEqual([]);
    const signIns = await history(core, tenant, tenant.client.userId, { kind: 'sign_ins' });
    expect(verbs(signIns.entries)).toEqual(['auth.sign_in']);
    const invoices = await history(core, tenant, tenant.client.userId, { kind: 'invoices' });
    expect(verbs(invoices.entries)).toEqual(['invoice.view']);
    const sessions = await history(core, tenant, tenant.client.userId, { kind: 'sessions' });
    expect(sessions.entries).toEqual([]);
    expect(sessions.sessions).toHaveLength(1);

    const recent = await history(core, tenant, tenant.client.userId, { kind: 'comments' });
    expect(recent.entries).toEqual([]);
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const old = await history(core, tenant, tenant.client.userId, {
      kind: 'comments',
      from: day(100),
      to: day(80),
    });
    expect(verbs(old.entries)).toEqual(['comment.post']);
    expect(old.timeline).toHaveLength(21);
    expect(old.timeline.reduce((sum, d) => sum + d.actions, 0)).toBe(1);

    const all = await history(core, tenant, tenant.client.userId, { from: day(100) });
    expect(all.total).toBe(6);
    const page2 = await history(core, tenant, tenant.client.userId, { from: day(100), page: 2 });
    expect(page2.entries).toEqual([]);

    await expectCoreError(
      history(core, tenant, tenant.client.userId, { from: 'yesterday' }),
      'validation',
      'from',
    );
    await expectCoreError(
      history(core, tenant, tenant.client.userId, { from: day(1), to: day(3) }),
      'validation',
      'from',
    );
    await expectCoreError(
      history(core, tenant, tenant.client.userId, { from: day(400), to: day(0) }),
      'validation',
      'from',
    );
    await expectCoreError(
      history(core, tenant, tenant.client.userId, { kind: 'everything' as 'all' }),
      'validation',
      'kind',
    );
    await expectCoreError(history(core, tenant, 'not-a-uuid'), 'validation', 'userId');
  });

  it('exports the same filters to CSV, escaped, with formulas neutralised', async () => {
    const core = testCore(t);
    const { tenant, emailA, site } = await setup(core);
    await t.superuser('update app.files set name = $3 where tenant_id = $1 and id = $2', [
      tenant.id,
      tenant.fileId,
      '=HYPERLINK("http://evil.example","a, b").png',
    ]);
    await signIn({
      ctx: core.visitor(site, clientInfo('192.0.2.44', MAC_CHROME)),
      input: { email: emailA, password: TEST_PASSWORD },
    });
    await fileLink({ ctx: core.as(tenant.client, site), input: { id: tenant.fileId } });
    await t.superuser(
      `insert into app.activity (tenant_id, actor_kind, actor_id, verb, data, user_agent)
       values ($1, 'client', $2, 'file.downloaded', jsonb_build_object('name', $3::text), '@SUM(1+1)')`,
      [tenant.id, tenant.client.userId, '-2+3'],
    );

    const all = await exportClientActivity({
      ctx: core.as(tenant.admin, site),
      input: { userId: tenant.client.userId },
    });
    expect(all.filename).toMatch(/^activity-client-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = all.csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Time (UTC),Kind,Activity,Outcome,IP address,Browser,Ended (UTC),Duration (seconds)',
    );
    expect(lines).toHaveLength(5); // header, sign-in, two downloads, the session
    expect(all.csv).toContain(',sign_ins,Signed in,ok,192.0.2.44,Chrome on macOS,,');
    // A name that opens with = is quoted (comma, quotes doubled) behind an apostrophe.
    expect(all.csv).toContain(`"Downloaded =HYPERLINK(""http://evil.example"",""a, b"").png"`);
    expect(all.csv).toContain(',Downloaded -2+3,');
    expect(all.csv).toContain(',session,Session: Active,active,192.0.2.44,Chrome on macOS,,');

    const files = await exportClientActivity({
      ctx: core.as(tenant.admin, site),
      input: { userId: tenant.client.userId, kind: 'files' },
    });
    expect(files.csv.trimEnd().split('\r\n')).toHaveLength(3);
    expect(files.csv).not.toContain('session');
  });

  it('csvCell guards formulas and quotes what needs quoting', async () => {
    const { csvCell, csvOf } = await import('@foyer/core');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@x')).toBe("'@x");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=a,"b"')).toBe(`"'=a,""b"""`);
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(null)).toBe('');
    expect(
      csvOf([
        ['a', 1],
        ['b', null],
      ]),
    ).toBe('a,1\r\nb,\r\n');
  });

  it('lists clients who were sent things since they were last seen, and nudges them once a day', async () => {
    const core = testCore(t);
    const { tenant, b, site } = await setup(core);
    const admin = core.as(tenant.admin, site);
    await t.superuser(
      "update app.files set shared_at = now() - interval '2 days' where tenant_id = $1 and id = $2",
      [tenant.id, tenant.fileId],
    );
    const invoice = await addTenantInvoice(t, tenant);
    // B was seen after everything was sent; a client without a password (invited) is not listed.
    await t.superuser('update app.users set last_seen_at = now() where tenant_id = $1 and id = $2', [
      tenant.id,
      b.id,
    ]);

    const list = await clientsToNudge({ ctx: admin });
    expect(list.map((c) => c.userId)).toEqual([tenant.client.userId]);
    const [a] = list;
    expect(a?.lastSeenAt).toBeNull();
    expect(a?.lastNudgedAt).toBeNull();
    expect(a?.canNudge).toBe(true);
    expect(a?.waiting.map((item) => item.kind).sort()).toEqual(['files', 'invoices', 'reviews']);
    expect(a?.waiting.find((item) => item.kind === 'files')).toMatchObject({
      title: 'logo.png',
      link: `/projects/${tenant.projectId}/files`,
    });
    expect(a?.waiting.find((item) => item.kind === 'invoices')?.link).toBe(`/invoices/${invoice.invoiceId}`);
    expect(a?.waiting.find((item) => item.kind === 'reviews')?.link).toBe(`/tasks/${tenant.taskId}`);

    await expect(nudgeClient({ ctx: admin, input: { userId: tenant.client.userId } })).resolves.toEqual({
      items: 3,
    });
    await expectCoreError(
      nudgeClient({ ctx: admin, input: { userId: tenant.client.userId } }),
      'limit_reached',
    );
    await expectCoreError(nudgeClient({ ctx: admin, input: { userId: b.id } }), 'conflict');
    const entries = await activityOf(t, tenant.id, 'client.nudge');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor_id: tenant.admin.userId,
      subject_id: tenant.client.userId,
      data: { files: 1, reviews: 1, invoices: 1 },
    });
    const after = await clientsToNudge({ ctx: admin });
    expect(after[0]?.lastNudgedAt).not.toBeNull();
    expect(after[0]?.canNudge).toBe(false);

    await deliverQueued(core, [tenant.id]);
    const mail = core.mail.filter((m) => m.to === `client@${tenant.slug}.test`);
    expect(mail.map((m) => m.subject)).toEqual([`3 things are waiting for you at ${tenant.name}`]);
    const html = mail[0]?.html ?? '';
    expect(html).toContain('logo.png');
    expect(html).toContain(`http://${tenant.slug}.foyer.test/tasks/${tenant.taskId}`);
    expect(html).toContain(`/invoices/${invoice.invoiceId}`);

    // A day later another reminder may go.
    core.clock.advance(24 * 60 * 60 * 1000 + 1000);
    await t.superuser(
      "update app.activity set at = at - interval '1 day 1 minute' where tenant_id = $1 and verb = 'client.nudge'",
      [tenant.id],
    );
    await expect(nudgeClient({ ctx: admin, input: { userId: tenant.client.userId } })).resolves.toEqual({
      items: 3,
    });

    // Once A signs in, nothing waits for them.
    await signIn({
      ctx: core.visitor(site, clientInfo()),
      input: { email: `client@${tenant.slug}.test`, password: TEST_PASSWORD },
    });
    expect(await clientsToNudge({ ctx: admin })).toEqual([]);
  });

  it('the retention job clears IP and browser only of rows older than each tenant’s setting', async () => {
    const core = testCore(t);
    const short = await createTenant(t);
    const usual = await createTenant(t);
    await t.superuser(
      'insert into app.security_settings (tenant_id, activity_retention_days) values ($1, 30)',
      [short.id],
    );
    const entry = (tenantId: string, userId: string, daysAgo: number) =>
      t.superuser(
        `insert into app.activity (tenant_id, at, actor_kind, actor_id, verb, ip, user_agent, data)
         values ($1, now() - make_interval(days => $3), 'client', $2, 'file.downloaded', '192.0.2.1', 'UA',
                 jsonb_build_object('age', $3::int))`,
        [tenantId, userId, daysAgo],
      );
    const session = (tenantId: string, userId: string, daysAgo: number) =>
      t.superuser(
        `insert into app.session_log (tenant_id, session_key, user_id, started_at, last_seen_at, expires_at, ended_at, end_reason, ip, user_agent)
         values ($1, md5(random()::text), $2, now() - make_interval(days => $3), now() - make_interval(days => $3),
                 now() - make_interval(days => $3 - 1), now() - make_interval(days => $3), 'signed_out', '192.0.2.1', 'UA')`,
        [tenantId, userId, daysAgo],
      );
    for (const tenant of [short, usual]) {
      for (const days of [10, 40, 400]) {
        await entry(tenant.id, tenant.client.userId, days);
        await session(tenant.id, tenant.client.userId, days);
      }
    }
    await purgeOldActivityDetails({ ctx: createCtx(core.deps) });

    const kept = async (tenantId: string, table: 'activity' | 'session_log') =>
      (
        await t.superuser<{ days: number; kept: boolean }>(
          table === 'activity'
            ? `select (data->>'age')::int as days, (ip is not null and user_agent is not null) as kept
                 from app.activity where tenant_id = $1 and data ? 'age' order by 1`
            : `select round(extract(epoch from now() - started_at) / 86400)::int as days,
                      (ip is not null and user_agent is not null) as kept
                 from app.session_log where tenant_id = $1 and end_reason = 'signed_out' order by 1`,
          [tenantId],
        )
      ).map((row) => `${row.days}:${row.kept ? 'kept' : 'cleared'}`);
    expect(await kept(short.id, 'activity')).toEqual(['10:kept', '40:cleared', '400:cleared']);
    expect(await kept(usual.id, 'activity')).toEqual(['10:kept', '40:kept', '400:cleared']);
    expect(await kept(short.id, 'session_log')).toEqual(['10:kept', '40:cleared', '400:cleared']);
    expect(await kept(usual.id, 'session_log')).toEqual(['10:kept', '40:kept', '400:cleared']);
    // The entries themselves stay.
    expect(
      await countAs(t, "select 1 from app.activity where tenant_id = $1 and data ? 'age'", [short.id]),
    ).toBe(3);
  });
});
