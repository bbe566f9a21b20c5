import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyResendError, type Envelope, resendTransport } from './index';

interface Recorded {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A stand-in for Resend's API on 127.0.0.1: records requests, answers as told. */
async function fakeResend(answer: (n: number) => { status: number; body: string }) {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>,
      });
      const { status, body } = answer(requests.length);
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const ok = () => ({ status: 200, body: JSON.stringify({ id: '4ef9a417-02e9-4d39-ad75-9611e0fcc33c' }) });

const envelope: Envelope = {
  from: { name: 'Northwind Studio', address: 'hello@studio.example.com' },
  replyTo: 'team@northwind.example',
  to: 'ada@client.example',
  subject: 'Reset your Northwind Studio password',
  html: '<p>Hi Ada</p>',
  text: 'Hi Ada',
  messageId: '<8d0b-outbox@studio.example.com>',
  idempotencyKey: 'outbox-8d0b',
};

describe('resendTransport', () => {
  it('sends the message with its idempotency key and Message-ID, the same on every retry', async () => {
    const api = await fakeResend(ok);
    const resend = resendTransport({ apiKey: 're_test_key', baseUrl: api.baseUrl });
    expect(await resend.send(envelope)).toEqual({
      ok: true,
      response: '4ef9a417-02e9-4d39-ad75-9611e0fcc33c',
    });
    expect(await resend.send(envelope)).toMatchObject({ ok: true });

    expect(api.requests).toHaveLength(2);
    const [first, second] = api.requests;
    expect(first?.method).toBe('POST');
    expect(first?.url).toBe('/emails');
    expect(first?.headers.authorization).toBe('Bearer re_test_key');
    expect(first?.headers['idempotency-key']).toBe('outbox-8d0b');
    expect(second?.headers['idempotency-key']).toBe('outbox-8d0b');
    expect(first?.body).toEqual({
      from: 'Northwind Studio <hello@studio.example.com>',
      to: ['ada@client.example'],
      reply_to: 'team@northwind.example',
      subject: 'Reset your Northwind Studio password',
      html: '<p>Hi Ada</p>',
      text: 'Hi Ada',
      headers: { 'Message-ID': '<8d0b-outbox@studio.example.com>' },
    });
    expect(second?.body).toEqual(first?.body);
  });

  it('quotes sender names that need it', async () => {
    const api = await fakeResend(ok);
    const resend = resendTransport({ apiKey: 're_test_key', baseUrl: api.baseUrl });
    await resend.send({
      ...envelope,
      from: { name: 'Smith, Jones & "Co"', address: 'hi@studio.example.com' },
    });
    await resend.send({ ...envelope, from: { name: 'Café Studio', address: 'hi@studio.example.com' } });
    expect(api.requests[0]?.body.from).toBe('"Smith, Jones & \\"Co\\"" <hi@studio.example.com>');
    expect(api.requests[1]?.body.from).toBe('=?UTF-8?B?Q2Fmw6kgU3R1ZGlv?= <hi@studio.example.com>');
  });

  it('reports a 500 as temporary and a 422 as permanent', async () => {
    const api = await fakeResend((n) =>
      n === 1
        ? {
            status: 500,
            body: JSON.stringify({ statusCode: 500, name: 'internal_server_error', message: 'Oops' }),
          }
        : {
            status: 422,
            body: JSON.stringify({
              statusCode: 422,
              name: 'validation_error',
              message: 'Invalid `to` field.',
            }),
          },
    );
    const resend = resendTransport({ apiKey: 're_test_key', baseUrl: api.baseUrl });
    expect(await resend.send(envelope)).toEqual({
      ok: false,
      permanent: false,
      error: '500 internal_server_error: Oops',
    });
    expect(await resend.send(envelope)).toEqual({
      ok: false,
      permanent: true,
      error: '422 validation_error: Invalid `to` field.',
    });
  });

  it('retries rate limits, non-JSON errors and unreachable servers', async () => {
    const api = await fakeResend((n) =>
      n === 1
        ? {
            status: 429,
            body: JSON.stringify({ statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many' }),
          }
        : { status: 502, body: '<html>Bad gateway</html>' },
    );
    const resend = resendTransport({ apiKey: 're_test_key', baseUrl: api.baseUrl });
    expect(await resend.send(envelope)).toMatchObject({ ok: false, permanent: false });
    expect(await resend.send(envelope)).toMatchObject({
      ok: false,
      permanent: false,
      error: expect.stringMatching(/^502 /),
    });

    const closed = resendTransport({ apiKey: 're_test_key', baseUrl: 'http://127.0.0.1:9' });
    expect(await closed.send(envelope)).toMatchObject({ ok: false, permanent: false });
  });

  it('reads RESEND_BASE_URL when no base URL is given', async () => {
    const api = await fakeResend(ok);
    const saved = process.env.RESEND_BASE_URL;
    process.env.RESEND_BASE_URL = api.baseUrl;
    try {
      expect(await resendTransport({ apiKey: 're_test_key' }).send(envelope)).toMatchObject({ ok: true });
    } finally {
      if (saved === undefined) delete process.env.RESEND_BASE_URL;
      else process.env.RESEND_BASE_URL = saved;
    }
    expect(api.requests).toHaveLength(1);
  });

  it('refuses envelopes that could inject headers without calling the API', async () => {
    const api = await fakeResend(ok);
    const resend = resendTransport({ apiKey: 're_test_key', baseUrl: api.baseUrl });
    expect(await resend.send({ ...envelope, to: 'a@b.example, eve@evil.example' })).toMatchObject({
      ok: false,
      permanent: true,
    });
    expect(await resend.send({ ...envelope, replyTo: 'x@y.example\r\nBcc: eve@evil.example' })).toMatchObject(
      {
        ok: false,
        permanent: true,
      },
    );
    expect(api.requests).toHaveLength(0);
  });

  it('classifies Resend errors', () => {
    expect(classifyResendError({ statusCode: 401, name: 'missing_api_key', message: 'x' }).permanent).toBe(
      true,
    );
    expect(classifyResendError({ statusCode: 403, name: 'invalid_access', message: 'x' }).permanent).toBe(
      true,
    );
    expect(
      classifyResendError({ statusCode: 409, name: 'concurrent_idempotent_requests', message: 'x' })
        .permanent,
    ).toBe(false);
    expect(
      classifyResendError({ statusCode: 409, name: 'invalid_idempotent_request', message: 'x' }).permanent,
    ).toBe(true);
    expect(classifyResendError({ statusCode: null, name: 'application_error', message: 'x' }).permanent).toBe(
      false,
    );
    expect(classifyResendError({}).permanent).toBe(false);
  });
});
