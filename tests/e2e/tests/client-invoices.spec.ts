import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, type HostUrl, test } from './support';

/**
 * The client's invoices (the demo's, addressed to Acme Bakery): the header links them, the list
 * shows each with its figures and the overdue one stands out in words, an invoice opens with its
 * lines and totals, and its PDF downloads; the page fits a phone.
 */

const HOST = 'northwind.localhost';
const PHONE = { width: 375, height: 740 };
const CLIENT = { email: 'alex@acme-bakery.example', password: 'acme-client-2026' };

async function signIn(page: Page, hostUrl: HostUrl) {
  await page.goto(hostUrl(HOST, '/login'));
  await page.getByLabel('Email').fill(CLIENT.email);
  await page.getByLabel('Password').fill(CLIENT.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(hostUrl(HOST, '/'));
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('a client lists their invoices, opens one and downloads its PDF', async ({ page, hostUrl }) => {
  await signIn(page, hostUrl);
  const slot = page.getByRole('region', { name: 'Invoices outstanding' });
  await expect(slot).toContainText('to pay');
  await expect(slot.getByText(/^Overdue: /)).toBeVisible();

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Invoices' })
    .first()
    .click();
  await expect(page.getByRole('heading', { name: 'Invoices', level: 1 })).toBeVisible();
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows.nth(1)).toBeVisible();
  // The overdue invoice says so, not by colour alone.
  const overdue = rows.filter({ hasText: 'Overdue' }).first();
  await expect(overdue).toBeVisible();
  expect(await seriousViolations(page), 'the list').toEqual([]);

  const link = overdue.getByRole('link');
  const number = (await link.textContent())?.trim() ?? '';
  await link.click();
  await expect(page.getByRole('heading', { name: `Invoice ${number}`, level: 1 })).toBeVisible();
  await expect(page.getByText('(overdue)')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Items' }).getByRole('row').nth(1)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Items' })).toContainText('Total');
  expect(await seriousViolations(page), 'an invoice').toEqual([]);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download PDF' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.pdf$/);
  // The browser resolves *.localhost; Node's resolver (page.request) does not.
  const pdf = await page.evaluate(
    async (url) => {
      const res = await fetch(url);
      const head = new Uint8Array(await res.arrayBuffer()).slice(0, 5);
      return { type: res.headers.get('content-type'), head: String.fromCharCode(...head) };
    },
    `${new URL(page.url()).pathname}/pdf`,
  );
  expect(pdf).toEqual({ type: 'application/pdf', head: '%PDF-' });

  // On a phone the lines are stacked cards: nothing scrolls sideways.
  await page.setViewportSize(PHONE);
  await page.reload();
  await expect(page.getByRole('heading', { name: `Invoice ${number}`, level: 1 })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
});

test('an invoice that is not the client’s is not there', async ({ page, hostUrl }) => {
  await signIn(page, hostUrl);
  const missing = await page.goto(hostUrl(HOST, '/invoices/00000000-0000-4000-8000-000000000001'));
  expect(missing?.status()).toBe(404);
  const pdf = await page.evaluate(
    async (url) => (await fetch(url)).status,
    '/invoices/00000000-0000-4000-8000-000000000001/pdf',
  );
  expect(pdf).toBe(404);
  const notAnId = await page.goto(hostUrl(HOST, '/invoices/not-an-id'));
  expect(notAnId?.status()).toBe(404);
});
