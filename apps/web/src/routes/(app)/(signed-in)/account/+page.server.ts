import {
  changePassword,
  endSessions,
  getAccount,
  getProfile,
  inputs,
  listSessions,
  profileInput,
  requestEmailChange,
  resendVerification,
  twoFactorStatus,
  updateName,
  updateProfile,
} from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { endOtherSessions } from '$lib/confirm';
import { coreErrorToFail, fieldFailure } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { person, setSessionCookie } from '$lib/server/session';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

// Fixed sentences for the redirect after a change; the query string never carries text.
const SAVED: Record<string, string> = {
  name: 'Your name is saved.',
  profile: 'Your details are saved.',
  password: 'Your password is changed. Every other device has been signed out.',
};

export const load: PageServerLoad = async (event) => {
  const me = person(event.locals);
  const { ctx } = event.locals;
  const [account, profile, sessions, twoFactor] = await Promise.all([
    getAccount({ ctx }),
    getProfile({ ctx }),
    listSessions({ ctx, input: { currentSessionId: me.sessionId } }),
    twoFactorStatus({ ctx }),
  ]);
  return {
    account,
    profile,
    twoFactor,
    timeZones: TIME_ZONES,
    sessions: sessions.map((s) => ({
      id: s.id,
      current: s.current,
      userAgent: s.userAgent,
      ip: s.ip,
      lastSeenAt: s.lastSeenAt,
      createdAt: s.createdAt,
    })),
    now: ctx.deps.now(),
    saved: SAVED[event.url.searchParams.get('saved') ?? ''] ?? null,
  };
};

/** Which form an answer belongs to. */
type Section = 'name' | 'profile' | 'email' | 'password' | 'sessions';

/** The time zones this runtime knows, for the account's picker. */
const TIME_ZONES: string[] = Intl.supportedValuesOf('timeZone');

function setup(event: RequestEvent) {
  return { me: person(event.locals), ctx: event.locals.ctx };
}

export const actions: Actions = {
  // Name and password changes redirect, so that the header and the session list of the next
  // page are read fresh instead of from what this request started with.
  name: async (event) => {
    const { ctx } = setup(event);
    const input = await parseForm(event.request, inputs.updateNameInput, (raw) => ({
      section: 'name' as Section,
      name: raw.name,
    }));
    if (!input.ok) return input.failure;
    const { name } = input.data;
    try {
      await updateName({ ctx, input: { name } });
    } catch (error) {
      return coreErrorToFail(error, { section: 'name' as Section, name });
    }
    redirect(303, '/account?saved=name');
  },

  // Redirects too: a new theme or time zone applies to the whole page, header included.
  profile: async (event) => {
    const { ctx } = setup(event);
    const input = await parseForm(event.request, profileInput, (raw) => ({
      section: 'profile' as Section,
      phone: raw.phone,
      timeZone: raw.timeZone,
      theme: raw.theme,
    }));
    if (!input.ok) return input.failure;
    try {
      await updateProfile({ ctx, input: input.data });
    } catch (error) {
      const { phone, timeZone, theme } = input.data;
      return coreErrorToFail(error, { section: 'profile' as Section, phone, timeZone, theme });
    }
    redirect(303, '/account?saved=profile');
  },

  email: async (event) => {
    const { ctx } = setup(event);
    const input = await parseForm(event.request, inputs.emailChangeInput, (raw) => ({
      section: 'email' as Section,
      email: raw.email,
    }));
    if (!input.ok) return input.failure;
    const { email, currentPassword } = input.data;
    try {
      await requestEmailChange({ ctx, input: { email, currentPassword } });
    } catch (error) {
      return coreErrorToFail(error, { section: 'email' as Section, email });
    }
    return {
      section: 'email' as Section,
      notice: `We’ve sent a confirmation link to ${email}. Your address changes once you open it.`,
    };
  },

  verify: async (event) => {
    const { me, ctx } = setup(event);
    await resendVerification({ ctx });
    return {
      section: 'email' as Section,
      notice: `We’ve sent a new verification link to ${me.user.email}.`,
    };
  },

  password: async (event) => {
    const { ctx } = setup(event);
    const input = await parseForm(event.request, inputs.passwordChangeInput, () => ({
      section: 'password' as Section,
    }));
    if (!input.ok) return input.failure;
    const { currentPassword, newPassword, confirmPassword } = input.data;
    if (newPassword !== confirmPassword) {
      return fieldFailure(
        { confirmPassword: 'The two new passwords don’t match.' },
        { section: 'password' as Section },
      );
    }
    try {
      const session = await changePassword({ ctx, input: { currentPassword, newPassword } });
      // Every session ended with the change, this one too: carry on with the new one.
      setSessionCookie(event.cookies, event.platform, session);
    } catch (error) {
      return coreErrorToFail(error, { section: 'password' as Section });
    }
    redirect(303, '/account?saved=password');
  },

  endSession: async (event) => {
    const { me, ctx } = setup(event);
    const input = await parseForm(event.request, inputs.endSessionInput, () => ({
      section: 'sessions' as Section,
    }));
    if (!input.ok) return input.failure;
    const { sessionId } = input.data;
    if (sessionId === me.sessionId) {
      // The header's "Sign out" is the way to end this one; this form never offers it.
      return fieldFailure({}, { section: 'sessions' as Section }, 'Use “Sign out” to end this session.');
    }
    const ended = await endSessions({ ctx, input: { currentSessionId: me.sessionId, sessionId } });
    return {
      section: 'sessions' as Section,
      notice: ended > 0 ? 'That device is signed out.' : 'That session had already ended.',
    };
  },

  endOthers: async (event) => {
    const { me, ctx } = setup(event);
    const input = await parseForm(event.request, inputs.confirmInput, () => ({
      section: 'sessions' as Section,
    }));
    if (!input.ok) return input.failure;
    if (!input.data.confirmed) {
      return {
        section: 'sessions' as Section,
        confirm: { action: '?/endOthers', fields: {}, ...endOtherSessions },
      };
    }
    const ended = await endSessions({ ctx, input: { currentSessionId: me.sessionId, sessionId: 'others' } });
    return {
      section: 'sessions' as Section,
      notice:
        ended === 0
          ? 'No other device was signed in.'
          : `Signed out ${ended === 1 ? '1 other session' : `${ended} other sessions`}.`,
    };
  },
};
