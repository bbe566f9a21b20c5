import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  addSendingDomain,
  checkSendingDomain,
  getSendingDomain,
  queueEmail,
  removeSendingDomain,
  SENDING_DOMAIN_NEEDS_RESEND,
} from '@foyer/core';
import { type TenantActor, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import {
  activityOf,
  addUser,
  deliverQueued,
  expectCoreError,
  siteOf,
  type TestCore,
  testCore,
} from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * An agency's own sending domain on the platform's Resend account, against a local stand-in for
 * Resend's domains API: records shown, verification checked, and From: switched only once
 * Resend says the domain is verified.
 */

interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

interface FakeDomain {
  id: string;
  name: string;
  status: string;
}

/** Resend's domains endpoints on 127.0.0.1, answering as Resend does; `verify(id)` flips one. */
async function fakeResendDomains() {
  const requests: Recorded[] = [];
  const domains = new Map<string, FakeDomain>();
  const recordsOf = (domain: FakeDomain) => {
    const status = domain.status === 'verified' ? 'verified' : domain.status;
    return [
      {
        record: 'SPF',
        name: 'send',
        type: 'MX',
        ttl: 'Auto',
        status,
        value: 'feedback-smtp.us-east-1.amazonses.com',
        priority: 10,
      },
      {
        record: 'SPF',
        name: 'send',
        value: '"v=spf1 include:amazonses.com ~all"',
        type: 'TXT',
        ttl: 'Auto',
        status,
      },
      {
        record: 'DKIM',
        name: 'resend._domainkey',
        value:
          'p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDsc4Lh8xilsngyKEgN2S84+21gn+x6SEXtjWvPiAAmnmggr5FWG42WnqczpzQ/mNblqHz4CDwUum6LtY6SdoOlDmrhvp5khA3cd661W9FlK3yp7+jVACQElS7d9O6jv8VsBbVg4COess3gyLE5RyxqF1vYsrEXqyM8TBz1n5AGkQIDAQA2',
        type: 'TXT',
        status,
        ttl: 'Auto',
      },
    ];
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? '';
      const url = req.url ?? '';
      requests.push({
        method,
        url,
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>,
      });
      const answer = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const notFound = () => answer(404, { statusCode: 404, name: 'not_found', message: 'Domain not found' });
      if (method === 'POST' && url === '/domains') {
        const name = String(requests.at(-1)?.body.name ?? '');
        if ([...domains.values()].some((d) => d.name === name)) {
          return answer(403, {
            statusCode: 403,
            name: 'validation_error',
            message: `The ${name} domain has been registered already.`,
          });
        }
        const domain: FakeDomain = { id: randomUUID(), name, status: 'not_started' };
        domains.set(domain.id, domain);
        return answer(200, {
          id: domain.id,
          name,
          created_at: new Date().toISOString(),
          status: 'not_started',
          records: recordsOf(domain),
          region: 'us-east-1',
          capabilities: { sending: 'enabled', receiving: 'disabled' },
        });
      }
      const match = /^\/domains\/([^/]+)(\/verify)?$/.exec(url);
      const domain = match ? domains.get(decodeURIComponent(match[1] ?? '')) : undefined;
      if (!match || !domain) return notFound();
      if (method === 'POST' && match[2]) {
        if (domain.status === 'not_started') domain.status = 'pending';
        return answer(200, { object: 'domain', id: domain.id });
      }
      if (method === 'GET' && !match[2]) {
        return answer(200, {
          object: 'domain',
          id: domain.id,
          name: domain.name,
          status: domain.status,
          created_at: new Date().toISOString(),
          region: 'us-east-1',
          capabilities: { sending: 'enabled', receiving: 'disabled' },
          records: recordsOf(domain),
        });
      }
      if (method === 'DELETE' && !match[2]) {
        domains.delete(domain.id);
        return answer(200, { object: 'domain', id: domain.id, deleted: true });
      }
      return notFound();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    domains,
    /** What Resend's own DNS check would do once the records are in place. */
    markVerified(id: string) {
      required(domains.get(id), `domain ${id}`).status = 'verified';
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type FakeResend = Awaited<ReturnType<typeof fakeResendDomains>>;

describe.each(drivers)('sending domains on %s', (driver) => {
  let t: TestDatabase;
  let api: FakeResend;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    api = await fakeResendDomains();
  });
  afterAll(async () => {
    await api.close();
    await t.close();
  });

  const withResend = (): TestCore => {
    const core = testCore(t);
    core.deps.mail.resend = { apiKey: 're_platform_key', baseUrl: api.baseUrl };
    return core;
  };

  const storedDomain = async (tenantId: string) => {
    const [row] = await t.superuser<Record<string, unknown>>(
      'select sending_domain, resend_domain_id, sending_domain_status, sending_domain_records from app.email_settings where tenant_id = $1',
      [tenantId],
    );
    return row ?? null;
  };

  const queueTo = (tenant: TenantFixture, actor: TenantActor = tenant.admin) =>
    withActor(t.handle.db, actor, (tx) =>
      queueEmail(tx, {
        tenantId: tenant.id,
        template: 'project-added',
        to: { userId: tenant.client.userId },
        vars: { projectName: 'Website' },
      }),
    );

  it('creates the domain through Resend and keeps the DNS records it asks for', async () => {
    const core = withResend();
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const before = api.requests.length;

    const state = await addSendingDomain({
      ctx: core.as(tenant.admin, site),
      input: { domain: '  Mail.Northwind-Studio.COM. ' },
    });
    const created = api.requests.slice(before);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      method: 'POST',
      url: '/domains',
      authorization: 'Bearer re_platform_key',
      body: { name: 'mail.northwind-studio.com' },
    });

    const domain = required(state.domain, 'the sending domain');
    expect(domain).toMatchObject({
      domain: 'mail.northwind-studio.com',
      status: 'not_started',
      verified: false,
      address: 'notifications@mail.northwind-studio.com',
    });
    expect(domain.records.map((r) => [r.purpose, r.type, r.name])).toEqual([
      ['SPF', 'MX', 'send'],
      ['SPF', 'TXT', 'send'],
      ['DKIM', 'TXT', 'resend._domainkey'],
    ]);
    expect(domain.records[0]).toMatchObject({ priority: 10, status: 'not_started' });
    // Until verified, mail still comes from the platform's address under the agency's name.
    expect(state.currentFrom).toEqual({ name: tenant.name, address: core.deps.mail.from });

    const stored = required(await storedDomain(tenant.id), 'stored settings');
    expect(stored.sending_domain).toBe('mail.northwind-studio.com');
    const registered = [...api.domains.values()].find((d) => d.name === 'mail.northwind-studio.com');
    expect(stored.resend_domain_id).toBe(required(registered, 'the domain on Resend').id);
    expect(stored.sending_domain_status).toBe('not_started');
    expect(stored.sending_domain_records).toHaveLength(3);
    expect(await getSendingDomain({ ctx: core.as(tenant.admin, site) })).toEqual(state);

    await expectCoreError(
      addSendingDomain({ ctx: core.as(tenant.admin, site), input: { domain: 'other-agency.com' } }),
      'conflict',
    );
    // One entry for the domain added; the refused second one left none.
    expect((await activityOf(t, tenant.id)).map((e) => [e.verb, e.data])).toEqual([
      ['sending_domain.add', { domain: 'mail.northwind-studio.com', status: 'not_started' }],
    ]);
  });

  it('checks verification with Resend, then sends from the agency’s domain', async () => {
    const core = withResend();
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const added = await addSendingDomain({
      ctx: core.as(tenant.admin, site),
      input: { domain: 'harbour-agency.co.uk' },
    });
    const id = required(await storedDomain(tenant.id), 'stored').resend_domain_id as string;

    // Before verification: the platform's address, with the agency's name.
    await queueTo(tenant);
    const first = await deliverQueued(core, [tenant.id]);
    expect(first).toMatchObject([{ outcome: 'sent' }]);
    expect(core.mail.at(-1)?.from).toEqual({ name: tenant.name, address: core.deps.mail.from });

    // Records not in place yet: Resend is asked to verify and still says pending.
    const before = api.requests.length;
    const pending = await checkSendingDomain({ ctx: core.as(tenant.admin, site) });
    expect(api.requests.slice(before).map((r) => `${r.method} ${r.url}`)).toEqual([
      `POST /domains/${id}/verify`,
      `GET /domains/${id}`,
    ]);
    expect(pending.domain).toMatchObject({ status: 'pending', verified: false });
    expect(pending.domain?.checkedAt).toBeInstanceOf(Date);
    expect(pending.currentFrom.address).toBe(core.deps.mail.from);
    await queueTo(tenant);
    await deliverQueued(core, [tenant.id]);
    expect(core.mail.at(-1)?.from.address).toBe(core.deps.mail.from);

    api.markVerified(id);
    const verified = await checkSendingDomain({ ctx: core.as(tenant.admin, site) });
    expect(verified.domain).toMatchObject({ status: 'verified', verified: true });
    expect(verified.domain?.records.every((r) => r.status === 'verified')).toBe(true);
    expect(verified.currentFrom).toEqual({
      name: tenant.name,
      address: 'notifications@harbour-agency.co.uk',
    });
    expect((await storedDomain(tenant.id))?.sending_domain_status).toBe('verified');

    await queueTo(tenant);
    expect(await deliverQueued(core, [tenant.id])).toMatchObject([{ outcome: 'sent' }]);
    const sent = required(core.mail.at(-1), 'the delivered email');
    expect(sent.from).toEqual({ name: tenant.name, address: 'notifications@harbour-agency.co.uk' });
    expect(sent.replyTo).toBe(`hello@${tenant.slug}.test`);

    // Without the platform's Resend account the domain cannot be sent from, verified or not.
    const withoutResend = testCore(t);
    await queueTo(tenant);
    await deliverQueued(withoutResend, [tenant.id]);
    expect(withoutResend.mail.at(-1)?.from.address).toBe(withoutResend.deps.mail.from);
    expect(added.domain?.domain).toBe('harbour-agency.co.uk');
    // Each check is recorded with what Resend said.
    expect((await activityOf(t, tenant.id)).map((e) => [e.verb, e.data.status])).toEqual([
      ['sending_domain.add', 'not_started'],
      ['sending_domain.check', 'pending'],
      ['sending_domain.check', 'verified'],
    ]);
  });

  it('removes the domain from Resend and goes back to the platform’s address', async () => {
    const core = withResend();
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    await addSendingDomain({ ctx: core.as(tenant.admin, site), input: { domain: 'lighthouse-design.io' } });
    const id = required(await storedDomain(tenant.id), 'stored').resend_domain_id as string;
    api.markVerified(id);
    await checkSendingDomain({ ctx: core.as(tenant.admin, site) });

    const removed = await removeSendingDomain({ ctx: core.as(tenant.admin, site) });
    expect(api.requests.at(-1)).toMatchObject({ method: 'DELETE', url: `/domains/${id}` });
    expect(api.domains.has(id)).toBe(false);
    expect(removed.domain).toBeNull();
    expect(removed.currentFrom.address).toBe(core.deps.mail.from);
    expect(await storedDomain(tenant.id)).toMatchObject({ sending_domain: null, resend_domain_id: null });
    await queueTo(tenant);
    await deliverQueued(core, [tenant.id]);
    expect(core.mail.at(-1)?.from.address).toBe(core.deps.mail.from);

    await expectCoreError(removeSendingDomain({ ctx: core.as(tenant.admin, site) }), 'not_found');
    await expectCoreError(checkSendingDomain({ ctx: core.as(tenant.admin, site) }), 'not_found');
    // The same domain can be added again once removed.
    const again = await addSendingDomain({
      ctx: core.as(tenant.admin, site),
      input: { domain: 'lighthouse-design.io' },
    });
    expect(again.domain?.status).toBe('not_started');
    expect((await activityOf(t, tenant.id)).map((e) => [e.verb, e.data.domain])).toEqual([
      ['sending_domain.add', 'lighthouse-design.io'],
      ['sending_domain.check', 'lighthouse-design.io'],
      ['sending_domain.remove', 'lighthouse-design.io'],
      ['sending_domain.add', 'lighthouse-design.io'],
    ]);
  });

  it('refuses what is not a public domain of the agency’s own, before asking Resend', async () => {
    const core = withResend();
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const before = api.requests.length;
    for (const domain of [
      '',
      'localhost',
      'agency',
      'hello@agency.com',
      'https://agency.com/',
      'agency..com',
      '-agency.com',
      'agency.com;rm -rf',
      '127.0.0.1',
      'studio.localhost',
      'mail.example',
      `${'a'.repeat(64)}.com`,
      core.deps.platformDomain,
      `${tenant.slug}.${core.deps.platformDomain}`,
      required(core.deps.mail.from.split('@')[1], 'platform mail domain'),
    ]) {
      await expectCoreError(
        addSendingDomain({ ctx: core.as(tenant.admin, site), input: { domain } }),
        'validation',
        'domain',
      );
    }
    expect(api.requests.length).toBe(before);
    expect(await storedDomain(tenant.id)).toMatchObject({ sending_domain: null });
  });

  it('passes on Resend’s refusal as a message next to the field', async () => {
    const core = withResend();
    const first = await createTenant(t);
    const second = await createTenant(t);
    const domain = `taken-${randomUUID().slice(0, 8)}.com`;
    await addSendingDomain({ ctx: core.as(first.admin, siteOf(first)), input: { domain } });
    const error = await expectCoreError(
      addSendingDomain({ ctx: core.as(second.admin, siteOf(second)), input: { domain } }),
      'validation',
      'domain',
    );
    expect(error.fields.domain).toContain('registered already');
    expect(await storedDomain(second.id)).toMatchObject({ sending_domain: null });
    expect(await activityOf(t, second.id)).toEqual([]);
  });

  it('is for admins only', async () => {
    const core = withResend();
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const staff = await addUser(t, tenant, { role: 'staff' });
    const before = api.requests.length;
    for (const actor of [staff.actor, tenant.client]) {
      await expectCoreError(getSendingDomain({ ctx: core.as(actor, site) }), 'forbidden');
      await expectCoreError(
        addSendingDomain({ ctx: core.as(actor, site), input: { domain: 'agency-domain.com' } }),
        'forbidden',
      );
      await expectCoreError(checkSendingDomain({ ctx: core.as(actor, site) }), 'forbidden');
      await expectCoreError(removeSendingDomain({ ctx: core.as(actor, site) }), 'forbidden');
    }
    expect(api.requests.length).toBe(before);
    expect(await activityOf(t, tenant.id)).toEqual([]);
  });

  it('says clearly that sending domains need the platform’s Resend account', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const state = await getSendingDomain({ ctx: core.as(tenant.admin, site) });
    expect(state).toMatchObject({
      available: false,
      unavailableReason: SENDING_DOMAIN_NEEDS_RESEND,
      domain: null,
      currentFrom: { name: tenant.name, address: core.deps.mail.from },
    });
    const added = await expectCoreError(
      addSendingDomain({ ctx: core.as(tenant.admin, site), input: { domain: 'agency-domain.com' } }),
      'validation',
      'domain',
    );
    expect(added.fields.domain).toBe(SENDING_DOMAIN_NEEDS_RESEND);
    for (const attempt of [
      checkSendingDomain({ ctx: core.as(tenant.admin, site) }),
      removeSendingDomain({ ctx: core.as(tenant.admin, site) }),
    ]) {
      const error = await expectCoreError(attempt, 'conflict');
      expect(error.message).toBe(SENDING_DOMAIN_NEEDS_RESEND);
    }
  });
});
