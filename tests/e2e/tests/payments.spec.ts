import type { Page } from '@playwright/test';
import { expect, type HostUrl, test } from './support';

/**
 * Online payment through Stripe, end to end against the local Stripe fake (serve.mjs): the admin
 * connects the agency's account through Connect's hosted onboarding; the client pays an invoice on
 * Stripe's hosted checkout; the signed webhook marks it paid and the receipt arrives.
 */

const HOST = 'northwind.localhost';
const ADMIN = { email: 'nora@northwind.example', password: 'northwind-admin-2026' };
const CLIENT = { email: 'alex@acme-bakery.example', password: 'acme-client-2026' };

async function signIn(page: Page, hostUrl: HostUrl, who: { email: string; password: string }) {
  await page.goto(hostUrl(HOST, '/login'));
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

test('an admin connects Stripe, a client pays an invoice on its checkout, and the invoice is paid', async ({
  browser,
  hostUrl,
  mailbox,
}) => {
  const admin = await browser.newPage();
  await signIn(admin, hostUrl, ADMIN);
  await admin.goto(hostUrl(HOST, '/admin/settings/payments'));
  await expect(admin.getByRole('heading', { name: 'Payments', level: 1 })).toBeVisible();
  const connect = admin.getByRole('button', { name: 'Connect with Stripe' });
  if (await connect.isVisible()) {
    await connect.click();
    // Stripe's hosted onboarding (the fake's page), then back to the settings.
    await admin.getByRole('button', { name: 'Finish setup' }).click();
    await expect(admin.getByText('Your Stripe account is connected.')).toBeVisible();
  }
  await expect(admin.getByText('Connected', { exact: true })).toBeVisible();
  await expect(admin.getByText('Test mode', { exact: true })).toBeVisible();
  await admin.getByRole('button', { name: 'Test the connection' }).click();
  await expect(admin.getByText('Stripe answered: the connection works.')).toBeVisible();
  await admin.close();

  const page = await browser.newPage();
  await signIn(page, hostUrl, CLIENT);
  await page.goto(hostUrl(HOST, '/invoices'));
  const row = page
    .getByRole('row')
    .filter({ hasText: /Sent|Viewed/ })
    .filter({ hasNotText: 'Overdue' })
    .first();
  const link = row.getByRole('link');
  const number = (await link.textContent())?.trim() ?? '';
  await link.click();
  await expect(page.getByRole('heading', { name: `Invoice ${number}`, level: 1 })).toBeVisible();
  await expect(page.getByText('Test mode: no real money is taken.')).toBeVisible();
  await page.getByRole('button', { name: /^Pay now/ }).click();

  // Stripe's hosted checkout (the fake's page): pay, and come back.
  await expect(page).toHaveTitle(/test checkout/);
  await page.getByRole('button', { name: 'Pay' }).click();
  await expect(page.getByRole('heading', { name: `Invoice ${number}`, level: 1 })).toBeVisible();
  await expect(page.getByText('Payment received: thank you!')).toBeVisible();
  await expect(page.getByText('Paid', { exact: true }).first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^Pay now/ })).toHaveCount(0);

  const receipt = await mailbox.latestTo(CLIENT.email, (mail) => mail.subject.includes(number));
  expect(receipt.subject).toContain('Payment received');

  // On a phone the page still fits.
  await page.setViewportSize({ width: 375, height: 740 });
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await page.close();
});
