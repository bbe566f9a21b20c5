import { createHash, randomBytes } from 'node:crypto';
import {
  inviteMember,
  listEmailLimits,
  listTenantEmailLog,
  queueEmail,
  requestPasswordReset,
  type SignedInOperator,
  saveEmailTemplate,
  sendTemplateTest,
  setEmailLimit,
  signUp,
  UNVERIFIED_SUPPRESSED,
  VERIFY_TO_SEND,
  verifyEmail,
  workspaceSendingStatus,
} from '@foyer/core';
import { system, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, required } from '../support/assert';
import {
  activityOf,
  clientInfo,
  deliverQueued,
  expectCoreError,
  linkFromMail,
  siteOf,
  TEST_PASSWORD,
  testCore,
} from '../support/auth';
import { drivers, itOnPostgres, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, randomSlug } from '../support/tenants';

/**
 * What a workspace may send: until an admin has confirmed their address, only account email to
 * its own people (in the default wording); and every workspace at most its daily limit, which
 * operators set, counted atomically however many workers send.
 */

describe.each(drivers)('sending limits on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    // The concurrency test takes the quota from several connections at once.
    t = await openTestDatabase(driver, { max: 8 });
  });
  afterAll(() => t.close());

  /** An operator with a live session, made the way `foyer operators create` and sign-in would. */
  async function operator(): Promise<SignedInOperator> {
    const email = `ops-${randomBytes(4).toString('hex')}@foyer.test`;
    const [row] = await t.superuser<{ id: string }>(
      'insert into platform.operators (email, name, password_hash) values ($1, $2, $3) returning id::text',
      [email, 'Olive Operator', 'not-used'],
    );
    const sessionId = createHash('sha256').update(randomBytes(20)).digest('hex');
    await t.superuser(
      `insert into platform.operator_sessions (id, operator_id, expires_at) values ($1, $2, now() + interval '1 hour')`,
      [sessionId, required(row, 'the operator').id],
    );
    return { id: required(row, 'the operator').id, name: 'Olive Operator', email, sessionId };
  }

  it('an unverified workspace sends only account email until its admin confirms their address', async () => {
    const core = testCore(t);
    const { mail } = core;
    const slug = randomSlug('unv');
    const email = `owner@${slug}.example`;
    const { tenantId } = await signUp({
      ctx: core.visitor(null, clientInfo()),
      input: { agencyName: 'Fresh Agency', slug, name: 'Owner', email, password: TEST_PASSWORD },
    });
    const site = siteOf({ id: tenantId, slug, name: 'Fresh Agency' });
    const [owner] = await t.superuser<{ id: string }>('select id::text from app.users where tenant_id = $1', [
      tenantId,
    ]);
    const admin = { kind: 'admin' as const, tenantId, userId: required(owner, 'the admin').id };
    expect(await workspaceSendingStatus({ ctx: core.as(admin) })).toEqual({ verified: false });

    // The walk-through: an unverified admin saves a phishing invitation and invites strangers.
    await expectCoreError(
      saveEmailTemplate({
        ctx: core.as(admin),
        input: {
          key: 'staff-invitation',
          subject: 'Your mailbox is full',
          body: '<p>Sign in at https://mail-login.example to keep your email.</p>',
        },
      }),
      'validation',
      'body',
    );
    const invite = await expectCoreError(
      inviteMember({ ctx: core.as(admin, site), input: { email: 'stranger@victim.example', role: 'staff' } }),
      'forbidden',
    );
    expect(invite.message).toBe(VERIFY_TO_SEND);
    // Test sends go to the admin's own address, which nobody has confirmed is theirs.
    await expectCoreError(
      sendTemplateTest({
        ctx: core.as(admin, site),
        input: {
          key: 'password-reset',
          subject: 'Hello',
          body: '<p>Hello</p>{{button resetUrl "Reset"}}',
        },
      }),
      'forbidden',
    );
    // Whatever else gets queued (a later feature's notice, a bug) is held back by the worker.
    await withActor(t.handle.db, admin, (tx) =>
      queueEmail(tx, {
        tenantId,
        template: 'staff-invitation',
        to: { address: 'stranger@victim.example' },
        vars: { acceptUrl: `${site.tenant.origin}/invite?token=x`, inviterName: 'Owner' },
      }),
    );
    // Account email still goes out, in the default wording even where the agency changed it.
    await saveEmailTemplate({
      ctx: core.as(admin),
      input: {
        key: 'password-reset',
        subject: 'Mailbox full: act now',
        body: '<p>Urgent mailbox notice.</p>{{button resetUrl "Keep my mailbox"}}',
      },
    });
    await requestPasswordReset({ ctx: core.visitor(site, clientInfo()), input: { email } });
    await deliverQueued(core, [tenantId]);

    expect(mail.filter((m) => m.to === 'stranger@victim.example')).toEqual([]);
    const toOwner = mail.filter((m) => m.to === email);
    expect(toOwner.map((m) => m.subject).sort()).toEqual([
      'Confirm your email address',
      'Reset your Fresh Agency password',
    ]);
    expect(toOwner.map((m) => m.text).join('\n')).not.toContain('Urgent mailbox notice');
    const log = await listTenantEmailLog({ ctx: core.as(admin) });
    expect(log.entries.find((e) => e.recipient === 'stranger@victim.example')).toMatchObject({
      status: 'suppressed',
      reason: UNVERIFIED_SUPPRESSED,
    });

    // Once the admin confirms their address the workspace sends as any other.
    const { token } = linkFromMail(
      mail.filter((m) => m.subject.startsWith('Confirm')),
      email,
      '/verify-email',
    );
    await verifyEmail({ ctx: core.visitor(site), input: { token } });
    expect(await workspaceSendingStatus({ ctx: core.as(admin) })).toEqual({ verified: true });
    await inviteMember({
      ctx: core.as(admin, site),
      input: { email: 'colleague@fresh.example', role: 'staff' },
    });
    await deliverQueued(core, [tenantId]);
    expect(mail.filter((m) => m.to === 'colleague@fresh.example')).toHaveLength(1);
    expect(mail.find((m) => m.to === 'colleague@fresh.example')?.text).toContain('as Staff');
  });

  it('defers email over the daily limit to the next UTC day; operators set the limit', async () => {
    const core = testCore(t);
    const { mail } = core;
    const tenant = await createTenant(t);
    const ops = await operator();
    const limits = await listEmailLimits({ ctx: core.visitor(null), operator: ops });
    expect(limits.find((l) => l.tenantId === tenant.id)).toEqual({
      tenantId: tenant.id,
      dailyLimit: 200,
      sentToday: 0,
    });

    await setEmailLimit({
      ctx: core.visitor(null),
      operator: ops,
      input: { tenantId: tenant.id, limit: '3' },
    });
    const addresses = Array.from({ length: 5 }, (_, i) => `member-${i}@${tenant.slug}.test`);
    await withActor(t.handle.db, tenant.admin, async (tx) => {
      for (const address of addresses) {
        await queueEmail(tx, {
          tenantId: tenant.id,
          template: 'staff-invitation',
          to: { address },
          vars: { acceptUrl: `${siteOf(tenant).tenant.origin}/invite?token=x` },
        });
      }
    });
    const outcomes = await deliverQueued(core, [tenant.id]);
    expect(mail).toHaveLength(3);
    expect(outcomes.filter((o) => o.outcome === 'retry')).toHaveLength(2);
    const deferred = await t.superuser<{ last_error: string; next_attempt_at: Date }>(
      `select last_error, next_attempt_at from app.outbox where tenant_id = $1 and status = 'queued'`,
      [tenant.id],
    );
    expect(deferred).toHaveLength(2);
    const tomorrow = new Date();
    tomorrow.setUTCHours(24, 0, 0, 0);
    for (const row of deferred) {
      expect(row.last_error).toMatch(/daily limit of 3 emails is reached; the email goes out after midnight/);
      expect(new Date(row.next_attempt_at).getTime()).toBe(tomorrow.getTime());
    }
    expect(
      (await listEmailLimits({ ctx: core.visitor(null), operator: ops })).find(
        (l) => l.tenantId === tenant.id,
      ),
    ).toMatchObject({
      dailyLimit: 3,
      sentToday: 3,
    });
    // Test sends count too.
    await expectCoreError(
      sendTemplateTest({
        ctx: core.as(tenant.admin, siteOf(tenant)),
        input: {
          key: 'password-reset',
          subject: 'Hello',
          body: '<p>Hello</p>{{button resetUrl "Reset"}}',
        },
      }),
      'throttled',
    );

    // Raised, the waiting email goes out today.
    await setEmailLimit({
      ctx: core.visitor(null),
      operator: ops,
      input: { tenantId: tenant.id, limit: '1,000' },
    });
    await deliverQueued(core, [tenant.id]);
    expect(mail).toHaveLength(5);
    // 0 pauses a tenant's email altogether.
    await setEmailLimit({
      ctx: core.visitor(null),
      operator: ops,
      input: { tenantId: tenant.id, limit: '0' },
    });
    expect((await system.outbox.takeQuota(t.handle, tenant.id)).allowed).toBe(false);

    // Bad input is a field error, an unknown tenant not found, an ended session forbidden.
    for (const limit of ['', '-1', '1.5', 'lots', '1000001', '99999999']) {
      await expectCoreError(
        setEmailLimit({ ctx: core.visitor(null), operator: ops, input: { tenantId: tenant.id, limit } }),
        'validation',
        'limit',
      );
    }
    await expectCoreError(
      setEmailLimit({ ctx: core.visitor(null), operator: ops, input: { tenantId: 'nope', limit: '5' } }),
      'not_found',
    );
    await expectCoreError(
      setEmailLimit({
        ctx: core.visitor(null),
        operator: ops,
        input: { tenantId: '00000000-0000-4000-8000-000000000000', limit: '5' },
      }),
      'not_found',
    );
    const ended = { ...ops, sessionId: 'ended' };
    await expectCoreError(
      setEmailLimit({ ctx: core.visitor(null), operator: ended, input: { tenantId: tenant.id, limit: '5' } }),
      'forbidden',
    );
    await expectCoreError(listEmailLimits({ ctx: core.visitor(null), operator: ended }), 'forbidden');
    // The operator acts on the platform: the tenant's log holds none of it, nor the refused test.
    expect(await activityOf(t, tenant.id)).toEqual([]);
  });

  it('keeps the limit and its counter out of runtime roles’ reach', async () => {
    const tenant = await createTenant(t);
    await expectPermissionDenied(
      withActor(t.handle.db, tenant.admin, (tx) => tx.execute('select * from platform.email_usage')),
    );
    await expectPermissionDenied(
      withActor(t.handle.db, tenant.admin, (tx) =>
        tx.execute(`update platform.tenants set email_daily_limit = 1000000`),
      ),
    );
  });

  itOnPostgres(
    driver,
    'counts the daily limit exactly under concurrent sends (PostgreSQL only)',
    async () => {
      const tenant = await createTenant(t, { emailDailyLimit: 25 });
      const takes = await Promise.all(
        Array.from({ length: 80 }, () => system.outbox.takeQuota(t.handle, tenant.id)),
      );
      expect(takes.filter((q) => q.allowed)).toHaveLength(25);
      expect(
        takes
          .filter((q) => q.allowed)
          .map((q) => q.sent)
          .sort((a, b) => a - b),
      ).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      const [usage] = await t.superuser<{ sent: number }>(
        'select sent from platform.email_usage where tenant_id = $1',
        [tenant.id],
      );
      expect(usage?.sent).toBe(25);
    },
  );
});
