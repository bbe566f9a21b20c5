import { schema, sql } from '@foyer/db';
import { z } from 'zod';
import { adminOf, type Ctx, PREVIEW_IS_READ_ONLY, record, transact } from '../ctx';
import { CoreError } from '../errors';
import { parseInput } from '../input';
import { flag } from '../tasks/common';

const { securitySettings } = schema;

const ADMINS_ONLY = 'Only admins change sign-in and privacy settings.';

/** A tenant's sign-in and privacy settings (Settings → Security). */
export interface SecuritySettings {
  requireTeamTwoFactor: boolean;
  googleSignIn: boolean;
  googleRegistration: boolean;
  activityRetentionDays: number;
}

export const SECURITY_DEFAULTS: SecuritySettings = {
  requireTeamTwoFactor: false,
  googleSignIn: false,
  googleRegistration: false,
  activityRetentionDays: 365,
};

export const securitySettingsInput = z.object({
  requireTeamTwoFactor: flag,
  googleSignIn: flag,
  googleRegistration: flag,
  activityRetentionDays: z.coerce
    .number('Enter a number of days.')
    .int('Enter a whole number of days.')
    .min(1, 'Keep them at least 1 day.')
    .max(3650, 'Keep them at most 3650 days (10 years).'),
});

/** The tenant's settings as the team (or the worker) reads them; the defaults until an admin first saves. */
export async function getSecuritySettings({ ctx }: { ctx: Ctx }): Promise<SecuritySettings> {
  if (ctx.actor?.kind === 'client' || ctx.actor?.kind === 'visitor')
    throw new CoreError('forbidden', 'Only the team reads these settings.');
  return transact(ctx, async ({ tx }) => {
    const [row] = await tx.select().from(securitySettings).limit(1);
    if (!row) return { ...SECURITY_DEFAULTS };
    return {
      requireTeamTwoFactor: row.requireTeamTwoFactor,
      googleSignIn: row.googleSignIn,
      googleRegistration: row.googleRegistration,
      activityRetentionDays: row.activityRetentionDays,
    };
  });
}

/** Saves Settings → Security, with one activity entry naming what was chosen. */
export async function saveSecuritySettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof securitySettingsInput>;
}): Promise<void> {
  const me = adminOf(ctx, ADMINS_ONLY);
  if (ctx.previewBy) throw new CoreError('forbidden', PREVIEW_IS_READ_ONLY);
  const values = parseInput(securitySettingsInput, input);
  await transact(ctx, async (ctx) => {
    await ctx.tx
      .insert(securitySettings)
      .values({ tenantId: me.tenantId, ...values })
      .onConflictDoUpdate({ target: securitySettings.tenantId, set: { ...values, updatedAt: sql`now()` } });
    await record(ctx, {
      verb: 'security_settings.update',
      subject: { type: 'security_settings', id: null },
      data: values,
    });
  });
}
