import { randomBytes, randomUUID } from 'node:crypto';
import {
  type ActingAs,
  type Database,
  type SQL,
  schema,
  sql,
  type Tx,
  type WorkerActor,
  withActor,
} from '@foyer/db';
import { findPgFailure, SqlState } from './assert';
import type { TestDatabase } from './databases';
import {
  type AdminActor,
  addTenantConversation,
  addTenantInvoice,
  addTenantPayments,
  type ClientActor,
  createTenant,
  invoiceFixture,
  type TenantFixture,
} from './tenants';

/**
 * The actor matrix's fixture: one tenant T with every kind of person the client wall tells
 * apart, and rows in every app table that each of them may or may not reach; and a second tenant
 * U (the plain `createTenant` fixture) whose admin is the intruder from outside.
 *
 *   people   admin; staff S1 on P, staff S2 on nothing; clients A (company X, all permissions,
 *            also on the archived R) and B (company Y, all permissions) both on P; C (company Z)
 *            on Q only; D (company X) on P without `projects`; E (company Y) on P with `projects`
 *            but without `tasks.view`; F (company X, all permissions) on P but deactivated; the
 *            email worker
 *   companies X, Y, Z, and W with no contact and no project
 *   projects P (X, active), Q (Z, active), R (X, archived), O (X, active, nobody assigned)
 *   tasks    P-visible (client-visible), P-internal, P-archived (client-visible, archived),
 *            Q-visible, R-visible; each with its comment thread `th:<task>`
 *   assignees P-visible: admin and S1; P-internal: S1; Q-visible: admin (T shows assignees to clients)
 *   milestones MP-visible, MP-internal, MQ-visible
 *   messages on th:P-visible: msg-team-visible (admin), msg-team-internal (admin, internal),
 *            msg-A (A's own, not shared), msg-B-shared (B's, shared); on th:P-internal:
 *            msg-on-internal (admin, visible); on th:Q-visible: msg-Q (admin, visible)
 *   folders  fo:P (top, holds f:P-visible), fo:P-sub (in fo:P, holds f:P-sub-internal), fo:P-deep
 *            (in fo:P-sub, holds f:P-deep-visible), fo:P-empty (top, empty), fo:Q (top, empty)
 *   files    f:P-visible (admin, visible), f:P-sub-internal, f:P-deep-visible, f:P-by-A (A's upload,
 *            internal), f:P-by-B-shared (B's upload, shared by the team), f:Q-visible,
 *            f:att-visible (attached to msg-team-visible), f:att-internal (to msg-team-internal);
 *            each with its first version `fv:<file>`
 *   feed     P: created (for everyone), assigned (for A only), task.shared#P-visible,
 *            task.shared#P-internal (since made internal), milestone.shared#MP-internal,
 *            comment.shared#msg-B-shared; Q: created; R: created
 *   reviews  T approves a round when every reviewer does (`all`). P-visible: round 1 by the
 *            admin for A (`r:P-visible#1`, superseded), round 2 by S1 for A and B
 *            (`r:P-visible#2`), approved by B and still open, waiting for A; Q-visible: round 1
 *            by the admin for C (`r:Q-visible#1`). Reminders (the worker's): to A of
 *            r:P-visible#1, to C of r:Q-visible#1
 *   security each tenant's settings row (its admin's); the team reads it, admins change it
 *   two-factor S1, A and U's admin have it on (`two_factor`), each with a pending sign-in
 *   invoicing T's settings and its one tax rate `tax:VAT` (from createTenant); admins only (a
 *            client with `invoices` reads the settings' partial-payment choice alone).
 *            Invoices: `inv:X` (addTenantInvoice's: issued to X, partly paid: `pay:X`; reminded by the
 *            worker: `rem:X`),
 *            `inv:X-draft` (X, a draft), `inv:Y-B` (issued to Y, addressed to B), `inv:Z` (issued
 *            to Z); each with one line `line:<invoice>` (`line:X`, …)
 *   payments gateways `gw:stripe` (addTenantPayments': Connect, ready and offered) and `gw:paypal`
 *            (the agency's own keys, offered but not ready); checkouts of the balance through
 *            gw:stripe, each started by its client: `co:X/A` (addTenantPayments'), `co:X/D`,
 *            `co:Y-B/B`; the worker's record of one notification from gw:stripe, `ev:stripe`
 *   conversations (each thread's `people` written with its participants, clients shown by their
 *            company's name): `th:P-talk`, a project discussion on P made by the admin
 *            (addTenantConversation's), with the admin, A (joined after the first message), S1
 *            and D (who reads no project; joined last); messages msg-talk-admin (the admin's, with
 *            the admin's 👍 and A's ❤️) and msg-talk-A (A's, under X's name). `th:dm-B`, a direct
 *            thread the admin made with B and E (who lacks `messages`): msg-dm-admin (with the
 *            attachment `f:dm-att`, no project, and its version `fv:dm-att`) and B's reply
 *            msg-dm-B. `th:team`, an internal chat the admin made with S1: msg-chat-admin. Read
 *            marks: the admin's and A's on th:P-talk, as themselves; and the marks the
 *            message_posted trigger keeps for the people it emails (S1 on th:P-talk and th:team, B
 *            and the admin on th:dm-B; the notices and emails it queued are removed)
 *   live events as the triggers publish them for every message, reaction, participant, read mark
 *            and notification above, of both tenants, one of each kind per thread, message and
 *            person (`message.posted:th:P-talk#msg-talk-A`, `thread.read:th:team@S1`, …)
 *
 * Every row is named by a label (`P`, `A`, `P/A`, `P:project.assigned@A`, …) through `label()`,
 * so expectations read as the fixture above; U's rows carry a `U:` prefix. U has
 * addTenantConversation's discussion too (`U:th:P-talk`, `U:msg-talk-admin`).
 */

export const matrixActors = [
  'admin',
  'staffS1',
  'staffS2',
  'clientA',
  'clientB',
  'clientC',
  'clientD',
  'clientE',
  'clientF',
  'worker',
  'adminU',
] as const;
export type MatrixActor = (typeof matrixActors)[number];

/** How each actor reads in a test's name. */
export const actorTitles: Record<MatrixActor, string> = {
  admin: 'admin',
  staffS1: 'staff S1 (assigned to P)',
  staffS2: 'staff S2 (assigned to nothing)',
  clientA: 'client A (on P)',
  clientB: 'client B (on P, other company)',
  clientC: 'client C (on Q only)',
  clientD: 'client D (on P, without projects)',
  clientE: 'client E (on P, without tasks.view)',
  clientF: 'client F (on P, deactivated)',
  worker: 'email worker',
  adminU: "other tenant's admin",
};

export interface StaffActor {
  kind: 'staff';
  tenantId: string;
  userId: string;
}

export interface MatrixFixture {
  /** The tenant under test and the intruder's tenant. */
  T: TenantFixture;
  U: TenantFixture;
  actors: Record<MatrixActor, ActingAs>;
  /** Ids by label: people, companies, projects, statuses, tasks. */
  id: Record<string, string>;
  /** Label of an id (or of a tenant id: `T`, `U`), or `?<id>` for one the fixture did not make. */
  name(id: string | null | undefined): string;
}

const hex = () => randomBytes(32).toString('hex');

/** What an upload records of its bytes: a fresh object key each time. */
const fileFacts = (tenantId: string) => ({
  tenantId,
  contentType: 'application/pdf',
  size: 2048,
  sha256: 'b'.repeat(64),
  objectKey: `tenants/${tenantId}/${randomUUID()}`,
});
const inAnHour = () => new Date(Date.now() + 3_600_000);

export async function createMatrixFixture(t: TestDatabase): Promise<MatrixFixture> {
  const T = await createTenant(t);
  const U = await createTenant(t);
  const [invoiceOfT, invoiceOfU] = [await addTenantInvoice(t, T), await addTenantInvoice(t, U)];
  const [paymentsOfT, paymentsOfU] = [
    await addTenantPayments(t, T, invoiceOfT),
    await addTenantPayments(t, U, invoiceOfU),
  ];
  const tenantId = T.id;
  const admin: AdminActor = T.admin;
  const staff = (): StaffActor => ({ kind: 'staff', tenantId, userId: randomUUID() });
  const S1 = staff();
  const S2 = staff();
  const X = T.clientId;
  const [Y, Z, W] = [randomUUID(), randomUUID(), randomUUID()];
  const client = (clientId: string): ClientActor => ({
    kind: 'client',
    tenantId,
    userId: randomUUID(),
    clientId,
  });
  const A = T.client;
  const B = client(Y);
  const C = client(Z);
  const D = client(X);
  const E = client(Y);
  const F = client(X);
  const P = T.projectId;
  const [Q, R, O] = [randomUUID(), randomUUID(), randomUUID()];
  const todo = T.statusId;
  const done = randomUUID();
  const tasks = {
    'P-visible': T.taskId,
    'P-internal': randomUUID(),
    'P-archived': randomUUID(),
    'Q-visible': randomUUID(),
    'R-visible': randomUUID(),
  };
  const threads = {
    'th:P-visible': T.threadId,
    'th:P-internal': randomUUID(),
    'th:P-archived': randomUUID(),
    'th:Q-visible': randomUUID(),
    'th:R-visible': randomUUID(),
  };
  const milestones = {
    'MP-visible': T.milestoneId,
    'MP-internal': randomUUID(),
    'MQ-visible': randomUUID(),
  };
  const messages = {
    'msg-team-visible': T.messageId,
    'msg-team-internal': randomUUID(),
    'msg-A': randomUUID(),
    'msg-B-shared': randomUUID(),
    'msg-on-internal': randomUUID(),
    'msg-Q': randomUUID(),
  };
  const conversations = { 'th:dm-B': randomUUID(), 'th:team': randomUUID() };
  const conversationMessages = {
    'msg-talk-A': randomUUID(),
    'msg-dm-admin': randomUUID(),
    'msg-dm-B': randomUUID(),
    'msg-chat-admin': randomUUID(),
  };
  const worker: WorkerActor = { kind: 'worker', tenantId };
  const rounds = {
    'r:P-visible#1': T.reviewRoundId,
    'r:P-visible#2': randomUUID(),
    'r:Q-visible#1': randomUUID(),
  };
  const folders = {
    'fo:P': T.folderId,
    'fo:P-sub': randomUUID(),
    'fo:P-deep': randomUUID(),
    'fo:P-empty': randomUUID(),
    'fo:Q': randomUUID(),
  };
  const files = {
    'f:P-visible': T.fileId,
    'f:P-sub-internal': randomUUID(),
    'f:P-deep-visible': randomUUID(),
    'f:P-by-A': randomUUID(),
    'f:P-by-B-shared': randomUUID(),
    'f:Q-visible': randomUUID(),
    'f:att-visible': randomUUID(),
    'f:att-internal': randomUUID(),
    'f:dm-att': randomUUID(),
  };
  const invoices = {
    'inv:X': invoiceOfT.invoiceId,
    'inv:X-draft': randomUUID(),
    'inv:Y-B': randomUUID(),
    'inv:Z': randomUUID(),
  };
  const invoiceLines: Record<string, string> = Object.fromEntries(
    Object.keys(invoices).map((invoice) => [
      `line:${invoice.slice(4)}`,
      invoice === 'inv:X' ? invoiceOfT.lineId : randomUUID(),
    ]),
  );
  const gateways = { 'gw:stripe': paymentsOfT.gatewayId, 'gw:paypal': randomUUID() };
  const checkouts = {
    'co:X/A': paymentsOfT.checkoutId,
    'co:X/D': randomUUID(),
    'co:Y-B/B': randomUUID(),
  };
  const versions: Record<string, string> = Object.fromEntries(
    Object.keys(files).map((file) => [
      `fv:${file.slice(2)}`,
      file === 'f:P-visible' ? T.fileVersionId : randomUUID(),
    ]),
  );

  await withActor(t.handle.db, admin, async (tx) => {
    await tx.insert(schema.clients).values([
      { tenantId, id: Y, name: `Company Y of ${T.slug}` },
      { tenantId, id: Z, name: `Company Z of ${T.slug}` },
      { tenantId, id: W, name: `Company W of ${T.slug}` },
    ]);
    const person = (who: { userId: string }, name: string, role: 'staff' | 'client', extra = {}) => ({
      tenantId,
      id: who.userId,
      email: `${name.toLowerCase()}@${T.slug}.test`,
      name,
      role,
      ...extra,
    });
    await tx.insert(schema.users).values([
      person(S1, 'S1', 'staff'),
      person(S2, 'S2', 'staff'),
      person(B, 'B', 'client', { clientId: Y, permissions: [...schema.clientPermissions] }),
      person(C, 'C', 'client', { clientId: Z, permissions: [...schema.clientPermissions] }),
      person(D, 'D', 'client', { clientId: X, permissions: ['invoices', 'messages'] }),
      person(E, 'E', 'client', { clientId: Y, permissions: ['projects', 'files.download', 'invoices'] }),
      person(F, 'F', 'client', {
        clientId: X,
        permissions: [...schema.clientPermissions],
        status: 'deactivated',
      }),
    ]);
    await tx.insert(schema.projects).values([
      { tenantId, id: Q, clientId: Z, name: 'Q' },
      { tenantId, id: R, clientId: X, name: 'R', status: 'archived' },
      { tenantId, id: O, clientId: X, name: 'O' },
    ]);
    await tx.insert(schema.projectClients).values([
      { tenantId, projectId: P, userId: B.userId, addedBy: admin.userId },
      { tenantId, projectId: P, userId: D.userId, addedBy: admin.userId },
      { tenantId, projectId: P, userId: E.userId, addedBy: admin.userId },
      { tenantId, projectId: P, userId: F.userId, addedBy: admin.userId },
      { tenantId, projectId: Q, userId: C.userId, addedBy: admin.userId },
      { tenantId, projectId: R, userId: A.userId, addedBy: admin.userId },
    ]);
    await tx.insert(schema.projectStaff).values({ tenantId, projectId: P, userId: S1.userId });
    await tx.insert(schema.projectFeed).values([
      { tenantId, projectId: P, kind: 'project.assigned', userId: A.userId, actorName: 'Admin' },
      { tenantId, projectId: Q, kind: 'project.created', actorName: 'Admin' },
      { tenantId, projectId: R, kind: 'project.created', actorName: 'Admin' },
    ]);
    await tx
      .insert(schema.taskStatuses)
      .values({ tenantId, id: done, name: 'Done', kind: 'done', position: 3 });
    await tx.insert(schema.tasks).values([
      { tenantId, id: tasks['P-internal'], projectId: P, statusId: todo, title: 'P-internal' },
      {
        tenantId,
        id: tasks['Q-visible'],
        projectId: Q,
        statusId: todo,
        title: 'Q-visible',
        clientVisible: true,
      },
      {
        tenantId,
        id: tasks['R-visible'],
        projectId: R,
        statusId: todo,
        title: 'R-visible',
        clientVisible: true,
      },
      {
        tenantId,
        id: tasks['P-archived'],
        projectId: P,
        statusId: todo,
        title: 'P-archived',
        clientVisible: true,
        archivedAt: new Date(),
      },
    ]);
    const threadOf = (task: keyof typeof tasks, project: string) => ({
      tenantId,
      id: threads[`th:${task}`],
      kind: 'task' as const,
      projectId: project,
      taskId: tasks[task],
    });
    await tx
      .insert(schema.threads)
      .values([
        threadOf('P-internal', P),
        threadOf('P-archived', P),
        threadOf('Q-visible', Q),
        threadOf('R-visible', R),
      ]);
    await tx.insert(schema.milestones).values([
      { tenantId, id: milestones['MP-internal'], projectId: P, name: 'MP-internal' },
      { tenantId, id: milestones['MQ-visible'], projectId: Q, name: 'MQ-visible', clientVisible: true },
    ]);
    await tx.insert(schema.taskAssignees).values([
      { tenantId, taskId: tasks['P-visible'], userId: S1.userId, name: 'S1' },
      { tenantId, taskId: tasks['P-internal'], userId: S1.userId, name: 'S1' },
      { tenantId, taskId: tasks['Q-visible'], userId: admin.userId, name: 'Admin' },
    ]);
    await tx.update(schema.workSettings).set({ clientsSeeAssignees: true, reviewRule: 'all' });
    const teamMessage = (id: string, threadId: string, clientVisible: boolean) => ({
      tenantId,
      id,
      threadId,
      authorId: admin.userId,
      authorName: 'Admin',
      body: 'From the team',
      clientVisible,
    });
    await tx
      .insert(schema.messages)
      .values([
        teamMessage(messages['msg-team-internal'], T.threadId, false),
        teamMessage(messages['msg-on-internal'], threads['th:P-internal'], true),
        teamMessage(messages['msg-Q'], threads['th:Q-visible'], true),
      ]);
    await tx.insert(schema.folders).values([
      {
        tenantId,
        id: folders['fo:P-sub'],
        projectId: P,
        parentId: folders['fo:P'],
        path: [folders['fo:P']],
        name: 'Sub',
      },
      {
        tenantId,
        id: folders['fo:P-deep'],
        projectId: P,
        parentId: folders['fo:P-sub'],
        path: [folders['fo:P'], folders['fo:P-sub']],
        name: 'Deep',
      },
      { tenantId, id: folders['fo:P-empty'], projectId: P, name: 'Empty' },
      { tenantId, id: folders['fo:Q'], projectId: Q, name: 'Q files' },
    ]);
    const teamFile = (
      label: keyof typeof files,
      projectId: string,
      extra: Partial<typeof schema.files.$inferInsert>,
    ) =>
      ({
        ...fileFacts(tenantId),
        id: files[label],
        projectId,
        name: label,
        uploadedBy: admin.userId,
        uploaderName: 'Admin',
        ...extra,
      }) satisfies typeof schema.files.$inferInsert;
    const teamFiles = [
      teamFile('f:P-sub-internal', P, {
        folderId: folders['fo:P-sub'],
        folderPath: [folders['fo:P'], folders['fo:P-sub']],
      }),
      teamFile('f:P-deep-visible', P, {
        folderId: folders['fo:P-deep'],
        folderPath: [folders['fo:P'], folders['fo:P-sub'], folders['fo:P-deep']],
        clientVisible: true,
      }),
      teamFile('f:Q-visible', Q, { clientVisible: true }),
      teamFile('f:att-visible', P, { messageId: T.messageId }),
      teamFile('f:att-internal', P, { messageId: messages['msg-team-internal'] }),
    ];
    await tx.insert(schema.files).values(teamFiles);
    await tx.insert(schema.fileVersions).values(
      teamFiles.map((file) => ({
        ...fileFacts(tenantId),
        id: versions[`fv:${file.name.slice(2)}`] as string,
        fileId: file.id,
        name: file.name,
        objectKey: file.objectKey,
        version: 1,
        uploadedBy: admin.userId,
      })),
    );
    await tx.insert(schema.invitations).values({
      tenantId,
      email: `d@${T.slug}.test`,
      role: 'client',
      userId: D.userId,
      tokenHash: hex(),
      invitedBy: admin.userId,
      expiresAt: inAnHour(),
    });
    // Sent already, so no test delivering mail on the shared database picks it up.
    await tx.insert(schema.outbox).values({
      tenantId,
      template: 'project-added',
      userId: A.userId,
      status: 'sent',
      sentAt: new Date(),
    });
    for (const who of [S1, B])
      await tx
        .insert(schema.notifications)
        .values({ tenantId, userId: who.userId, event: 'project-added', title: 'Hi' });
    const invoice = (
      label: keyof typeof invoices,
      facts: { clientId: string; contactId?: string },
      number: string | null,
    ) =>
      invoiceFixture(
        tenantId,
        T.taxRateId,
        { id: invoices[label], ...facts, number },
        invoiceLines[`line:${label.slice(4)}`] as string,
      );
    const more = [
      invoice('inv:X-draft', { clientId: X }, null),
      invoice('inv:Y-B', { clientId: Y, contactId: B.userId }, 'PRE-0002'),
      invoice('inv:Z', { clientId: Z }, 'PRE-0003'),
    ];
    await tx.insert(schema.invoices).values(more.map((made) => made.invoice));
    await tx.insert(schema.invoiceLines).values(more.map((made) => made.line));
    await tx.insert(schema.paymentGateways).values({
      tenantId,
      id: gateways['gw:paypal'],
      kind: 'paypal',
      connection: 'keys',
      mode: 'live',
      credentials: 'sealed:not-a-real-secret',
    });
  });
  // A client starts a checkout as themselves, with the columns their role may write.
  for (const [who, label, invoice] of [
    [D, 'co:X/D', 'inv:X'],
    [B, 'co:Y-B/B', 'inv:Y-B'],
  ] as const) {
    await withActor(t.handle.db, who, (tx) =>
      tx.execute(
        sql`insert into app.payment_checkouts (tenant_id, id, invoice_id, gateway_id, amount_minor, currency, created_by)
            values (${tenantId}, ${checkouts[label]}, ${invoices[invoice]}, ${gateways['gw:stripe']}, 7000, 'GBP', ${who.userId})`,
      ),
    );
  }
  // Rows that are each person's own are written as that person, as the server writes them.
  for (const who of [S1, A, B] as const) {
    await withActor(t.handle.db, who, (tx) =>
      tx.insert(schema.sessions).values({ tenantId, id: hex(), userId: who.userId, expiresAt: inAnHour() }),
    );
  }
  // Two-factor (issue #19): S1, A and U's admin have it on, each with a sign-in waiting for its code.
  for (const who of [S1, A, U.admin] as const) {
    await withActor(t.handle.db, who, async (tx) => {
      await tx.insert(schema.twoFactor).values({
        tenantId: who.tenantId,
        userId: who.userId,
        secretSealed: 'v1:sealed',
        enabledAt: new Date(),
      });
      await tx.insert(schema.pendingSignIns).values({
        tenantId: who.tenantId,
        id: hex(),
        userId: who.userId,
        method: 'password',
        expiresAt: inAnHour(),
      });
    });
  }
  await withActor(t.handle.db, A, (tx) =>
    tx.insert(schema.userTokens).values({
      tenantId,
      userId: A.userId,
      purpose: 'email_change',
      tokenHash: hex(),
      newEmail: `a-new@${T.slug}.test`,
      expiresAt: inAnHour(),
    }),
  );
  // Clients' comments are written as those clients; the team then shares B's.
  for (const [who, id] of [
    [A, messages['msg-A']],
    [B, messages['msg-B-shared']],
  ] as const) {
    // Only the columns the client role may write (drizzle would list every column).
    await withActor(t.handle.db, who, (tx) =>
      tx.execute(
        sql`insert into app.messages (tenant_id, id, thread_id, author_id, body) values (${tenantId}, ${id}, ${T.threadId}, ${who.userId}, 'From a client')`,
      ),
    );
  }
  // Clients' uploads are written as those clients, with the columns their role may write; the
  // team then shares B's.
  for (const [who, label] of [
    [A, 'f:P-by-A'],
    [B, 'f:P-by-B-shared'],
  ] as const) {
    const facts = fileFacts(tenantId);
    await withActor(t.handle.db, who, async (tx) => {
      await tx.execute(
        sql`insert into app.files (tenant_id, id, project_id, name, content_type, size, sha256, object_key, uploaded_by)
            values (${tenantId}, ${files[label]}, ${P}, ${label}, ${facts.contentType}, ${facts.size}, ${facts.sha256}, ${facts.objectKey}, ${who.userId})`,
      );
      await tx.execute(
        sql`insert into app.file_versions (tenant_id, id, file_id, version, name, content_type, size, sha256, object_key, uploaded_by)
            values (${tenantId}, ${versions[`fv:${label.slice(2)}`]}, ${files[label]}, 1, ${label}, ${facts.contentType}, ${facts.size}, ${facts.sha256}, ${facts.objectKey}, ${who.userId})`,
      );
    });
  }
  await withActor(t.handle.db, admin, async (tx) => {
    await tx
      .update(schema.messages)
      .set({ clientVisible: true, authorName: 'Company Y' })
      .where(sql`${schema.messages.id} = ${messages['msg-B-shared']}`);
    await tx
      .update(schema.files)
      .set({ clientVisible: true, uploaderName: 'Company Y' })
      .where(sql`${schema.files.id} = ${files['f:P-by-B-shared']}`);
    await tx.insert(schema.projectFeed).values([
      { tenantId, projectId: P, kind: 'task.shared', taskId: tasks['P-visible'], actorName: 'Admin' },
      { tenantId, projectId: P, kind: 'task.shared', taskId: tasks['P-internal'], actorName: 'Admin' },
      {
        tenantId,
        projectId: P,
        kind: 'milestone.shared',
        milestoneId: milestones['MP-internal'],
        actorName: 'Admin',
      },
      {
        tenantId,
        projectId: P,
        kind: 'comment.shared',
        messageId: messages['msg-B-shared'],
        actorName: 'Admin',
      },
    ]);
  });
  // Review rounds are submitted by the team as themselves, and decided by a reviewer as
  // themselves, with only the columns each writes: the database fills the trail's own.
  const round = (who: StaffActor | AdminActor, id: string, task: string, reviewers: string[]) =>
    withActor(t.handle.db, who, (tx) =>
      tx.execute(
        sql`insert into app.review_entries (tenant_id, id, task_id, kind, actor_id, body, reviewer_ids)
            values (${tenantId}, ${id}, ${task}, 'round', ${who.userId}, 'Please review',
                    array[${sql.join(
                      reviewers.map((reviewer) => sql`${reviewer}`),
                      sql`, `,
                    )}]::uuid[])`,
      ),
    );
  await round(S1, rounds['r:P-visible#2'], tasks['P-visible'], [A.userId, B.userId]);
  await round(admin, rounds['r:Q-visible#1'], tasks['Q-visible'], [C.userId]);
  await withActor(t.handle.db, B, (tx) =>
    tx.execute(
      sql`insert into app.review_entries (tenant_id, task_id, kind, round_id, actor_id, decision)
          values (${tenantId}, ${tasks['P-visible']}, 'decision', ${rounds['r:P-visible#2']}, ${B.userId}, 'approved')`,
    ),
  );
  await withActor(t.handle.db, worker, (tx) =>
    tx.insert(schema.reviewReminders).values({
      tenantId,
      taskId: tasks['Q-visible'],
      projectId: Q,
      roundId: rounds['r:Q-visible#1'],
      userId: C.userId,
    }),
  );
  // Conversations. The discussion on P is addTenantConversation's (the admin's; A joins after
  // its first message); S1 joins it, and A writes in it under the name the agency shows for A.
  const talk = await addTenantConversation(t, T);
  const talkOfU = await addTenantConversation(t, U);
  // Each tenant's security settings, saved by its admin.
  for (const who of [admin, U.admin])
    await withActor(t.handle.db, who, (tx) =>
      tx.insert(schema.securitySettings).values({ tenantId: who.tenantId, requireTeamTwoFactor: true }),
    );
  const shownB = `Company Y of ${T.slug}`;
  const taking = (who: { userId: string }, name: string, client = false) => ({
    id: who.userId,
    name,
    client,
  });
  await withActor(t.handle.db, admin, async (tx) => {
    await tx
      .update(schema.threads)
      .set({ people: [taking(admin, 'Admin'), taking(A, talk.clientShownName, true), taking(S1, 'S1')] })
      .where(sql`${schema.threads.id} = ${talk.threadId}`);
    await tx.insert(schema.threadParticipants).values({
      tenantId,
      threadId: talk.threadId,
      userId: S1.userId,
      shownName: 'S1',
      addedBy: admin.userId,
    });
    await tx.insert(schema.threads).values([
      {
        tenantId,
        id: conversations['th:dm-B'],
        kind: 'direct',
        title: 'dm-B',
        createdBy: admin.userId,
        people: [taking(admin, 'Admin'), taking(B, shownB, true), taking(E, shownB, true)],
      },
      {
        tenantId,
        id: conversations['th:team'],
        kind: 'internal',
        title: 'team',
        createdBy: admin.userId,
        people: [taking(admin, 'Admin'), taking(S1, 'S1')],
      },
    ]);
    const joins = (thread: keyof typeof conversations, who: { userId: string }, shownName: string) => ({
      tenantId,
      threadId: conversations[thread],
      userId: who.userId,
      shownName,
      addedBy: admin.userId,
    });
    await tx
      .insert(schema.threadParticipants)
      .values([
        joins('th:dm-B', admin, 'Admin'),
        joins('th:dm-B', B, shownB),
        joins('th:dm-B', E, shownB),
        joins('th:team', admin, 'Admin'),
        joins('th:team', S1, 'S1'),
      ]);
    await tx.insert(schema.messages).values([
      {
        tenantId,
        id: conversationMessages['msg-dm-admin'],
        threadId: conversations['th:dm-B'],
        authorId: admin.userId,
        authorName: 'Admin',
        body: 'The contract, as promised',
        clientVisible: true,
      },
      {
        tenantId,
        id: conversationMessages['msg-chat-admin'],
        threadId: conversations['th:team'],
        authorId: admin.userId,
        authorName: 'Admin',
        body: 'Between us',
      },
    ]);
    // A direct thread's attachment belongs to its message, not to a project.
    const attachment = {
      ...fileFacts(tenantId),
      id: files['f:dm-att'],
      messageId: conversationMessages['msg-dm-admin'],
      name: 'f:dm-att',
      uploadedBy: admin.userId,
      uploaderName: 'Admin',
    } satisfies typeof schema.files.$inferInsert;
    await tx.insert(schema.files).values(attachment);
    await tx.insert(schema.fileVersions).values({
      ...fileFacts(tenantId),
      id: versions['fv:dm-att'] as string,
      fileId: attachment.id,
      name: attachment.name,
      objectKey: attachment.objectKey,
      version: 1,
      uploadedBy: admin.userId,
    });
  });
  // Clients write in conversations as themselves, under their participant row's name, with the
  // columns their role may write; A reacts as A.
  for (const [who, id, threadId, shownName] of [
    [A, conversationMessages['msg-talk-A'], talk.threadId, talk.clientShownName],
    [B, conversationMessages['msg-dm-B'], conversations['th:dm-B'], shownB],
  ] as const) {
    await withActor(t.handle.db, who, (tx) =>
      tx.execute(
        sql`insert into app.messages (tenant_id, id, thread_id, author_id, author_name, body, client_visible)
            values (${tenantId}, ${id}, ${threadId}, ${who.userId}, ${shownName}, 'From a client', true)`,
      ),
    );
  }
  await withActor(t.handle.db, A, (tx) =>
    tx.execute(
      sql`insert into app.message_reactions (tenant_id, message_id, user_id, emoji)
          values (${tenantId}, ${talk.messageId}, ${A.userId}, '❤️')`,
    ),
  );
  // D joins the discussion last, so no message told D of it (D reads no project, so not the
  // discussion either).
  await withActor(t.handle.db, admin, async (tx) => {
    await tx
      .update(schema.threads)
      .set({
        people: [
          taking(admin, 'Admin'),
          taking(A, talk.clientShownName, true),
          taking(S1, 'S1'),
          taking(D, talk.clientShownName, true),
        ],
      })
      .where(sql`${schema.threads.id} = ${talk.threadId}`);
    await tx.insert(schema.threadParticipants).values({
      tenantId,
      threadId: talk.threadId,
      userId: D.userId,
      shownName: talk.clientShownName,
      addedBy: admin.userId,
    });
  });
  // What the clients' comments, B's decision and the conversations' messages told people (the
  // triggers' notices and emails) is not fixture data: their own tests cover it, and a queued
  // email would reach other tests' deliveries. The read marks of the people emailed stay.
  const toldPeople = `('task-comment', 'review-approved', 'message-new')`;
  await t.superuser(`delete from app.notifications where tenant_id = $1 and event in ${toldPeople}`, [
    tenantId,
  ]);
  await t.superuser(`delete from app.outbox where tenant_id = $1 and template in ${toldPeople}`, [tenantId]);
  for (const who of [S1, A, worker] as const) {
    await withActor(t.handle.db, who, (tx) =>
      tx.insert(schema.activity).values({
        tenantId,
        actorKind: who.kind,
        actorId: 'userId' in who ? who.userId : null,
        verb: 'fixture.created',
      }),
    );
  }

  // The triggers publish an event per change (a thread's people once per person joining, a
  // message once per reaction): one of each kind per thread, message and person stays, so every
  // event has its own label.
  await t.superuser(
    `delete from app.realtime_events e
      where e.tenant_id in ($1, $2)
        and exists (select 1 from app.realtime_events k
                     where k.tenant_id = e.tenant_id and k.kind = e.kind and k.id < e.id
                       and k.thread_id is not distinct from e.thread_id
                       and k.message_id is not distinct from e.message_id
                       and k.user_id is not distinct from e.user_id)`,
    [tenantId, U.id],
  );

  const id: Record<string, string> = {
    T: T.id,
    U: U.id,
    admin: admin.userId,
    S1: S1.userId,
    S2: S2.userId,
    A: A.userId,
    B: B.userId,
    C: C.userId,
    D: D.userId,
    E: E.userId,
    F: F.userId,
    X,
    Y,
    Z,
    W,
    P,
    Q,
    R,
    O,
    todo,
    done,
    ...tasks,
    ...threads,
    'th:P-talk': talk.threadId,
    ...conversations,
    ...milestones,
    ...messages,
    'msg-talk-admin': talk.messageId,
    ...conversationMessages,
    ...folders,
    ...files,
    ...versions,
    ...rounds,
    ...invoices,
    ...invoiceLines,
    'pay:X': invoiceOfT.paymentId,
    'rem:X': invoiceOfT.reminderId,
    ...gateways,
    ...checkouts,
    'ev:stripe': paymentsOfT.eventId,
    'U:admin': U.admin.userId,
    'U:A': U.client.userId,
    'U:X': U.clientId,
    'U:P': U.projectId,
    'U:todo': U.statusId,
    'U:P-visible': U.taskId,
    'U:th:P-visible': U.threadId,
    'U:MP-visible': U.milestoneId,
    'U:msg-team-visible': U.messageId,
    'U:th:P-talk': talkOfU.threadId,
    'U:msg-talk-admin': talkOfU.messageId,
    'U:fo:P': U.folderId,
    'U:f:P-visible': U.fileId,
    'U:fv:P-visible': U.fileVersionId,
    'U:r:P-visible#1': U.reviewRoundId,
    'tax:VAT': T.taxRateId,
    'U:tax:VAT': U.taxRateId,
    'U:inv:X': invoiceOfU.invoiceId,
    'U:line:X': invoiceOfU.lineId,
    'U:pay:X': invoiceOfU.paymentId,
    'U:rem:X': invoiceOfU.reminderId,
    'U:gw:stripe': paymentsOfU.gatewayId,
    'U:co:X/A': paymentsOfU.checkoutId,
    'U:ev:stripe': paymentsOfU.eventId,
  };
  const names = new Map(Object.entries(id).map(([label, value]) => [value, label]));
  return {
    T,
    U,
    id,
    actors: {
      admin,
      staffS1: S1,
      staffS2: S2,
      clientA: A,
      clientB: B,
      clientC: C,
      clientD: D,
      clientE: E,
      clientF: F,
      worker,
      adminU: U.admin,
    },
    name: (value) => (value == null ? 'null' : (names.get(value) ?? `?${value}`)),
  };
}

/** What one statement came to, as the matrix states it. */
export type Outcome =
  /** It ran and touched exactly one row. */
  | 'ok'
  /** It ran and touched nothing: the row is out of the actor's reach (UPDATE, DELETE). */
  | 'none'
  /** `new row violates row-level security policy`: a policy's WITH CHECK refused the row. */
  | 'rls'
  /** `permission denied`: the actor's role holds no grant for this (table or column). */
  | 'denied'
  /** The row passed every policy and was stopped only by a unique key (one-per-tenant rows). */
  | 'conflict';

/** Values of a row or a condition: plain values are bound parameters, SQL is inlined. */
export type Values = Record<string, unknown>;

const appTable = (table: string): SQL => sql`${sql.identifier('app')}.${sql.identifier(table)}`;
const value = (v: unknown): SQL => (isSql(v) ? v : sql`${v}`);
function isSql(v: unknown): v is SQL {
  return typeof v === 'object' && v !== null && 'queryChunks' in v;
}
const conditions = (where: Values): SQL =>
  sql.join(
    Object.entries(where).map(([column, v]) => sql`${sql.identifier(column)} = ${value(v)}`),
    sql` and `,
  );

export function insertStatement(table: string, row: Values): SQL {
  const columns = Object.keys(row);
  return sql`insert into ${appTable(table)} (${sql.join(
    columns.map((c) => sql.identifier(c)),
    sql`, `,
  )}) values (${sql.join(
    columns.map((c) => value(row[c])),
    sql`, `,
  )})`;
}

export function updateStatement(table: string, set: Values, where: Values): SQL {
  const assignments = sql.join(
    Object.entries(set).map(([column, v]) => sql`${sql.identifier(column)} = ${value(v)}`),
    sql`, `,
  );
  return sql`update ${appTable(table)} set ${assignments} where ${conditions(where)}`;
}

export function deleteStatement(table: string, where: Values): SQL {
  return sql`delete from ${appTable(table)} where ${conditions(where)}`;
}

export function selectStatement(table: string, columns: readonly string[]): SQL {
  return sql`select ${sql.join(
    columns.map((c) => sql`${sql.identifier(c)}::text`),
    sql`, `,
  )} from ${appTable(table)}`;
}

/** Rows touched by a statement without RETURNING, whichever driver ran it. */
function affectedRows(result: unknown): number {
  const counted = result as { count?: unknown; affectedRows?: unknown };
  if (typeof counted.affectedRows === 'number') return counted.affectedRows;
  if (typeof counted.count === 'number') return counted.count;
  throw new Error(`no row count in ${JSON.stringify(result)}`);
}

class Rollback extends Error {}

/** Runs `work` as `actor` and rolls it back, so every case starts from the same fixture. */
export async function rolledBack<T>(db: Database, actor: ActingAs, work: (tx: Tx) => Promise<T>): Promise<T> {
  let result: T | undefined;
  let done = false;
  try {
    await withActor(db, actor, async (tx) => {
      result = await work(tx);
      done = true;
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  if (!done) throw new Error('work did not complete');
  return result as T;
}

/**
 * Runs one write as `actor`, rolled back, and says what it came to. Anything that fits none of
 * the outcomes (a foreign key, a check, a bug in the fixture) is thrown, never read as a denial.
 */
export async function outcomeOf(db: Database, actor: ActingAs, statement: SQL): Promise<Outcome | 'many'> {
  try {
    const touched = await rolledBack(db, actor, async (tx) => affectedRows(await tx.execute(statement)));
    return touched === 0 ? 'none' : touched === 1 ? 'ok' : 'many';
  } catch (error) {
    const failure = findPgFailure(error);
    if (failure?.code === SqlState.insufficientPrivilege) {
      if (/row-level security policy/.test(failure.message)) return 'rls';
      if (/^permission denied/.test(failure.message)) return 'denied';
    }
    if (failure?.code === SqlState.uniqueViolation) return 'conflict';
    throw error;
  }
}

/** Labels of the rows `actor` reads from `table`, or 'denied' when its role may not read it. */
export async function labelsSeen(
  db: Database,
  actor: ActingAs,
  table: string,
  columns: readonly string[],
  label: (row: Record<string, string | null>) => string,
): Promise<string[] | 'denied'> {
  try {
    const rows = await withActor(db, actor, async (tx) => {
      const result: unknown = await tx.execute(selectStatement(table, columns));
      return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<
        string,
        string | null
      >[];
    });
    return rows.map(label).sort();
  } catch (error) {
    const failure = findPgFailure(error);
    if (failure?.code === SqlState.insufficientPrivilege && /^permission denied/.test(failure.message))
      return 'denied';
    throw error;
  }
}
