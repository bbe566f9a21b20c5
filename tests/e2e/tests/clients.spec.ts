import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, type HostUrl, test, unique } from './support';

const HOST = 'northwind.localhost';
const PHONE = { width: 375, height: 740 };

async function signInAsNora(page: Page, hostUrl: HostUrl) {
  await page.goto(hostUrl(HOST, '/login'));
  await page.getByLabel('Email').fill('nora@northwind.example');
  await page.getByLabel('Password').fill('northwind-admin-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(hostUrl(HOST, '/admin'));
}

/** Serious and critical axe findings on the page as it is now. */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('an admin adds a client who accepts from the mail, lands in the portal, and is shut out on deactivation', async ({
  page,
  browser,
  hostUrl,
  mailbox,
}) => {
  test.slow();
  const id = unique();
  const email = `client-${id}@e2e-client.example`;
  const name = `Casey ${id}`;
  await signInAsNora(page, hostUrl);

  await page.goto(hostUrl(HOST, '/admin/clients'));
  await page.getByRole('link', { name: 'Add client' }).first().click();
  await expect(page).toHaveURL(hostUrl(HOST, '/admin/clients/new'));
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Company').fill(`E2E Company ${id}`);
  // A preset sets the switches; one switch more on top; the summary follows.
  await page.getByRole('button', { name: 'Reviewer' }).click();
  await expect(page.getByRole('switch', { name: 'Invoices and payments' })).not.toBeChecked();
  await expect(page.getByText('Sees no invoices.')).toBeVisible();
  await page.getByRole('switch', { name: 'Messages' }).check();
  await expect(page.getByText('Takes part in conversations they are included in.')).toBeVisible();
  await page.getByRole('button', { name: 'Save and send invitation' }).click();
  await expect(page).toHaveURL(/\/admin\/clients\/[0-9a-f-]{36}\?added=1$/);
  const clientPage = page.url().replace(/\?.*$/, '');
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByRole('switch', { name: 'Review and approve' })).toBeChecked();
  await expect(page.getByRole('switch', { name: 'Messages' })).toBeChecked();
  await expect(page.getByRole('switch', { name: 'Invoices and payments' })).not.toBeChecked();

  // The branded invitation arrives in the mail folder; its link opens the portal's welcome.
  const mail = await mailbox.latestTo(email, (m) => m.links.some((l) => l.includes('/invite?token=')));
  expect(mail.subject).toContain('Northwind Studio');
  const link = mail.links.find((l) => l.includes('/invite?token='));
  if (!link) throw new Error('the invitation has no link');

  const clientContext = await browser.newContext();
  const client = await clientContext.newPage();
  await client.goto(link);
  await expect(client.getByRole('heading', { name: 'Welcome to Northwind Studio' })).toBeVisible();
  await expect(client.getByLabel('Your name')).toHaveValue(name);
  await client.getByLabel('Password').fill(`a portal passphrase ${id}`);
  await client.getByRole('button', { name: 'Open my portal' }).click();
  await expect(client).toHaveURL(hostUrl(HOST, '/'));

  // The admin sees the invitation accepted, then deactivates the client.
  await page.goto(clientPage);
  const invitation = page.getByRole('region', { name: 'Invitation' });
  await expect(invitation.getByText('Accepted', { exact: true })).toBeVisible();
  await page
    .getByRole('region', { name: 'Access' })
    .getByRole('button', { name: /^Deactivate/ })
    .click();
  await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
  await expect(page.getByText('Deactivated and signed out everywhere.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Reactivate' })).toBeVisible();

  // The client's next page is the sign-in page.
  await client.goto(hostUrl(HOST, '/'));
  await expect(client).toHaveURL(/\/login(\?|$)/);
  await clientContext.close();

  // In the list, filtered to deactivated clients and searched by address.
  await page.goto(hostUrl(HOST, `/admin/clients?status=deactivated&q=${encodeURIComponent(email)}`));
  await expect(page.getByRole('link', { name })).toBeVisible();
});

test('the clients pages pass axe and fit a phone', async ({ page, hostUrl }) => {
  test.slow();
  await signInAsNora(page, hostUrl);
  await page.goto(hostUrl(HOST, '/admin/clients'));
  const first = page.getByRole('table').getByRole('link').first();
  await expect(first).toBeVisible();
  const clientHref = await first.getAttribute('href');
  const companyHref = await page.getByRole('table').getByRole('link').nth(1).getAttribute('href');
  const paths = ['/admin/clients', '/admin/clients/new', clientHref ?? '', companyHref ?? ''];
  for (const size of [null, PHONE]) {
    if (size) await page.setViewportSize(size);
    for (const path of paths) {
      await page.goto(hostUrl(HOST, path));
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      expect(await seriousViolations(page), `${path} at ${size ? '375 px' : 'desktop'}`).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
    }
  }
});
