import {
  beginTwoFactorSetup,
  confirmTwoFactor,
  disableTwoFactor,
  forgetRememberedBrowsers,
  inputs,
  mustSetUpTwoFactor,
  regenerateRecoveryCodes,
  twoFactorStatus,
} from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail, fieldFailure } from '$lib/server/errors';
import { field, parseForm, readForm } from '$lib/server/forms';
import { person } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

const SAVED: Record<string, string> = {
  off: 'Two-factor is off. Signing in now needs only your password.',
};

/**
 * Two-factor for the signed-in person: set-up (QR code and secret, confirmed with a code), then
 * recovery codes, forgetting remembered browsers and turning it off. When the team must use
 * two-factor, admins and staff are sent here until they have set it up.
 */
export const load: PageServerLoad = async (event) => {
  person(event.locals);
  const { ctx } = event.locals;
  const [status, required] = await Promise.all([twoFactorStatus({ ctx }), mustSetUpTwoFactor({ ctx })]);
  const setup = status.enabled ? null : await beginTwoFactorSetup({ ctx });
  return {
    status,
    required,
    setup,
    saved: SAVED[event.url.searchParams.get('saved') ?? ''] ?? null,
  };
};

export const actions: Actions = {
  confirm: async (event) => {
    const { ctx } = event.locals;
    const form = await readForm(event.request);
    try {
      const { recoveryCodes } = await confirmTwoFactor({
        ctx,
        input: { code: field(form, 'code').slice(0, 20) },
      });
      return { section: 'codes' as const, recoveryCodes, enabledNow: true };
    } catch (error) {
      return coreErrorToFail(error, { section: 'setup' as const });
    }
  },

  regenerate: async (event) => {
    const { ctx } = event.locals;
    const input = await parseForm(event.request, inputs.confirmInput, () => ({ section: 'codes' as const }));
    if (!input.ok) return input.failure;
    if (!input.data.confirmed) {
      return {
        section: 'codes' as const,
        confirm: {
          action: '?/regenerate',
          fields: {},
          title: 'Make new recovery codes?',
          message: 'Your current recovery codes stop working at once. Save the new ones somewhere safe.',
          confirmLabel: 'Make new codes',
        },
      };
    }
    try {
      const { recoveryCodes } = await regenerateRecoveryCodes({ ctx });
      return { section: 'codes' as const, recoveryCodes, enabledNow: false };
    } catch (error) {
      return coreErrorToFail(error, { section: 'codes' as const });
    }
  },

  forget: async (event) => {
    const { ctx } = event.locals;
    const input = await parseForm(event.request, inputs.confirmInput, () => ({
      section: 'browsers' as const,
    }));
    if (!input.ok) return input.failure;
    if (!input.data.confirmed) {
      return {
        section: 'browsers' as const,
        confirm: {
          action: '?/forget',
          fields: {},
          title: 'Forget remembered browsers?',
          message: 'Every browser will ask for a code again at its next sign-in, this one included.',
          confirmLabel: 'Forget them',
        },
      };
    }
    try {
      await forgetRememberedBrowsers({ ctx });
    } catch (error) {
      return coreErrorToFail(error, { section: 'browsers' as const });
    }
    return { section: 'browsers' as const, notice: 'Every browser will ask for a code at its next sign-in.' };
  },

  disable: async (event) => {
    const { ctx } = event.locals;
    const form = await readForm(event.request);
    if (field(form, 'confirmed') !== 'yes') {
      return fieldFailure({ confirmed: 'Tick the box to confirm.' }, { section: 'disable' as const });
    }
    try {
      await disableTwoFactor({
        ctx,
        input: { password: field(form, 'password').slice(0, 1000), code: field(form, 'code').slice(0, 20) },
      });
    } catch (error) {
      return coreErrorToFail(error, { section: 'disable' as const });
    }
    redirect(303, '/account/two-factor?saved=off');
  },
};
