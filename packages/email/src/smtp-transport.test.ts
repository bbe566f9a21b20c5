import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import {
  classifySmtpError,
  type Envelope,
  previewEmail,
  type SmtpTransportOptions,
  smtpTransport,
  type Transport,
} from './index';

const brand = {
  name: 'Northwind Studio',
  origin: 'https://studio.example.com',
  logoUrl: null,
  primaryColor: '#7c3aed',
  onPrimaryColor: '#ffffff',
  accentColor: '#6d28d9',
  address: null,
  contactEmail: null,
  website: null,
};

function envelope(overrides: Partial<Envelope> = {}): Envelope {
  const email = previewEmail('password-reset', null, brand);
  return {
    from: { name: 'Northwind Studio', address: 'hello@studio.example.com' },
    replyTo: 'team@northwind.example',
    to: 'ada@client.example',
    subject: email.subject,
    html: email.html,
    text: email.text,
    messageId: '<3f8c1d2e-outbox@studio.example.com>',
    idempotencyKey: '3f8c1d2e-outbox',
    ...overrides,
  };
}

interface Received {
  from: string | undefined;
  to: string[];
  raw: Buffer;
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** A real SMTP server on 127.0.0.1, on a free port, for one test. */
async function startServer(options: SMTPServerOptions = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        received.push({
          from: from ? from.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback(null, 'Ok: queued as TEST123');
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port, received };
}

function transport(options: Partial<SmtpTransportOptions> & { port: number }): Transport {
  const t = smtpTransport({
    host: '127.0.0.1',
    security: 'none',
    allowPrivate: true,
    timeouts: { connectionMs: 3_000, greetingMs: 3_000, socketMs: 5_000 },
    ...options,
  });
  cleanups.push(() => t.close());
  return t;
}

const smtpError = (code: number, message: string) =>
  Object.assign(new Error(message), { responseCode: code });

describe('smtpTransport', () => {
  it('delivers a message with the agency as sender, a reply-to, the stable Message-ID and both parts', async () => {
    const { port, received } = await startServer();
    const result = await transport({ port }).send(envelope());
    expect(result).toEqual({ ok: true, response: expect.stringMatching(/^250 .*Ok: queued as TEST123/) });

    expect(received).toHaveLength(1);
    const [message] = received;
    expect(message?.from).toBe('hello@studio.example.com');
    expect(message?.to).toEqual(['ada@client.example']);
    const mail: ParsedMail = await simpleParser(message?.raw ?? Buffer.alloc(0));
    expect(mail.from?.value[0]).toEqual({ name: 'Northwind Studio', address: 'hello@studio.example.com' });
    expect(mail.replyTo?.value[0]?.address).toBe('team@northwind.example');
    expect(mail.subject).toBe('Reset your Northwind Studio password');
    expect(mail.messageId).toBe('<3f8c1d2e-outbox@studio.example.com>');
    expect(message?.raw.toString()).toMatch(/^Message-ID: <3f8c1d2e-outbox@studio\.example\.com>\r$/m);
    expect(mail.html).toContain('Choose a new password');
    expect(mail.text).toContain('Choose a new password: https://studio.example.com/reset-password?token=');
    const hrefs = [...String(mail.html).matchAll(/href="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^https:\/\/studio\.example\.com(\/|$)/);
  });

  it('keeps the same Message-ID when a message is sent again', async () => {
    const { port, received } = await startServer();
    const smtp = transport({ port });
    await smtp.send(envelope());
    await smtp.send(envelope());
    const ids = await Promise.all(received.map(async (m) => (await simpleParser(m.raw)).messageId));
    expect(ids).toEqual(['<3f8c1d2e-outbox@studio.example.com>', '<3f8c1d2e-outbox@studio.example.com>']);
  });

  it('logs in over STARTTLS when the server requires a password', async () => {
    const { port, received } = await startServer({
      authOptional: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'mailer' && auth.password === 'correct horse')
          return callback(null, { user: 'mailer' });
        return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
    });
    const good = transport({
      port,
      security: 'starttls',
      allowInsecureTls: true,
      username: 'mailer',
      password: 'correct horse',
    });
    expect(await good.send(envelope())).toMatchObject({ ok: true });
    expect(received).toHaveLength(1);

    const verified = await good.verify?.();
    expect(verified).toMatchObject({ ok: true, response: expect.stringMatching(/^235 /) });

    const bad = transport({
      port,
      security: 'starttls',
      allowInsecureTls: true,
      username: 'mailer',
      password: 'wrong',
    });
    const refused = await bad.send(envelope());
    expect(refused).toMatchObject({ ok: false, permanent: true, error: expect.stringMatching(/535/) });
    expect(await bad.verify?.()).toMatchObject({ ok: false, permanent: true });
    expect(received).toHaveLength(1);
  });

  it('refuses a self-signed certificate unless told otherwise (tests only)', async () => {
    const { port } = await startServer();
    const strict = transport({ port, security: 'starttls' });
    const result = await strict.send(envelope());
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/certificate/i) });
  });

  it('answers verify() with what the server said', async () => {
    const { port } = await startServer();
    const result = await transport({ port }).verify?.();
    expect(result).toMatchObject({ ok: true, response: expect.stringMatching(/^250 /) });
  });

  it('reports a 550 rejection as permanent', async () => {
    const { port, received } = await startServer({
      onRcptTo(_address, _session, callback) {
        callback(smtpError(550, 'Mailbox unavailable'));
      },
    });
    const result = await transport({ port }).send(envelope());
    expect(result).toMatchObject({ ok: false, permanent: true, error: expect.stringMatching(/550/) });
    expect(received).toHaveLength(0);
  });

  it('reports a 451 as temporary', async () => {
    const { port } = await startServer({
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => callback(smtpError(451, 'Try again later')));
      },
    });
    const result = await transport({ port }).send(envelope());
    expect(result).toMatchObject({ ok: false, permanent: false, error: expect.stringMatching(/451/) });
  });

  it('reports a refused connection as temporary', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const result = await transport({ port }).send(envelope());
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(await transport({ port }).verify?.()).toMatchObject({ ok: false, permanent: false });
  });

  it('refuses private hosts unless allowPrivate, checking on every send', async () => {
    const { port, received } = await startServer();
    let lookups = 0;
    const smtp = transport({
      port,
      host: 'smtp.agency.example',
      allowPrivate: false,
      lookup: async () => {
        lookups += 1;
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    for (let i = 0; i < 2; i++) {
      expect(await smtp.send(envelope())).toEqual({
        ok: false,
        permanent: true,
        error: 'This host resolves to a loopback address (127.0.0.1); use a public mail server.',
      });
    }
    expect(lookups).toBe(2);
    expect(await smtp.verify?.()).toMatchObject({ ok: false, permanent: true });
    const literal = transport({ port, allowPrivate: false });
    expect(await literal.send(envelope())).toMatchObject({ ok: false, permanent: true });
    expect(received).toHaveLength(0);
  });

  it('refuses envelopes that could inject headers', async () => {
    const { port, received } = await startServer();
    const smtp = transport({ port });
    expect(await smtp.send(envelope({ to: 'ada@client.example\r\nBcc: eve@evil.example' }))).toMatchObject({
      ok: false,
      permanent: true,
    });
    expect(await smtp.send(envelope({ messageId: 'not an id' }))).toMatchObject({
      ok: false,
      permanent: true,
    });
    const sent = await smtp.send(envelope({ subject: 'Hello\r\nBcc: eve@evil.example' }));
    expect(sent.ok).toBe(true);
    expect(received[0]?.raw.toString()).not.toMatch(/^Bcc:/m);
  });

  it('classifies errors by SMTP reply code and nodemailer code', () => {
    expect(classifySmtpError({ responseCode: 552, response: '552 Message too big' })).toMatchObject({
      permanent: true,
    });
    expect(classifySmtpError({ responseCode: 503, response: '503 Bad sequence' })).toMatchObject({
      permanent: false,
    });
    expect(classifySmtpError({ responseCode: 421, code: 'ECONNECTION' })).toMatchObject({ permanent: false });
    expect(classifySmtpError({ code: 'EAUTH', responseCode: 535 })).toMatchObject({ permanent: true });
    expect(classifySmtpError({ code: 'EAUTH', responseCode: 454 })).toMatchObject({ permanent: false });
    expect(classifySmtpError({ code: 'ETIMEDOUT', message: 'Greeting never received' })).toMatchObject({
      permanent: false,
      error: 'Greeting never received',
    });
    expect(classifySmtpError({ code: 'ESOCKET', message: 'connect ECONNREFUSED' })).toMatchObject({
      permanent: false,
    });
    expect(classifySmtpError({ code: 'EENVELOPE', message: 'No recipients defined' })).toMatchObject({
      permanent: true,
    });
  });
});
