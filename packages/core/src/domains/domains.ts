import { generateToken } from '@foyer/auth';
import { schema, sql, system, type TenantDomainRow } from '@foyer/db';
import { normaliseHostname } from '@foyer/names';
import { z } from 'zod';
import type { Deps } from '../context';
import { adminOf, type Ctx, createCtx, record, siteOf, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { parseInput } from '../input';
import type { NotificationEvent } from '../notifications/events';
import { notifyInApp } from '../notifications/in-app';

const { users } = schema;

/** The label under the custom domain whose TXT record proves the agency controls it. */
export const DOMAIN_CHALLENGE_LABEL = '_foyer-challenge';
/** What the TXT record holds, before the tenant's token. */
export const DOMAIN_TXT_PREFIX = 'foyer-verification=';
/** Verified domains are looked at again once they were last checked this long ago. */
export const DOMAIN_RECHECK_AFTER_MS = 6 * 60 * 60 * 1000;

const DOMAIN_ADMINS_ONLY = 'Only admins manage the custom domain.';

export type DomainStatus = 'pending' | 'verified' | 'failed';

/** A DNS record the agency creates at its DNS provider. */
export interface DnsRecordToCreate {
  type: 'CNAME' | 'TXT';
  name: string;
  value: string;
  /** What the record is for, in a few words. */
  purpose: string;
}

export interface CustomDomain {
  hostname: string;
  /** pending: never checked successfully yet; failed: the last check did not find the token. */
  status: DomainStatus;
  verifiedAt: Date | null;
  lastCheckedAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  records: DnsRecordToCreate[];
}

export interface DomainCheck {
  /** Whether the TXT token was found and the domain is now served. */
  verified: boolean;
  /** Whether the CNAME points at the tenant's platform address. */
  cnameOk: boolean;
  /** One sentence per missing or wrong record; empty when everything is in place. */
  problems: string[];
  domain: CustomDomain;
}

/** `<slug>.<platform domain>`: where the agency's CNAME points. */
export function cnameTargetFor(deps: Pick<Deps, 'platformDomain'>, slug: string): string {
  return `${slug}.${deps.platformDomain}`;
}

export function challengeNameFor(hostname: string): string {
  return `${DOMAIN_CHALLENGE_LABEL}.${hostname}`;
}

function describe(deps: Deps, slug: string, row: TenantDomainRow): CustomDomain {
  return {
    hostname: row.hostname,
    status: row.verifiedAt ? 'verified' : row.lastError ? 'failed' : 'pending',
    verifiedAt: row.verifiedAt,
    lastCheckedAt: row.lastCheckedAt,
    lastError: row.lastError,
    createdAt: row.createdAt,
    records: [
      {
        type: 'CNAME',
        name: row.hostname,
        value: cnameTargetFor(deps, slug),
        purpose: 'Sends visitors of the domain to your portal.',
      },
      {
        type: 'TXT',
        name: challengeNameFor(row.hostname),
        value: `${DOMAIN_TXT_PREFIX}${row.verificationToken}`,
        purpose: 'Proves the domain is yours.',
      },
    ],
  };
}

/**
 * The hostname an admin typed, lower-cased and trimmed (a pasted URL is reduced to its host), or
 * the reason it cannot be a custom domain.
 */
export function normaliseCustomDomain(
  raw: string,
  platformDomain: string,
): { hostname: string } | { problem: string } {
  let host = raw.trim().toLowerCase();
  if (host === '') return { problem: 'Enter the domain, such as portal.youragency.com.' };
  // People paste what their browser shows: keep the host of a URL.
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(host)) {
    try {
      host = new URL(host).hostname;
    } catch {
      return { problem: 'Enter just the domain, such as portal.youragency.com.' };
    }
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.length > 253) return { problem: 'A domain can be at most 253 characters long.' };
  if (/[/:?#@\s]/.test(host)) return { problem: 'Enter just the domain, such as portal.youragency.com.' };
  if (host.startsWith('[') || /^[0-9.]+$/.test(host) || host.includes(':')) {
    return { problem: 'Enter a domain name, not an IP address.' };
  }
  const labels = host.split('.');
  if (labels.length < 2) return { problem: 'Enter a full domain with a dot, such as portal.youragency.com.' };
  if (normaliseHostname(host) !== host) {
    return {
      problem:
        'A domain may use only letters, digits and hyphens between its dots, such as portal.youragency.com.',
    };
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) {
    return { problem: 'Enter a domain name, not an IP address.' };
  }
  if (labels.includes('localhost') || host.endsWith('.local') || host.endsWith('.internal')) {
    return { problem: 'Enter a public domain; local names cannot be reached by your clients.' };
  }
  const platform = platformDomain.toLowerCase();
  if (host === platform || host.endsWith(`.${platform}`)) {
    return { problem: `Your portal already has an address under ${platform}; enter a domain of your own.` };
  }
  return { hostname: host };
}

async function current(deps: Deps, tenantId: string): Promise<TenantDomainRow | null> {
  const [row] = await system.domains.ofTenant(deps.db, tenantId);
  return row ?? null;
}

/*
 * Domains live in `platform.domains`, which only the `app_system` functions change (the login
 * role calls them on `ctx.deps.db`, each in its own statement): a claim must see every tenant's.
 * So a verb here changes the domain first and then records what it did in its own transaction.
 */

/** The tenant's custom domain with the records to create, or null when it has none. */
export async function getDomain({ ctx }: { ctx: Ctx }): Promise<CustomDomain | null> {
  const actor = adminOf(ctx, DOMAIN_ADMINS_ONLY);
  // A read: nothing is recorded.
  const row = await current(ctx.deps, actor.tenantId);
  return row ? describe(ctx.deps, siteOf(ctx).tenant.slug, row) : null;
}

const hostnameInput = z.object({ hostname: z.string().max(2048, 'Use at most 2048 characters.') });

/**
 * Claims a custom domain for the tenant and returns the records to create. It is served only once
 * `verifyDomain` finds the TXT token. A tenant has one custom domain: a new one replaces an
 * unverified one; a verified one must be removed first. Other tenants' unverified claims of the
 * same hostname are left alone (each has its own token): whoever verifies first owns it.
 */
export async function addDomain({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { hostname: string };
}): Promise<CustomDomain> {
  const actor = adminOf(ctx, DOMAIN_ADMINS_ONLY);
  const site = siteOf(ctx);
  const parsed = normaliseCustomDomain(parseInput(hostnameInput, input).hostname, ctx.deps.platformDomain);
  if ('problem' in parsed) throw invalid({ hostname: parsed.problem });
  const { hostname } = parsed;
  const outcome = await system.domains.claim(ctx.deps.db, {
    tenantId: actor.tenantId,
    hostname,
    token: generateToken(),
  });
  if (outcome === 'taken') {
    throw invalid(
      { hostname: `${hostname} is already connected to another portal.` },
      'That domain is in use elsewhere. If it is yours, contact support.',
    );
  }
  if (outcome === 'has_verified') {
    throw new CoreError(
      'conflict',
      'Your portal already has a verified domain. Remove it first to connect another one.',
    );
  }
  // The claim is committed already (see above): cached lookups go at once.
  ctx.deps.tenantChanged(actor.tenantId);
  const row = await current(ctx.deps, actor.tenantId);
  if (!row || row.hostname !== hostname)
    throw new CoreError('conflict', 'The domain changed meanwhile; try again.');
  await transact(ctx, (ctx) =>
    record(ctx, { verb: 'domain.add', subject: { type: 'domain', id: null }, data: { hostname } }),
  );
  return describe(ctx.deps, site.tenant.slug, row);
}

const normaliseName = (name: string) => normaliseHostname(name) ?? name.trim().toLowerCase();

/** What DNS says about the two records, in sentences for the admin. */
async function inspect(
  deps: Deps,
  slug: string,
  row: TenantDomainRow,
): Promise<{ txtOk: boolean; txtProblem: string | null; cnameOk: boolean; cnameProblem: string | null }> {
  const challenge = challengeNameFor(row.hostname);
  const expected = `${DOMAIN_TXT_PREFIX}${row.verificationToken}`;
  const target = cnameTargetFor(deps, slug);
  const [txt, cname] = await Promise.all([
    deps.dns.resolveTxt(challenge),
    deps.dns.resolveCname(row.hostname).catch(() => null),
  ]);
  const values = txt.map((chunks) => chunks.join('').trim());
  const txtOk = values.includes(expected);
  let txtProblem: string | null = null;
  if (!txtOk) {
    const ours = values.filter((value) => value.startsWith(DOMAIN_TXT_PREFIX));
    txtProblem =
      values.length === 0
        ? `No TXT record at ${challenge} yet (DNS changes can take a while).`
        : ours.length > 0
          ? `The TXT record at ${challenge} holds ${ours[0]}, not ${expected}. Copy the value again.`
          : `The TXT record at ${challenge} does not hold ${expected} yet.`;
  }
  let cnameOk = false;
  let cnameProblem: string | null = null;
  if (cname === null) {
    cnameProblem = `We could not look up the CNAME record of ${row.hostname}; try again in a few minutes.`;
  } else {
    const targets = cname.map(normaliseName);
    cnameOk = targets.includes(target);
    if (!cnameOk) {
      cnameProblem =
        targets.length === 0
          ? `No CNAME record at ${row.hostname} yet: point it at ${target}.`
          : `${row.hostname} points at ${targets.join(', ')}, not ${target}.`;
    }
  }
  return { txtOk, txtProblem, cnameOk, cnameProblem };
}

/**
 * Tells a tenant's active admins in the bell about its domain. The worker writes it (nobody of
 * that tenant acts: the change came from another tenant's verification, or the scheduled check).
 */
async function tellAdmins(
  deps: Deps,
  tenantId: string,
  notice: { event: NotificationEvent; title: string; body: string },
): Promise<void> {
  const worker = createCtx(deps, { actor: { kind: 'worker', tenantId } });
  await transact(worker, async ({ tx }) => {
    const admins = await tx
      .select({ id: users.id })
      .from(users)
      .where(sql`${users.role} = 'admin' and ${users.status} = 'active'`);
    await notifyInApp(tx, {
      tenantId,
      userIds: admins.map((a) => a.id),
      link: '/admin/settings/domain',
      ...notice,
    });
  });
}

/**
 * Other tenants had claimed the hostname that was just verified: their claims lapsed, and their
 * admins hear of it in the bell rather than finding the domain gone from their settings.
 */
async function tellLapsed(deps: Deps, hostname: string, tenantIds: readonly string[]): Promise<void> {
  for (const tenantId of tenantIds) {
    deps.tenantChanged(tenantId);
    await tellAdmins(deps, tenantId, {
      event: 'domain-claim-lapsed',
      title: `${hostname} was connected to another portal`,
      body: 'Whoever controls its DNS verified it first, so your claim was removed. If the domain is yours, contact support.',
    });
  }
}

const lookupFailed = (hostname: string) =>
  `We could not reach DNS to check ${hostname}; try again in a few minutes.`;

/** What a check found, as the activity log names it. */
type CheckResult = 'verified' | 'not_found_in_dns' | 'lookup_failed';

/**
 * Checks DNS for the tenant's domain: the TXT token verifies it (and keeps it verified); the
 * CNAME is reported so the admin knows whether visitors will reach the portal.
 */
export async function verifyDomain({ ctx }: { ctx: Ctx }): Promise<DomainCheck> {
  const actor = adminOf(ctx, DOMAIN_ADMINS_ONLY);
  const { deps } = ctx;
  const slug = siteOf(ctx).tenant.slug;
  const row = await current(deps, actor.tenantId);
  if (!row) throw new CoreError('not_found', 'Add a domain first.');
  const recordCheck = (result: CheckResult) =>
    transact(ctx, (ctx) =>
      record(ctx, {
        verb: 'domain.verify',
        subject: { type: 'domain', id: null },
        data: { hostname: row.hostname, result },
      }),
    );
  let found: Awaited<ReturnType<typeof inspect>>;
  try {
    found = await inspect(deps, slug, row);
  } catch {
    // The resolver itself failed: that says nothing about the records, so the domain is left
    // as it was; the attempt is still the admin's action.
    await recordCheck('lookup_failed');
    return {
      verified: row.verifiedAt !== null,
      cnameOk: false,
      problems: [lookupFailed(row.hostname)],
      domain: describe(deps, slug, row),
    };
  }
  const key = { tenantId: actor.tenantId, hostname: row.hostname, token: row.verificationToken };
  if (found.txtOk) {
    const verified = await system.domains.markVerified(deps.db, key);
    if (verified.outcome === 'taken') {
      throw new CoreError(
        'conflict',
        `${row.hostname} was verified by another portal first. If the domain is yours, contact support.`,
      );
    }
    if (verified.outcome === 'gone') throw new CoreError('not_found', 'The domain was removed meanwhile.');
    await tellLapsed(deps, row.hostname, verified.lapsed);
  } else {
    const failed = await system.domains.recordCheckFailed(deps.db, {
      ...key,
      error: found.txtProblem ?? 'TXT record missing',
    });
    if (failed === null) throw new CoreError('not_found', 'The domain was removed meanwhile.');
  }
  deps.tenantChanged(actor.tenantId);
  await recordCheck(found.txtOk ? 'verified' : 'not_found_in_dns');
  const after = (await current(deps, actor.tenantId)) ?? row;
  const problems = [found.txtProblem, found.cnameProblem].filter((p): p is string => p !== null);
  return {
    verified: found.txtOk,
    cnameOk: found.cnameOk,
    problems,
    domain: describe(deps, slug, after),
  };
}

/** Disconnects the custom domain: the portal answers on its platform address again at once. */
export async function removeDomain({ ctx, input }: { ctx: Ctx; input: { hostname: string } }): Promise<void> {
  const actor = adminOf(ctx, DOMAIN_ADMINS_ONLY);
  const hostname = parseInput(hostnameInput, input).hostname.trim().toLowerCase();
  const removed = await system.domains.removeClaim(ctx.deps.db, { tenantId: actor.tenantId, hostname });
  if (!removed) throw new CoreError('not_found', 'That domain is not connected to your portal.');
  ctx.deps.tenantChanged(actor.tenantId);
  await transact(ctx, (ctx) =>
    record(ctx, { verb: 'domain.remove', subject: { type: 'domain', id: null }, data: { hostname } }),
  );
}

export interface ReverificationResult {
  checked: number;
  /** Domains whose token was gone: no longer served, their admins told. */
  unverified: string[];
  /** Domains DNS could not be asked about this time; left as they were. */
  lookupFailures: string[];
}

/**
 * The scheduled re-verification: every verified domain last checked `recheckAfterMs` ago is
 * checked again; one whose TXT token is gone stops being served and the tenant's active admins
 * hear of it in the bell. A resolver failure changes nothing (it is no evidence either way).
 *
 * The worker's job, not a request's: it takes the dependencies, works across tenants through
 * the `app_system` functions, and writes each tenant's notices as that tenant's worker. Nobody
 * acted, so nothing is recorded in the activity log.
 */
export async function reverifyDomains(
  deps: Deps,
  options: { recheckAfterMs?: number; limit?: number; tenantIds?: readonly string[] | null } = {},
): Promise<ReverificationResult> {
  const checkedBefore = new Date(deps.now().getTime() - (options.recheckAfterMs ?? DOMAIN_RECHECK_AFTER_MS));
  const due = await system.domains.dueForCheck(deps.db, {
    checkedBefore,
    limit: options.limit ?? 200,
    tenantIds: options.tenantIds ?? null,
  });
  const result: ReverificationResult = { checked: 0, unverified: [], lookupFailures: [] };
  for (const domain of due) {
    const key = { tenantId: domain.tenantId, hostname: domain.hostname, token: domain.verificationToken };
    const expected = `${DOMAIN_TXT_PREFIX}${domain.verificationToken}`;
    let values: string[];
    try {
      values = (await deps.dns.resolveTxt(challengeNameFor(domain.hostname))).map((c) => c.join('').trim());
    } catch {
      result.lookupFailures.push(domain.hostname);
      continue;
    }
    result.checked += 1;
    if (values.includes(expected)) {
      const verified = await system.domains.markVerified(deps.db, key);
      if (verified.outcome === 'verified') await tellLapsed(deps, domain.hostname, verified.lapsed);
      continue;
    }
    const error = `The TXT record at ${challengeNameFor(domain.hostname)} is gone, so ${domain.hostname} stopped serving your portal. Add it again and verify.`;
    const wasVerified = await system.domains.recordCheckFailed(deps.db, { ...key, error });
    if (wasVerified !== true) continue;
    result.unverified.push(domain.hostname);
    deps.tenantChanged(domain.tenantId);
    await tellAdmins(deps, domain.tenantId, {
      event: 'domain-unverified',
      title: `${domain.hostname} is no longer connected`,
      body: `Its DNS verification record is gone, so your portal answers only on ${cnameTargetFor(deps, domain.tenantSlug)} for now.`,
    });
  }
  return result;
}
