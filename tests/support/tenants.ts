import { randomBytes, randomUUID } from 'node:crypto';
import { schema, sql, withActor } from '@foyer/db';
import { required } from './assert';
import type { TestDatabase } from './databases';

/** Tenants made by one test, never shared: random slugs, fresh ids, no demo data. */

export interface AdminActor {
  kind: 'admin';
  tenantId: string;
  userId: string;
}

export interface ClientActor {
  kind: 'client';
  tenantId: string;
  userId: string;
  clientId: string;
}

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
}

export interface TenantFixture extends TenantRow {
  admin: AdminActor;
  /** The client user of `clientId`, as an actor. */
  client: ClientActor;
  clientId: string;
  projectId: string;
  statusId: string;
  /** The project's client-visible task, with its comment thread and one visible team comment. */
  taskId: string;
  threadId: string;
  /** The admin's client-visible comment on the task. */
  messageId: string;
  /** A client-visible milestone of the project. */
  milestoneId: string;
  /** A top-level folder of the project, holding `fileId`. */
  folderId: string;
  /** The admin's client-visible file in `folderId`, with its first version `fileVersionId`. */
  fileId: string;
  fileVersionId: string;
  /**
   * The admin's review round on the task (round 1, open), with the client as its reviewer, and
   * the worker's reminder of it to the client.
   */
  reviewRoundId: string;
  /** The tenant's one tax rate (VAT 20 %, exclusive), beside its invoice settings. */
  taxRateId: string;
}

/**
 * The admin's invoice to a tenant's client company (issued, not yet viewed, partly paid), with its
 * one line, one payment and the worker's reminder of it: see `addTenantInvoice`.
 */
export interface TenantInvoice {
  invoiceId: string;
  lineId: string;
  paymentId: string;
  reminderId: string;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * A one-line invoice (one item at 100.00, VAT 20 % on top: 120.00), dated today and due in 30
 * days: issued under `number`, or a draft when it is null. Its figures are the ones
 * `@foyer/billing` computes for that line.
 */
export function invoiceFixture(
  tenantId: string,
  taxRateId: string,
  invoice: { id: string; clientId: string; contactId?: string; number: string | null; paidMinor?: number },
  lineId: string,
): { invoice: typeof schema.invoices.$inferInsert; line: typeof schema.invoiceLines.$inferInsert } {
  const tax = { taxRateId, name: 'VAT', rateBasisPoints: 2000, inclusive: false, minor: 2000 };
  const issued = invoice.number === null ? null : new Date();
  return {
    invoice: {
      tenantId,
      ...invoice,
      currency: 'GBP',
      issueDate: isoDay(new Date()),
      dueDate: isoDay(new Date(Date.now() + 30 * 86_400_000)),
      buyerName: 'Client company',
      subtotalMinor: 10_000,
      taxMinor: 2000,
      totalMinor: 12_000,
      taxes: [tax],
      issuedAt: issued,
      sentAt: issued,
    },
    line: {
      tenantId,
      id: lineId,
      invoiceId: invoice.id,
      position: 0,
      description: 'Design work',
      quantityMilli: 1000,
      unitPriceMinor: 10_000,
      grossMinor: 10_000,
      discountMinor: 0,
      netMinor: 10_000,
      taxMinor: 2000,
      totalMinor: 12_000,
      taxes: [tax],
    },
  };
}

export type BrandingInput = Partial<Omit<typeof schema.branding.$inferInsert, 'tenantId'>>;

/** A slug no other test (or earlier run on the same server) has used. */
export function randomSlug(prefix = 't'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** A `platform.tenants` row only, inserted as the superuser (runtime roles cannot). */
export async function insertTenant(
  t: TestDatabase,
  options: {
    slug?: string;
    name?: string;
    status?: 'active' | 'suspended';
    /** Emails a day (default: the platform's default); tests that send in bulk raise it. */
    emailDailyLimit?: number;
  } = {},
): Promise<TenantRow> {
  const slug = options.slug ?? randomSlug();
  const name = options.name ?? `Tenant ${slug}`;
  const status = options.status ?? 'active';
  const [row] = await t.superuser<{ id: string }>(
    `insert into platform.tenants (slug, name, status, suspended_at)
     values ($1, $2, $3, case when $3 = 'suspended' then now() end)
     returning id::text`,
    [slug, name, status],
  );
  if (options.emailDailyLimit !== undefined) {
    await t.superuser('update platform.tenants set email_daily_limit = $2 where id = $1', [
      required(row, `a tenant row for ${slug}`).id,
      options.emailDailyLimit,
    ]);
  }
  return { id: required(row, `a tenant row for ${slug}`).id, slug, name };
}

/**
 * A tenant with one row in every app table, written the way the server writes: through
 * `withActor` as an admin of that tenant. Extend this when a table is added to `app`; the
 * tenant-wall test insists that every table has rows of the tenant under test.
 */
export async function createTenant(
  t: TestDatabase,
  options: {
    slug?: string;
    name?: string;
    branding?: BrandingInput;
    emailDailyLimit?: number;
    /** An established workspace's admin has confirmed their address; false: a fresh sign-up's. */
    adminVerified?: boolean;
  } = {},
): Promise<TenantFixture> {
  const tenant = await insertTenant(t, options);
  const tenantId = tenant.id;
  const admin: AdminActor = { kind: 'admin', tenantId, userId: randomUUID() };
  const clientId = randomUUID();
  const client: ClientActor = { kind: 'client', tenantId, userId: randomUUID(), clientId };
  const projectId = randomUUID();
  const statusId = randomUUID();
  const taskId = randomUUID();
  const threadId = randomUUID();
  const messageId = randomUUID();
  const milestoneId = randomUUID();
  const folderId = randomUUID();
  const fileId = randomUUID();
  const fileVersionId = randomUUID();
  const reviewRoundId = randomUUID();
  const taxRateId = randomUUID();

  await withActor(t.handle.db, admin, async (tx) => {
    await tx.insert(schema.branding).values({ tenantId, displayName: tenant.name, ...options.branding });
    await tx.insert(schema.clients).values({ tenantId, id: clientId, name: `Client of ${tenant.slug}` });
    await tx.insert(schema.users).values([
      {
        tenantId,
        id: admin.userId,
        email: `admin@${tenant.slug}.test`,
        name: 'Admin',
        role: 'admin',
        emailVerifiedAt: options.adminVerified === false ? null : new Date(),
      },
      {
        tenantId,
        id: client.userId,
        email: `client@${tenant.slug}.test`,
        name: 'Client',
        role: 'client',
        clientId,
        permissions: [...schema.clientPermissions],
      },
    ]);
    await tx.insert(schema.projects).values({ tenantId, id: projectId, clientId, name: 'Website' });
    await tx.insert(schema.projectClients).values({ tenantId, projectId, userId: client.userId });
    await tx.insert(schema.projectStaff).values({ tenantId, projectId, userId: admin.userId });
    await tx
      .insert(schema.projectFeed)
      .values({ tenantId, projectId, kind: 'project.created', actorName: tenant.name });
    await tx
      .insert(schema.taskStatuses)
      .values({ tenantId, id: statusId, name: 'To do', kind: 'todo', position: 0 });
    await tx
      .insert(schema.tasks)
      .values({ tenantId, id: taskId, projectId, statusId, title: 'Kick-off', clientVisible: true });
    await tx.insert(schema.threads).values({ tenantId, id: threadId, kind: 'task', projectId, taskId });
    await tx
      .insert(schema.milestones)
      .values({ tenantId, id: milestoneId, projectId, name: 'Launch', clientVisible: true });
    await tx.insert(schema.taskAssignees).values({ tenantId, taskId, userId: admin.userId, name: 'Admin' });
    await tx.insert(schema.messages).values({
      tenantId,
      id: messageId,
      threadId,
      authorId: admin.userId,
      authorName: 'Admin',
      body: 'Welcome aboard',
      clientVisible: true,
    });
    await tx.insert(schema.workSettings).values({ tenantId });
    await tx.insert(schema.invoiceSettings).values({ tenantId });
    await tx.insert(schema.taxRates).values({ tenantId, id: taxRateId, name: 'VAT', rateBasisPoints: 2000 });
    await tx.insert(schema.folders).values({ tenantId, id: folderId, projectId, name: 'Brand' });
    const upload = {
      tenantId,
      name: 'logo.png',
      contentType: 'image/png',
      size: 1234,
      sha256: 'a'.repeat(64),
      objectKey: `tenants/${tenantId}/${randomUUID()}`,
      uploadedBy: admin.userId,
    };
    await tx.insert(schema.files).values({
      ...upload,
      id: fileId,
      projectId,
      folderId,
      folderPath: [folderId],
      clientVisible: true,
      uploaderName: 'Admin',
    });
    await tx.insert(schema.fileVersions).values({ ...upload, id: fileVersionId, fileId, version: 1 });
    const inAnHour = new Date(Date.now() + 3_600_000);
    await tx.insert(schema.sessions).values({
      tenantId,
      id: randomBytes(32).toString('hex'),
      userId: admin.userId,
      expiresAt: inAnHour,
    });
    await tx.insert(schema.userTokens).values({
      tenantId,
      userId: admin.userId,
      purpose: 'password_reset',
      tokenHash: randomBytes(32).toString('hex'),
      expiresAt: inAnHour,
    });
    await tx.insert(schema.invitations).values({
      tenantId,
      email: `staff@${tenant.slug}.test`,
      role: 'staff',
      tokenHash: randomBytes(32).toString('hex'),
      invitedBy: admin.userId,
      expiresAt: inAnHour,
    });
    // Rows that change nothing a test expects: a reply-to and an override of the digest.
    await tx.insert(schema.emailSettings).values({ tenantId, replyTo: `hello@${tenant.slug}.test` });
    await tx.insert(schema.emailTemplates).values({
      tenantId,
      template: 'message-digest',
      subject: 'What you missed',
      body: '<p>Hi {{recipient.name}}</p>',
      updatedBy: admin.userId,
    });
    // Already sent, so that a test delivering this tenant's mail finds only its own.
    await tx.insert(schema.outbox).values({
      tenantId,
      template: 'password-reset',
      userId: admin.userId,
      status: 'sent',
      sentAt: new Date(),
    });
    for (const userId of [admin.userId, client.userId]) {
      await tx
        .insert(schema.notifications)
        .values({ tenantId, userId, event: 'project-added', title: 'Welcome' });
    }
    // Only the facts the team chooses: the database fills the trail's own columns (place, hashes,
    // names, project), so drizzle, which would list every column, is not used here.
    await tx.execute(
      sql`insert into app.review_entries (tenant_id, id, task_id, kind, actor_id, body, reviewer_ids)
          values (${tenantId}, ${reviewRoundId}, ${taskId}, 'round', ${admin.userId}, 'First designs', array[${client.userId}]::uuid[])`,
    );
  });
  // Reminders are the worker's to record.
  await withActor(t.handle.db, { kind: 'worker', tenantId }, (tx) =>
    tx
      .insert(schema.reviewReminders)
      .values({ tenantId, taskId, projectId, roundId: reviewRoundId, userId: client.userId }),
  );
  // Preferences are each person's own, and activity is recorded in the actor's name: written as that person.
  for (const actor of [admin, client]) {
    await withActor(t.handle.db, actor, async (tx) => {
      await tx
        .insert(schema.notificationPreferences)
        .values({ tenantId, userId: actor.userId, event: 'project-added', delivery: 'off' });
      await tx.insert(schema.emailSummaries).values({ tenantId, userId: actor.userId, frequency: 'daily' });
      if (actor.kind === 'admin')
        await tx.insert(schema.activity).values({
          tenantId,
          actorKind: actor.kind,
          actorId: actor.userId,
          verb: 'fixture.created',
          ip: '198.18.0.1',
          userAgent: 'vitest',
        });
    });
  }

  return {
    ...tenant,
    admin,
    client,
    clientId,
    projectId,
    statusId,
    taskId,
    threadId,
    messageId,
    milestoneId,
    folderId,
    fileId,
    fileVersionId,
    reviewRoundId,
    taxRateId,
  };
}

/**
 * Gives `tenant` an invoice (`TenantInvoice`), for the tests that need a row in every table (the
 * tenant wall, the actor matrix). Not part of `createTenant`: invoicing's own tests count a
 * fresh tenant's invoices, numbers and sums from none.
 */
export async function addTenantInvoice(t: TestDatabase, tenant: TenantFixture): Promise<TenantInvoice> {
  const ids: TenantInvoice = {
    invoiceId: randomUUID(),
    lineId: randomUUID(),
    paymentId: randomUUID(),
    reminderId: randomUUID(),
  };
  const { id: tenantId, admin } = tenant;
  const { invoiceId } = ids;
  await withActor(t.handle.db, admin, async (tx) => {
    // Numbered outside the tenant's sequence (an earlier prefix), so the first invoice a test
    // issues is still INV-0001.
    const { invoice, line } = invoiceFixture(
      tenantId,
      tenant.taxRateId,
      { id: invoiceId, clientId: tenant.clientId, number: 'PRE-0001', paidMinor: 5000 },
      ids.lineId,
    );
    await tx.insert(schema.invoices).values({ ...invoice, createdBy: admin.userId });
    await tx.insert(schema.invoiceLines).values(line);
    await tx.insert(schema.invoicePayments).values({
      tenantId,
      id: ids.paymentId,
      invoiceId,
      kind: 'payment',
      amountMinor: 5000,
      paidOn: invoice.issueDate,
      method: 'Bank transfer',
      recordedBy: admin.userId,
    });
  });
  // Reminders are the worker's to record.
  await withActor(t.handle.db, { kind: 'worker', tenantId }, (tx) =>
    tx
      .insert(schema.invoiceReminders)
      .values({ tenantId, id: ids.reminderId, invoiceId, kind: 'before', onDate: isoDay(new Date()) }),
  );
  return ids;
}

/**
 * The online payments of `addTenantInvoice`'s invoice: a Stripe gateway through Connect (ready and
 * offered, so clients with `invoices` see it), the tenant client's checkout of the invoice's balance
 * through it (still open), and the worker's record of one notification from it.
 */
export interface TenantPayments {
  gatewayId: string;
  /** The gateway's Connect account (`acct_…`), unique across tenants, and its endpoint. */
  accountRef: string;
  endpointId: string;
  checkoutId: string;
  eventId: string;
}

/** The gateway's own id of the notification `addTenantPayments` records (the same in every tenant). */
export const fixtureGatewayEvent = 'evt_fixture_1';

/**
 * Gives `tenant` its payment rows (`TenantPayments`) for `invoice`, each written by whoever writes
 * it in the product: the admin connects the gateway, the client starts the checkout, the worker
 * records the gateway's notification. For the tenant wall and the actor matrix, as
 * `addTenantInvoice`.
 */
export async function addTenantPayments(
  t: TestDatabase,
  tenant: TenantFixture,
  invoice: TenantInvoice,
): Promise<TenantPayments> {
  const ids: TenantPayments = {
    gatewayId: randomUUID(),
    accountRef: `acct_${randomBytes(8).toString('hex')}`,
    endpointId: randomUUID(),
    checkoutId: randomUUID(),
    eventId: randomUUID(),
  };
  const { id: tenantId } = tenant;
  await withActor(t.handle.db, tenant.admin, (tx) =>
    tx.insert(schema.paymentGateways).values({
      tenantId,
      id: ids.gatewayId,
      kind: 'stripe',
      connection: 'connect',
      mode: 'test',
      accountRef: ids.accountRef,
      endpointId: ids.endpointId,
      ready: true,
      label: `Stripe of ${tenant.slug}`,
    }),
  );
  // Only the columns a client may write (drizzle would list every column).
  await withActor(t.handle.db, tenant.client, (tx) =>
    tx.execute(
      sql`insert into app.payment_checkouts (tenant_id, id, invoice_id, gateway_id, amount_minor, currency, created_by)
          values (${tenantId}, ${ids.checkoutId}, ${invoice.invoiceId}, ${ids.gatewayId}, 7000, 'GBP', ${tenant.client.userId})`,
    ),
  );
  await withActor(t.handle.db, { kind: 'worker', tenantId }, (tx) =>
    tx.insert(schema.gatewayEvents).values({
      tenantId,
      id: ids.eventId,
      gatewayId: ids.gatewayId,
      eventId: fixtureGatewayEvent,
      type: 'checkout.session.created',
      outcome: 'ignored',
      invoiceId: invoice.invoiceId,
    }),
  );
  return ids;
}

/**
 * A project discussion (`addTenantConversation`): the admin's, on the tenant's project, with the
 * client taking part under their company's name (the agency's default), one client-visible message
 * of the admin's with the admin's reaction to it, and both people's read marks.
 */
export interface TenantConversation {
  threadId: string;
  /** The admin's client-visible message, with the admin's 👍. */
  messageId: string;
  /** The name the client goes by in the discussion: their company's. */
  clientShownName: string;
}

/**
 * Gives `tenant` a conversation (`TenantConversation`), for the tests that need a row in every
 * table (the tenant wall, the actor matrix), each row written by whoever writes it in the product:
 * the admin starts the discussion, adds the people and posts; each person marks their own reading.
 * The client joins after the message, so nobody is told of it (no notice, no email queued); the
 * live events the triggers publish come with the rows.
 */
export async function addTenantConversation(
  t: TestDatabase,
  tenant: TenantFixture,
): Promise<TenantConversation> {
  const { id: tenantId, admin, client } = tenant;
  const ids: TenantConversation = {
    threadId: randomUUID(),
    messageId: randomUUID(),
    clientShownName: `Client of ${tenant.slug}`,
  };
  const { threadId, messageId } = ids;
  await withActor(t.handle.db, admin, async (tx) => {
    await tx.insert(schema.threads).values({
      tenantId,
      id: threadId,
      kind: 'project',
      projectId: tenant.projectId,
      title: 'Talk',
      createdBy: admin.userId,
      people: [
        { id: admin.userId, name: 'Admin', client: false },
        { id: client.userId, name: ids.clientShownName, client: true },
      ],
    });
    await tx
      .insert(schema.threadParticipants)
      .values({ tenantId, threadId, userId: admin.userId, shownName: 'Admin', addedBy: admin.userId });
    await tx.insert(schema.messages).values({
      tenantId,
      id: messageId,
      threadId,
      authorId: admin.userId,
      authorName: 'Admin',
      body: 'Shall we talk here?',
      clientVisible: true,
    });
    await tx.insert(schema.threadParticipants).values({
      tenantId,
      threadId,
      userId: client.userId,
      shownName: ids.clientShownName,
      addedBy: admin.userId,
    });
    await tx
      .insert(schema.messageReactions)
      .values({ tenantId, messageId, userId: admin.userId, emoji: '👍' });
  });
  // Read marks are each person's own; a client names only the columns its role may write.
  await withActor(t.handle.db, admin, (tx) =>
    tx.insert(schema.threadReads).values({ tenantId, threadId, userId: admin.userId, readAt: new Date() }),
  );
  await withActor(t.handle.db, client, (tx) =>
    tx.execute(
      sql`insert into app.thread_reads (tenant_id, thread_id, user_id, read_at) values (${tenantId}, ${threadId}, ${client.userId}, now())`,
    ),
  );
  return ids;
}
