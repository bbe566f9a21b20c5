import {
  type ClaimedEmail,
  eq,
  type NotificationDelivery,
  type SettleOutcome,
  schema,
  sql,
  system,
  withActor,
} from '@foyer/db';
import {
  type EmailBrand,
  type Envelope,
  isTemplateKey,
  renderEmail,
  type SendResult,
  smtpTransport,
  type Transport,
} from '@foyer/email';
import type { Deps, TenantSite } from '../context';
import { defaultDelivery } from '../notifications/events';
import {
  ACCOUNT_TEMPLATES,
  dailyLimitReached,
  nextUtcDay,
  UNVERIFIED_SUPPRESSED,
  workspaceVerified,
} from './policy';

/**
 * Attempts before a temporary failure becomes permanent: with the backoff below, the first ten
 * take about four hours and each later one six, so a message is given up after about a day.
 */
export const MAX_ATTEMPTS = 14;

/** Exponential backoff with jitter: 30 s, 1 min, 2 min … capped at 6 h. */
export function retryDelayMs(attempts: number, random = Math.random): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 6 * 60 * 60 * 1000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Purpose under which SMTP passwords are sealed. */
export const SMTP_PASSWORD_PURPOSE = 'smtp-password';

export type EmailSettingsRow = typeof schema.emailSettings.$inferSelect;

/** How a tenant's email looks: its brand, with links and the logo on its own host. */
export function emailBrand(site: TenantSite): EmailBrand {
  const { branding, tenant } = site;
  return {
    name: branding.displayName,
    origin: tenant.origin,
    logoUrl: branding.logoUrl ? new URL(branding.logoUrl, tenant.origin).toString() : null,
    primaryColor: branding.primaryColor,
    onPrimaryColor: branding.onPrimaryColor,
    accentColor: branding.accentColor,
    address: branding.contact.address,
    contactEmail: branding.contact.email,
    website: branding.contact.website,
  };
}

/** A path on the tenant's own host: `/` or `/x…`, never `//host` or `/\\host`. */
const SAME_ORIGIN_PATH = /^\/(?:$|[^/\\])/;

/**
 * A link variable (`…Url`) may be queued as a same-origin path (`/admin/tasks/…`) by whoever
 * cannot know the host, such as a database trigger; it is made absolute on the tenant's host.
 */
export function absoluteLinks(
  vars: Record<string, unknown>,
  origin: string,
  inList = false,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...vars };
  for (const [name, value] of Object.entries(vars)) {
    if (name.endsWith('Url') && typeof value === 'string' && SAME_ORIGIN_PATH.test(value))
      out[name] = new URL(value, origin).toString();
    // A list's items (a digest's, a summary's) carry their own links: one level down.
    else if (!inList && Array.isArray(value))
      out[name] = value.map((item) =>
        item && typeof item === 'object' && !Array.isArray(item)
          ? absoluteLinks(item as Record<string, unknown>, origin, true)
          : item,
      );
  }
  return out;
}

/**
 * The local part of the From: address on an agency's verified sending domain. Messages are
 * notifications that people answer through Reply-To, so a name that says what they are reads
 * better than `no-reply`, which tells recipients their answer is unwelcome.
 */
export const SENDING_DOMAIN_LOCAL_PART = 'notifications';

/** The address an agency sends from on its verified sending domain. */
export const sendingDomainAddress = (domain: string) => `${SENDING_DOMAIN_LOCAL_PART}@${domain}`;

/**
 * From: and Reply-To: for a tenant: always the agency's name, never the platform's. The address
 * is the agency's own SMTP From:, else `notifications@<its sending domain>` once Resend has
 * verified that domain (and the platform still sends through Resend), else the platform's.
 */
export function senderFor(deps: Deps, site: TenantSite, settings: EmailSettingsRow | null) {
  const name = settings?.senderName?.trim() || site.branding.displayName;
  let address = deps.mail.from;
  if (settings?.delivery === 'smtp' && settings.fromAddress) address = settings.fromAddress;
  else if (
    settings?.delivery !== 'smtp' &&
    deps.mail.resend &&
    settings?.sendingDomain &&
    settings.sendingDomainStatus === 'verified'
  ) {
    address = sendingDomainAddress(settings.sendingDomain);
  }
  return { from: { name, address }, replyTo: settings?.replyTo ?? null };
}

/**
 * Transports for tenants' own SMTP servers, kept while their settings are unchanged so a worker
 * reuses connections; the platform transport is shared.
 */
export class TransportCache {
  private readonly smtp = new Map<string, { stamp: number; transport: Transport }>();

  constructor(private readonly deps: Deps) {}

  /** The transport for these settings, or a message saying why there is none. */
  for(tenantId: string, settings: EmailSettingsRow | null): Transport | string {
    if (settings?.delivery !== 'smtp') return this.deps.mail.platform;
    const stamp = settings.updatedAt.getTime();
    const cached = this.smtp.get(tenantId);
    if (cached?.stamp === stamp) return cached.transport;
    if (cached) void cached.transport.close();
    const made = smtpFor(this.deps, settings);
    if (typeof made === 'string') return made;
    this.smtp.set(tenantId, { stamp, transport: made });
    return made;
  }

  async close(): Promise<void> {
    const all = [...this.smtp.values()];
    this.smtp.clear();
    await Promise.all(all.map((entry) => entry.transport.close()));
  }
}

/** An SMTP transport for a tenant's settings, or why it cannot be made. */
export function smtpFor(deps: Deps, settings: EmailSettingsRow): Transport | string {
  if (!settings.smtpHost || !settings.smtpPort || !settings.smtpSecurity)
    return 'SMTP settings are incomplete.';
  let password: string | undefined;
  if (settings.smtpPasswordSealed) {
    const opened = deps.mail.secrets.open(settings.smtpPasswordSealed, SMTP_PASSWORD_PURPOSE);
    if (opened === null)
      return 'The SMTP password cannot be read with this server’s secret key; enter it again.';
    password = opened;
  }
  return smtpTransport({
    host: settings.smtpHost,
    port: settings.smtpPort,
    security: settings.smtpSecurity,
    ...(settings.smtpUsername ? { username: settings.smtpUsername } : {}),
    ...(password !== undefined ? { password } : {}),
    allowPrivate: deps.mail.allowPrivateSmtp,
    pool: true,
  });
}

/** Stable per message, so a resend after a crash carries the same Message-ID. */
export const messageIdFor = (emailId: string, site: TenantSite) =>
  `<${emailId}@${new URL(site.tenant.origin).hostname}>`;

interface Loaded {
  settings: EmailSettingsRow | null;
  override: { subject: string; body: string } | null;
  recipient: { email: string; name: string; active: boolean } | null;
  /** How the recipient takes this email's event: a digest or off means it is not sent alone. */
  delivery: NotificationDelivery;
  /** An admin of the workspace has confirmed their address (see policy.ts). */
  verified: boolean;
}

async function load(deps: Deps, email: ClaimedEmail): Promise<Loaded> {
  // The worker's read, outside any request: it acts as the email's tenant's worker.
  return withActor(deps.db.db, { kind: 'worker', tenantId: email.tenantId }, async (tx) => {
    const [settings] = await tx.select().from(schema.emailSettings);
    const [override] = await tx
      .select({ subject: schema.emailTemplates.subject, body: schema.emailTemplates.body })
      .from(schema.emailTemplates)
      .where(eq(schema.emailTemplates.template, email.template));
    let recipient: Loaded['recipient'] = null;
    let delivery: NotificationDelivery = 'instant';
    if (email.userId) {
      const [user] = await tx
        .select({ email: schema.users.email, name: schema.users.name, status: schema.users.status })
        .from(schema.users)
        .where(eq(schema.users.id, email.userId));
      recipient = user ? { email: user.email, name: user.name, active: user.status === 'active' } : null;
      if (email.event) {
        const [preference] = await tx
          .select({ delivery: schema.notificationPreferences.delivery })
          .from(schema.notificationPreferences)
          .where(
            sql`${schema.notificationPreferences.userId} = ${email.userId} and ${schema.notificationPreferences.event} = ${email.event}`,
          );
        delivery = preference?.delivery ?? defaultDelivery(email.event);
      }
    }
    const verified = await workspaceVerified(tx);
    return { settings: settings ?? null, override: override ?? null, recipient, delivery, verified };
  });
}

/**
 * A temporary failure: due again after the backoff, or failed for good once the email has had
 * MAX_ATTEMPTS attempts.
 */
export function retryOrGiveUp(
  email: Pick<ClaimedEmail, 'attempts'>,
  error: string,
  now: Date,
  where: { recipient: string | null; transport: string | null } = { recipient: null, transport: null },
): SettleOutcome {
  if (email.attempts >= MAX_ATTEMPTS) {
    return { outcome: 'failed', ...where, error: `Gave up after ${email.attempts} attempts: ${error}` };
  }
  return {
    outcome: 'retry',
    ...where,
    error,
    retryAt: new Date(now.getTime() + retryDelayMs(email.attempts)),
  };
}

const outcomeOf = (
  result: SendResult,
  email: ClaimedEmail,
  recipient: string,
  transport: string,
  now: Date,
): SettleOutcome => {
  if (result.ok) return { outcome: 'sent', recipient, transport, response: result.response };
  if (result.permanent) return { outcome: 'failed', recipient, transport, error: result.error };
  return retryOrGiveUp(email, result.error, now, { recipient, transport });
};

/**
 * Renders and sends one claimed email under its tenant's context, and says how to settle it.
 * Never throws for the email's own problems (they become its outcome); a database error
 * propagates, and the lease makes the row due again. The worker's, not a verb: no request and
 * nobody acting, so it takes the dependencies and records no activity.
 */
export async function deliverEmail(
  deps: Deps,
  email: ClaimedEmail,
  transports: TransportCache,
): Promise<SettleOutcome> {
  const failed = (error: string, recipient: string | null = null): SettleOutcome => ({
    outcome: 'failed',
    recipient,
    transport: null,
    error,
  });
  const site = await deps.siteForSlug(email.tenantSlug);
  if (!site) return failed('The workspace no longer exists.');
  if (!isTemplateKey(email.template)) return failed(`Unknown template “${email.template}”.`);
  const loaded = await load(deps, email);
  const address = email.toAddress ?? loaded.recipient?.email ?? null;
  if (!address) return failed('The recipient no longer exists.');
  if (email.userId && !email.toAddress && loaded.recipient && !loaded.recipient.active) {
    return { outcome: 'suppressed', recipient: address, reason: 'The recipient’s account is deactivated.' };
  }
  if (loaded.delivery === 'off') {
    return { outcome: 'suppressed', recipient: address, reason: 'The recipient turned these emails off.' };
  }
  if (loaded.delivery === 'digest') {
    return { outcome: 'suppressed', recipient: address, reason: 'The recipient gets these in their digest.' };
  }
  if (!loaded.verified && !ACCOUNT_TEMPLATES.has(email.template)) {
    return { outcome: 'suppressed', recipient: address, reason: UNVERIFIED_SUPPRESSED };
  }
  const transport = transports.for(email.tenantId, loaded.settings);
  if (typeof transport === 'string') return failed(transport, address);
  let rendered: { subject: string; html: string; text: string };
  try {
    rendered = renderEmail({
      key: email.template,
      // Until the workspace is verified its account emails carry the default text only.
      override: loaded.verified ? loaded.override : null,
      brand: emailBrand(site),
      vars: absoluteLinks(email.vars, site.tenant.origin),
      recipient: { name: loaded.recipient?.name ?? '', email: address },
    });
  } catch (error) {
    return failed(`The template could not be rendered: ${(error as Error).message}`, address);
  }
  // Counted last, so an email that could not be rendered costs nothing of the day's limit.
  const quota = await system.outbox.takeQuota(deps.db, email.tenantId);
  if (!quota.allowed) {
    const error = dailyLimitReached(quota.dailyLimit);
    if (email.attempts >= MAX_ATTEMPTS)
      return failed(`Gave up after ${email.attempts} attempts: ${error}`, address);
    return { outcome: 'retry', recipient: address, transport: null, error, retryAt: nextUtcDay(deps.now()) };
  }
  const envelope: Envelope = {
    ...senderFor(deps, site, loaded.settings),
    to: address,
    ...rendered,
    messageId: messageIdFor(email.id, site),
    idempotencyKey: email.id,
  };
  const result = await transport.send(envelope);
  return outcomeOf(result, email, address, transport.kind, deps.now());
}
