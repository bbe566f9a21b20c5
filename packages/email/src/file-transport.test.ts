import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileMailer, type Envelope, fileTransport, toEml } from './index';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'email-test-'));
  dirs.push(dir);
  return dir;
}

const envelope: Envelope = {
  from: { name: 'Café Studio', address: 'hello@studio.example.com' },
  replyTo: 'team@cafe.example',
  to: 'ada@client.example',
  subject: 'Ihre Rechnung für März — bitte prüfen Sie die Details, bevor Sie bezahlen. Vielen Dank!',
  html: '<p>Hallo Ada</p>',
  text: 'Hallo Ada',
  messageId: '<a1b2-outbox@studio.example.com>',
  idempotencyKey: 'a1b2/outbox',
};

describe('fileTransport', () => {
  it('writes an owner-only .eml per message, with the given Message-ID and Reply-To', async () => {
    const base = await tempDir();
    const dir = join(base, 'mail', 'nested');
    const result = await fileTransport({ dir }).send(envelope);
    const files = await readdir(dir);
    // The answer names the file, never the server's directory.
    expect(result).toEqual({ ok: true, response: `saved as mail file ${files[0]}` });
    expect(JSON.stringify(result)).not.toContain(base);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d{2}-\d{2}T[\d-]+Z-a1b2_outbox\.eml$/);
    const path = join(dir, files[0] ?? '');
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    const mail = await simpleParser(await readFile(path));
    expect(mail.messageId).toBe('<a1b2-outbox@studio.example.com>');
    expect(mail.from?.value[0]).toEqual({ name: 'Café Studio', address: 'hello@studio.example.com' });
    expect(mail.replyTo?.value[0]?.address).toBe('team@cafe.example');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : null).toBe('ada@client.example');
    expect(mail.subject).toBe(envelope.subject);
    expect(mail.html).toContain('Hallo Ada');
    expect(mail.text?.trim()).toBe('Hallo Ada');
  });

  it('refuses envelopes that would inject headers', async () => {
    const dir = await tempDir();
    const transport = fileTransport({ dir });
    expect(await transport.send({ ...envelope, to: 'a@b.example\r\nBcc: eve@evil.example' })).toMatchObject({
      ok: false,
      permanent: true,
    });
    expect(await transport.send({ ...envelope, messageId: '<no id>' })).toMatchObject({
      ok: false,
      permanent: true,
    });
    expect(await readdir(dir)).toHaveLength(0);
  });

  it('keeps header lines short and subjects on one line', () => {
    const eml = toEml(
      {
        fromName: 'Ünïcödé Studio',
        fromAddress: 'a@b.example',
        to: 'c@d.example',
        subject: `${'ü'.repeat(100)}\r\nBcc: eve@evil.example`,
        text: 't',
        html: '<p>h</p>',
      },
      'id@b.example',
    );
    const head = eml.slice(0, eml.indexOf('\r\n\r\n'));
    for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    expect(head).not.toMatch(/^Bcc:/m);
    expect(head).toMatch(/^Message-ID: <id@b\.example>$/m);
  });
});

describe('createFileMailer (kept for existing callers)', () => {
  it('still writes a message and returns its Message-ID', async () => {
    const dir = await tempDir();
    const mailer = createFileMailer({ dir, domain: 'mail.example.com' });
    const { messageId } = await mailer.send({
      fromName: 'Acme',
      fromAddress: 'no-reply@mail.example.com',
      to: 'ada@client.example',
      subject: 'Hello',
      text: 'Hi',
      html: '<p>Hi</p>',
    });
    expect(messageId).toMatch(/^[0-9a-f-]{36}@mail\.example\.com$/);
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const mail = await simpleParser(await readFile(join(dir, files[0] ?? '')));
    expect(mail.messageId).toBe(`<${messageId}>`);
  });
});
