import { randomUUID } from 'node:crypto';
import {
  EMAIL_LOG_PAGE_SIZE,
  getEmailSettings,
  getEmailTemplate,
  listEmailTemplates,
  listTenantEmailLog,
  retryEmail,
  saveDeliverySettings,
  saveEmailTemplate,
} from '@foyer/core';
import { schema, sql, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, expectRlsViolation, required } from '../support/assert';
import {
  activityOf,
  addUser,
  coreError,
  deliverQueued,
  expectCoreError,
  siteOf,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase, txRows } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * The agency's email log (the outbox, read by admins), its retry, and the walls around email
 * settings, templates and the log: admins only, and each tenant only its own.
 */

const INVITATION_VARS = {
  inviterName: 'Jordan Lee',
  roleName: 'Team member',
  acceptUrl: 'https://portal.example.com/invite?token=SECRET-LINK-TOKEN',
  expiresAt: '2026-04-07',
};

describe.each(drivers)('email log on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  /** An outbox row written directly, as the worker would have left it. */
  async function logRow(
    tenant: TenantFixture,
    row: {
      status: string;
      to?: string | null;
      userId?: string | null;
      attempts?: number;
      error?: string | null;
      createdAt?: string;
      recipient?: string | null;
      template?: string;
    },
  ): Promise<string> {
    const id = randomUUID();
    await t.superuser(
      `insert into app.outbox (tenant_id, id, template, user_id, to_address, vars, status, attempts, last_error, recipient, created_at, sent_at)
       values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, coalesce($11::timestamptz, now()), case when $7 = 'sent' then now() end)`,
      [
        tenant.id,
        id,
        row.template ?? 'staff-invitation',
        row.userId ?? null,
        row.userId ? null : (row.to ?? `someone@${tenant.slug}.test`),
        JSON.stringify(INVITATION_VARS),
        row.status,
        row.attempts ?? 1,
        row.error ?? null,
        row.recipient ?? null,
        row.createdAt ?? null,
      ],
    );
    return id;
  }

  const statusOf = async (id: string) => {
    const [row] = await t.superuser<{ status: string; attempts: number; due: boolean }>(
      'select status, attempts, next_attempt_at <= now() as due from app.outbox where id = $1',
      [id],
    );
    return required(row, `outbox row ${id}`);
  };

  it('shows each email’s recipient, template, status and reason, newest first, by status', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const failed = await logRow(tenant, {
      status: 'failed',
      to: 'gone@nowhere.example',
      attempts: 4,
      error: '550 Mailbox unavailable',
      createdAt: '2026-01-01T10:00:03Z',
    });
    const suppressed = await logRow(tenant, {
      status: 'suppressed',
      userId: tenant.client.userId,
      error: 'The recipient turned these emails off.',
      createdAt: '2026-01-01T10:00:02Z',
    });
    const queued = await logRow(tenant, { status: 'queued', attempts: 0, createdAt: '2026-01-01T10:00:01Z' });

    const page = await listTenantEmailLog({ ctx: core.as(tenant.admin) });
    // The fixture's own sent email is the newest (written now).
    expect(page.entries.map((e) => e.id).slice(1)).toEqual([failed, suppressed, queued]);
    expect(page.nextCursor).toBeNull();
    const byId = new Map(page.entries.map((e) => [e.id, e]));
    expect(byId.get(failed)).toMatchObject({
      recipient: 'gone@nowhere.example',
      template: 'staff-invitation',
      templateName: 'Team invitation',
      status: 'failed',
      attempts: 4,
      reason: '550 Mailbox unavailable',
    });
    // A person's address is read from their account until the worker records where it went.
    expect(byId.get(suppressed)).toMatchObject({
      recipient: `client@${tenant.slug}.test`,
      status: 'suppressed',
      reason: 'The recipient turned these emails off.',
    });
    expect(byId.get(queued)).toMatchObject({ status: 'queued', reason: null });
    expect(JSON.stringify(page)).not.toContain('SECRET-LINK-TOKEN'); // never the variables, which hold links

    const onlyFailed = await listTenantEmailLog({ ctx: core.as(tenant.admin), input: { status: 'failed' } });
    expect(onlyFailed.entries.map((e) => e.id)).toEqual([failed]);
    await expectCoreError(
      listTenantEmailLog({ ctx: core.as(tenant.admin), input: { status: 'lost' } }),
      'validation',
      'status',
    );
    await expectCoreError(
      listTenantEmailLog({ ctx: core.as(tenant.admin), input: { before: 'yesterday' } }),
      'validation',
      'before',
    );
  });

  it('pages through the log 50 at a time without skipping or repeating, even within one instant', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    // 70 emails written at the very same microsecond (one transaction), and 40 earlier ones.
    await t.superuser(
      `insert into app.outbox (tenant_id, template, to_address, status, created_at)
       select $1, 'staff-invitation', 'same-' || g || '@x.example', 'sent', timestamptz '2026-02-01 12:00:00.123456+00'
       from generate_series(1, 70) g`,
      [tenant.id],
    );
    await t.superuser(
      `insert into app.outbox (tenant_id, template, to_address, status, created_at)
       select $1, 'staff-invitation', 'early-' || g || '@x.example', 'sent',
              timestamptz '2026-01-01 00:00:00+00' + g * interval '1 microsecond'
       from generate_series(1, 40) g`,
      [tenant.id],
    );
    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const page = await listTenantEmailLog({ ctx: core.as(tenant.admin), input: { before } });
      expect(page.entries.length).toBeLessThanOrEqual(EMAIL_LOG_PAGE_SIZE);
      seen.push(...page.entries.map((e) => e.id));
      before = page.nextCursor;
      pages += 1;
    } while (before && pages < 10);
    expect(pages).toBe(3); // 111 rows: 50 + 50 + 11
    expect(seen).toHaveLength(111);
    expect(new Set(seen).size).toBe(111);

    const failedOnly = await listTenantEmailLog({ ctx: core.as(tenant.admin), input: { status: 'failed' } });
    expect(failedOnly).toEqual({ entries: [], nextCursor: null });
  });

  it('retries a failed email: queued again at once, keeping its attempts, then delivered', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const failed = await logRow(tenant, {
      status: 'failed',
      to: `again@${tenant.slug}.test`,
      attempts: 3,
      error: 'Connection refused',
    });
    const sent = await logRow(tenant, { status: 'sent' });

    await retryEmail({ ctx: core.as(tenant.admin), input: { emailId: failed } });
    expect(await statusOf(failed)).toEqual({ status: 'queued', attempts: 3, due: true });
    const [entry] = (await listTenantEmailLog({ ctx: core.as(tenant.admin), input: { status: 'queued' } }))
      .entries;
    expect(entry).toMatchObject({ id: failed, attempts: 3 });

    // Only failed emails; a second retry finds it queued already.
    await expectCoreError(retryEmail({ ctx: core.as(tenant.admin), input: { emailId: failed } }), 'conflict');
    await expectCoreError(retryEmail({ ctx: core.as(tenant.admin), input: { emailId: sent } }), 'conflict');
    await expectCoreError(
      retryEmail({ ctx: core.as(tenant.admin), input: { emailId: randomUUID() } }),
      'not_found',
    );
    await expectCoreError(
      retryEmail({ ctx: core.as(tenant.admin), input: { emailId: 'not-a-uuid' } }),
      'not_found',
    );

    await deliverQueued(core, [tenant.id]);
    expect(await statusOf(failed)).toMatchObject({ status: 'sent', attempts: 4 });
    expect(core.mail.map((m) => m.to)).toEqual([`again@${tenant.slug}.test`]);
    // The retry is one entry; the refused ones and reading the log left none.
    expect(await activityOf(t, tenant.id)).toMatchObject([
      {
        verb: 'email.retry',
        actor_id: tenant.admin.userId,
        subject_type: 'email',
        subject_id: failed,
        data: { template: 'staff-invitation', recipient: `again@${tenant.slug}.test` },
      },
    ]);
  });

  it('keeps staff and clients out of settings, templates and the log, in core and in the database', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const staff = await addUser(t, tenant, { role: 'staff' });
    const failed = await logRow(tenant, { status: 'failed', error: 'nope' });
    const snapshot = () =>
      t.superuser(
        `select (select json_agg(s) from app.email_settings s where tenant_id = $1) as settings,
                (select json_agg(e order by template) from app.email_templates e where tenant_id = $1) as templates`,
        [tenant.id],
      );
    const before = await snapshot();

    for (const actor of [staff.actor, tenant.client]) {
      for (const call of [
        () => listTenantEmailLog({ ctx: core.as(actor) }),
        () => retryEmail({ ctx: core.as(actor), input: { emailId: failed } }),
        () => getEmailSettings({ ctx: core.as(actor, site) }),
        () => listEmailTemplates({ ctx: core.as(actor) }),
      ]) {
        const error = await coreError(call());
        expect(error.code, `${actor.kind}: ${error.message}`).toBe('forbidden');
      }
    }

    // Staff share the team role: the policies leave them nothing to read and nothing to change.
    const seen = await withActor(t.handle.db, staff.actor, async (tx) => ({
      settings: await tx.select().from(schema.emailSettings),
      templates: await tx.select().from(schema.emailTemplates),
      log: await tx.select({ id: schema.outbox.id }).from(schema.outbox),
      retried: await txRows(
        tx,
        sql`update app.outbox set status = 'queued' where id = ${failed}::uuid returning id`,
      ),
      removed: await txRows(tx, sql`delete from app.email_templates returning template`),
    }));
    expect(seen).toEqual({ settings: [], templates: [], log: [], retried: [], removed: [] });
    await expectRlsViolation(
      withActor(t.handle.db, staff.actor, (tx) =>
        tx.insert(schema.emailTemplates).values({
          tenantId: tenant.id,
          template: 'staff-invitation',
          subject: 'Staff',
          body: '<p>Staff</p>',
        }),
      ),
      'email_templates',
    );

    // Clients have no grant on these tables at all.
    for (const table of ['app.email_settings', 'app.email_templates', 'app.outbox']) {
      await expectPermissionDenied(
        withActor(t.handle.db, tenant.client, (tx) => txRows(tx, sql.raw(`select * from ${table}`))),
      );
    }
    expect(await statusOf(failed)).toMatchObject({ status: 'failed' });
    expect(await snapshot()).toEqual(before);
    expect(await activityOf(t, tenant.id)).toEqual([]);
  });

  it('shows an agency nothing of another’s settings, templates or log', async () => {
    const core = testCore(t);
    const a = await createTenant(t);
    const b = await createTenant(t);
    const bBefore = await getEmailSettings({ ctx: core.as(b.admin, siteOf(b)) });
    await saveDeliverySettings({
      ctx: core.as(a.admin, siteOf(a)),
      input: {
        delivery: 'smtp',
        host: '127.0.0.1',
        port: '2525',
        security: 'none',
        username: 'a-mailer',
        password: 'Secret of agency A 1',
        fromAddress: `hello@${a.slug}.example`,
      },
    });
    await saveEmailTemplate({
      ctx: core.as(a.admin),
      input: {
        key: 'staff-invitation',
        subject: 'A only',
        body: '<p>A only</p>{{button acceptUrl "Join"}}',
      },
    });
    const failedOfA = await logRow(a, { status: 'failed', to: `x@${a.slug}.test`, error: 'nope' });

    const settingsOfB = await getEmailSettings({ ctx: core.as(b.admin, siteOf(b)) });
    expect(settingsOfB).toEqual(bBefore);
    expect(settingsOfB).toMatchObject({ delivery: 'platform', smtp: { host: '', hasPassword: false } });
    expect(JSON.stringify(settingsOfB)).not.toContain(a.slug);
    expect(
      (await getEmailTemplate({ ctx: core.as(b.admin), input: { key: 'staff-invitation' } })).customised,
    ).toBe(false);
    const logOfB = await listTenantEmailLog({ ctx: core.as(b.admin) });
    expect(logOfB.entries.map((e) => e.id)).not.toContain(failedOfA);
    expect(JSON.stringify(logOfB)).not.toContain(a.slug);
    await expectCoreError(retryEmail({ ctx: core.as(b.admin), input: { emailId: failedOfA } }), 'not_found');
    expect(await statusOf(failedOfA)).toMatchObject({ status: 'failed' });
    expect(await activityOf(t, b.id)).toEqual([]);

    // Asking the database directly for A's rows, as B's admin, finds none.
    const direct = await withActor(t.handle.db, b.admin, async (tx) => ({
      settings: await txRows(tx, sql`select * from app.email_settings where tenant_id = ${a.id}::uuid`),
      templates: await txRows(tx, sql`select * from app.email_templates where tenant_id = ${a.id}::uuid`),
      log: await txRows(tx, sql`select id from app.outbox where tenant_id = ${a.id}::uuid`),
      retried: await txRows(
        tx,
        sql`update app.outbox set status = 'queued' where id = ${failedOfA}::uuid returning id`,
      ),
    }));
    expect(direct).toEqual({ settings: [], templates: [], log: [], retried: [] });
  });
});
