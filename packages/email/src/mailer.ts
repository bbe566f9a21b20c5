import { randomUUID } from 'node:crypto';
import type { OutgoingMail } from './eml';
import { fileTransport } from './file-transport';

/** @deprecated Use a {@link Transport}; kept while callers move over. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

export interface FileMailerOptions {
  /** Directory the .eml files go to, e.g. `$FOYER_DATA_DIR/mail`. */
  dir: string;
  /** Domain part of Message-IDs. */
  domain: string;
}

/**
 * @deprecated The embedded default of the first release, now a thin layer over
 * {@link fileTransport}; callers move to the outbox and a Transport.
 */
export function createFileMailer({ dir, domain }: FileMailerOptions): Mailer {
  const transport = fileTransport({ dir });
  return {
    async send(mail) {
      const id = randomUUID();
      const messageId = `${id}@${domain}`;
      const result = await transport.send({
        from: { name: mail.fromName, address: mail.fromAddress },
        replyTo: mail.replyTo ?? null,
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId,
        idempotencyKey: id,
      });
      if (!result.ok) throw new Error(result.error);
      return { messageId };
    },
  };
}
