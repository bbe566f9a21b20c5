/** One rendered message, ready for any transport. */
export interface Envelope {
  from: { name: string; address: string };
  replyTo?: string | null;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Stable across retries, e.g. `<outbox-uuid@acme.example.com>`, so a resend is recognisable. */
  messageId: string;
  /** Stable per message, e.g. the outbox row id: Resend sends it at most once per key. */
  idempotencyKey: string;
}

export type SendResult =
  /** `response`: what the server said, e.g. SMTP `250 2.0.0 Ok: queued as …` or Resend's email id. */
  | { ok: true; response: string }
  /** `permanent`: retrying would fail the same way, so don't. */
  | { ok: false; permanent: boolean; error: string };

export interface Transport {
  readonly kind: 'file' | 'resend' | 'smtp';
  send(envelope: Envelope): Promise<SendResult>;
  /** Connects (and logs in) without sending, for a "send test email" check. */
  verify?(): Promise<SendResult>;
  close(): Promise<void>;
}

/** `<id@domain>`, whether or not the caller wrote the angle brackets. */
export function bracketMessageId(messageId: string): string {
  const bare = messageId.trim().replace(/^<|>$/g, '');
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(bare))
    throw new TypeError(`invalid Message-ID ${JSON.stringify(messageId)}`);
  return `<${bare}>`;
}

/** One line of header text: CR and LF would start a new header. */
export function headerText(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

/** A bare address, refused if it could smuggle anything into a header. */
export function checkAddress(value: string, what: string): string {
  const address = value.trim();
  if (!/^[^\s<>()",;:\\@]+@[^\s<>()",;:\\@]+$/.test(address)) {
    throw new TypeError(`invalid ${what} address ${JSON.stringify(value)}`);
  }
  return address;
}
