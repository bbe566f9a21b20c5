import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestInfo } from '@playwright/test';
import { expect, type Mail, parseEml, signUpAgency, test, unique, verifyAdmin } from './support';

/**
 * The message to `to` whose subject contains `marker`, waiting for it. The admin also gets the
 * sign-up's verification email at about the same time, so "the newest" is not enough.
 */
async function mailWithSubject(testInfo: TestInfo, to: string, marker: string): Promise<Mail> {
  const dir = join(String(testInfo.project.metadata.dataDir), 'mail');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.eml'))) {
      const mail = parseEml(name, await readFile(join(dir, name), 'utf8'));
      if (mail.to.toLowerCase() === to.toLowerCase() && mail.subject.includes(marker)) return mail;
    }
    if (Date.now() > deadline) throw new Error(`no email to ${to} with “${marker}” arrived in ${dir}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('an admin edits the invitation email, watches the preview, and sends themself a test', async ({
  page,
  hostUrl,
  mailbox,
}, testInfo) => {
  const agency = await signUpAgency(page, hostUrl);
  const { host } = agency;
  const marker = unique();

  // Until the admin confirms their address the workspace sends no invitations or tests.
  await page.goto(hostUrl(host, '/admin/settings/email'));
  await expect(
    page.getByText('Confirm your email address to send invitations or test emails.'),
  ).toBeVisible();
  await verifyAdmin(page, hostUrl, mailbox, agency);

  await page.goto(hostUrl(host, '/admin/settings/email'));
  await expect(page.getByRole('heading', { name: 'Email', level: 1 })).toBeVisible();
  await expect(page.getByText('Confirm your email address to send invitations')).toHaveCount(0);
  // Only the emails of features that exist are offered: the message digest's release is to come.
  await expect(page.getByRole('link', { name: /New message/ })).toHaveCount(1);
  await expect(page.getByRole('link', { name: /Message digest/i })).toHaveCount(0);
  await page.getByRole('link', { name: /Team invitation/ }).click();
  await expect(page).toHaveURL(hostUrl(host, '/admin/settings/email/templates/staff-invitation'));
  await expect(page.getByRole('heading', { name: 'Team invitation', level: 1 })).toBeVisible();

  // The preview starts from the default text, in the agency's brand and with sample data.
  const preview = page.frameLocator('iframe[title="Preview of the email"]');
  // Paragraphs, since the email also carries its first lines as hidden preview text.
  const paragraph = (text: string) => preview.getByRole('paragraph').filter({ hasText: text });
  await expect(paragraph(`invited you to join the ${agency.name} team`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Update preview' })).toHaveCount(0);

  const subject = page.getByLabel('Subject');
  const body = page.getByLabel('Text', { exact: true });
  await subject.fill(`Come aboard {{agency.name}} ${marker}`);
  await body.fill(
    '<p>Hello {{recipient.name}},</p>\n<p>{{inviterName}} saved you a seat at {{agency.name}}.</p>\n{{button acceptUrl "Take your seat"}}',
  );

  // The preview follows the editor: sample values filled in, in the agency's brand.
  await expect(paragraph(`Jordan Lee saved you a seat at ${agency.name}.`)).toBeVisible();
  await expect(preview.getByRole('link', { name: 'Take your seat' })).toBeVisible();
  await expect(page.getByText(`Come aboard ${agency.name} ${marker}`)).toBeVisible();
  // The email's markup exists only inside the sandboxed frame, never in the page itself (which
  // shows the plain-text version as text).
  await expect(page.getByRole('link', { name: 'Take your seat' })).toHaveCount(0);
  expect(await page.locator('iframe[title="Preview of the email"]').getAttribute('sandbox')).toBe('');

  await page.getByRole('button', { name: 'Send me a test' }).click();
  const sentNote = page.getByText(`Test sent to ${agency.admin.email}`);
  await expect(sentNote).toBeVisible();
  // On embedded defaults it is a file: the page says where operators find it, not a server path.
  await expect(sentNote).toContainText('operator console');
  await expect(sentNote).not.toContainText('.eml');
  await expect(sentNote).not.toContainText(testInfo.project.metadata.dataDir as string);
  // Sending a test saves nothing.
  await expect(page.getByText('Default text', { exact: true })).toBeVisible();

  const mail = await mailWithSubject(testInfo, agency.admin.email, marker);
  expect(mail.subject).toBe(`[Test] Come aboard ${agency.name} ${marker}`);
  expect(mail.text).toContain(`Jordan Lee saved you a seat at ${agency.name}.`);
  expect(mail.text).toContain(agency.name);
  expect(mail.links.some((link) => link.startsWith(hostUrl(host, '/')))).toBe(true);
});

test('a broken template is refused with its line; a good one is saved and can be reset', async ({
  page,
  hostUrl,
}) => {
  const agency = await signUpAgency(page, hostUrl);
  const { host } = agency;
  await page.goto(hostUrl(host, '/admin/settings/email/templates/staff-invitation'));
  // The live preview follows typing only once the page is interactive.
  await expect(page.locator('html[data-interactive]')).toBeAttached();

  const subject = page.getByLabel('Subject');
  const body = page.getByLabel('Text', { exact: true });
  await subject.fill('Welcome to {{agency.name}}');
  await body.fill('<p>Hello,</p>\n<p>Here is your link:</p>\n<p>{{{acceptUrl}}}</p>');
  // The live preview says what is wrong while typing…
  await expect(page.getByText(/Text: Line 3:/)).toBeVisible();
  // …and Save refuses it next to the field, keeping what was typed.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('The template has a problem, so it was not saved.')).toBeVisible();
  await expect(page.locator('#body-error')).toContainText('Line 3:');
  await expect(body).toHaveValue(/\{\{\{acceptUrl\}\}\}/);
  await expect(page.getByText('Default text', { exact: true })).toBeVisible();

  // An invitation without its accept link is refused, naming the variable.
  await body.fill('<p>Your mailbox is full.</p>\n<p>Sign in at https://mail-login.example</p>');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('#body-error')).toContainText('Keep {{acceptUrl}} in the text');
  // So is a variable this email does not have, with the list of those it has.
  await body.fill('<p>Welcome to {{agencyName}}</p>\n{{button acceptUrl "Join"}}');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('#body-error')).toContainText(
    '{{agencyName}} is not a variable of this email, so it would show nothing. Available: {{agency.name}}',
  );
  await expect(page.getByText('Default text', { exact: true })).toBeVisible();

  await body.fill('<p>Hello,</p>\n<p>Here is your link:</p>\n{{button acceptUrl "Join"}}');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Template saved.')).toBeVisible();
  await expect(page.getByText('Customised', { exact: true }).first()).toBeVisible();

  // The list shows it as customised.
  await page.getByRole('link', { name: 'All templates' }).click();
  await expect(page.getByRole('link', { name: /Team invitation\s+Customised/ })).toBeVisible();

  // Reset asks first.
  await page.getByRole('link', { name: /Team invitation/ }).click();
  await page.getByRole('button', { name: 'Reset to default' }).click();
  const dialog = page.getByRole('dialog', { name: 'Reset “Team invitation” to the default?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Reset to default' }).click();
  await expect(page.getByText('Back to the default text.')).toBeVisible();
  await expect(page.getByText('Default text', { exact: true })).toBeVisible();
  await expect(subject).toHaveValue('Join the {{agency.name}} team');
});
