import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  createCtx,
  type Deps,
  getEmailSettings,
  SMTP_PASSWORD_PURPOSE,
  saveDeliverySettings,
  saveEmailSettings,
  sendDeliveryTest,
  sendTemplateTest,
} from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import { activityOf, addUser, coreError, expectCoreError, siteOf, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant } from '../support/tenants';

/**
 * An agency's sender details and delivery: its own SMTP server with a sealed password, hosts on
 * private networks refused, and test messages that report what the mail server answered.
 */

// smtp-server is a devDependency of @foyer/email; these tests borrow it from there.
const fromEmailPackage = createRequire(new URL('../../packages/email/package.json', import.meta.url));

interface SmtpSession {
  envelope: { mailFrom: { address: string } | false; rcptTo: { address: string }[] };
}
interface SmtpServerLike {
  listen(port: number, host: string): void;
  close(callback: () => void): void;
  server: import('node:net').Server;
}
type SmtpServerClass = new (options: Record<string, unknown>) => SmtpServerLike;
const { SMTPServer } = fromEmailPackage('smtp-server') as { SMTPServer: SmtpServerClass };

interface ReceivedMessage {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1 that takes one login and answers with a recognisable id. */
async function startSmtpSink(login: { username: string; password: string }) {
  const received: ReceivedMessage[] = [];
  let sequence = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(
      auth: { username?: string; password?: string },
      _session: unknown,
      callback: (error: Error | null, response?: { user: string }) => void,
    ) {
      if (auth.username === login.username && auth.password === login.password) {
        callback(null, { user: login.username });
      } else {
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      }
    },
    onData(
      stream: NodeJS.ReadableStream,
      session: SmtpSession,
      callback: (error: Error | null, message?: string) => void,
    ) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        sequence += 1;
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback(null, `Queued as SINK-${sequence}`);
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  };
}

/** Decodes RFC 2047 words and joins folded header lines, enough to read a Subject or From. */
function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const value = new RegExp(`^${name}: (.*)$`, 'im').exec(unfolded)?.[1] ?? '';
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, encoding: string, text: string) =>
    encoding.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : text
          .replace(/_/g, ' ')
          .replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
  );
}

const PASSWORD = 'Correct horse battery 9';

describe.each(drivers)('email settings on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  const storedSettings = async (tenantId: string) => {
    const [row] = await t.superuser<Record<string, unknown>>(
      'select sender_name, reply_to, delivery, smtp_host, smtp_port, smtp_security, smtp_username, smtp_password_sealed, from_address from app.email_settings where tenant_id = $1',
      [tenantId],
    );
    return row ?? null;
  };

  const verbs = async (tenantId: string) => (await activityOf(t, tenantId)).map((e) => e.verb);

  it('saves the sender name and reply-to, and an empty name falls back to the agency’s', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);

    const initial = await getEmailSettings({ ctx: core.as(tenant.admin, site) });
    expect(initial).toMatchObject({ defaultSenderName: tenant.name, delivery: 'platform' });

    const saved = await saveEmailSettings({
      ctx: core.as(tenant.admin, site),
      input: {
        senderName: '  Northwind Studio  ',
        replyTo: 'hello@northwind.example',
      },
    });
    expect(saved).toMatchObject({ senderName: 'Northwind Studio', replyTo: 'hello@northwind.example' });
    expect(await getEmailSettings({ ctx: core.as(tenant.admin, site) })).toEqual(saved);

    const cleared = await saveEmailSettings({
      ctx: core.as(tenant.admin, site),
      input: { senderName: '', replyTo: '' },
    });
    expect(cleared).toMatchObject({ senderName: '', replyTo: '', defaultSenderName: tenant.name });
    expect(await storedSettings(tenant.id)).toMatchObject({ sender_name: null, reply_to: null });
    expect((await activityOf(t, tenant.id)).map((e) => [e.verb, e.data])).toEqual([
      ['email.sender_save', { senderName: 'Northwind Studio', replyTo: 'hello@northwind.example' }],
      ['email.sender_save', { senderName: null, replyTo: null }],
    ]);
  });

  it('refuses a bad reply-to or a sender name with a line break, and changes nothing', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    await saveEmailSettings({
      ctx: core.as(tenant.admin, site),
      input: {
        senderName: 'Before',
        replyTo: 'before@agency.example',
      },
    });
    const before = await storedSettings(tenant.id);

    await expectCoreError(
      saveEmailSettings({
        ctx: core.as(tenant.admin, site),
        input: { senderName: 'After', replyTo: 'not an address' },
      }),
      'validation',
      'replyTo',
    );
    await expectCoreError(
      saveEmailSettings({
        ctx: core.as(tenant.admin, site),
        input: { senderName: 'Evil\r\nBcc: x@evil.example', replyTo: '' },
      }),
      'validation',
      'senderName',
    );
    await expectCoreError(
      saveEmailSettings({
        ctx: core.as(tenant.admin, site),
        input: { senderName: 'x'.repeat(121), replyTo: '' },
      }),
      'validation',
      'senderName',
    );
    expect(await storedSettings(tenant.id)).toEqual(before);
    // The refusals left no entry.
    expect(await verbs(tenant.id)).toEqual(['email.sender_save']);
  });

  it('seals the SMTP password, never shows it, and keeps it when the field is left empty', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const smtp = {
      delivery: 'smtp',
      host: '127.0.0.1',
      port: '2525',
      security: 'none',
      username: 'mailer',
      password: PASSWORD,
      fromAddress: `hello@${tenant.slug}.example`,
    };

    const saved = await saveDeliverySettings({ ctx: core.as(tenant.admin, site), input: smtp });
    expect(saved).toMatchObject({
      delivery: 'smtp',
      smtp: { host: '127.0.0.1', port: 2525, security: 'none', username: 'mailer', hasPassword: true },
    });
    expect(JSON.stringify(saved)).not.toContain(PASSWORD);
    const row = required(await storedSettings(tenant.id), 'the settings row');
    const sealed = String(row.smtp_password_sealed);
    expect(sealed).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    expect(JSON.stringify(row)).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(core.deps.mail.secrets.open(sealed, SMTP_PASSWORD_PURPOSE)).toBe(PASSWORD);
    // Bound to its purpose: the same value cannot be opened as some other secret.
    expect(core.deps.mail.secrets.open(sealed, 'gateway-credentials')).toBeNull();

    // An empty password field keeps the saved one, byte for byte, while other details change.
    const again = await saveDeliverySettings({
      ctx: core.as(tenant.admin, site),
      input: {
        ...smtp,
        port: '2526',
        password: '',
      },
    });
    expect(again.smtp).toMatchObject({ port: 2526, hasPassword: true });
    expect((await storedSettings(tenant.id))?.smtp_password_sealed).toBe(sealed);

    // A new password replaces it.
    await saveDeliverySettings({
      ctx: core.as(tenant.admin, site),
      input: { ...smtp, password: 'Another one 77' },
    });
    const replaced = String((await storedSettings(tenant.id))?.smtp_password_sealed);
    expect(replaced).not.toBe(sealed);
    expect(core.deps.mail.secrets.open(replaced, SMTP_PASSWORD_PURPOSE)).toBe('Another one 77');

    // Each save is recorded with the server's details, never the password, sealed or not.
    const entries = await activityOf(t, tenant.id);
    expect(entries.map((e) => e.data)).toEqual([
      {
        delivery: 'smtp',
        host: '127.0.0.1',
        port: 2525,
        security: 'none',
        username: 'mailer',
        fromAddress: `hello@${tenant.slug}.example`,
        password: 'new',
      },
      expect.objectContaining({ port: 2526, password: 'kept' }),
      expect.objectContaining({ password: 'new' }),
    ]);
    expect(entries.map((e) => e.verb)).toEqual(Array(3).fill('email.delivery_save'));
    const logged = JSON.stringify(entries);
    for (const secret of [PASSWORD, 'Another one 77', sealed, replaced]) expect(logged).not.toContain(secret);
  });

  it('asks for the password again when the host or username changes, so it cannot be redirected', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const smtp = {
      delivery: 'smtp',
      host: '127.0.0.1',
      port: '2525',
      security: 'none',
      username: 'mailer',
      password: PASSWORD,
      fromAddress: `hello@${tenant.slug}.example`,
    };
    await saveDeliverySettings({ ctx: core.as(tenant.admin, site), input: smtp });
    const before = await storedSettings(tenant.id);

    await expectCoreError(
      saveDeliverySettings({
        ctx: core.as(tenant.admin, site),
        input: { ...smtp, host: '127.0.0.2', password: '' },
      }),
      'validation',
      'password',
    );
    await expectCoreError(
      saveDeliverySettings({
        ctx: core.as(tenant.admin, site),
        input: { ...smtp, username: 'someone-else', password: '' },
      }),
      'validation',
      'password',
    );
    expect(await storedSettings(tenant.id)).toEqual(before);

    // A server without sign-in: no username, and the saved password removed on request.
    const open = await saveDeliverySettings({
      ctx: core.as(tenant.admin, site),
      input: {
        ...smtp,
        username: '',
        password: '',
        forgetPassword: true,
      },
    });
    expect(open.smtp).toMatchObject({ username: '', hasPassword: false });
    expect(await storedSettings(tenant.id)).toMatchObject({
      smtp_username: null,
      smtp_password_sealed: null,
    });
    // The two refusals left no entry.
    expect((await activityOf(t, tenant.id)).map((e) => [e.verb, e.data.password])).toEqual([
      ['email.delivery_save', 'new'],
      ['email.delivery_save', 'none'],
    ]);
  });

  it('names every missing or wrong SMTP field at once, and saves nothing', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const before = await storedSettings(tenant.id);

    const error = await expectCoreError(
      saveDeliverySettings({
        ctx: core.as(tenant.admin, site),
        input: {
          delivery: 'smtp',
          host: '',
          port: '70000',
          security: 'ssl',
          username: '',
          password: '',
          fromAddress: 'nobody',
        },
      }),
      'validation',
    );
    expect(Object.keys(error.fields).sort()).toEqual(['fromAddress', 'host', 'port', 'security']);
    await expectCoreError(
      saveDeliverySettings({
        ctx: core.as(tenant.admin, site),
        input: {
          delivery: 'smtp',
          host: 'https://smtp.example.com',
          port: '587',
          security: 'starttls',
          username: '',
          password: '',
          fromAddress: 'a@b.example',
        },
      }),
      'validation',
      'host',
    );
    await expectCoreError(
      saveDeliverySettings({
        ctx: core.as(tenant.admin, site),
        input: {
          delivery: 'pigeon',
          host: '',
          port: '',
          security: '',
          username: '',
          password: '',
          fromAddress: '',
        },
      }),
      'validation',
      'delivery',
    );
    // A username without any password to go with it.
    await expectCoreError(
      saveDeliverySettings({
        ctx: core.as(tenant.admin, site),
        input: {
          delivery: 'smtp',
          host: '127.0.0.1',
          port: '25',
          security: 'none',
          username: 'mailer',
          password: '',
          fromAddress: 'a@b.example',
        },
      }),
      'validation',
      'password',
    );
    expect(await storedSettings(tenant.id)).toEqual(before);
  });

  it('refuses hosts on private or loopback addresses unless the platform allows them', async () => {
    const core = testCore(t);
    const strict: Deps = { ...core.deps, mail: { ...core.deps.mail, allowPrivateSmtp: false } };
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const before = await storedSettings(tenant.id);
    const smtp = {
      delivery: 'smtp',
      port: '587',
      security: 'starttls',
      username: '',
      password: '',
      fromAddress: `hello@${tenant.slug}.example`,
    };

    for (const host of [
      '127.0.0.1',
      'localhost',
      '10.1.2.3',
      '192.168.0.10',
      '169.254.169.254',
      '[::1]',
      '::ffff:127.0.0.1',
    ]) {
      const error = await expectCoreError(
        saveDeliverySettings({
          ctx: createCtx(strict, { actor: tenant.admin, site }),
          input: { ...smtp, host },
        }),
        'validation',
        'host',
      );
      expect(error.fields.host, host).toMatch(/server itself|loopback|private|link-local|public mail server/);
    }
    expect(await storedSettings(tenant.id)).toEqual(before);

    // Allowed where the platform says so (tests, installations on a LAN).
    const saved = await saveDeliverySettings({
      ctx: core.as(tenant.admin, site),
      input: { ...smtp, host: '127.0.0.1' },
    });
    expect(saved.delivery).toBe('smtp');
  });

  it('switching back to the platform’s sending keeps the SMTP details for later', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    await saveDeliverySettings({
      ctx: core.as(tenant.admin, site),
      input: {
        delivery: 'smtp',
        host: '127.0.0.1',
        port: '2525',
        security: 'tls',
        username: 'mailer',
        password: PASSWORD,
        fromAddress: `hello@${tenant.slug}.example`,
      },
    });
    const platform = await saveDeliverySettings({
      ctx: core.as(tenant.admin, site),
      input: {
        delivery: 'platform',
        host: '',
        port: '',
        security: '',
        username: '',
        password: '',
        fromAddress: '',
      },
    });
    expect(platform).toMatchObject({
      delivery: 'platform',
      smtp: { host: '127.0.0.1', port: 2525, security: 'tls', username: 'mailer', hasPassword: true },
    });
    expect((await activityOf(t, tenant.id)).at(-1)).toMatchObject({
      verb: 'email.delivery_save',
      data: { delivery: 'platform' },
    });
  });

  it('sends a test through the platform’s sending to the admin, as the agency', async () => {
    const core = testCore(t);
    const { mail } = core;
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    await saveEmailSettings({
      ctx: core.as(tenant.admin, site),
      input: {
        senderName: 'Studio North',
        replyTo: 'hi@north.example',
      },
    });

    const result = await sendDeliveryTest({ ctx: core.as(tenant.admin, site) });
    expect(result).toMatchObject({ ok: true, to: `admin@${tenant.slug}.test`, transport: 'file' });
    const sent = required(mail[0], 'the test message');
    expect(mail).toHaveLength(1);
    expect(sent).toMatchObject({
      to: `admin@${tenant.slug}.test`,
      from: { name: 'Studio North', address: core.deps.mail.from },
      replyTo: 'hi@north.example',
    });
    expect(sent.subject).toContain(tenant.name);
    // Nothing is queued: the answer is shown at once, not retried later.
    const [queued] = await t.superuser<{ n: number }>(
      `select count(*)::int as n from app.outbox where tenant_id = $1 and status <> 'sent'`,
      [tenant.id],
    );
    expect(queued?.n).toBe(0);
    expect((await activityOf(t, tenant.id)).map((e) => [e.verb, e.data])).toEqual([
      ['email.sender_save', { senderName: 'Studio North', replyTo: 'hi@north.example' }],
      ['email.delivery_test', { to: `admin@${tenant.slug}.test`, ok: true, transport: 'file' }],
    ]);
  });

  it('sends tests through the agency’s own SMTP server and reports its answer, or its refusal', async () => {
    const core = testCore(t);
    const { mail } = core;
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const sink = await startSmtpSink({ username: 'mailer', password: PASSWORD });
    try {
      const smtp = {
        delivery: 'smtp',
        host: '127.0.0.1',
        port: String(sink.port),
        security: 'none',
        username: 'mailer',
        password: PASSWORD,
        fromAddress: `hello@${tenant.slug}.example`,
      };
      await saveDeliverySettings({ ctx: core.as(tenant.admin, site), input: smtp });
      await saveEmailSettings({
        ctx: core.as(tenant.admin, site),
        input: { senderName: 'Studio North', replyTo: '' },
      });

      const result = await sendDeliveryTest({ ctx: core.as(tenant.admin, site) });
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true, transport: 'smtp' });
      expect(result.ok && result.response).toMatch(/250.*Queued as SINK-1/);
      const received = required(sink.received[0], 'the message at the SMTP server');
      expect(received.from).toBe(`hello@${tenant.slug}.example`);
      expect(received.to).toEqual([`admin@${tenant.slug}.test`]);
      expect(header(received.raw, 'From')).toContain('Studio North');
      expect(mail).toHaveLength(0);

      // The template test goes the same way, with what is in the editor rather than what is saved.
      const template = await sendTemplateTest({
        ctx: core.as(tenant.admin, site),
        input: {
          key: 'staff-invitation',
          subject: 'Come aboard {{agency.name}}',
          body: '<p>{{inviterName}} would like you on the team.</p>\n{{button acceptUrl "Join"}}',
        },
      });
      expect(template).toMatchObject({ ok: true, transport: 'smtp' });
      const second = required(sink.received[1], 'the template test at the SMTP server');
      expect(header(second.raw, 'Subject')).toBe(`[Test] Come aboard ${tenant.name}`);
      expect(second.raw).toContain('Jordan Lee would like you on the team.');

      // A wrong password: the server's refusal is the answer shown, and nothing is sent.
      await saveDeliverySettings({
        ctx: core.as(tenant.admin, site),
        input: { ...smtp, password: 'wrong password 1' },
      });
      const refused = await sendDeliveryTest({ ctx: core.as(tenant.admin, site) });
      expect(refused).toMatchObject({ ok: false, transport: 'smtp' });
      expect(refused.ok ? '' : refused.error).toMatch(/535|Invalid username or password|auth/i);
      expect(sink.received).toHaveLength(2);
      // Each test is recorded with whether it went, the refused one too.
      expect(
        (await activityOf(t, tenant.id))
          .filter((e) => e.verb.includes('test'))
          .map((e) => [e.verb, e.data.ok, e.data.template ?? null]),
      ).toEqual([
        ['email.delivery_test', true, null],
        ['email_template.test_send', true, 'staff-invitation'],
        ['email.delivery_test', false, null],
      ]);
    } finally {
      await sink.close();
    }
  });

  it('reports an SMTP server that is not there instead of failing', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    // A port nothing listens on: the sink is started and closed again to find one.
    const sink = await startSmtpSink({ username: 'x', password: 'y' });
    await sink.close();
    await saveDeliverySettings({
      ctx: core.as(tenant.admin, site),
      input: {
        delivery: 'smtp',
        host: '127.0.0.1',
        port: String(sink.port),
        security: 'none',
        username: '',
        password: '',
        fromAddress: `hello@${tenant.slug}.example`,
      },
    });
    const result = await sendDeliveryTest({ ctx: core.as(tenant.admin, site) });
    expect(result).toMatchObject({ ok: false, transport: 'smtp' });
    expect(result.ok ? '' : result.error).not.toBe('');
  });

  it('lets only admins read or change email settings', async () => {
    const core = testCore(t);
    const { mail } = core;
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const before = await storedSettings(tenant.id);
    const staff = await addUser(t, tenant, { role: 'staff' });
    for (const actor of [staff.actor, tenant.client]) {
      const calls = [
        () => getEmailSettings({ ctx: core.as(actor, site) }),
        () =>
          saveEmailSettings({ ctx: core.as(actor, site), input: { senderName: 'Mine now', replyTo: '' } }),
        () =>
          saveDeliverySettings({
            ctx: core.as(actor, site),
            input: {
              delivery: 'smtp',
              host: '127.0.0.1',
              port: '25',
              security: 'none',
              username: '',
              password: '',
              fromAddress: 'x@evil.example',
            },
          }),
        () => sendDeliveryTest({ ctx: core.as(actor, site) }),
      ];
      for (const call of calls) {
        const error = await coreError(call());
        expect(error.code, `${actor.kind}: ${error.message}`).toBe('forbidden');
      }
    }
    expect(mail).toHaveLength(0);
    expect(await storedSettings(tenant.id)).toEqual(before);
    expect(await verbs(tenant.id)).toEqual([]);
  });
});
