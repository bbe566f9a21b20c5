import type { Page } from '@playwright/test';
import { PAYPAL_ACCOUNT, TWOCHECKOUT_ACCOUNT } from '../gateway-accounts.mjs';
import { expect, type HostUrl, sendNewInvoice, test } from './support';

/**
 * Online payment through Stripe, end to end against the local Stripe fake (serve.mjs): the admin
 * connects the agency's account through Connect's hosted onboarding; the client pays an invoice on
 * Stripe's hosted checkout; the signed webhook marks it paid and the receipt arrives.
 */

const HOST = 'northwind.localhost';
const BLUEFIN = 'bluefin.localhost';
const ADMIN = { email: 'nora@northwind.example', password: 'northwind-admin-2026' };
const CLIENT = { email: 'alex@acme-bakery.example', password: 'acme-client-2026' };

async function signIn(page: Page, hostUrl: HostUrl, who: { email: string; password: string }, host = HOST) {
  await page.goto(hostUrl(host, '/login'));
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
  const { number, id } = await sendNewInvoice(admin, (path) => hostUrl(HOST, path), 'Acme Bakery', {
    description: `Brand workshop, ${Date.now().toString(36)}`,
    quantity: '2',
    unitPrice: '400',
  });
  await admin.close();

  const page = await browser.newPage();
  await signIn(page, hostUrl, CLIENT);
  await page.goto(hostUrl(HOST, `/invoices/${id}`));
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

  const receipt = await mailbox.latestTo(
    CLIENT.email,
    (mail) => mail.subject.includes(number) && mail.subject.includes('Payment received'),
  );
  expect(receipt.subject).toContain('Payment received');

  // On a phone the page still fits.
  await page.setViewportSize({ width: 375, height: 740 });
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  const invoicePath = new URL(page.url()).pathname;
  await page.close();

  // The admin refunds part of it through Stripe; Stripe's notification puts the refund on the invoice.
  const again = await browser.newPage();
  await signIn(again, hostUrl, ADMIN);
  await again.goto(hostUrl(HOST, `/admin${invoicePath}`));
  await expect(again.locator('html[data-interactive]')).toBeAttached();
  await again
    .getByRole('button', { name: /^Refund\b/ })
    .first()
    .click();
  const dialog = again.getByRole('dialog', { name: 'Refund through Stripe?' });
  await dialog.getByLabel('Amount to refund').fill('50.00');
  await dialog.getByRole('button', { name: 'Refund' }).click();
  await expect(again.getByText(/Stripe is refunding £50\.00/)).toBeVisible();
  await again.reload();
  await expect(again.getByRole('cell', { name: 'Refund (Stripe)' })).toBeVisible();
  await again.close();
});

test('an admin connects PayPal and 2Checkout, and a client pays one invoice through each', async ({
  browser,
  hostUrl,
  mailbox,
}) => {
  const admin = await browser.newPage();
  await signIn(admin, hostUrl, { email: 'ben@bluefin.example', password: 'bluefin-admin-2026' }, BLUEFIN);
  await admin.goto(hostUrl(BLUEFIN, '/admin/settings/payments'));
  await expect(admin.locator('html[data-interactive]')).toBeAttached();

  const paypal = admin.getByRole('region', { name: 'PayPal' });
  // A wrong secret is refused beside its field, and nothing is connected.
  await paypal.getByLabel('Client ID').fill(PAYPAL_ACCOUNT.clientId);
  await paypal.getByLabel('Secret', { exact: true }).fill('not-the-secret');
  await paypal.getByLabel('Webhook ID').fill(PAYPAL_ACCOUNT.webhookId);
  await paypal.getByRole('button', { name: 'Save and connect' }).click();
  await expect(paypal.getByLabel('Secret', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(paypal.getByText('Not connected', { exact: true })).toBeVisible();
  await paypal.getByLabel('Secret', { exact: true }).fill(PAYPAL_ACCOUNT.clientSecret);
  await paypal.getByRole('button', { name: 'Save and connect' }).click();
  await expect(paypal.getByText('PayPal is connected.')).toBeVisible();
  await expect(paypal.getByText('Connected', { exact: true })).toBeVisible();
  await expect(paypal.getByLabel('Webhook endpoint')).toHaveValue(/\/webhooks\/paypal\/[0-9a-f-]{36}$/);

  const twocheckout = admin.getByRole('region', { name: '2Checkout' });
  await twocheckout.getByLabel('Merchant code').fill(TWOCHECKOUT_ACCOUNT.merchantCode);
  await twocheckout.getByLabel('Secret key').fill(TWOCHECKOUT_ACCOUNT.secretKey);
  await twocheckout.getByLabel('Buy-link secret word').fill(TWOCHECKOUT_ACCOUNT.buyLinkSecret);
  await twocheckout.getByRole('button', { name: 'Save and connect' }).click();
  await expect(twocheckout.getByText('2Checkout is connected.')).toBeVisible();
  await twocheckout.getByRole('button', { name: 'Test the connection' }).click();
  await expect(twocheckout.getByText('2Checkout answered: the connection works.')).toBeVisible();
  const invoices = [];
  for (const gateway of ['PayPal', '2Checkout'] as const) {
    invoices.push({
      gateway,
      ...(await sendNewInvoice(admin, (path) => hostUrl(BLUEFIN, path), 'Harbor Coffee Co.', {
        description: `Paid by ${gateway}, ${Date.now().toString(36)}`,
        quantity: '1',
        unitPrice: '250',
      })),
    });
  }
  await admin.close();

  const page = await browser.newPage();
  const client = { email: 'casey@harbor-coffee.example', password: 'harbor-client-2026' };
  await signIn(page, hostUrl, client, BLUEFIN);
  for (const { gateway, number, id } of invoices) {
    await page.goto(hostUrl(BLUEFIN, `/invoices/${id}`));
    await expect(page.getByRole('heading', { name: `Invoice ${number}`, level: 1 })).toBeVisible();
    await page.getByRole('button', { name: `Pay with ${gateway}` }).click();
    // The gateway's hosted page (the fake's): pay there, and come back.
    await page
      .getByRole('button', { name: gateway === 'PayPal' ? 'Approve and pay' : 'Place order' })
      .click();
    await expect(page.getByRole('heading', { name: `Invoice ${number}`, level: 1 })).toBeVisible();
    await expect(page.getByText('Payment received: thank you!')).toBeVisible();
    await expect(page.getByRole('button', { name: /^Pay with/ })).toHaveCount(0);
    const receipt = await mailbox.latestTo(
      client.email,
      (mail) => mail.subject.includes(number) && mail.subject.includes('Payment received'),
    );
    expect(receipt.subject).toContain('Payment received');
  }
  await page.close();
});
