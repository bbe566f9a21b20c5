import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, type HostUrl, test } from './support';

/**
 * The financial overview on the demo agency, whose invoices are in every state: the admin sees
 * the GBP figures, the twelve-month chart (and its table for screen readers), and downloads the
 * CSV of every issued invoice. Staff learn nothing: the page and the export are 404 for them.
 * Read-only, so other specs may add invoices meanwhile without breaking it.
 */

const HOST = 'northwind.localhost';
const ADMIN = { email: 'nora@northwind.example', password: 'northwind-admin-2026' };
const STAFF = { email: 'sam@northwind.example', password: 'northwind-staff-2026' };
const CSV_HEADER = 'Number,Client,Project,Currency,Issued,Due,Status,Total,Paid,Refunded,Balance';

async function signIn(page: Page, hostUrl: HostUrl, who: { email: string; password: string }) {
  await page.goto(hostUrl(HOST, '/login'));
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(hostUrl(HOST, '/admin'));
}

test('an admin reads the financial overview and exports every issued invoice as CSV', async ({
  page,
  hostUrl,
}) => {
  await signIn(page, hostUrl, ADMIN);
  // The dashboard counts the invoices owed and leads to the overview.
  await page.getByRole('link', { name: /\binvoices? outstanding$/ }).click();
  await expect(page).toHaveURL(hostUrl(HOST, '/admin/invoices/overview'));
  await expect(page.getByRole('heading', { level: 1, name: 'Financial overview' })).toBeVisible();
  await expect(page.getByText('Figures in GBP.')).toBeVisible();

  // The demo has unpaid invoices, one of them overdue: both cards show pounds and a count.
  const card = (term: string) =>
    page.locator('.figure', { has: page.getByRole('term').filter({ hasText: term }) });
  await expect(card('Outstanding').getByRole('definition').first()).toHaveText(/^£[\d,]+\.\d\d$/);
  await expect(card('Outstanding')).toContainText(/\b\d+ invoices?\b/);
  await expect(card('Overdue').getByRole('definition').first()).toHaveText(/^£[\d,]+\.\d\d$/);
  await expect(card('Overdue')).toHaveClass(/\blate\b/);

  // Twelve bars, each titled with its month and amount, and the same twelve months as a table.
  const chart = page.getByRole('img', { name: 'Revenue by month' });
  await expect(chart.locator('rect.bar')).toHaveCount(12);
  await expect(chart.locator('.month title').first()).toHaveText(/^\w{3,4} \d{4}: £[\d,]+\.\d\d$/);
  const table = page.getByRole('table', { name: 'Revenue by month in GBP' });
  await expect(table.locator('tbody tr')).toHaveCount(12);
  await expect(page.getByRole('table').filter({ hasText: 'How late' }).getByRole('row')).toHaveCount(6);
  await expect(page.getByRole('link', { name: 'Acme Bakery', exact: true })).toHaveAttribute(
    'href',
    /^\/admin\/clients\/companies\/[0-9a-f-]{36}$/,
  );
  const serious = (await new AxeBuilder({ page }).analyze()).violations.filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  );
  expect(serious.map((v) => v.id)).toEqual([]);

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^invoices-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = (await readFile(await download.path(), 'utf8')).trimEnd().split('\r\n');
  expect(lines[0]).toBe(CSV_HEADER);
  expect(lines.find((line) => line.startsWith('NW-0001,'))).toMatch(/^NW-0001,.*,GBP,\d{4}-/);
  // Drafts have no number and are not in the export.
  expect(lines.slice(1).every((line) => /^NW-\d{4},/.test(line))).toBe(true);

  // The headers, from the browser (Node cannot resolve the agency's *.localhost host).
  const headers = await page.evaluate(async (url) => {
    const response = await fetch(url);
    return Object.fromEntries(response.headers);
  }, '/admin/invoices/overview.csv');
  expect(headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(headers['content-disposition']).toMatch(/^attachment; filename="invoices-/);
  expect(headers['cache-control']).toBe('private, no-store');
});

test('staff get 404 for the financial overview and its export', async ({ page, hostUrl }) => {
  await signIn(page, hostUrl, STAFF);
  expect((await page.goto(hostUrl(HOST, '/admin/invoices/overview')))?.status()).toBe(404);
  expect((await page.goto(hostUrl(HOST, '/admin/invoices/overview.csv')))?.status()).toBe(404);
});
