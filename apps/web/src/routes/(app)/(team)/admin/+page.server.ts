import { getAccount, resendVerification } from '@foyer/core';
import { requirePlatform } from '$lib/server/platform';
import { requireAdmin, requireTeam } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const me = requireTeam(event);
  const isAdmin = me.user.role === 'admin';
  // A new workspace's admin is asked to confirm their address until they do.
  const unverifiedEmail =
    isAdmin && !(await getAccount(requirePlatform(event.platform).core, me.actor)).emailVerified
      ? me.user.email
      : null;
  return { isAdmin, unverifiedEmail };
};

export const actions: Actions = {
  // The same re-send as the account page's, offered where a new admin lands.
  verify: async (event) => {
    const me = requireAdmin(event);
    await resendVerification(requirePlatform(event.platform).core, me.actor, me.site);
    return { notice: `We’ve sent a new verification link to ${me.user.email}.` };
  },
};
