import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One message, already rendered, in the sending agency's name. */
export interface OutgoingMail {
  /** Display name in From: the agency, never the platform. */
  fromName: string;
  fromAddress: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

const encodeHeader = (value: string) =>
  // RFC 2047 for anything beyond printable ASCII, so names like "Café Studio" survive.
  /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;

const quoteName = (name: string) => (/^[\w .-]*$/.test(name) ? name : `"${name.replace(/["\\]/g, '\\$&')}"`);

const base64Lines = (body: string) =>
  Buffer.from(body, 'utf8')
    .toString('base64')
    .replace(/.{1,76}/g, '$&\r\n');

/** A MIME message (multipart/alternative: text, then HTML), as an .eml file holds it. */
export function toEml(mail: OutgoingMail, messageId: string, date = new Date()): string {
  const boundary = `foyer-${randomUUID()}`;
  const headers = [
    `From: ${encodeHeader(quoteName(mail.fromName))} <${mail.fromAddress}>`,
    `To: ${mail.to}`,
    `Subject: ${encodeHeader(mail.subject)}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (type: string, body: string) =>
    [
      `--${boundary}`,
      `Content-Type: ${type}; charset=utf-8`,
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(body),
    ].join('\r\n');
  return `${headers.join('\r\n')}\r\n\r\n${part('text/plain', mail.text)}\r\n${part('text/html', mail.html)}\r\n--${boundary}--\r\n`;
}

export interface FileMailerOptions {
  /** Directory the .eml files go to, e.g. `$FOYER_DATA_DIR/mail`. */
  dir: string;
  /** Domain part of Message-IDs. */
  domain: string;
}

/**
 * The embedded default: every message becomes `<dir>/<time>-<id>.eml`, which any mail client
 * opens. The email release replaces this with the outbox and real transports.
 */
export function createFileMailer({ dir, domain }: FileMailerOptions): Mailer {
  return {
    async send(mail) {
      await mkdir(dir, { recursive: true });
      const id = randomUUID();
      const messageId = `${id}@${domain}`;
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      await writeFile(join(dir, `${stamp}-${id}.eml`), toEml(mail, messageId), { mode: 0o600 });
      return { messageId };
    },
  };
}
