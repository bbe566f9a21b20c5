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
import { requirePlatform } from '$lib/server/platform';
import { clearSessionCookie, type Me, requireAdmin } from '$lib/server/session';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
  const me = requireAdmin(event);
  const { core } = requirePlatform(event.platform);
  const [team, sending] = await Promise.all([
    listTeam(core, me.actor),
    workspaceSendingStatus(core, me.actor),
  ]);
  return { ...team, myId: me.user.id, now: core.now(), sending };
};

/** Which part of the page an answer belongs to, so it is shown next to the right form. */
type Section = 'members' | 'invite' | 'invitations';

function setup(event: RequestEvent) {
  return { me: requireAdmin(event), core: requirePlatform(event.platform).core };
}

/** Bad ids and values are shown beside the members list (or the form they came from). */
const on = (section: Section) => () => ({ section });

async function memberName(event: RequestEvent, me: Me, memberId: string): Promise<string> {
  const { members } = await listTeam(requirePlatform(event.platform).core, me.actor);
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
    const { me, core } = setup(event);
    const input = await parseForm(event.request, inputs.changeRoleInput, on('members'));
    if (!input.ok) return input.failure;
    const { memberId, role } = input.data;
    try {
      await changeRole(core, me.actor, memberId, role);
    } catch (error) {
      return coreErrorToFail(error, { section: 'members' as Section, memberId });
    }
    if (memberId === me.user.id && role === 'staff') leaveAfterSelfChange(event, false);
    const name = await memberName(event, me, memberId);
    return {
      section: 'members' as Section,
      notice: `${name} is now ${role === 'admin' ? 'an admin' : 'staff'}.`,
    };
  },

  deactivate: async (event) => {
    const { me, core } = setup(event);
    const input = await parseForm(event.request, inputs.memberInput, on('members'));
    if (!input.ok) return input.failure;
    const { memberId, confirmed } = input.data;
    const self = memberId === me.user.id;
    const name = await memberName(event, me, memberId);
    if (!confirmed) {
      return confirmFirst({
        action: '?/deactivate',
        fields: { memberId },
        ...ask.deactivateMember(name, self),
      });
    }
    try {
      await setMemberActive(core, me.actor, memberId, false);
    } catch (error) {
      return coreErrorToFail(error, { section: 'members' as Section, memberId });
    }
    if (self) leaveAfterSelfChange(event, true);
    return { section: 'members' as Section, notice: `${name} is deactivated and signed out everywhere.` };
  },

  reactivate: async (event) => {
    const { me, core } = setup(event);
    const input = await parseForm(event.request, inputs.memberInput, on('members'));
    if (!input.ok) return input.failure;
    const { memberId } = input.data;
    try {
      await setMemberActive(core, me.actor, memberId, true);
    } catch (error) {
      return coreErrorToFail(error, { section: 'members' as Section, memberId });
    }
    const name = await memberName(event, me, memberId);
    return { section: 'members' as Section, notice: `${name} can sign in again.` };
  },

  endSessions: async (event) => {
    const { me, core } = setup(event);
    const input = await parseForm(event.request, inputs.memberInput, on('members'));
    if (!input.ok) return input.failure;
    const { memberId, confirmed } = input.data;
    const self = memberId === me.user.id;
    const name = await memberName(event, me, memberId);
    if (!confirmed) {
      return confirmFirst({
        action: '?/endSessions',
        fields: { memberId },
        ...ask.endMemberSessions(name, self),
      });
    }
    let ended: number;
    try {
      ended = await endMemberSessions(core, me.actor, memberId);
    } catch (error) {
      return coreErrorToFail(error, { section: 'members' as Section, memberId });
    }
    if (self) leaveAfterSelfChange(event, true);
    const count = ended === 1 ? '1 session' : `${ended} sessions`;
    return { section: 'members' as Section, notice: `Ended ${count} of ${name}.` };
  },

  invite: async (event) => {
    const { me, core } = setup(event);
    const input = await parseForm(event.request, inputs.inviteMemberInput, (raw) => ({
      section: 'invite' as Section,
      email: raw.email,
      role: raw.role,
    }));
    if (!input.ok) return input.failure;
    const { email, role } = input.data;
    try {
      const invitation = await inviteMember(core, me.actor, me.site, { email, role });
      return { section: 'invite' as Section, notice: `Invitation sent to ${invitation.email}.` };
    } catch (error) {
      return coreErrorToFail(error, { section: 'invite' as Section, email, role });
    }
  },

  revoke: async (event) => {
    const { me, core } = setup(event);
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
      await revokeInvitation(core, me.actor, invitationId);
    } catch (error) {
      return coreErrorToFail(error, { section: 'invitations' as Section });
    }
    return {
      section: 'invitations' as Section,
      notice: `The invitation to ${email || 'that address'} is revoked.`,
    };
  },
};
