import {
  getEmailTemplate,
  listEmailTemplates,
  previewEmailTemplate,
  resetEmailTemplate,
  saveEmailTemplate,
  sendTemplateTest,
} from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import { activityOf, addUser, coreError, expectCoreError, siteOf, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant } from '../support/tenants';

/**
 * An agency's wording of each email: saved only when it passes the template checks, previewed in
 * the agency's brand, sent as a test from the editor, and reset to the default.
 */

const KEY = 'staff-invitation';

describe.each(drivers)('email templates on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  const OTHER = 'password-reset';
  const everyOverride = (tenantId: string) =>
    t.superuser('select * from app.email_templates where tenant_id = $1 order by template', [tenantId]);

  const override = async (tenantId: string, key = KEY) => {
    const [row] = await t.superuser<{ subject: string; body: string; updated_by: string | null }>(
      'select subject, body, updated_by::text from app.email_templates where tenant_id = $1 and template = $2',
      [tenantId, key],
    );
    return row ?? null;
  };

  it('lists every template with the default text until the agency customises one', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);

    const list = await listEmailTemplates({ ctx: core.as(tenant.admin) });
    const invitation = required(
      list.find((tpl) => tpl.key === KEY),
      'the team invitation',
    );
    expect(invitation).toMatchObject({ name: 'Team invitation', customised: false, updatedAt: null });
    // Only the emails of features that exist.
    expect(list.map((tpl) => tpl.key)).toEqual([
      'client-invitation',
      'staff-invitation',
      'email-verification',
      'password-reset',
      'email-change',
      'two-factor-changed',
      'project-added',
      'review-requested',
      'review-approved',
      'revisions-requested',
      'message-new',
      'mention',
      'invoice-sent',
      'payment-received',
      'payment-reminder',
      'payment-overdue',
      'file-shared',
      'task-assigned',
      'tasks-shared',
      'task-comment',
      'digest',
      'summary',
      'nudge',
      'google-joined',
    ]);
    // The message digest of an earlier plan is no email any more (the digest took its place).
    for (const later of ['message-digest']) {
      await expectCoreError(
        getEmailTemplate({ ctx: core.as(tenant.admin), input: { key: later } }),
        'not_found',
      );
    }

    const detail = await getEmailTemplate({ ctx: core.as(tenant.admin), input: { key: KEY } });
    expect(detail.customised).toBe(false);
    expect(detail.subject).toBe(detail.defaultSubject);
    expect(detail.body).toBe(detail.defaultBody);
    expect(detail.subject).toContain('{{agency.name}}');
    const variables = detail.variables.map((v) => v.name);
    expect(variables).toEqual(
      expect.arrayContaining(['agency.name', 'recipient.name', 'acceptUrl', 'inviterName']),
    );

    await expectCoreError(
      getEmailTemplate({ ctx: core.as(tenant.admin), input: { key: 'no-such-email' } }),
      'not_found',
    );
    await expectCoreError(
      getEmailTemplate({ ctx: core.as(tenant.admin), input: { key: '__proto__' } }),
      'not_found',
    );
  });

  it('saves an override, lists it as customised, and resets it to the default', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const content = {
      subject: '  You’re invited to {{agency.name}}  ',
      body: '<p>Hello {{recipient.name}},</p>\r\n<p>{{inviterName}} saved you a seat.</p>\r\n{{button acceptUrl "Join us"}}\r\n\r\n',
    };

    await saveEmailTemplate({
      ctx: core.as(tenant.admin),
      input: {
        key: OTHER,
        subject: 'Another',
        body: '<p>Another</p>{{button resetUrl "Reset"}}',
      },
    });
    const saved = await saveEmailTemplate({ ctx: core.as(tenant.admin), input: { key: KEY, ...content } });
    expect(saved).toMatchObject({
      customised: true,
      subject: 'You’re invited to {{agency.name}}',
      body: '<p>Hello {{recipient.name}},</p>\n<p>{{inviterName}} saved you a seat.</p>\n{{button acceptUrl "Join us"}}',
    });
    expect(saved.updatedAt).toBeInstanceOf(Date);
    expect(await override(tenant.id)).toEqual({
      subject: saved.subject,
      body: saved.body,
      updated_by: tenant.admin.userId,
    });
    const listed = await listEmailTemplates({ ctx: core.as(tenant.admin) });
    expect(listed.find((tpl) => tpl.key === KEY)?.customised).toBe(true);

    // Saving again replaces it.
    await saveEmailTemplate({
      ctx: core.as(tenant.admin),
      input: { key: KEY, ...content, subject: 'Second thoughts' },
    });
    expect((await override(tenant.id))?.subject).toBe('Second thoughts');

    expect(await resetEmailTemplate({ ctx: core.as(tenant.admin), input: { key: KEY } })).toBe(true);
    expect(await override(tenant.id)).toBeNull();
    const reset = await getEmailTemplate({ ctx: core.as(tenant.admin), input: { key: KEY } });
    expect(reset).toMatchObject({
      customised: false,
      subject: reset.defaultSubject,
      body: reset.defaultBody,
    });
    expect(await resetEmailTemplate({ ctx: core.as(tenant.admin), input: { key: KEY } })).toBe(false);
    // Other templates' overrides are untouched.
    expect(await override(tenant.id, OTHER)).toMatchObject({ subject: 'Another' });
    // One entry per save and reset, naming the template; reads record nothing.
    expect((await activityOf(t, tenant.id)).map((e) => [e.verb, e.data])).toEqual([
      ['email_template.save', { template: OTHER, customised: true }],
      ['email_template.save', { template: KEY, customised: true }],
      ['email_template.save', { template: KEY, customised: true }],
      ['email_template.reset', { template: KEY, removed: true }],
      ['email_template.reset', { template: KEY, removed: false }],
    ]);
  });

  it('saving the default text unchanged leaves no override behind', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    await saveEmailTemplate({
      ctx: core.as(tenant.admin),
      input: {
        key: KEY,
        subject: 'Custom',
        body: '<p>Custom</p>{{button acceptUrl "Join"}}',
      },
    });
    const detail = await getEmailTemplate({ ctx: core.as(tenant.admin), input: { key: KEY } });
    const back = await saveEmailTemplate({
      ctx: core.as(tenant.admin),
      input: {
        key: KEY,
        subject: detail.defaultSubject,
        body: detail.defaultBody.replace(/\n/g, '\r\n'),
      },
    });
    expect(back.customised).toBe(false);
    expect(await override(tenant.id)).toBeNull();
    expect((await activityOf(t, tenant.id)).map((e) => e.data.customised)).toEqual([true, false]);
  });

  it('refuses triple braces with the line and reason, and saves nothing', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    await saveEmailTemplate({
      ctx: core.as(tenant.admin),
      input: {
        key: KEY,
        subject: 'Kept',
        body: '<p>Kept</p>{{button acceptUrl "Join"}}',
      },
    });
    const before = await override(tenant.id);

    const error = await expectCoreError(
      saveEmailTemplate({
        ctx: core.as(tenant.admin),
        input: {
          key: KEY,
          subject: 'Join us',
          body: '<p>Hello,</p>\n<p>Welcome.</p>\n<p>{{{acceptUrl}}}</p>',
        },
      }),
      'validation',
      'body',
    );
    expect(error.fields.body).toMatch(/^Line 3: /);
    expect(error.message).toMatch(/not saved/);
    expect(await override(tenant.id)).toEqual(before);

    // Line numbers count the lines as the browser sent them, CRLF or not.
    const crlf = await expectCoreError(
      saveEmailTemplate({
        ctx: core.as(tenant.admin),
        input: { key: KEY, subject: 'Join us', body: '<p>a</p>\r\n\r\n{{{x}}}' },
      }),
      'validation',
      'body',
    );
    expect(crlf.fields.body).toMatch(/^Line 3: /);

    const badSubject = await expectCoreError(
      saveEmailTemplate({
        ctx: core.as(tenant.admin),
        input: { key: KEY, subject: 'Hi {{#if}}', body: '<p>ok</p>' },
      }),
      'validation',
      'subject',
    );
    expect(badSubject.fields.subject).not.toBe('');
    for (const [content, field] of [
      [{ subject: '', body: '<p>ok</p>' }, 'subject'],
      [{ subject: 'ok', body: '   ' }, 'body'],
      [{ subject: 'x'.repeat(201), body: '<p>ok</p>' }, 'subject'],
      [{ subject: 'ok', body: 'x'.repeat(20_001) }, 'body'],
      [{ subject: 'ok', body: '{{constructor.constructor}}' }, 'body'],
      [{ subject: 'ok', body: '{{lookup this "constructor"}}' }, 'body'],
    ] as const) {
      await expectCoreError(
        saveEmailTemplate({ ctx: core.as(tenant.admin), input: { key: KEY, ...content } }),
        'validation',
        field,
      );
    }
    expect(await override(tenant.id)).toEqual(before);
    await expectCoreError(
      saveEmailTemplate({
        ctx: core.as(tenant.admin),
        input: { key: 'no-such-email', subject: 'a', body: 'b' },
      }),
      'not_found',
    );
    // The refusals left no entry.
    expect((await activityOf(t, tenant.id)).map((e) => e.verb)).toEqual(['email_template.save']);
  });

  it('previews the editor’s text in the agency’s brand with sample data, escaping what it inserts', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);

    const preview = await previewEmailTemplate({
      ctx: core.as(tenant.admin, site),
      input: {
        key: KEY,
        subject: 'Join {{agency.name}} today',
        body: '<p>{{inviterName}} invited {{recipient.name}}.</p>\n{{button acceptUrl "Accept"}}',
      },
    });
    expect(preview.subject).toBe(`Join ${tenant.name} today`);
    expect(preview.html).toContain('Jordan Lee invited Sam Rivera.');
    expect(preview.html).toContain(tenant.name);
    // Sample links are moved onto the agency's own address.
    expect(preview.html).toContain(`${site.tenant.origin}/invite`);
    expect(preview.text).toContain('Jordan Lee invited Sam Rivera.');
    // Nothing is saved by previewing.
    expect(await override(tenant.id)).toBeNull();

    // Markup can only come from the template text itself, and script never survives.
    const hostile = await previewEmailTemplate({
      ctx: core.as(tenant.admin, site),
      input: {
        key: KEY,
        subject: 'Hi',
        body: '<p onclick="alert(1)">Hello</p><img src="javascript:alert(1)">',
      },
    }).catch((error: unknown) => error);
    if (!(hostile instanceof Error)) expect(hostile).not.toBeNull();
    expect(hostile instanceof Error ? '' : JSON.stringify(hostile)).not.toMatch(/onclick|javascript:/i);
    await expectCoreError(
      previewEmailTemplate({
        ctx: core.as(tenant.admin, site),
        input: { key: KEY, subject: 'Hi', body: '{{{acceptUrl}}}' },
      }),
      'validation',
      'body',
    );
    // Previews change nothing and record nothing.
    expect(await activityOf(t, tenant.id)).toEqual([]);
  });

  it('refuses an invitation without its accept link, and names the variables it offers', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    // The walk-through's phishing text: no invitation link, sent from the platform's address.
    const phishing = {
      subject: 'Action required: your mailbox is full',
      body: '<p>Your mailbox is full.</p>\n<p>Sign in at <a href="https://mail-login.example">mail-login.example</a>.</p>',
    };
    const missing = await expectCoreError(
      saveEmailTemplate({ ctx: core.as(tenant.admin), input: { key: KEY, ...phishing } }),
      'validation',
      'body',
    );
    expect(missing.fields.body).toBe(
      'Line 1: Keep {{acceptUrl}} in the text: it is the link this email exists for, e.g. {{button acceptUrl "Open"}}.',
    );
    await expectCoreError(
      previewEmailTemplate({ ctx: core.as(tenant.admin, site), input: { key: KEY, ...phishing } }),
      'validation',
      'body',
    );
    // Each account email keeps its own link.
    for (const [key, link] of [
      ['password-reset', 'resetUrl'],
      ['email-verification', 'verifyUrl'],
      ['email-change', 'confirmUrl'],
    ] as const) {
      const error = await expectCoreError(
        saveEmailTemplate({
          ctx: core.as(tenant.admin),
          input: { key, subject: 'Hello', body: '<p>Hello</p>' },
        }),
        'validation',
        'body',
      );
      expect(error.fields.body).toContain(`{{${link}}}`);
    }

    const unknown = await expectCoreError(
      saveEmailTemplate({
        ctx: core.as(tenant.admin),
        input: {
          key: KEY,
          subject: 'Join {{agency.name}}',
          body: '<p>Welcome to\n{{agencyName}}</p>{{button acceptUrl "Join"}}',
        },
      }),
      'validation',
      'body',
    );
    expect(unknown.fields.body).toBe(
      'Line 2: {{agencyName}} is not a variable of this email, so it would show nothing. Available: {{agency.name}}, {{agency.url}}, {{recipient.name}}, {{recipient.email}}, {{inviterName}}, {{roleName}}, {{acceptUrl}} and {{expiresAt}}.',
    );
    const helper = await expectCoreError(
      saveEmailTemplate({
        ctx: core.as(tenant.admin),
        input: {
          key: KEY,
          subject: 'Join',
          body: '{{constructor acceptUrl "x"}}{{button acceptUrl "Join"}}',
        },
      }),
      'validation',
      'body',
    );
    expect(helper.fields.body).toMatch(/^Line 1: Unknown helper "constructor"\. Available: /);
    expect(await override(tenant.id)).toBeNull();
  });

  it('lets only admins read, change, preview or test templates', async () => {
    const core = testCore(t);
    const { mail } = core;
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const staff = await addUser(t, tenant, { role: 'staff' });
    await saveEmailTemplate({
      ctx: core.as(tenant.admin),
      input: {
        key: OTHER,
        subject: 'Kept',
        body: '<p>Kept</p>{{button resetUrl "Reset"}}',
      },
    });
    const before = await everyOverride(tenant.id);
    const content = { subject: 'Mine now', body: '<p>Mine</p>' };
    for (const actor of [staff.actor, tenant.client]) {
      const calls = [
        () => listEmailTemplates({ ctx: core.as(actor) }),
        () => getEmailTemplate({ ctx: core.as(actor), input: { key: KEY } }),
        () => saveEmailTemplate({ ctx: core.as(actor), input: { key: KEY, ...content } }),
        () => resetEmailTemplate({ ctx: core.as(actor), input: { key: OTHER } }),
        () => previewEmailTemplate({ ctx: core.as(actor, site), input: { key: KEY, ...content } }),
        () => sendTemplateTest({ ctx: core.as(actor, site), input: { key: KEY, ...content } }),
      ];
      for (const call of calls) {
        const error = await coreError(call());
        expect(error.code, `${actor.kind}: ${error.message}`).toBe('forbidden');
      }
    }
    expect(mail).toHaveLength(0);
    expect(await everyOverride(tenant.id)).toEqual(before);
    expect((await activityOf(t, tenant.id)).map((e) => e.verb)).toEqual(['email_template.save']);
  });
});
