import { generateToken, hashToken, INVITATION_LIFETIME_MS } from '@foyer/auth';
import { and, eq, inArray, schema, sql, type Tx } from '@foyer/db';
import { z } from 'zod';
import { emailSchema } from '../auth/validation';
import { adminOf, type Ctx, record, siteOf, type TxCtx, transact } from '../ctx';
import { CoreError, invalid, sqlState, UNIQUE_VIOLATION } from '../errors';
import { id, line, lines, parseInput } from '../input';
import { queueEmail } from '../mail/outbox';
import { VERIFY_TO_SEND, workspaceVerified } from '../mail/policy';
import { companyForName, ownCompanyFor } from './companies';
import { type ClientPermission, permissionsInput } from './permissions';
import { CLIENT_STATES, type ClientState, clientStateOf, invitedColumn } from './state';

const { clients, invitations, outbox, projectClients, projects, sessions, users } = schema;

export const CLIENTS_ADMINS_ONLY = 'Only admins manage clients.';
export const CLIENT_PAGE_SIZE = 25;
const INVITATION_TEMPLATE = 'client-invitation';

export type { ClientState };
export { CLIENT_STATES };

/** The invitation's delivery as the email log tells it, or accepted once they have a password. */
export type InvitationDelivery = 'queued' | 'sent' | 'failed' | 'accepted';

export interface ClientSummary {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  company: { id: string; name: string };
  state: ClientState;
  lastSeenAt: Date | null;
  permissions: ClientPermission[];
  invitation: { state: InvitationDelivery | null; at: Date | null };
}

export interface ClientProject {
  id: string;
  name: string;
  status: string;
}

export interface ClientDetail extends ClientSummary {
  address: string | null;
  notes: string | null;
  createdAt: Date;
  /** Why the last invitation email did not go out, from the email log. */
  invitationError: string | null;
  projects: ClientProject[];
}

export interface ClientPage {
  clients: ClientSummary[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

// ---- Reading -----------------------------------------------------------------------------------

const clientColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  phone: users.phone,
  companyId: clients.id,
  companyName: clients.name,
  status: users.status,
  invited: invitedColumn,
  lastSeenAt: users.lastSeenAt,
  permissions: users.permissions,
  sortName: sql<string>`lower(${users.name})`,
};

type ClientRow = {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  companyId: string;
  companyName: string;
  status: 'active' | 'deactivated';
  invited: boolean;
  lastSeenAt: Date | null;
  permissions: string[];
};

interface LatestInvitationEmail {
  userId: string;
  status: string;
  at: Date;
  lastError: string | null;
}

/** The latest invitation email of each of these people, from the outbox (the email log). */
async function latestInvitationEmails(
  tx: Tx,
  userIds: string[],
): Promise<Map<string, LatestInvitationEmail>> {
  if (userIds.length === 0) return new Map();
  const rows = await tx
    .selectDistinctOn([outbox.userId], {
      userId: sql<string>`${outbox.userId}`,
      status: outbox.status,
      createdAt: outbox.createdAt,
      sentAt: outbox.sentAt,
      updatedAt: outbox.updatedAt,
      lastError: outbox.lastError,
    })
    .from(outbox)
    .where(and(eq(outbox.template, INVITATION_TEMPLATE), inArray(outbox.userId, userIds)))
    .orderBy(outbox.userId, sql`${outbox.createdAt} desc`, sql`${outbox.id} desc`);
  return new Map(
    rows.map((r) => [
      r.userId,
      {
        userId: r.userId,
        status: r.status,
        at:
          r.status === 'sent' ? (r.sentAt ?? r.updatedAt) : r.status === 'queued' ? r.createdAt : r.updatedAt,
        lastError: r.lastError,
      },
    ]),
  );
}

function summaryOf(row: ClientRow, email: LatestInvitationEmail | undefined): ClientSummary {
  const state = clientStateOf(row);
  let invitation: ClientSummary['invitation'] = { state: null, at: null };
  if (!row.invited) invitation = { state: 'accepted', at: null };
  else if (email)
    invitation = {
      state:
        email.status === 'sent'
          ? 'sent'
          : email.status === 'failed' || email.status === 'suppressed'
            ? 'failed'
            : 'queued',
      at: email.at,
    };
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    company: { id: row.companyId, name: row.companyName },
    state,
    lastSeenAt: row.lastSeenAt,
    permissions: row.permissions as ClientPermission[],
    invitation,
  };
}

/** Cursor: the last row's lower(name) and id, base64url JSON. */
function encodeCursor(sortName: string, rowId: string): string {
  return Buffer.from(JSON.stringify([sortName, rowId])).toString('base64url');
}

function decodeCursor(cursor: string): { sortName: string; id: string } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [sortName, rowId] = value;
    if (typeof sortName !== 'string' || typeof rowId !== 'string') return null;
    if (!z.uuid().safeParse(rowId).success) return null;
    return { sortName, id: rowId };
  } catch {
    return null;
  }
}

const optionalText = (max: number) =>
  line(max)
    .optional()
    .transform((v) => (v ? v : undefined));

const listInput = z.object({
  q: optionalText(200),
  status: z
    .union([
      z.enum(CLIENT_STATES as [ClientState, ...ClientState[]], 'Choose a state from the list.'),
      z.literal(''),
    ])
    .optional()
    .transform((v) => (v ? v : undefined)),
  companyId: z
    .union([id('company'), z.literal('')])
    .optional()
    .transform((v) => (v ? v : undefined)),
  after: z.string().max(2000).optional(),
  limit: z.number().int().min(1).max(100).optional(),
});

const likePattern = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The agency's clients in name order, a page at a time: search on name, email and company,
 * filters by state and company. `after` is the previous page's `nextCursor`.
 */
export async function listClients({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: z.input<typeof listInput>;
}): Promise<ClientPage> {
  const actor = adminOf(ctx, CLIENTS_ADMINS_ONLY);
  const { q, status, companyId, after, limit: requested } = parseInput(listInput, input);
  const limit = requested ?? CLIENT_PAGE_SIZE;
  const cursor = after ? decodeCursor(after) : null;
  if (after && !cursor) throw invalid({ after: 'That page of the list no longer exists.' });
  const conditions = [eq(users.tenantId, actor.tenantId), eq(users.role, 'client')];
  if (q) {
    const pattern = likePattern(q);
    conditions.push(
      sql`(lower(${users.name}) like ${pattern} or lower(${users.email}) like ${pattern} or lower(${clients.name}) like ${pattern})`,
    );
  }
  if (status === 'deactivated') conditions.push(eq(users.status, 'deactivated'));
  if (status === 'active')
    conditions.push(sql`${users.status} = 'active' and ${users.passwordHash} is not null`);
  if (status === 'invited')
    conditions.push(sql`${users.status} = 'active' and ${users.passwordHash} is null`);
  if (companyId) conditions.push(eq(users.clientId, companyId));
  if (cursor)
    conditions.push(sql`(lower(${users.name}), ${users.id}) > (${cursor.sortName}, ${cursor.id}::uuid)`);
  return transact(ctx, async ({ tx }) => {
    const rows = await tx
      .select(clientColumns)
      .from(users)
      .innerJoin(clients, and(eq(clients.tenantId, users.tenantId), eq(clients.id, users.clientId)))
      .where(and(...conditions))
      .orderBy(sql`lower(${users.name})`, users.id)
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const emails = await latestInvitationEmails(
      tx,
      page.filter((r) => r.invited).map((r) => r.id),
    );
    const last = page.at(-1);
    return {
      clients: page.map((row) => summaryOf(row as ClientRow, emails.get(row.id))),
      nextCursor: rows.length > limit && last ? encodeCursor(last.sortName, last.id) : null,
    };
  });
}

const clientIdInput = z.object({ clientId: id('client') });

async function clientRow(tx: Tx, tenantId: string, clientId: string, lock = false) {
  const query = tx
    .select({ ...clientColumns, address: users.address, notes: users.notes, createdAt: users.createdAt })
    .from(users)
    .innerJoin(clients, and(eq(clients.tenantId, users.tenantId), eq(clients.id, users.clientId)))
    .where(and(eq(users.tenantId, tenantId), eq(users.id, clientId), eq(users.role, 'client')));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw new CoreError('not_found', 'That client doesn’t exist.');
  return row;
}

/** One client with their details, the projects they are on and their invitation's delivery. */
export async function getClient({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof clientIdInput>;
}): Promise<ClientDetail> {
  const actor = adminOf(ctx, CLIENTS_ADMINS_ONLY);
  const { clientId } = parseInput(clientIdInput, input);
  return transact(ctx, async ({ tx }) => {
    const row = await clientRow(tx, actor.tenantId, clientId);
    const emails = row.invited ? await latestInvitationEmails(tx, [row.id]) : new Map();
    const onProjects = await tx
      .select({ id: projects.id, name: projects.name, status: projects.status })
      .from(projectClients)
      .innerJoin(
        projects,
        and(eq(projects.tenantId, projectClients.tenantId), eq(projects.id, projectClients.projectId)),
      )
      .where(and(eq(projectClients.tenantId, actor.tenantId), eq(projectClients.userId, clientId)))
      .orderBy(sql`lower(${projects.name})`, projects.id);
    const email = emails.get(row.id);
    return {
      ...summaryOf(row as ClientRow, email),
      address: row.address,
      notes: row.notes,
      createdAt: row.createdAt,
      invitationError:
        email && (email.status === 'failed' || email.status === 'suppressed') ? email.lastError : null,
      projects: onProjects,
    };
  });
}

// ---- Adding and inviting ---------------------------------------------------------------------

const personName = line(120).refine((v) => v.length > 0, 'Enter their name.');

const detailsShape = {
  name: personName,
  email: emailSchema,
  company: optionalText(200),
  phone: optionalText(50),
  address: z
    .string()
    .max(500, 'Use at most 500 characters.')
    .pipe(lines(500))
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined)),
  notes: z
    .string()
    .max(5000, 'Use at most 5000 characters.')
    .pipe(lines(5000))
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined)),
};

const addInput = z.object({ ...detailsShape, permissions: permissionsInput });

/** Permissions come from forms as any strings; the schema refuses unknown ones. */
type WithAnyPermissions<T> = Omit<T, 'permissions'> & { permissions: readonly string[] };

export type AddClientInput = WithAnyPermissions<z.input<typeof addInput>>;

const EMAIL_TAKEN = 'Someone with this email is already in this workspace.';

async function emailTaken(tx: Tx, email: string, except?: string): Promise<boolean> {
  const [existing] = await tx
    .select({ id: users.id })
    .from(users)
    .where(
      except
        ? sql`lower(${users.email}) = lower(${email}) and ${users.id} <> ${except}`
        : sql`lower(${users.email}) = lower(${email})`,
    );
  return existing !== undefined;
}

/**
 * Writes a new invitation for a client person and queues the branded email, ending any earlier
 * link (kept, so it can say it was replaced).
 */
async function inviteClientPerson(
  ctx: TxCtx,
  person: { id: string; email: string; name: string },
): Promise<{ invitationId: string; expiresAt: Date }> {
  const actor = adminOf(ctx, CLIENTS_ADMINS_ONLY);
  const { tx } = ctx;
  if (!(await workspaceVerified(tx))) throw new CoreError('forbidden', VERIFY_TO_SEND);
  const token = generateToken();
  const url = new URL('/invite', siteOf(ctx).tenant.origin);
  url.searchParams.set('token', token);
  await tx
    .update(invitations)
    .set({ expiresAt: sql`least(${invitations.expiresAt}, now())` })
    .where(
      and(
        eq(invitations.tenantId, actor.tenantId),
        eq(invitations.userId, person.id),
        sql`${invitations.acceptedAt} is null and ${invitations.expiresAt} > now()`,
      ),
    );
  const [row] = await tx
    .insert(invitations)
    .values({
      tenantId: actor.tenantId,
      email: person.email,
      role: 'client',
      userId: person.id,
      tokenHash: hashToken(token),
      invitedBy: actor.userId,
      expiresAt: new Date(ctx.deps.now().getTime() + INVITATION_LIFETIME_MS),
    })
    .returning({ id: invitations.id, expiresAt: invitations.expiresAt });
  if (!row) throw new Error('invitation insert returned no row');
  const [inviter] = await tx.select({ name: users.name }).from(users).where(eq(users.id, actor.userId));
  await queueEmail(tx, {
    tenantId: actor.tenantId,
    template: INVITATION_TEMPLATE,
    to: { userId: person.id },
    vars: {
      inviterName: inviter?.name ?? '',
      acceptUrl: url.toString(),
      expiresAt: row.expiresAt.toISOString(),
    },
  });
  return { invitationId: row.id, expiresAt: row.expiresAt };
}

/**
 * Adds a client person to a company (found by name, or created; a person alone gets one in their
 * own name) with their permissions, and sends the branded invitation: all in one transaction.
 */
export async function addClient({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: AddClientInput;
}): Promise<{ id: string; companyId: string }> {
  const actor = adminOf(ctx, CLIENTS_ADMINS_ONLY);
  const data = parseInput(addInput, input);
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    if (!(await workspaceVerified(tx))) throw new CoreError('forbidden', VERIFY_TO_SEND);
    if (await emailTaken(tx, data.email)) throw invalid({ email: EMAIL_TAKEN });
    const company = data.company
      ? await companyForName(ctx, data.company)
      : await ownCompanyFor(ctx, data.name);
    let person: { id: string } | undefined;
    try {
      [person] = await tx
        .insert(users)
        .values({
          tenantId: actor.tenantId,
          email: data.email,
          name: data.name,
          role: 'client',
          clientId: company.id,
          permissions: data.permissions,
          phone: data.phone ?? null,
          address: data.address ?? null,
          notes: data.notes ?? null,
        })
        .returning({ id: users.id });
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw invalid({ email: EMAIL_TAKEN });
      throw error;
    }
    if (!person) throw new Error('client insert returned no row');
    await inviteClientPerson(ctx, { id: person.id, email: data.email, name: data.name });
    await record(ctx, {
      verb: 'client.add',
      subject: { type: 'user', id: person.id },
      data: {
        email: data.email,
        company: { id: company.id, name: company.name, created: company.created },
        permissions: data.permissions,
      },
    });
    return { id: person.id, companyId: company.id };
  });
}

// ---- Changing ---------------------------------------------------------------------------------

const updateInput = z.object({ clientId: id('client'), ...detailsShape });

/**
 * Changes a client's details. A company name moves them to that company (found by name or
 * created); leaving it empty keeps their company. A pending invitation follows a new address.
 */
export async function updateClient({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof updateInput>;
}): Promise<void> {
  const actor = adminOf(ctx, CLIENTS_ADMINS_ONLY);
  const data = parseInput(updateInput, input);
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const before = await clientRow(tx, actor.tenantId, data.clientId, true);
    if (await emailTaken(tx, data.email, data.clientId)) throw invalid({ email: EMAIL_TAKEN });
    const company =
      data.company && data.company.toLowerCase() !== before.companyName.toLowerCase()
        ? await companyForName(ctx, data.company)
        : { id: before.companyId, name: before.companyName, created: false };
    try {
      await tx
        .update(users)
        .set({
          name: data.name,
          email: data.email,
          phone: data.phone ?? null,
          address: data.address ?? null,
          notes: data.notes ?? null,
          clientId: company.id,
        })
        .where(and(eq(users.tenantId, actor.tenantId), eq(users.id, data.clientId)));
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw invalid({ email: EMAIL_TAKEN });
      throw error;
    }
    if (data.email !== before.email)
      await tx
        .update(invitations)
        .set({ email: data.email })
        .where(
          and(
            eq(invitations.tenantId, actor.tenantId),
            eq(invitations.userId, data.clientId),
            sql`${invitations.acceptedAt} is null`,
          ),
        );
    const changed = (['name', 'email', 'phone', 'address', 'notes'] as const).filter(
      (key) => (data[key] ?? null) !== (before[key] ?? null),
    );
    if (company.id !== before.companyId) changed.push('company' as never);
    await record(ctx, {
      verb: 'client.update',
      subject: { type: 'user', id: data.clientId },
      data: {
        changed,
        ...(company.id !== before.companyId
          ? { company: { id: company.id, name: company.name, created: company.created } }
          : {}),
      },
    });
  });
}

const permissionsChange = z.object({ clientId: id('client'), permissions: permissionsInput });

/** Sets what a client may see and do; the policies read it, so it counts from their next request. */
export async function setClientPermissions({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: WithAnyPermissions<z.input<typeof permissionsChange>>;
}): Promise<void> {
  const actor = adminOf(ctx, CLIENTS_ADMINS_ONLY);
  const { clientId, permissions } = parseInput(permissionsChange, input);
  await transact(ctx, async (ctx) => {
    const before = await clientRow(ctx.tx, actor.tenantId, clientId, true);
    await ctx.tx
      .update(users)
      .set({ permissions })
      .where(and(eq(users.tenantId, actor.tenantId), eq(users.id, clientId)));
    await record(ctx, {
      verb: 'client.set_permissions',
      subject: { type: 'user', id: clientId },
      data: { before: before.permissions, after: permissions },
    });
  });
}

/** Deactivating ends the client's sessions at once and refuses sign-in; their data stays. */
export async function deactivateClient({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof clientIdInput>;
}): Promise<void> {
  await setClientActive(ctx, input, false);
}

/** Lets a deactivated client sign in again. */
export async function reactivateClient({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof clientIdInput>;
}): Promise<void> {
  await setClientActive(ctx, input, true);
}

async function setClientActive(ctx: Ctx, input: z.input<typeof clientIdInput>, active: boolean) {
  const actor = adminOf(ctx, CLIENTS_ADMINS_ONLY);
  const { clientId } = parseInput(clientIdInput, input);
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const before = await clientRow(tx, actor.tenantId, clientId, true);
    if ((before.status === 'active') === active) return;
    await tx
      .update(users)
      .set({ status: active ? 'active' : 'deactivated' })
      .where(and(eq(users.tenantId, actor.tenantId), eq(users.id, clientId)));
    let ended = 0;
    if (!active) {
      const gone = await tx
        .delete(sessions)
        .where(and(eq(sessions.tenantId, actor.tenantId), eq(sessions.userId, clientId)))
        .returning({ id: sessions.id });
      ended = gone.length;
    }
    await record(ctx, {
      verb: active ? 'client.reactivate' : 'client.deactivate',
      subject: { type: 'user', id: clientId },
      data: active ? {} : { sessionsEnded: ended },
    });
  });
}

/** Sends a client a fresh invitation; the earlier link stops working. Only until they accept. */
export async function resendClientInvitation({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof clientIdInput>;
}): Promise<{ expiresAt: Date }> {
  const actor = adminOf(ctx, CLIENTS_ADMINS_ONLY);
  const { clientId } = parseInput(clientIdInput, input);
  return transact(ctx, async (ctx) => {
    const row = await clientRow(ctx.tx, actor.tenantId, clientId, true);
    if (!row.invited) throw new CoreError('conflict', 'This client has already accepted their invitation.');
    if (row.status === 'deactivated')
      throw new CoreError('conflict', 'Reactivate this client before sending them a new invitation.');
    const sent = await inviteClientPerson(ctx, { id: row.id, email: row.email, name: row.name });
    await record(ctx, {
      verb: 'client.resend_invitation',
      subject: { type: 'user', id: clientId },
      data: { email: row.email },
    });
    return { expiresAt: sent.expiresAt };
  });
}
