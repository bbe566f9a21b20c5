import {
  changeRole,
  endMemberSessions,
  inputs,
  inviteMember,
  listTeam,
  revokeInvitation,
  setMemberActive,
  workspaceSendingStatus,
} from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import type { Confirmation } from '$lib/confirm';
import * as ask from '$lib/confirm';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { clearSessionCookie, person } from '$lib/server/session';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const { ctx } = locals;
  const [team, sending] = await Promise.all([listTeam({ ctx }), workspaceSendingStatus({ ctx })]);
  return { ...team, myId: person(locals).user.id, now: ctx.deps.now(), sending };
};

/** Which part of the page an answer belongs to, so it is shown next to the right form. */
type Section = 'members' | 'invite' | 'invitations';

function setup(event: RequestEvent) {
  return { me: person(event.locals), ctx: event.locals.ctx };
}

/** Bad ids and values are shown beside the members list (or the form they came from). */
const on = (section: Section) => () => ({ section });

async function memberName(event: RequestEvent, memberId: string): Promise<string> {
  const { members } = await listTeam({ ctx: event.locals.ctx });
  return members.find((m) => m.id === memberId)?.name ?? 'This member';
}

function confirmFirst(confirm: Confirmation) {
  return { section: 'members' as Section, confirm };
}

/** The admin acted on their own account and lost access with it: leave the page accordingly. */
function leaveAfterSelfChange(event: RequestEvent, signedOut: boolean): never {
  if (signedOut) {
    clearSessionCookie(event.cookies, event.platform);
    redirect(303, '/login');
  }
  redirect(303, '/admin');
}

export const actions: Actions = {
  role: async (event) => {
    const { me, ctx } = setup(event);
    const input = await parseForm(event.request, inputs.changeRoleInput, on('members'));
    if (!input.ok) return input.failure;
    const { memberId, role } = input.data;
    try {
      await changeRole({ ctx, input: { memberId, role } });
    } catch (error) {
      return coreErrorToFail(error, { section: 'members' as Section, memberId });
    }
    if (memberId === me.user.id && role === 'staff') leaveAfterSelfChange(event, false);
    const name = await memberName(event, memberId);
    return {
      section: 'members' as Section,
      notice: `${name} is now ${role === 'admin' ? 'an admin' : 'staff'}.`,
    };
  },

  deactivate: async (event) => {
    const { me, ctx } = setup(event);
    const input = await parseForm(event.request, inputs.memberInput, on('members'));
    if (!input.ok) return input.failure;
    const { memberId, confirmed } = input.data;
    const self = memberId === me.user.id;
    const name = await memberName(event, memberId);
    if (!confirmed) {
      return confirmFirst({
        action: '?/deactivate',
        fields: { memberId },
        ...ask.deactivateMember(name, self),
      });
    }
    try {
      await setMemberActive({ ctx, input: { memberId, active: false } });
    } catch (error) {
      return coreErrorToFail(error, { section: 'members' as Section, memberId });
    }
    if (self) leaveAfterSelfChange(event, true);
    return { section: 'members' as Section, notice: `${name} is deactivated and signed out everywhere.` };
  },

  reactivate: async (event) => {
    const { ctx } = setup(event);
    const input = await parseForm(event.request, inputs.memberInput, on('members'));
    if (!input.ok) return input.failure;
    const { memberId } = input.data;
    try {
      await setMemberActive({ ctx, input: { memberId, active: true } });
    } catch (error) {
      return coreErrorToFail(error, { section: 'members' as Section, memberId });
    }
    const name = await memberName(event, memberId);
    return { section: 'members' as Section, notice: `${name} can sign in again.` };
  },

  endSessions: async (event) => {
    const { me, ctx } = setup(event);
    const input = await parseForm(event.request, inputs.memberInput, on('members'));
    if (!input.ok) return input.failure;
    const { memberId, confirmed } = input.data;
    const self = memberId === me.user.id;
    const name = await memberName(event, memberId);
    if (!confirmed) {
      return confirmFirst({
        action: '?/endSessions',
        fields: { memberId },
        ...ask.endMemberSessions(name, self),
      });
    }
    let ended: number;
    try {
      ended = await endMemberSessions({ ctx, input: { memberId } });
    } catch (error) {
      return coreErrorToFail(error, { section: 'members' as Section, memberId });
    }
    if (self) leaveAfterSelfChange(event, true);
    const count = ended === 1 ? '1 session' : `${ended} sessions`;
    return { section: 'members' as Section, notice: `Ended ${count} of ${name}.` };
  },

  invite: async (event) => {
    const { ctx } = setup(event);
    const input = await parseForm(event.request, inputs.inviteMemberInput, (raw) => ({
      section: 'invite' as Section,
      email: raw.email,
      role: raw.role,
    }));
    if (!input.ok) return input.failure;
    const { email, role } = input.data;
    try {
      const invitation = await inviteMember({ ctx, input: { email, role } });
      return { section: 'invite' as Section, notice: `Invitation sent to ${invitation.email}.` };
    } catch (error) {
      return coreErrorToFail(error, { section: 'invite' as Section, email, role });
    }
  },

  revoke: async (event) => {
    const { ctx } = setup(event);
    const input = await parseForm(event.request, inputs.revokeInvitationInput, on('invitations'));
    if (!input.ok) return input.failure;
    const { invitationId, email, confirmed } = input.data;
    if (!confirmed) {
      return {
        section: 'invitations' as Section,
        confirm: {
          action: '?/revoke',
          fields: { invitationId, email },
          ...ask.revokeInvitation(email || 'this address'),
        },
      };
    }
    try {
      await revokeInvitation({ ctx, input: { invitationId } });
    } catch (error) {
      return coreErrorToFail(error, { section: 'invitations' as Section });
    }
    return {
      section: 'invitations' as Section,
      notice: `The invitation to ${email || 'that address'} is revoked.`,
    };
  },
};
