import { isIP } from 'node:net';
import { createTransport } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import { type HostLookup, normaliseHost, resolveSmtpHost } from './ssrf';
import {
  bracketMessageId,
  checkAddress,
  type Envelope,
  headerText,
  type SendResult,
  type Transport,
} from './transport';

export type SmtpSecurity = 'tls' | 'starttls' | 'none';

export interface SmtpTransportOptions {
  host: string;
  port: number;
  /** `tls`: TLS from the first byte (usually 465); `starttls`: upgrade required (587); `none`: plain. */
  security: SmtpSecurity;
  username?: string | null;
  password?: string | null;
  /**
   * Skip the SSRF check. Only for the platform's own configured relay and for tests: an agency's
   * host must always be checked.
   */
  allowPrivate: boolean;
  /** Keep connections open between messages. */
  pool?: boolean;
  /** Accept any certificate. Tests only (a local server with a self-signed certificate). */
  allowInsecureTls?: boolean;
  /** The name this client greets with (EHLO); defaults to the machine's host name. */
  clientName?: string;
  /** DNS lookup, injectable for tests. */
  lookup?: HostLookup;
  /** Shorter timeouts for tests; defaults: connection 10 s, greeting 10 s, socket 30 s. */
  timeouts?: { connectionMs?: number; greetingMs?: number; socketMs?: number };
}

interface SmtpError {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

/** What a failure means for the outbox: retry later, or give up. */
export function classifySmtpError(error: unknown): SendResult & { ok: false } {
  const e = (error ?? {}) as SmtpError;
  const code = typeof e.code === 'string' ? e.code : '';
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const said = typeof e.response === 'string' && e.response ? e.response : null;
  const message = said ?? (typeof e.message === 'string' ? e.message : String(error));
  let permanent: boolean;
  if (responseCode !== null && responseCode >= 400 && responseCode < 500) {
    // 4yz is transient by definition (RFC 5321), including 454 "temporary authentication failure".
    permanent = false;
  } else if (code === 'EAUTH' || code === 'ENOAUTH') {
    // Wrong credentials stay wrong until someone fixes the settings.
    permanent = true;
  } else if (responseCode !== null && responseCode >= 500) {
    // 503 is a bad command sequence in this session, not a verdict on the message.
    permanent = responseCode !== 503;
  } else {
    // Addresses or configuration the server will never accept.
    permanent = code === 'EENVELOPE' || code === 'ECONFIG' || code === 'EREQUIRETLS';
  }
  return { ok: false, permanent, error: headerText(message).slice(0, 1000) };
}

function firstLine(response: string): string {
  return (response.split(/\r?\n/)[0] ?? '').replace(/^(\d{3})-/, '$1 ').trim();
}

/**
 * Sends through an SMTP server with nodemailer. Unless `allowPrivate`, the host is resolved and
 * checked on every send and the connection goes to the checked address (the name is kept for
 * TLS), so a DNS answer that changes after the check cannot redirect it to an internal address.
 */
export function smtpTransport(options: SmtpTransportOptions): Transport {
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) {
    throw new TypeError(`invalid SMTP port ${options.port}`);
  }
  const timeouts = options.timeouts ?? {};
  let current: { address: string; mailer: Mail } | null = null;

  type Target =
    | { ok: true; address: string; servername: string | undefined }
    | { ok: false; result: SendResult };

  async function target(): Promise<Target> {
    if (options.allowPrivate) {
      const name = normaliseHost(options.host);
      if (!name)
        return {
          ok: false,
          result: { ok: false, permanent: true, error: `"${options.host}" is not a valid host name.` },
        };
      return { ok: true, address: name, servername: isIP(name) ? undefined : name };
    }
    const checked = await resolveSmtpHost(options.host, { allowPrivate: false, lookup: options.lookup });
    if (!checked.ok)
      return { ok: false, result: { ok: false, permanent: !checked.temporary, error: checked.message } };
    const address = checked.addresses[0];
    if (!address)
      return { ok: false, result: { ok: false, permanent: false, error: 'This host has no address.' } };
    return { ok: true, address, servername: isIP(checked.host) ? undefined : checked.host };
  }

  function connectionOptions(address: string, servername: string | undefined): SMTPTransportOptions {
    return {
      host: address,
      port: options.port,
      secure: options.security === 'tls',
      requireTLS: options.security === 'starttls',
      ignoreTLS: options.security === 'none',
      ...(servername ? { servername } : {}),
      tls: {
        ...(servername ? { servername } : {}),
        rejectUnauthorized: options.allowInsecureTls !== true,
        minVersion: 'TLSv1.2',
      },
      ...(options.username ? { auth: { user: options.username, pass: options.password ?? '' } } : {}),
      ...(options.clientName ? { name: options.clientName } : {}),
      connectionTimeout: timeouts.connectionMs ?? 10_000,
      greetingTimeout: timeouts.greetingMs ?? 10_000,
      socketTimeout: timeouts.socketMs ?? 30_000,
      dnsTimeout: 10_000,
      logger: false,
      debug: false,
      pool: options.pool === true,
    };
  }

  function mailerFor(address: string, servername: string | undefined): Mail {
    if (current?.address === address) return current.mailer;
    current?.mailer.close();
    const mailer = createTransport(connectionOptions(address, servername));
    current = { address, mailer };
    return mailer;
  }

  return {
    kind: 'smtp',

    async send(envelope: Envelope): Promise<SendResult> {
      let message: Mail.Options;
      try {
        message = {
          from: {
            name: headerText(envelope.from.name),
            address: checkAddress(envelope.from.address, 'sender'),
          },
          to: checkAddress(envelope.to, 'recipient'),
          ...(envelope.replyTo ? { replyTo: checkAddress(envelope.replyTo, 'reply-to') } : {}),
          subject: headerText(envelope.subject),
          html: envelope.html,
          text: envelope.text,
          // The same Message-ID on every attempt: a duplicate after a lost reply is recognisable.
          messageId: bracketMessageId(envelope.messageId),
          disableFileAccess: true,
          disableUrlAccess: true,
        };
      } catch (error) {
        return { ok: false, permanent: true, error: error instanceof Error ? error.message : String(error) };
      }
      const to = await target();
      if (!to.ok) return to.result;
      try {
        const info = await mailerFor(to.address, to.servername).sendMail(message);
        return { ok: true, response: typeof info.response === 'string' ? info.response : 'accepted' };
      } catch (error) {
        return classifySmtpError(error);
      }
    },

    async verify(): Promise<SendResult> {
      const to = await target();
      if (!to.ok) return to.result;
      const connection = new SMTPConnection(connectionOptions(to.address, to.servername));
      try {
        await new Promise<void>((resolve, reject) => {
          connection.once('error', reject);
          connection.connect((err) => (err ? reject(err) : resolve()));
        });
        if (options.username) {
          await new Promise<void>((resolve, reject) => {
            connection.login({ user: options.username ?? '', pass: options.password ?? '' }, (err) =>
              err ? reject(err) : resolve(),
            );
          });
        }
        const said = connection.lastServerResponse;
        return { ok: true, response: said ? firstLine(said) : 'Connected' };
      } catch (error) {
        return classifySmtpError(error);
      } finally {
        connection.quit();
        connection.close();
      }
    },

    async close() {
      current?.mailer.close();
      current = null;
    },
  };
}
