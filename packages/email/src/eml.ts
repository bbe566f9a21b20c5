import { randomUUID } from 'node:crypto';
import { bracketMessageId, checkAddress, headerText } from './transport';

/** One message, already rendered, in the sending agency's name. */
export interface OutgoingMail {
  /** Display name in From: the agency, never the platform. */
  fromName: string;
  fromAddress: string;
  replyTo?: string | null;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** RFC 2047 encoded words of at most 75 characters each, folded onto continuation lines. */
function encodeHeader(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    // 45 bytes of UTF-8 become 60 characters of base64: with the =?UTF-8?B?…?= frame, 72.
    if (Buffer.byteLength(chunk + char, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join('\r\n ');
}

const quoteName = (name: string) => (/^[\w .-]*$/.test(name) ? name : `"${name.replace(/["\\]/g, '\\$&')}"`);

/** `Name <address>`, with the name quoted or encoded as it needs. */
export function formatAddress(name: string, address: string): string {
  const display = headerText(name);
  const bare = checkAddress(address, 'sender');
  if (!display) return bare;
  return `${/^[\x20-\x7e]*$/.test(display) ? quoteName(display) : encodeHeader(display)} <${bare}>`;
}

const base64Lines = (body: string) =>
  Buffer.from(body, 'utf8')
    .toString('base64')
    .replace(/.{1,76}/g, '$&\r\n');

/**
 * A MIME message (multipart/alternative: text, then HTML), as an .eml file holds it. The
 * Message-ID is the caller's, with or without angle brackets, so that a resend keeps it.
 */
export function toEml(mail: OutgoingMail, messageId: string, date = new Date()): string {
  const boundary = `part-${randomUUID()}`;
  const headers = [
    `From: ${formatAddress(mail.fromName, mail.fromAddress)}`,
    `To: ${checkAddress(mail.to, 'recipient')}`,
    ...(mail.replyTo ? [`Reply-To: ${checkAddress(mail.replyTo, 'reply-to')}`] : []),
    `Subject: ${encodeHeader(headerText(mail.subject))}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: ${bracketMessageId(messageId)}`,
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
