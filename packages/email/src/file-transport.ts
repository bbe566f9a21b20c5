import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toEml } from './eml';
import type { Envelope, SendResult, Transport } from './transport';

export interface FileTransportOptions {
  /** Directory the .eml files go to, e.g. `$FOYER_DATA_DIR/mail`; created if missing. */
  dir: string;
}

/**
 * The embedded default: every message becomes `<dir>/<ISO-time>-<id>.eml` (owner-only), which
 * any mail client opens.
 */
export function fileTransport({ dir }: FileTransportOptions): Transport {
  return {
    kind: 'file',
    async send(envelope: Envelope): Promise<SendResult> {
      let eml: string;
      try {
        eml = toEml(
          {
            fromName: envelope.from.name,
            fromAddress: envelope.from.address,
            replyTo: envelope.replyTo ?? null,
            to: envelope.to,
            subject: envelope.subject,
            html: envelope.html,
            text: envelope.text,
          },
          envelope.messageId,
        );
      } catch (error) {
        return { ok: false, permanent: true, error: error instanceof Error ? error.message : String(error) };
      }
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const id = envelope.idempotencyKey.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100) || 'message';
      const name = `${stamp}-${id}.eml`;
      const path = join(dir, name);
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await writeFile(path, eml, { mode: 0o600 });
      } catch (error) {
        // A full disk or a permissions problem can be fixed: worth another try later.
        return { ok: false, permanent: false, error: error instanceof Error ? error.message : String(error) };
      }
      // The file's name only: where the server keeps its data is no business of an agency's admin,
      // who reads this answer in the email log; operators find the file by name in their console.
      return { ok: true, response: `saved as mail file ${name}` };
    },
    async close() {},
  };
}
