import {
  generateToken,
  hashPassword,
  hashToken,
  INVITATION_LIFETIME_MS,
  looksLikeToken,
  passwordProblem,
} from '@foyer/auth';
import { and, eq, schema, sql, system, type Tx } from '@foyer/db';
import { z } from 'zod';
import { actorFor, openSession } from '../auth/sessions';
import { emailSchema, fieldErrors, nameSchema, passwordInput } from '../auth/validation';
import { actingAs, adminOf, type Ctx, record, siteOf, transact } from '../ctx';
import { CoreError, invalid, sqlState, UNIQUE_VIOLATION } from '../errors';
import { id, parseInput, token as tokenSchema } from '../input';
import { queueEmail } from '../mail/outbox';
import { VERIFY_TO_SEND, workspaceVerified } from '../mail/policy';
import { notifyTeamJoined } from '../notifications/in-app';

const { invitations, sessions, users } = schema;

export type TeamRole = 'admin' | 'staff';

export interface TeamMember {
  id: string;
  name: string;
  email: string;
  role: TeamRole;
  status: 'active' | 'deactivated';
  createdAt: Date;
}

export interface PendingInvitation {
  id: string;
  email: string;
  role: TeamRole;
  expiresAt: Date;
  createdAt: Date;
}

const TEAM_ADMINS_ONLY = 'Only admins manage the team.';

export async function listTeam({
  ctx,
}: {
  ctx: Ctx;
}): Promise<{ members: TeamMember[]; invitations: PendingInvitation[] }> {
  adminOf(ctx, TEAM_ADMINS_ONLY);
  return transact(ctx, async ({ tx }) => {
    const members = await tx
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        role: users.role,
        status: users.status,
        createdAt: users.createdAt,
      })
      .from(users)
      .where(sql`${users.role} in ('admin', 'staff')`)
      .orderBy(users.name);
    const pending = await tx
      .select({
        id: invitations.id,
        email: invitations.email,
        role: invitations.role,
        expiresAt: invitations.expiresAt,
        createdAt: invitations.createdAt,
      })
      .from(invitations)
      .where(
        sql`${invitations.role} <> 'client' and ${invitations.acceptedAt} is null and ${invitations.expiresAt} > now()`,
      )
      .orderBy(invitations.createdAt);
    return { members: members as TeamMember[], invitations: pending as PendingInvitation[] };
  });
}

const inviteInput = z.object({ email: emailSchema, role: z.enum(['admin', 'staff'], 'Choose a role.') });

/** Invites someone to the team by email; the link lets them choose a name and password. */
export async function inviteMember({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { email: string; role: string };
}): Promise<PendingInvitation> {
  const actor = adminOf(ctx, TEAM_ADMINS_ONLY);
  const { email, role } = parseInput(inviteInput, input);
  const token = generateToken();
  const url = new URL('/invite', siteOf(ctx).tenant.origin);
  url.searchParams.set('token', token);
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    // Refused here so the admin learns why at once; the worker holds such email back anyway.
    if (!(await workspaceVerified(tx))) throw new CoreError('forbidden', VERIFY_TO_SEND);
    const [existing] = await tx
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = lower(${email})`);
    if (existing) throw invalid({ email: 'Someone with this email is already in this workspace.' });
    // A new invitation to the same address replaces any earlier one. The earlier rows stay, ended,
    // so that their links can say they were replaced rather than that they expired.
    await tx
      .update(invitations)
      .set({ expiresAt: sql`least(${invitations.expiresAt}, now())` })
      .where(
        sql`lower(${invitations.email}) = lower(${email}) and ${invitations.acceptedAt} is null and ${invitations.expiresAt} > now()`,
      );
    const [row] = await tx
      .insert(invitations)
      .values({
        tenantId: actor.tenantId,
        email,
        role,
        tokenHash: hashToken(token),
        invitedBy: actor.userId,
        expiresAt: new Date(ctx.deps.now().getTime() + INVITATION_LIFETIME_MS),
      })
      .returning({
        id: invitations.id,
        email: invitations.email,
        role: invitations.role,
        expiresAt: invitations.expiresAt,
        createdAt: invitations.createdAt,
      });
    const [inviter] = await tx.select({ name: users.name }).from(users).where(eq(users.id, actor.userId));
    if (!row) throw new Error('invitation insert returned no row');
    await record(ctx, {
      verb: 'team.invite',
      subject: { type: 'invitation', id: row.id },
      data: { email, role },
    });
    await queueEmail(tx, {
      tenantId: actor.tenantId,
      template: 'staff-invitation',
      to: { address: email },
      vars: {
        inviterName: inviter?.name ?? '',
        // The names the team page uses for the roles.
        roleName: role === 'admin' ? 'Admin' : 'Staff',
        acceptUrl: url.toString(),
        expiresAt: row.expiresAt.toISOString(),
      },
    });
    return { ...row, role };
  });
}

const invitationInput = z.object({ invitationId: id('invitation') });

export async function revokeInvitation({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof invitationInput>;
}): Promise<void> {
  const actor = adminOf(ctx, TEAM_ADMINS_ONLY);
  const { invitationId } = parseInput(invitationInput, input);
  await transact(ctx, async (ctx) => {
    const [removed] = await ctx.tx
      .delete(invitations)
      .where(and(eq(invitations.tenantId, actor.tenantId), eq(invitations.id, invitationId)))
      .returning({ id: invitations.id, email: invitations.email });
    if (!removed) throw new CoreError('not_found', 'That invitation no longer exists.');
    await record(ctx, {
      verb: 'team.revoke_invitation',
      subject: { type: 'invitation', id: removed.id },
      data: { email: removed.email },
    });
  });
}

const linkInput = z.object({ token: z.string().max(200) });

/** The invitation behind a link, to greet the person before they accept. */
export async function invitationForToken({ ctx, input }: { ctx: Ctx; input: z.input<typeof linkInput> }) {
  const { token } = parseInput(linkInput, input);
  return looksLikeToken(token)
    ? system.invitations.forToken(ctx.deps.db, siteOf(ctx).tenant.id, hashToken(token))
    : null;
}

/** What an invitation link shows: the form to join, or why it no longer works. */
export type InvitationLink =
  | {
      state: 'pending';
      email: string;
      role: TeamRole | 'client';
      /** A client invitation's person, as the agency named them. */
      name?: string | null;
    }
  | { state: 'accepted' | 'replaced' | 'expired' | 'not_found' };

/**
 * The state of the invitation behind a link, read without using it up: pending, accepted
 * (sign in instead), replaced by a newer invitation, expired, or not found (never sent, revoked).
 */
export async function invitationLink({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof linkInput>;
}): Promise<InvitationLink> {
  const { token } = parseInput(linkInput, input);
  const found = looksLikeToken(token)
    ? await system.invitations.state(ctx.deps.db, siteOf(ctx).tenant.id, hashToken(token))
    : null;
  if (!found) return { state: 'not_found' };
  if (found.state === 'pending')
    return found.role === 'client'
      ? { state: 'pending', email: found.email, role: found.role, name: found.name }
      : { state: 'pending', email: found.email, role: found.role };
  return { state: found.state };
}

const acceptInput = z.object({ name: nameSchema('your name'), password: passwordInput });

/**
 * Accepts an invitation: creates the member and signs them in. `ctx` is the visitor's on the
 * agency's host; the new member's session and their first activity entry come back.
 */
export async function acceptInvitation({
  ctx,
  input: raw,
}: {
  ctx: Ctx;
  input: { token: string; name: string; password: string };
}) {
  const { token } = parseInput(z.object({ token: tokenSchema }), { token: raw.token });
  const site = siteOf(ctx);
  const parsed = acceptInput.safeParse(raw);
  const fields = parsed.success ? {} : fieldErrors(parsed.error);
  const invitation = await invitationForToken({ ctx, input: { token } });
  if (!invitation)
    throw new CoreError('expired', 'This invitation has expired or was already used. Ask for a new one.');
  const problem = passwordProblem(raw.password ?? '', { email: invitation.email, name: raw.name });
  if (problem) fields.password ??= problem;
  if (!parsed.success || Object.keys(fields).length > 0) throw invalid(fields);
  let accepted: Awaited<ReturnType<typeof system.invitations.accept>>;
  try {
    accepted = await system.invitations.accept(ctx.deps.db, {
      tenantId: site.tenant.id,
      tokenHash: hashToken(token),
      name: parsed.data.name,
      passwordHash: await hashPassword(parsed.data.password),
    });
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION)
      throw new CoreError('conflict', 'An account with this email already exists here. Sign in instead.');
    throw error;
  }
  if (!accepted)
    throw new CoreError('expired', 'This invitation has expired or was already used. Ask for a new one.');
  const actor = actorFor(site.tenant.id, accepted);
  const userId = accepted.userId;
  const member = actingAs(ctx, actor);
  await transact(member, async (ctx) => {
    if (accepted.role === 'client') {
      // A client joins the portal: nothing for the team's bell, one entry in the log.
      await record(ctx, { verb: 'client.accept_invitation', subject: { type: 'user', id: userId } });
      return;
    }
    await notifyTeamJoined(ctx, parsed.data.name);
    await record(ctx, {
      verb: 'team.join',
      subject: { type: 'user', id: userId },
      data: { role: accepted.role },
    });
  });
  return { ...(await openSession({ ctx: member })), actor };
}

/**
 * Locks the tenant's active admins until the transaction ends, so two concurrent demotions
 * cannot each see the other as the remaining admin.
 */
async function activeAdminsLocked(tx: Tx): Promise<string[]> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(sql`${users.role} = 'admin' and ${users.status} = 'active'`)
    .for('update');
  return rows.map((r) => r.id);
}

async function teamMember(tx: Tx, tenantId: string, userId: string) {
  const [member] = await tx
    .select({ id: users.id, role: users.role, status: users.status })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId), sql`${users.role} in ('admin', 'staff')`));
  if (!member) throw new CoreError('not_found', 'That team member doesn’t exist.');
  return member;
}

const LAST_ADMIN = 'A workspace needs at least one active admin. Make someone else an admin first.';

const changeRoleInput = z.object({
  memberId: id('member'),
  role: z.enum(['admin', 'staff'], 'Choose admin or staff.'),
});

export async function changeRole({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { memberId: string; role: string };
}): Promise<void> {
  const actor = adminOf(ctx, TEAM_ADMINS_ONLY);
  const { memberId: userId, role } = parseInput(changeRoleInput, input);
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const admins = await activeAdminsLocked(tx);
    const member = await teamMember(tx, actor.tenantId, userId);
    if (member.role === role) return;
    if (role === 'staff' && admins.includes(userId) && admins.length <= 1)
      throw new CoreError('conflict', LAST_ADMIN);
    await tx
      .update(users)
      .set({ role })
      .where(and(eq(users.tenantId, actor.tenantId), eq(users.id, userId)));
    await record(ctx, { verb: 'team.change_role', subject: { type: 'user', id: userId }, data: { role } });
  });
}

const memberInput = z.object({ memberId: id('member') });

/** Deactivating ends the member's sessions at once; reactivating lets them sign in again. */
export async function setMemberActive({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof memberInput> & { active: boolean };
}): Promise<void> {
  const actor = adminOf(ctx, TEAM_ADMINS_ONLY);
  const { memberId: userId } = parseInput(memberInput, input);
  const active = input.active === true;
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const admins = await activeAdminsLocked(tx);
    await teamMember(tx, actor.tenantId, userId);
    if (!active && admins.includes(userId) && admins.length <= 1) throw new CoreError('conflict', LAST_ADMIN);
    await tx
      .update(users)
      .set({ status: active ? 'active' : 'deactivated' })
      .where(and(eq(users.tenantId, actor.tenantId), eq(users.id, userId)));
    if (!active)
      await tx
        .delete(sessions)
        .where(and(eq(sessions.tenantId, actor.tenantId), eq(sessions.userId, userId)));
    await record(ctx, {
      verb: active ? 'team.reactivate' : 'team.deactivate',
      subject: { type: 'user', id: userId },
    });
  });
}

/** Ends every session of a member (an admin action), e.g. after a lost laptop. */
export async function endMemberSessions({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof memberInput>;
}): Promise<number> {
  const actor = adminOf(ctx, TEAM_ADMINS_ONLY);
  const { memberId: userId } = parseInput(memberInput, input);
  return transact(ctx, async (ctx) => {
    const ended = await ctx.tx
      .delete(sessions)
      .where(and(eq(sessions.tenantId, actor.tenantId), eq(sessions.userId, userId)))
      .returning({ id: sessions.id });
    await record(ctx, {
      verb: 'team.end_sessions',
      subject: { type: 'user', id: userId },
      data: { ended: ended.length },
    });
    return ended.length;
  });
}
