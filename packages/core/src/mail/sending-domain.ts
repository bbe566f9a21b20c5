import { eq, schema } from '@foyer/db';
import { isWithin, normaliseHostname } from '@foyer/names';
import { Resend } from 'resend';
import { z } from 'zod';
import type { Deps, TenantSite } from '../context';
import { adminOf, type Ctx, record, siteOf, type TxCtx, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { parseInput } from '../input';
import { type EmailSettingsRow, senderFor, sendingDomainAddress } from './delivery';
import { EMAIL_ADMINS_ONLY } from './settings';

const { emailSettings } = schema;

/** Shown wherever sending domains are offered on a platform without a Resend account. */
export const SENDING_DOMAIN_NEEDS_RESEND =
  'Sending from your own domain needs the platform’s email service account, which this installation does not have. Ask your platform operator to set it up.';

/** Resend's words for a domain and its records; only `verified` changes the From: address. */
export type SendingDomainStatus =
  | 'not_started'
  | 'pending'
  | 'verified'
  | 'failed'
  | 'partially_verified'
  | 'partially_failed'
  | 'temporary_failure';

/** One DNS record the agency must create, as Resend asked for it. */
export interface SendingDomainRecord {
  /** What it is for: SPF, DKIM… */
  purpose: string;
  type: string;
  name: string;
  value: string;
  ttl: string;
  priority: number | null;
  status: string;
}

export interface SendingDomain {
  domain: string;
  status: string;
  verified: boolean;
  records: SendingDomainRecord[];
  checkedAt: Date | null;
  /** The address mail comes from once the domain is verified. */
  address: string;
}

/** What the admin page shows: whether the feature is available, the domain, and today's From:. */
export interface SendingDomainState {
  available: boolean;
  /** Why it is not available, when it is not. */
  unavailableReason: string | null;
  domain: SendingDomain | null;
  /** The From: recipients see today with the saved settings. */
  currentFrom: { name: string; address: string };
  delivery: EmailSettingsRow['delivery'];
}

/** Top-level names that never reach the public DNS, so Resend could never verify them. */
const RESERVED_TLDS = new Set([
  'localhost',
  'local',
  'test',
  'invalid',
  'example',
  'internal',
  'onion',
  'arpa',
]);

/** A sending domain as typed, checked and normalised (lower case, ASCII), or field errors. */
export function normaliseSendingDomain(deps: Deps, raw: string): string {
  const typed = raw.trim().replace(/\.$/, '');
  const fail = (message: string) => invalid({ domain: message }, message);
  if (!typed) throw fail('Enter the domain your email should come from, e.g. youragency.com.');
  if (/[\s@/:]/.test(typed))
    throw fail('Enter just the domain, e.g. youragency.com, without an address or link.');
  const ascii = normaliseHostname(typed) ?? '';
  const labels = ascii.split('.');
  const tld = labels.at(-1) ?? '';
  if (!ascii || labels.length < 2 || !/^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(tld)) {
    throw fail('Enter a domain name such as youragency.com.');
  }
  if (RESERVED_TLDS.has(tld)) throw fail('Use a public domain: this one cannot receive DNS records.');
  const platform = deps.platformDomain.toLowerCase();
  const platformMail = deps.mail.from.split('@').at(-1)?.toLowerCase() ?? '';
  if (isWithin(ascii, platform) || (platformMail && isWithin(ascii, platformMail))) {
    throw fail('Use a domain of your own, not the platform’s.');
  }
  return ascii;
}

function requireResend(deps: Deps): Resend {
  if (!deps.mail.resend) throw new CoreError('conflict', SENDING_DOMAIN_NEEDS_RESEND, {});
  const { apiKey, baseUrl } = deps.mail.resend;
  return new Resend(apiKey, baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, '') } : undefined);
}

const UNREACHABLE = 'The email service could not be reached. Try again in a minute.';
const TIMEOUT_MS = 20_000;

/** The SDK answers `{ data, error }`; a thrown error means no answer at all. */
async function call<T>(
  work: (signal: AbortSignal) => Promise<{ data: T; error: null } | { data: null; error: ResendError }>,
): Promise<{ data: T; error: null } | { data: null; error: ResendError }> {
  try {
    return await work(AbortSignal.timeout(TIMEOUT_MS));
  } catch {
    throw new CoreError('conflict', UNREACHABLE);
  }
}

interface ResendError {
  message: string;
  statusCode: number | null;
  name: string;
}

/** Names that describe the platform's account, not the domain: the agency can do nothing. */
const PLATFORM_PROBLEMS = new Set([
  'missing_api_key',
  'invalid_api_key',
  'restricted_api_key',
  'invalid_access',
]);

/** A refusal of this request (say, a domain registered elsewhere), not an outage. */
const isRefusal = (error: ResendError) =>
  typeof error.statusCode === 'number' &&
  error.statusCode >= 400 &&
  error.statusCode < 500 &&
  error.statusCode !== 408 &&
  error.statusCode !== 429 &&
  !PLATFORM_PROBLEMS.has(error.name);

/** Resend's records as the page shows them; anything unexpected in the answer is dropped. */
function recordsOf(raw: unknown): SendingDomainRecord[] {
  if (!Array.isArray(raw)) return [];
  const text = (value: unknown) =>
    typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  return raw
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
    .map((r) => ({
      purpose: text(r.record ?? r.purpose),
      type: text(r.type),
      name: text(r.name),
      value: text(r.value),
      ttl: text(r.ttl),
      priority: typeof r.priority === 'number' ? r.priority : null,
      status: text(r.status) || 'not_started',
    }))
    .filter((r) => r.type && r.name && r.value);
}

function toDomain(row: EmailSettingsRow | undefined): SendingDomain | null {
  if (!row?.sendingDomain) return null;
  const status = row.sendingDomainStatus ?? 'not_started';
  return {
    domain: row.sendingDomain,
    status,
    verified: status === 'verified',
    records: recordsOf(row.sendingDomainRecords),
    checkedAt: row.sendingDomainCheckedAt,
    address: sendingDomainAddress(row.sendingDomain),
  };
}

function toState(deps: Deps, site: TenantSite, row: EmailSettingsRow | undefined): SendingDomainState {
  return {
    available: deps.mail.resend !== null,
    unavailableReason: deps.mail.resend ? null : SENDING_DOMAIN_NEEDS_RESEND,
    domain: toDomain(row),
    currentFrom: senderFor(deps, site, row ?? null).from,
    delivery: row?.delivery ?? 'platform',
  };
}

const readSettings = (ctx: Ctx) =>
  transact(ctx, async ({ tx }) => (await tx.select().from(emailSettings))[0]);

/** The state after a change, in the change's transaction. */
const stateIn = async (ctx: TxCtx, row: EmailSettingsRow | undefined) =>
  toState(ctx.deps, siteOf(ctx), row ?? (await readSettings(ctx)));

/*
 * Resend is asked outside any transaction (it can take seconds); what it answered is then stored,
 * and recorded, in one.
 */

/** The agency's sending domain, if any, and the From: address in use. Admin only. */
export async function getSendingDomain({ ctx }: { ctx: Ctx }): Promise<SendingDomainState> {
  adminOf(ctx, EMAIL_ADMINS_ONLY);
  // A read: nothing is recorded.
  return toState(ctx.deps, siteOf(ctx), await readSettings(ctx));
}

const domainInput = z.object({ domain: z.string().max(2048, 'Use at most 2048 characters.') });

/**
 * Registers the domain with the platform's Resend account and keeps the DNS records it asks
 * for. One domain per agency: another must be removed first.
 */
export async function addSendingDomain({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { domain: string };
}): Promise<SendingDomainState> {
  const actor = adminOf(ctx, EMAIL_ADMINS_ONLY);
  const { deps } = ctx;
  if (!deps.mail.resend) throw invalid({ domain: SENDING_DOMAIN_NEEDS_RESEND }, SENDING_DOMAIN_NEEDS_RESEND);
  const domain = normaliseSendingDomain(deps, parseInput(domainInput, input).domain);
  const existing = await readSettings(ctx);
  if (existing?.sendingDomain) {
    throw new CoreError('conflict', `Remove ${existing.sendingDomain} before adding another sending domain.`);
  }
  const resend = requireResend(deps);
  const created = await call((signal) => resend.domains.create({ name: domain }, { signal }));
  if (created.error) {
    if (isRefusal(created.error)) {
      const message = `The email service refused ${domain}: ${created.error.message}`.slice(0, 300);
      throw invalid({ domain: message }, message);
    }
    throw new CoreError('conflict', UNREACHABLE);
  }
  const values = {
    sendingDomain: domain,
    resendDomainId: created.data.id,
    sendingDomainStatus: created.data.status,
    sendingDomainRecords: created.data.records,
    sendingDomainCheckedAt: deps.now(),
    updatedAt: deps.now(),
  };
  try {
    return await transact(ctx, async (ctx) => {
      const [row] = await ctx.tx
        .insert(emailSettings)
        .values({ tenantId: actor.tenantId, ...values })
        .onConflictDoUpdate({ target: emailSettings.tenantId, set: values })
        .returning();
      await record(ctx, {
        verb: 'sending_domain.add',
        data: { domain, status: created.data.status },
      });
      return stateIn(ctx, row);
    });
  } catch (error) {
    // Not kept here, so not left behind on the platform's account either.
    await resend.domains.remove(created.data.id).catch(() => {});
    throw error;
  }
}

/**
 * Asks Resend to check the DNS records again and stores what it says. Verification runs on
 * Resend's side and may take a few minutes, so a check right after creating the records can
 * still say pending.
 */
export async function checkSendingDomain({ ctx }: { ctx: Ctx }): Promise<SendingDomainState> {
  adminOf(ctx, EMAIL_ADMINS_ONLY);
  const { deps } = ctx;
  const resend = requireResend(deps);
  const row = await readSettings(ctx);
  const id = row?.resendDomainId;
  if (!row?.sendingDomain || !id) throw new CoreError('not_found', 'There is no sending domain to check.');
  const gone = () =>
    new CoreError(
      'conflict',
      `The email service no longer knows ${row.sendingDomain}. Remove it and add it again.`,
    );
  const verified = await call((signal) => resend.domains.verify(id, { signal }));
  if (verified.error) {
    if (verified.error.statusCode === 404) throw gone();
    if (!isRefusal(verified.error)) throw new CoreError('conflict', UNREACHABLE);
  }
  const got = await call((signal) => resend.domains.get(id, { signal }));
  if (got.error) throw got.error.statusCode === 404 ? gone() : new CoreError('conflict', UNREACHABLE);
  const values = {
    sendingDomainStatus: got.data.status,
    sendingDomainRecords: got.data.records,
    sendingDomainCheckedAt: deps.now(),
    updatedAt: deps.now(),
  };
  return transact(ctx, async (ctx) => {
    const [updated] = await ctx.tx
      .update(emailSettings)
      .set(values)
      .where(eq(emailSettings.resendDomainId, id))
      .returning();
    await record(ctx, {
      verb: 'sending_domain.check',
      data: { domain: row.sendingDomain, status: got.data.status },
    });
    // Removed while Resend was being asked: the removal stands.
    return stateIn(ctx, updated);
  });
}

/** Deletes the domain from Resend and forgets it; mail goes back to the platform's address. */
export async function removeSendingDomain({ ctx }: { ctx: Ctx }): Promise<SendingDomainState> {
  adminOf(ctx, EMAIL_ADMINS_ONLY);
  const { deps } = ctx;
  const resend = requireResend(deps);
  const row = await readSettings(ctx);
  const id = row?.resendDomainId;
  if (!row?.sendingDomain || !id) throw new CoreError('not_found', 'There is no sending domain to remove.');
  const removed = await call((signal) => resend.domains.remove(id, { signal }));
  // Already gone on Resend's side is as good as removed.
  if (removed.error && removed.error.statusCode !== 404) throw new CoreError('conflict', UNREACHABLE);
  return transact(ctx, async (ctx) => {
    const [updated] = await ctx.tx
      .update(emailSettings)
      .set({
        sendingDomain: null,
        resendDomainId: null,
        sendingDomainStatus: null,
        sendingDomainRecords: null,
        sendingDomainCheckedAt: null,
        updatedAt: deps.now(),
      })
      .where(eq(emailSettings.resendDomainId, id))
      .returning();
    await record(ctx, { verb: 'sending_domain.remove', data: { domain: row.sendingDomain } });
    return stateIn(ctx, updated);
  });
}
