import { describe, expect, it } from 'vitest';
import type { EmailBrand } from './brand';
import {
  checkTemplate,
  defaultTemplate,
  previewEmail,
  renderEmail,
  TEMPLATE_INFO,
  TEMPLATE_KEYS,
} from './index';
import { variableUses } from './variables';

const brand: EmailBrand = {
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
const invitation = (body: string, subject = 'Join {{agency.name}}') =>
  checkTemplate({ subject, body }, { key: 'staff-invitation' });

describe('variables a template refers to', () => {
  it('resolves names against the scopes #each and #with open', () => {
    const uses = variableUses(
      '{{agency.name}}{{#each messages}}{{url}}{{../inboxUrl}}{{@index}}{{/each}}{{#with agency}}{{name}}{{/with}}{{#each messages as |m|}}{{m.excerpt}}{{/each}}{{@root.recipient.email}}',
    ).map((u) => u.name);
    expect(uses).toEqual([
      'agency.name',
      'messages',
      'messages[].url',
      'inboxUrl',
      'agency',
      'agency.name',
      'messages',
      'messages[].excerpt',
      'recipient.email',
    ]);
  });
});

describe('an agency’s template', () => {
  it('refuses a variable the email does not offer, listing those it does', () => {
    expect(invitation('<p>Welcome to {{agencyName}}</p>\n{{button acceptUrl "Join"}}')).toEqual({
      ok: false,
      field: 'body',
      line: 1,
      reason:
        '{{agencyName}} is not a variable of this email, so it would show nothing. Available: {{agency.name}}, {{agency.url}}, {{recipient.name}}, {{recipient.email}}, {{inviterName}}, {{roleName}}, {{acceptUrl}} and {{expiresAt}}.',
    });
    expect(invitation('{{button acceptUrl "Join"}}', 'Hi {{firstName}}')).toMatchObject({
      ok: false,
      field: 'subject',
      reason: expect.stringMatching(/^\{\{firstName\}\} is not a variable of this email/),
    });
    // Another email's variable is just as unknown here.
    expect(invitation('{{invoiceNumber}} {{button acceptUrl "Join"}}')).toMatchObject({ ok: false });
  });

  it('names object-machinery words as unknown helpers, not as function Object()', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__']) {
      const result = invitation(`{{${name} acceptUrl "x"}} {{button acceptUrl "Join"}}`);
      expect(result, name).toMatchObject({ ok: false, reason: expect.stringMatching(/^Unknown helper/) });
      if (!result.ok) expect(result.reason).not.toMatch(/function|native code|Object\(/);
    }
    expect(invitation('{{toString}} {{button acceptUrl "Join"}}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/\{\{toString\}\} is not a variable of this email/),
    });
  });

  it('refuses an invitation without its accept link, naming the variable', () => {
    expect(invitation('<p>Urgent: confirm your mailbox at https://evil.example</p>')).toEqual({
      ok: false,
      field: 'body',
      line: 1,
      reason:
        'Keep {{acceptUrl}} in the text: it is the link this email exists for, e.g. {{button acceptUrl "Open"}}.',
    });
    // Hidden behind a condition that never holds: still no link in the email.
    expect(invitation('{{#if inviterName}}{{else}}{{button acceptUrl "Join"}}{{/if}}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/must show the link in \{\{acceptUrl\}\}/),
    });
    expect(invitation('<p>Join us</p>\n<p><a href="{{acceptUrl}}">Accept</a></p>')).toEqual({ ok: true });
  });

  it.each(TEMPLATE_KEYS)('%s: the default text passes its own checks', (key) => {
    expect(checkTemplate(defaultTemplate(key), { key })).toEqual({ ok: true });
  });

  it('a stored version without its link is not sent: the default goes instead', () => {
    const email = renderEmail({
      key: 'staff-invitation',
      override: { subject: 'Account alert', body: '<p>Confirm your mailbox at https://evil.example</p>' },
      brand,
      vars: { acceptUrl: 'https://studio.example.com/invite?token=abc', inviterName: 'Ada' },
      recipient: { email: 'new@person.example' },
    });
    expect(email.usedOverride).toBe(false);
    expect(email.overrideError).toMatch(/Keep \{\{acceptUrl\}\}/);
    expect(email.text).toContain('https://studio.example.com/invite?token=abc');
  });
});

describe('sample data', () => {
  it('links to pages that exist and expires in the future', () => {
    const preview = previewEmail('staff-invitation', null, brand);
    expect(preview.text).toContain('https://studio.example.com/invite?token=');
    const expires = TEMPLATE_INFO['staff-invitation'].sample.expiresAt;
    expect(typeof expires).toBe('string');
    const week = new Date(Date.now() + 7 * 86_400_000).toLocaleDateString('en-US', {
      dateStyle: 'long',
      timeZone: 'UTC',
    });
    expect(preview.text).toContain(week);
  });
});
