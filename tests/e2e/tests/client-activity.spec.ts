import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { expect, type HostUrl, test } from './support';

/**
 * Client activity for admins (the Northwind demo): a client signs in, downloads a file and views
 * an invoice; the admin finds those actions on the client's Activity page with the IP address and
 * the time, exports them to CSV, and sees who needs a nudge. Both pages pass axe and fit a phone.
 */

const HOST = 'northwind.localhost';
const PHONE = { width: 375, height: 740 };
const CLIENT = { email: 'alex@acme-bakery.example', password: 'acme-client-2026' };
const ADMIN = { email: 'nora@northwind.example', password: 'northwind-admin-2026' };
const LOOPBACK = /127\.0\.0\.1|::1/;

async function signIn(page: Page, hostUrl: HostUrl, who: { email: string; password: string }, home: string) {
  await page.goto(hostUrl(HOST, '/login'));
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(hostUrl(HOST, home));
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function newPage(browser: Browser) {
  const context = await browser.newContext({ acceptDownloads: true });
  return { context, page: await context.newPage() };
}

test('a client downloads a file and views an invoice; the admin sees both with IP and time, exports them, and sees who needs a nudge', async ({
  browser,
  hostUrl,
}) => {
  const client = await newPage(browser);
  await signIn(client.page, hostUrl, CLIENT, '/');
  await client.page.getByRole('link', { name: 'Website redesign' }).first().click();
  await client.page.getByRole('link', { name: /All files/ }).click();
  await client.page.getByRole('link', { name: /^Design \d+ files?$/ }).click();
  const downloading = client.page.waitForEvent('download');
  await client.page.getByRole('link', { name: 'Download Homepage mockup.png' }).click();
  await downloading;

  await client.page.goto(hostUrl(HOST, '/invoices'));
  const invoiceLink = client.page.getByRole('table').getByRole('row').nth(1).getByRole('link').first();
  const number = (await invoiceLink.textContent())?.trim() ?? '';
  expect(number).not.toBe('');
  await invoiceLink.click();
  await expect(client.page.getByRole('heading', { name: `Invoice ${number}`, level: 1 })).toBeVisible();
  await client.context.close();

  const admin = await newPage(browser);
  const page = admin.page;
  await signIn(page, hostUrl, ADMIN, '/admin');
  await page.goto(hostUrl(HOST, '/admin/clients'));
  await page.getByRole('link', { name: 'Alex Baker' }).click();
  await page.getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('heading', { name: 'Activity of Alex Baker', level: 1 })).toBeVisible();

  const actions = page.getByRole('region', { name: 'Sign-ins and actions' });
  const download = actions.getByRole('row').filter({ hasText: 'Downloaded Homepage mockup.png' }).first();
  await expect(download).toBeVisible();
  await expect(download.getByRole('cell').nth(2)).toHaveText(LOOPBACK);
  await expect(download.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d{2}-\d{2}T/);
  const viewed = actions
    .getByRole('row')
    .filter({ hasText: new RegExp(`Viewed invoice ${number}`) })
    .first();
  await expect(viewed).toBeVisible();
  await expect(viewed.getByRole('cell').nth(2)).toHaveText(LOOPBACK);
  const signedIn = actions
    .getByRole('row')
    .filter({ hasText: /^.*Signed in/ })
    .first();
  await expect(signedIn).toBeVisible();
  await expect(page.getByRole('region', { name: 'Sessions' }).getByRole('row').nth(1)).toBeVisible();
  await expect(page.getByRole('img', { name: /Timeline/ })).toBeVisible();
  expect(await seriousViolations(page), 'the activity page').toEqual([]);

  // Only files: the invoice drops out.
  await page.getByLabel('Kind').selectOption('files');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/kind=files/);
  await expect(
    actions.getByRole('row').filter({ hasText: 'Downloaded Homepage mockup.png' }).first(),
  ).toBeVisible();
  await expect(actions.getByRole('row').filter({ hasText: 'Viewed invoice' })).toHaveCount(0);

  const csvDownload = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toMatch(/^activity-alex-baker-.*\.csv$/);
  const text = await readFile(await csv.path(), 'utf8');
  expect(text.split('\r\n')[0]).toBe(
    'Time (UTC),Kind,Activity,Outcome,IP address,Browser,Ended (UTC),Duration (seconds)',
  );
  expect(text).toContain('Downloaded Homepage mockup.png');
  expect(text).not.toContain('Viewed invoice');

  // A date range that makes no range is a message next to the field, not an error page.
  await page.goto(hostUrl(HOST, `${new URL(page.url()).pathname}?from=2026-12-31&to=2026-01-01`));
  await expect(page.getByText('Choose a start on or before the end.')).toBeVisible();

  await page.setViewportSize(PHONE);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Activity of Alex Baker', level: 1 })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

  // Who needs a nudge, with what waits: in the same signed-in browser (the demo admin's sign-ins
  // from new browsers are limited per account, and the whole suite shares them).
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(hostUrl(HOST, '/admin/clients'));
  await page
    .getByRole('navigation', { name: 'Client lists' })
    .getByRole('link', { name: 'Needs a nudge' })
    .click();
  await expect(page.getByRole('heading', { name: 'Needs a nudge' })).toBeVisible();
  // Priya (Acme Bakery's finance contact) has files and invoices and has never signed in.
  const priya = page.getByRole('listitem').filter({ hasText: 'Priya Shah' });
  await expect(priya).toBeVisible();
  await expect(priya).toContainText('never signed in');
  await expect(priya).toContainText('Invoices to pay');
  await expect(priya.getByRole('button', { name: /Send reminder/ })).toBeVisible();
  expect(await seriousViolations(page), 'the nudge list').toEqual([]);
  await page.setViewportSize(PHONE);
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await admin.context.close();
});
