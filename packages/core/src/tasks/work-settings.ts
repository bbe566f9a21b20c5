import { schema, sql } from '@foyer/db';
import { z } from 'zod';
import { adminOf, type Ctx, record, transact } from '../ctx';
import { parseInput } from '../input';

const { workSettings } = schema;

export interface WorkSettings {
  /** Whether clients see who is assigned to the tasks they can see. */
  clientsSeeAssignees: boolean;
}

export const workSettingsInput = z.object({
  clientsSeeAssignees: z.boolean('Choose whether clients see who is assigned.'),
});

/** The tenant's work settings (the defaults until an admin first saves them). */
export async function getWorkSettings({ ctx }: { ctx: Ctx }): Promise<WorkSettings> {
  adminOf(ctx, 'Only admins see the work settings.');
  return transact(ctx, async ({ tx }) => {
    const [row] = await tx
      .select({ clientsSeeAssignees: workSettings.clientsSeeAssignees })
      .from(workSettings);
    return { clientsSeeAssignees: row?.clientsSeeAssignees ?? false };
  });
}

/** Saves the work settings; a change applies to clients on their next request. */
export async function updateWorkSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof workSettingsInput>;
}): Promise<WorkSettings> {
  const actor = adminOf(ctx, 'Only admins change the work settings.');
  const data = parseInput(workSettingsInput, input);
  return transact(ctx, async (ctx) => {
    const [before] = await ctx.tx
      .select({ clientsSeeAssignees: workSettings.clientsSeeAssignees })
      .from(workSettings);
    await ctx.tx
      .insert(workSettings)
      .values({ tenantId: actor.tenantId, clientsSeeAssignees: data.clientsSeeAssignees })
      .onConflictDoUpdate({
        target: workSettings.tenantId,
        set: { clientsSeeAssignees: data.clientsSeeAssignees, updatedAt: sql`now()` },
      });
    await record(ctx, {
      verb: 'work_settings.update',
      subject: { type: 'work_settings', id: null },
      data: {
        clientsSeeAssignees: { from: before?.clientsSeeAssignees ?? false, to: data.clientsSeeAssignees },
      },
    });
    return { clientsSeeAssignees: data.clientsSeeAssignees };
  });
}
