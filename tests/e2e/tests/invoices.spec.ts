import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from '@playwright/test';
import { expect, type HostUrl, test } from './support';

/**
 * An invoice's life on the demo agency: the admin writes one (the totals follow as they type) and
 * sends it; previewing the portal as the client shows it and leaves it "Sent"; the client, told
 * by email, opens it (now "Viewed" on the admin's side) and downloads its PDF, whose text carries
 * the same figures; the admin records the payment in full, the invoice is paid, and the receipt
 * reaches the client; then it becomes a monthly retainer. And the invoice schedule, on the
 * server's first tick, has marked the demo's past-due invoice overdue: the client got the overdue
 * notice and the admins a bell notice.
 */

const HOST = 'northwind.localhost';
const ADMIN = { email: 'nora@northwind.example', password: 'northwind-admin-2026' };
const CLIENT = { name: 'Alex Baker', email: 'alex@acme-bakery.example', password: 'acme-client-2026' };

const run = promisify(execFile);

async function signIn(page: Page, hostUrl: HostUrl, who: { email: string; password: string }) {
  await page.goto(hostUrl(HOST, '/login'));
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

async function asClient(browser: Browser, hostUrl: HostUrl) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, hostUrl, CLIENT);
  return { context, page };
}

/** The text of a PDF the page can fetch (same origin), as pdftotext reads it. */
async function pdfText(page: Page, path: string): Promise<string> {
  const bytes = await page.evaluate(async (url) => {
    const response = await fetch(url);
    return Array.from(new Uint8Array(await response.arrayBuffer()));
  }, path);
  const file = join(await mkdtemp(join(tmpdir(), 'invoice-pdf-')), 'invoice.pdf');
  await writeFile(file, Buffer.from(bytes));
  const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
  return stdout;
}

test('an admin sends an invoice, the client views it and its PDF, and a recorded payment settles it', async ({
  page,
  browser,
  hostUrl,
  mailbox,
}) => {
  const description = `Illustrations, ${Date.now().toString(36)}`;
  await signIn(page, hostUrl, ADMIN);
  await page.goto(hostUrl(HOST, '/admin/invoices/new'));
  await page.waitForSelector('html[data-interactive]');
  await page.getByLabel('Company').selectOption({ label: 'Acme Bakery' });
  await page.getByLabel('Project').selectOption({ label: 'Website redesign' });
  await page.getByLabel('Description').first().fill(description);
  await page.getByLabel('Quantity').first().fill('3');
  await page.getByLabel('Unit price').first().fill('150');
  await page.getByRole('group', { name: 'Line 1 taxes' }).getByLabel('VAT 20%').check();
  // GBP (the demo's currency) with VAT 20 %: 3 × £150 = £450, plus £90 VAT.
  const totals = page.getByRole('region', { name: 'Totals' });
  await expect(totals).toContainText('£540.00');
  await page.getByRole('button', { name: 'Save and send' }).click();

  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText(/^Invoice NW-\d{4}$/);
  const number = (await heading.textContent())?.replace('Invoice ', '').trim() ?? '';
  // The page's address carries a one-time notice (?sent=…); the invoice is its last segment.
  const invoiceId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
  const adminUrl = hostUrl(HOST, `/admin/invoices/${invoiceId}`);
  await expect(page.getByText(`Invoice ${number} sent`).first()).toBeVisible();
  await expect(page.getByText('Sent', { exact: true }).first()).toBeVisible();

  // Previewing the portal as the client shows it, and leaves it unviewed.
  await page.goto(hostUrl(HOST, '/admin/preview'));
  await page.getByRole('button', { name: `Preview as ${CLIENT.name}` }).click();
  await expect(page.getByRole('region', { name: 'Preview' })).toBeVisible();
  await page.goto(hostUrl(HOST, `/invoices/${invoiceId}`));
  await expect(page.getByRole('heading', { name: `Invoice ${number}`, level: 1 })).toBeVisible();
  await page.getByRole('region', { name: 'Preview' }).getByRole('button', { name: 'Exit preview' }).click();
  await page.goto(adminUrl);
  await expect(page.getByRole('heading', { name: `Invoice ${number}`, level: 1 })).toBeVisible();
  await expect(page.getByText('Sent', { exact: true }).first()).toBeVisible();
  await expect(page.getByRole('region', { name: 'Timeline' })).not.toContainText('Viewed');

  // The client is told by email, follows the link, and their first look marks it viewed.
  const sent = await mailbox.latestTo(CLIENT.email, (mail) =>
    mail.subject.startsWith(`Invoice ${number} from`),
  );
  expect(sent.text).toContain('£540.00');
  const client = await asClient(browser, hostUrl);
  expect(sent.links).toContainEqual(expect.stringMatching(new RegExp(`/invoices/${invoiceId}$`)));
  await client.page.goto(hostUrl(HOST, `/invoices/${invoiceId}`));
  await expect(client.page.getByRole('heading', { name: `Invoice ${number}`, level: 1 })).toBeVisible();
  await expect(client.page.getByRole('region', { name: 'Items' })).toContainText(description);
  const text = await pdfText(client.page, `/invoices/${invoiceId}/pdf`);
  expect(text).toContain(number);
  expect(text).toContain(description);
  expect(text).toContain('£540.00');

  await page.reload();
  await expect(page.getByText('Viewed', { exact: true }).first()).toBeVisible();
  await expect(page.getByRole('region', { name: 'Timeline' })).toContainText('Viewed');

  // The admin records the payment in full: paid, and the client gets the receipt.
  await page.waitForSelector('html[data-interactive]');
  await expect(page.getByLabel('Amount (GBP)').first()).toHaveValue('540.00');
  await page.getByLabel('Reference').first().fill('ACME-5001');
  await page.getByRole('button', { name: 'Record payment' }).click();
  await expect(page.getByText('Paid', { exact: true }).first()).toBeVisible();
  await expect(page.getByRole('region', { name: 'Payments' })).toContainText('ACME-5001');
  const receipt = await mailbox.latestTo(CLIENT.email, (mail) =>
    mail.subject.startsWith(`Payment received for invoice ${number}`),
  );
  expect(receipt.text).toContain('£540.00');
  await client.page.reload();
  await expect(client.page.getByText('Paid', { exact: true }).first()).toBeVisible();
  await client.context.close();

  // It becomes a monthly retainer: the next copy is made as a draft on the day chosen.
  const retainer = page.getByRole('region', { name: 'Retainer' });
  await retainer.getByLabel('Repeat').selectOption({ label: 'Every month' });
  await retainer.getByRole('button', { name: 'Save schedule' }).click();
  await expect(retainer).toContainText('Saved: the next copy is made on');
  await page.reload();
  await expect(page.getByRole('region', { name: 'Retainer' }).getByLabel('Repeat')).toHaveValue('month');
});

test('the invoice schedule marks the demo’s past-due invoice overdue and tells both sides', async ({
  page,
  hostUrl,
  mailbox,
}) => {
  // The server's first tick of the schedule found it: the client's notice…
  const notice = await mailbox.latestTo(CLIENT.email, (mail) =>
    /^Invoice NW-\d{4} is overdue$/.test(mail.subject),
  );
  const number = notice.subject.replace('Invoice ', '').replace(' is overdue', '');
  // …and the admins' bell, with the moment on the invoice.
  await signIn(page, hostUrl, ADMIN);
  await page.goto(hostUrl(HOST, '/notifications'));
  await expect(page.getByText(`Invoice ${number} is overdue`).first()).toBeVisible();
  await page.goto(hostUrl(HOST, '/admin/invoices?status=overdue'));
  await page.getByRole('link', { name: number }).first().click();
  await expect(page.getByRole('heading', { name: `Invoice ${number}`, level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Timeline' })).toContainText('Overdue since');
  await expect(page.getByRole('region', { name: 'Reminders' })).toContainText('Overdue notice');
});
