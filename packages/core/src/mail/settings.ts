import { randomUUID } from 'node:crypto';
import { eq, schema, system } from '@foyer/db';
import { checkSmtpHost, type Envelope, type SendResult, type Transport } from '@foyer/email';
import { z } from 'zod';
import { emailSchema, fieldErrors } from '../auth/validation';
import type { Deps, TenantSite } from '../context';
import { adminOf, type Ctx, record, siteOf, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { parseInput } from '../input';
import { type EmailSettingsRow, SMTP_PASSWORD_PURPOSE, senderFor, smtpFor } from './delivery';
import { dailyLimitReached } from './policy';

const { emailSettings, users } = schema;

export type EmailDelivery = EmailSettingsRow['delivery'];
export type SmtpSecurity = NonNullable<EmailSettingsRow['smtpSecurity']>;

/** A tenant's email settings as the admin pages show them: never the SMTP password itself. */
export interface EmailSettings {
  /** The stored sender name, or '' to use the agency's display name. */
  senderName: string;
  /** What recipients see as the sender when `senderName` is empty. */
  defaultSenderName: string;
  replyTo: string;
  delivery: EmailDelivery;
  smtp: {
    host: string;
    port: number | null;
    security: SmtpSecurity | null;
    username: string;
    fromAddress: string;
    /** A password is saved (sealed); it is never shown again. */
    hasPassword: boolean;
  };
  /** The platform's own From: address, used unless the agency sends through its own server. */
  platformFrom: string;
  updatedAt: Date | null;
}

/** What happened to a test message: the server's answer either way. */
export type TestSendResult =
  | { ok: true; to: string; transport: string; response: string }
  | { ok: false; to: string; transport: string | null; error: string };

/** Email settings, templates and the log are the admins' alone. */
export const EMAIL_ADMINS_ONLY = 'Only admins manage email settings.';

/** Header values: a line break in one would start a header of the sender's choosing. */
const NO_CONTROL = /^[^\p{Cc}]*$/u;

const optionalEmail = z.union([z.literal(''), emailSchema]);

const senderInput = z.object({
  senderName: z
    .string()
    .trim()
    .max(120, 'Use at most 120 characters.')
    .regex(NO_CONTROL, 'Use letters, digits and punctuation only.'),
  replyTo: z.string().trim().pipe(optionalEmail),
});

const smtpInput = z.object({
  host: z
    .string()
    .trim()
    .min(1, 'Enter the SMTP server’s host name, e.g. smtp.example.com.')
    .max(253, 'Use at most 253 characters.'),
  port: z
    .string()
    .trim()
    .min(1, 'Enter the port, e.g. 465 or 587.')
    .regex(/^\d{1,5}$/, 'Enter a port number between 1 and 65535.')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, 'Enter a port number between 1 and 65535.')
        .max(65535, 'Enter a port number between 1 and 65535.'),
    ),
  security: z.enum(['tls', 'starttls', 'none'], 'Choose how to secure the connection.'),
  username: z
    .string()
    .trim()
    .max(254, 'Use at most 254 characters.')
    .regex(NO_CONTROL, 'Use letters, digits and punctuation only.'),
  // Passwords are taken verbatim; empty keeps the saved one.
  password: z.string().max(1024, 'Use at most 1024 characters.'),
  fromAddress: z.string().trim().min(1, 'Enter the address your email comes from.').pipe(emailSchema),
});

const deliveryChoice = z.enum(['platform', 'smtp'], 'Choose how your email is sent.');

function toSettings(deps: Deps, site: TenantSite, row: EmailSettingsRow | undefined): EmailSettings {
  return {
    senderName: row?.senderName ?? '',
    defaultSenderName: site.branding.displayName,
    replyTo: row?.replyTo ?? '',
    delivery: row?.delivery ?? 'platform',
    smtp: {
      host: row?.smtpHost ?? '',
      port: row?.smtpPort ?? null,
      security: row?.smtpSecurity ?? null,
      username: row?.smtpUsername ?? '',
      fromAddress: row?.fromAddress ?? '',
      hasPassword: Boolean(row?.smtpPasswordSealed),
    },
    platformFrom: deps.mail.from,
    updatedAt: row?.updatedAt ?? null,
  };
}

export async function getEmailSettings({ ctx }: { ctx: Ctx }): Promise<EmailSettings> {
  adminOf(ctx, EMAIL_ADMINS_ONLY);
  // A read: nothing is recorded.
  const [row] = await transact(ctx, ({ tx }) => tx.select().from(emailSettings));
  return toSettings(ctx.deps, siteOf(ctx), row);
}

/** Sender name and Reply-To; an empty name means the agency's display name. */
export async function saveEmailSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { senderName: string; replyTo: string };
}): Promise<EmailSettings> {
  const actor = adminOf(ctx, EMAIL_ADMINS_ONLY);
  const parsed = parseInput(senderInput, input);
  const values = {
    senderName: parsed.senderName || null,
    replyTo: parsed.replyTo || null,
    updatedAt: ctx.deps.now(),
  };
  const row = await transact(ctx, async (ctx) => {
    const [saved] = await ctx.tx
      .insert(emailSettings)
      .values({ tenantId: actor.tenantId, ...values })
      .onConflictDoUpdate({ target: emailSettings.tenantId, set: values })
      .returning();
    await record(ctx, {
      verb: 'email.sender_save',
      data: { senderName: values.senderName, replyTo: values.replyTo },
    });
    return saved;
  });
  return toSettings(ctx.deps, siteOf(ctx), row);
}

export interface DeliveryInput {
  delivery: string;
  host: string;
  port: string;
  security: string;
  username: string;
  /** Empty keeps the saved password (while host and username stay the same). */
  password: string;
  /** Removes the saved password, for servers that take none. */
  forgetPassword?: boolean;
  fromAddress: string;
}

/**
 * The platform's sending, or the agency's own SMTP server. The password is sealed at once and
 * never shown again (nor recorded: the activity entry says only whether it changed). Hosts on
 * private or loopback addresses are refused (unless the platform allows them), since the server
 * would connect to them on the agency's behalf.
 */
export async function saveDeliverySettings({
  ctx,
  input: raw,
}: {
  ctx: Ctx;
  input: DeliveryInput;
}): Promise<EmailSettings> {
  const actor = adminOf(ctx, EMAIL_ADMINS_ONLY);
  const site = siteOf(ctx);
  const { deps } = ctx;
  const choice = deliveryChoice.safeParse(raw.delivery);
  if (!choice.success) throw invalid({ delivery: 'Choose how your email is sent.' });

  if (choice.data === 'platform') {
    // The SMTP details stay as they were, so switching back needs no retyping.
    const row = await transact(ctx, async (ctx) => {
      const [saved] = await ctx.tx
        .insert(emailSettings)
        .values({ tenantId: actor.tenantId, delivery: 'platform', updatedAt: deps.now() })
        .onConflictDoUpdate({
          target: emailSettings.tenantId,
          set: { delivery: 'platform', updatedAt: deps.now() },
        })
        .returning();
      await record(ctx, { verb: 'email.delivery_save', data: { delivery: 'platform' } });
      return saved;
    });
    return toSettings(deps, site, row);
  }

  const parsed = smtpInput.safeParse(raw);
  const fields = parsed.success ? {} : fieldErrors(parsed.error);
  if (!fields.host) {
    // Validates the name and resolves it: the platform must not be pointed at its own network.
    const problem = await checkSmtpHost(String(raw.host ?? '').trim(), {
      allowPrivate: deps.mail.allowPrivateSmtp,
    });
    if (problem) fields.host = problem;
  }
  if (!parsed.success || Object.keys(fields).length > 0) throw invalid(fields);
  const input = parsed.data;

  const row = await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const [saved] = await tx.select().from(emailSettings).for('update');
    let sealed: string | null;
    let password: 'new' | 'kept' | 'none';
    if (input.password !== '') {
      sealed = deps.mail.secrets.seal(input.password, SMTP_PASSWORD_PURPOSE);
      password = 'new';
    } else if (raw.forgetPassword || !saved?.smtpPasswordSealed) {
      sealed = null;
      password = 'none';
    } else if (
      saved.smtpHost?.toLowerCase() === input.host.toLowerCase() &&
      (saved.smtpUsername ?? '') === input.username
    ) {
      sealed = saved.smtpPasswordSealed;
      password = 'kept';
    } else {
      // Otherwise anyone who may edit these settings could send the saved password to a server
      // of their own choosing.
      throw invalid({
        password:
          'Enter the password again: a saved password is kept only while the host and username stay the same.',
      });
    }
    if (input.username !== '' && sealed === null) {
      throw invalid({ password: 'Enter the password for this username.' });
    }
    const values = {
      delivery: 'smtp' as const,
      smtpHost: input.host.toLowerCase(),
      smtpPort: input.port,
      smtpSecurity: input.security,
      smtpUsername: input.username || null,
      smtpPasswordSealed: sealed,
      fromAddress: input.fromAddress,
      updatedAt: deps.now(),
    };
    const [stored] = await tx
      .insert(emailSettings)
      .values({ tenantId: actor.tenantId, ...values })
      .onConflictDoUpdate({ target: emailSettings.tenantId, set: values })
      .returning();
    // Never the password, sealed or not: only whether there is one and whether it is new.
    await record(ctx, {
      verb: 'email.delivery_save',
      data: {
        delivery: 'smtp',
        host: values.smtpHost,
        port: values.smtpPort,
        security: values.smtpSecurity,
        username: values.smtpUsername,
        fromAddress: values.fromAddress,
        password,
      },
    });
    return stored;
  });
  return toSettings(deps, site, row);
}

/** Content of a message to send at once, outside the outbox. */
export interface DirectMessage {
  subject: string;
  html: string;
  text: string;
}

/** How long a test waits for the mail server before reporting that it did not answer. */
export const TEST_SEND_TIMEOUT_MS = 20_000;

async function sendOrTimeOut(transport: Transport, envelope: Envelope): Promise<SendResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<SendResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          permanent: false,
          error: `No answer from the mail server within ${TEST_SEND_TIMEOUT_MS / 1000} seconds.`,
        }),
      TEST_SEND_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([transport.send(envelope), timeout]);
  } catch (error) {
    return {
      ok: false,
      permanent: false,
      error: (error as Error).message || 'The message could not be sent.',
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sends a message straight away to the acting admin's own address, through the tenant's saved
 * delivery settings, and reports what the server answered. Used by the "send a test" buttons,
 * which must show the answer on the page, so the outbox (and its retries) is bypassed. The
 * send is recorded as `verb` (with the address and whether it went), once it is over.
 */
export async function sendToSelf(
  ctx: Ctx,
  message: DirectMessage,
  activity: { verb: string; data?: Record<string, unknown> },
): Promise<TestSendResult> {
  const actor = adminOf(ctx, EMAIL_ADMINS_ONLY);
  const site = siteOf(ctx);
  const { deps } = ctx;
  const { settings, to, verified } = await transact(ctx, async ({ tx }) => {
    const [row] = await tx.select().from(emailSettings);
    const [me] = await tx
      .select({ email: users.email, verifiedAt: users.emailVerifiedAt })
      .from(users)
      .where(eq(users.id, actor.userId));
    return { settings: row ?? null, to: me?.email ?? null, verified: Boolean(me?.verifiedAt) };
  });
  if (!to) throw new CoreError('not_found', 'Your account no longer exists.');
  // Anyone can sign up with someone else's address: a test goes only to an address its owner
  // has confirmed, or test sends would mail that person whatever the workspace writes.
  if (!verified) {
    throw new CoreError(
      'forbidden',
      'Confirm your email address first: tests go to it, so it has to be yours. Use the link in the verification email, or send a new one from your account page.',
    );
  }
  const quota = await system.outbox.takeQuota(deps.db, actor.tenantId);
  if (!quota.allowed) throw new CoreError('throttled', dailyLimitReached(quota.dailyLimit));
  const result = await send(deps, site, settings, to, message);
  await transact(ctx, (ctx) =>
    record(ctx, {
      verb: activity.verb,
      data: { ...activity.data, to, ok: result.ok, transport: result.transport },
    }),
  );
  return result;
}

async function send(
  deps: Deps,
  site: TenantSite,
  settings: EmailSettingsRow | null,
  to: string,
  message: DirectMessage,
): Promise<TestSendResult> {
  const own = settings?.delivery === 'smtp' ? smtpFor(deps, settings) : null;
  if (typeof own === 'string') return { ok: false, to, transport: 'smtp', error: own };
  const transport = own ?? deps.mail.platform;
  const id = randomUUID();
  try {
    const result = await sendOrTimeOut(transport, {
      ...senderFor(deps, site, settings),
      to,
      ...message,
      messageId: `<test-${id}@${new URL(site.tenant.origin).hostname}>`,
      idempotencyKey: `test-${id}`,
    });
    return result.ok
      ? { ok: true, to, transport: transport.kind, response: result.response }
      : { ok: false, to, transport: transport.kind, error: result.error };
  } finally {
    if (own) await own.close().catch(() => {});
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A short message that proves the saved delivery settings work, sent to the admin. */
export async function sendDeliveryTest({ ctx }: { ctx: Ctx }): Promise<TestSendResult> {
  adminOf(ctx, EMAIL_ADMINS_ONLY);
  const agency = siteOf(ctx).branding.displayName;
  const lines = [
    `This is a test email from ${agency}.`,
    'If you can read it, email from your workspace is being delivered with these settings.',
  ];
  return sendToSelf(
    ctx,
    {
      subject: `Test email from ${agency}`,
      text: `${lines.join('\n\n')}\n`,
      html: `<!doctype html><html><body style="font-family:sans-serif">${lines
        .map((line) => `<p>${escapeHtml(line)}</p>`)
        .join('')}</body></html>`,
    },
    { verb: 'email.delivery_test' },
  );
}
