import { type ActingAs, schema, sql, type TenantActor, type Tx, withActor } from '@foyer/db';
import type { ClientInfo, Deps, TenantSite } from './context';
import { CoreError, sqlState } from './errors';

const READ_ONLY_TRANSACTION = '25006';

/** What a change attempted while an admin previews the portal as a client is told. */
export const PREVIEW_IS_READ_ONLY = 'This is a preview of the client’s portal: nothing can be changed here.';

/**
 * What every verb is called with: the dependencies, who acts (their tenant inside the actor,
 * once), the tenant's site, where the request came from, and, inside a verb, the open
 * transaction. A verb is `verb({ ctx, input })`; it runs its work through `transact`, so a verb
 * called by another verb joins the caller's transaction and both commit once or not at all.
 */
export interface Ctx {
  readonly deps: Deps;
  /** Who acts; null for a visitor who is not signed in (sign-in, sign-up, reset pages). */
  readonly actor: ActingAs | null;
  /** The tenant as its host shows it; null on the platform host and outside requests. */
  readonly site: TenantSite | null;
  /** Where the request came from, recorded with activity; null for the worker and the CLI. */
  readonly client: ClientInfo | null;
  /** The operator behind an impersonation, recorded with activity; null otherwise. */
  readonly operatorId: string | null;
  /**
   * An admin previewing the portal as a client: the client acts, in read-only transactions, so
   * the preview can change nothing and leaves nothing on the client's side. Null otherwise.
   */
  readonly previewBy: string | null;
  /** The open transaction; null until `transact` opens one. */
  readonly tx: Tx | null;
  /**
   * 0 in the outermost verb's transaction, 1 and more in the verbs it calls; -1 in a transaction
   * the request opened itself, whose first verb is the outermost.
   */
  readonly depth: number;
  /** Effects that wait for COMMIT, shared by every verb in the transaction. */
  readonly afterCommit: AfterCommit[] | null;
}

/** A context inside a transaction. */
export interface TxCtx extends Ctx {
  readonly tx: Tx;
  readonly afterCommit: AfterCommit[];
}

type AfterCommit = () => unknown;

export interface CtxFields {
  actor?: ActingAs | null;
  site?: TenantSite | null;
  client?: ClientInfo | null;
  operatorId?: string | null;
  previewBy?: string | null;
}

/** A context outside any transaction: what the server builds once per request (or job). */
export function createCtx(deps: Deps, fields: CtxFields = {}): Ctx {
  return {
    deps,
    actor: fields.actor ?? null,
    site: fields.site ?? null,
    client: fields.client ?? null,
    operatorId: fields.operatorId ?? null,
    previewBy: fields.previewBy ?? null,
    tx: null,
    depth: 0,
    afterCommit: null,
  };
}

/** The same request acting as someone else (the person who just signed in, a visitor's record). */
export function actingAs(ctx: Ctx, actor: ActingAs): Ctx {
  if (ctx.tx) throw new Error('actingAs: a transaction is open; its actor cannot change');
  return { ...ctx, actor };
}

/** Reports an effect that failed after COMMIT; the server replaces it with its logger. */
let reportAfterCommitFailure = (error: unknown) => {
  console.error('an effect after commit failed', error);
};

export function onAfterCommitFailure(report: (error: unknown) => void): void {
  reportAfterCommitFailure = report;
}

/**
 * Runs `work` in `ctx`'s transaction, or opens one through `withActor` as `ctx.actor`. Effects
 * queued with `afterCommit` run once the outermost transaction has committed, in order; a
 * rollback drops them.
 */
export async function transact<T>(ctx: Ctx, work: (ctx: TxCtx) => Promise<T>): Promise<T> {
  if (ctx.tx && ctx.afterCommit) {
    return work({ ...ctx, tx: ctx.tx, afterCommit: ctx.afterCommit, depth: ctx.depth + 1 });
  }
  const actor = ctx.actor;
  if (!actor) throw new Error('transact: nobody acts in this context (a visitor needs actingAs)');
  const effects: AfterCommit[] = [];
  const result = await withActor(ctx.deps.db.db, actor, async (tx) => {
    // Lowering a transaction to read-only is allowed after its first statement; raising it is not.
    if (ctx.previewBy) await tx.execute(sql`set transaction read only`);
    return work({ ...ctx, tx, afterCommit: effects, depth: 0 });
  }).catch((error: unknown) => {
    if (ctx.previewBy && sqlState(error) === READ_ONLY_TRANSACTION)
      throw new CoreError('forbidden', PREVIEW_IS_READ_ONLY);
    throw error;
  });
  await runAfterCommit(effects);
  return result;
}

/**
 * Runs a transaction the request opened itself rather than a verb (the API's, whose first
 * statement is the session lookup): the first verb inside it is the outermost and records.
 * `open` starts the transaction and names who acts in it.
 */
export async function requestTransaction<T>(
  ctx: Ctx,
  open: (run: (tx: Tx, actor: ActingAs) => Promise<T>) => Promise<T>,
  work: (ctx: TxCtx) => Promise<T>,
): Promise<T> {
  const effects: AfterCommit[] = [];
  const result = await open((tx, actor) => work({ ...ctx, actor, tx, afterCommit: effects, depth: -1 }));
  await runAfterCommit(effects);
  return result;
}

async function runAfterCommit(effects: AfterCommit[]): Promise<void> {
  for (const effect of effects) {
    try {
      await effect();
    } catch (error) {
      reportAfterCommitFailure(error);
    }
  }
}

/** Queues an effect (remove a stored object, push a realtime event) to run after COMMIT. */
export function afterCommit(ctx: TxCtx, effect: AfterCommit): void {
  ctx.afterCommit.push(effect);
}

/** One entry of the activity log. */
export interface ActivityEntry {
  /** `area.action`, e.g. `team.invite`. */
  verb: string;
  subject?: { type: string; id: string | null } | null;
  projectId?: string | null;
  /** What a reader needs to understand the entry; never secrets. */
  data?: Record<string, unknown>;
}

const USER_AGENT_MAX = 512;

/**
 * Records what a verb did, in its transaction: it commits with the change or not at all. Only the
 * outermost verb records; verbs it calls are part of the same action.
 */
export async function record(ctx: TxCtx, entry: ActivityEntry): Promise<void> {
  if (ctx.depth > 0 || ctx.previewBy) return;
  const actor = ctx.actor;
  if (!actor) throw new Error('record: nobody acts in this context');
  await ctx.tx.insert(schema.activity).values({
    tenantId: actor.tenantId,
    actorKind: actor.kind,
    actorId: 'userId' in actor ? actor.userId : null,
    operatorId: ctx.operatorId,
    verb: entry.verb,
    subjectType: entry.subject?.type ?? null,
    subjectId: entry.subject?.id ?? null,
    projectId: entry.projectId ?? null,
    ip: ctx.client?.ip || null,
    userAgent: ctx.client?.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
    data: actor.kind === 'apikey' ? { ...entry.data, keyId: actor.keyId } : (entry.data ?? {}),
  });
}

/** The tenant the context acts in. */
export function tenantIdOf(ctx: Ctx): string {
  if (!ctx.actor) throw new Error('tenantIdOf: nobody acts in this context');
  return ctx.actor.tenantId;
}

/** The tenant's site; verbs that build links or brand email need it. */
export function siteOf(ctx: Ctx): TenantSite {
  if (!ctx.site) throw new Error('siteOf: this context has no tenant site');
  return ctx.site;
}

export type Person = TenantActor & { kind: 'admin' | 'staff' | 'client'; userId: string };

/** The signed-in person acting; anyone else (the worker, an API key, a visitor) is refused. */
export function personOf(ctx: Ctx, what = 'Sign in first.'): Person {
  const actor = ctx.actor;
  if (!actor || (actor.kind !== 'admin' && actor.kind !== 'staff' && actor.kind !== 'client')) {
    throw new CoreError('forbidden', what);
  }
  return actor;
}

/** The acting agency admin, or a refusal saying what only admins may do. */
export function adminOf(ctx: Ctx, what = 'Only admins can do this.'): Person & { kind: 'admin' } {
  const actor = ctx.actor;
  if (actor?.kind !== 'admin') throw new CoreError('forbidden', what);
  return { ...actor, kind: 'admin' };
}

/** The acting team member (admin or staff). */
export function teamMemberOf(
  ctx: Ctx,
  what = 'Only the team can do this.',
): Person & { kind: 'admin' | 'staff' } {
  const actor = ctx.actor;
  if (actor?.kind !== 'admin' && actor?.kind !== 'staff') throw new CoreError('forbidden', what);
  return actor;
}
