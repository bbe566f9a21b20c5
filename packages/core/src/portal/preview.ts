import { and, eq, schema, sql } from '@foyer/db';
import { z } from 'zod';
import { adminOf, type Ctx, record, type TxCtx, transact } from '../ctx';
import { CoreError } from '../errors';
import { id, parseInput } from '../input';

const { clients, users } = schema;

export const PREVIEW_ADMINS_ONLY = 'Only admins can preview the portal as a client.';
const NO_SUCH_CLIENT = 'That client doesn’t exist, or has been deactivated.';

/** The client an admin previews the portal as: their actor's fields and how the banner names them. */
export interface PreviewTarget {
  userId: string;
  clientId: string;
  name: string;
  email: string;
  companyName: string;
}

const previewInput = z.object({ clientId: id('client') });

/** An active (or invited, not yet accepted) client of this tenant, read as the admin. */
async function targetOf(ctx: TxCtx, userId: string): Promise<PreviewTarget | null> {
  const [row] = await ctx.tx
    .select({
      userId: users.id,
      clientId: clients.id,
      name: users.name,
      email: users.email,
      companyName: clients.name,
    })
    .from(users)
    .innerJoin(clients, and(eq(clients.tenantId, users.tenantId), eq(clients.id, users.clientId)))
    .where(and(eq(users.id, userId), sql`${users.role} = 'client'`, sql`${users.status} = 'active'`));
  return row ?? null;
}

/**
 * Starts a preview: checks the client and records the ADMIN's own audit entry (`client.preview`,
 * which also ticks the dashboard's checklist). The caller keeps the client id (a cookie) and
 * builds the client's read-only context with `previewBy` from what this returns.
 */
export async function startPreview({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { clientId: string };
}): Promise<PreviewTarget> {
  adminOf(ctx, PREVIEW_ADMINS_ONLY);
  const { clientId } = parseInput(previewInput, input);
  return transact(ctx, async (ctx) => {
    const target = await targetOf(ctx, clientId);
    if (!target) throw new CoreError('not_found', NO_SUCH_CLIENT);
    await record(ctx, {
      verb: 'client.preview',
      subject: { type: 'user', id: target.userId },
      data: { name: target.name, company: target.companyName },
    });
    return target;
  });
}

/**
 * The client a preview in progress shows, checked again on every request (a deactivated client
 * or a demoted admin ends it); null when the preview can no longer go on. A read: nothing recorded.
 */
export async function previewTarget({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { clientId: string };
}): Promise<PreviewTarget | null> {
  if (ctx.actor?.kind !== 'admin') return null;
  const parsed = previewInput.safeParse(input);
  if (!parsed.success) return null;
  return transact(ctx, (ctx) => targetOf(ctx, parsed.data.clientId));
}

const candidatesInput = z.object({ q: z.string().trim().max(200).optional() });

/** How many clients the picker lists at once; a search narrows the rest down. */
export const PREVIEW_CANDIDATES_LIMIT = 50;

/**
 * The clients an admin may preview as, by company then name: at most PREVIEW_CANDIDATES_LIMIT,
 * narrowed by `q` (a part of the name, email or company). `more` says whether others match.
 */
export async function previewCandidates({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: { q?: string };
}): Promise<{ clients: PreviewTarget[]; more: boolean }> {
  adminOf(ctx, PREVIEW_ADMINS_ONLY);
  const { q } = parseInput(candidatesInput, input);
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await transact(ctx, ({ tx }) =>
    tx
      .select({
        userId: users.id,
        clientId: clients.id,
        name: users.name,
        email: users.email,
        companyName: clients.name,
      })
      .from(users)
      .innerJoin(clients, and(eq(clients.tenantId, users.tenantId), eq(clients.id, users.clientId)))
      .where(
        and(
          sql`${users.role} = 'client'`,
          sql`${users.status} = 'active'`,
          pattern
            ? sql`(${users.name} ilike ${pattern} or ${users.email} ilike ${pattern} or ${clients.name} ilike ${pattern})`
            : undefined,
        ),
      )
      .orderBy(sql`lower(${clients.name})`, sql`lower(${users.name})`, users.id)
      .limit(PREVIEW_CANDIDATES_LIMIT + 1),
  );
  return { clients: rows.slice(0, PREVIEW_CANDIDATES_LIMIT), more: rows.length > PREVIEW_CANDIDATES_LIMIT };
}
