import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { expect, type HostUrl, test, unique } from './support';

/**
 * Files on the demo agency: the team uploads several files at once (with progress) to a project
 * that has none in the demo data, and shares one; the client sees only that one, downloads it
 * byte for byte, and sends one of their own; a client of another project finds nothing there. A
 * shared PDF of the demo data renders in the page with pdf.js, and an image shows its thumbnail.
 */

const HOST = 'northwind.localhost';
const PHONE = { width: 375, height: 740 };
const ADMIN = { email: 'nora@northwind.example', password: 'northwind-admin-2026' };
const CLIENT = { email: 'alex@acme-bakery.example', password: 'acme-client-2026' };
const OTHER_CLIENT = { email: 'morgan@riverside-dental.example', password: 'riverside-client-2026' };
/** No files in the demo data: this spec's own. */
const PROJECT = 'Seasonal menu photography';
const SHOTS = process.env.E2E_SCREENSHOTS;

/** A valid 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

async function signIn(page: Page, hostUrl: HostUrl, who: { email: string; password: string }) {
  await page.goto(hostUrl(HOST, '/login'));
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

async function asSomeone(browser: Browser, hostUrl: HostUrl, who: { email: string; password: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, hostUrl, who);
  return { context, page };
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function fitsThePhone(page: Page) {
  await page.setViewportSize(PHONE);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  for (const width of [1280, PHONE.width]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('the team uploads and shares; the client downloads and uploads; another project’s client sees nothing', async ({
  page,
  browser,
  hostUrl,
}) => {
  // Three people in three browsers, a dozen round trips each.
  test.setTimeout(90_000);
  const tag = unique();
  const image = { name: `Hero shot ${tag}.png`, mimeType: 'image/png', buffer: PNG };
  const notes = { name: `Shoot notes ${tag}.pdf`, mimeType: 'application/pdf', buffer: PDF };
  const list = {
    name: `Shot list ${tag}.csv`,
    mimeType: 'text/csv',
    buffer: Buffer.from('dish,angle\nscone,top\n'),
  };

  await signIn(page, hostUrl, ADMIN);
  await page.goto(hostUrl(HOST, '/admin/projects'));
  await page.getByRole('link', { name: PROJECT }).first().click();
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Files' })
    .click();
  await expect(page.getByRole('heading', { level: 2, name: 'Upload' })).toBeVisible();
  const filesUrl = page.url();

  // Three at once: each gets its progress bar and ends uploaded; the list shows them.
  await page.locator('.uploader input[type=file]').setInputFiles([image, notes, list]);
  const uploads = page.getByRole('list', { name: 'Uploads' });
  await expect(uploads.getByRole('progressbar')).toHaveCount(3);
  await expect(uploads.getByText('Uploaded', { exact: true })).toHaveCount(3);
  const table = page.getByRole('table');
  for (const file of [image, notes, list])
    await expect(table.getByRole('link', { name: file.name })).toBeVisible();
  await expect(table.getByText('Internal', { exact: true })).toHaveCount(3);
  // A program is refused before a byte is sent, with the reason beside it.
  await page
    .locator('.uploader input[type=file]')
    .setInputFiles({ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
  await expect(uploads.getByText('Not uploaded')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await fitsThePhone(page);
  await shot(page, 'files-team');

  // Share the image only.
  await page.getByRole('checkbox', { name: `Select ${image.name}` }).check();
  await page.getByLabel('Action').selectOption('share');
  await page.getByRole('button', { name: 'Apply to selected' }).click();
  await expect(page.getByText('1 file now visible to the project’s clients.')).toBeVisible();
  await expect(table.getByRole('row', { name: new RegExp(image.name) }).getByText('Visible')).toBeVisible();

  // The client sees the shared image, not the internal files; downloads it byte for byte.
  const client = await asSomeone(browser, hostUrl, CLIENT);
  const clientFilesUrl = filesUrl.replace('/admin/projects/', '/projects/');
  await client.page.goto(clientFilesUrl);
  await expect(client.page.getByRole('heading', { level: 1, name: 'Files' })).toBeVisible();
  await expect(client.page.getByRole('link', { name: image.name, exact: true })).toBeVisible();
  await expect(client.page.getByRole('link', { name: notes.name, exact: true })).toHaveCount(0);
  await expect(client.page.getByRole('link', { name: list.name, exact: true })).toHaveCount(0);
  const downloading = client.page.waitForEvent('download');
  await client.page.getByRole('link', { name: `Download ${image.name}` }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(image.name);
  expect(sha(await readFile(await download.path()))).toBe(sha(PNG));

  // The client sends a file of their own: the team sees it, marked as from a client.
  const mine = { name: `Menu draft ${tag}.pdf`, mimeType: 'application/pdf', buffer: PDF };
  await client.page.locator('.uploader input[type=file]').setInputFiles(mine);
  await expect(
    client.page.getByRole('list', { name: 'Uploads' }).getByText('Uploaded', { exact: true }),
  ).toBeVisible();
  const row = client.page.getByRole('row', { name: new RegExp(mine.name) });
  await expect(row.getByText('You')).toBeVisible();
  expect(await seriousViolations(client.page)).toEqual([]);
  await fitsThePhone(client.page);
  await shot(client.page, 'files-client');
  const fileUrl = new URL(
    (await client.page.getByRole('link', { name: image.name, exact: true }).getAttribute('href')) ?? '',
    clientFilesUrl,
  ).href;
  await client.context.close();

  await page.reload();
  await expect(page.getByRole('row', { name: new RegExp(mine.name) }).getByText('From client')).toBeVisible();

  // The file's page: who sees it and why the others don't, its versions.
  await page.getByRole('link', { name: image.name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: image.name })).toBeVisible();
  const who = page.getByRole('region', { name: 'Who can see this' });
  await expect(who.getByText(/of \d+ clients? on the project can see it/)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Versions' }).getByText('v1 (current)')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await fitsThePhone(page);
  await shot(page, 'files-team-file');

  // A client of another project: the project, its files and the file are simply not there.
  const other = await asSomeone(browser, hostUrl, OTHER_CLIENT);
  for (const url of [clientFilesUrl, fileUrl, `${fileUrl}/download`]) {
    const response = await other.page.goto(url);
    expect(response?.status(), url).toBe(404);
  }
  await other.context.close();
});

test('a shared PDF renders in the page with pdf.js; images show thumbnails', async ({ page, hostUrl }) => {
  await signIn(page, hostUrl, CLIENT);
  await page.getByRole('link', { name: 'Website redesign' }).first().click();
  await page.getByRole('link', { name: /All files/ }).click();
  await page.getByRole('link', { name: /^Briefs \d+ files?$/ }).click();
  await expect(page.getByRole('link', { name: 'Creative brief.pdf', exact: true })).toHaveCount(0);
  await page.getByRole('link', { name: 'Sitemap and content plan.pdf', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sitemap and content plan.pdf' })).toBeVisible();
  const canvas = page.locator('canvas').first();
  await expect(canvas).toBeVisible();
  // Drawn: the canvas is not blank.
  await expect
    .poll(() =>
      canvas.evaluate((element) => {
        const c = element as HTMLCanvasElement;
        const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
        let dark = 0;
        for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 128) dark += 1;
        return dark;
      }),
    )
    .toBeGreaterThan(50);
  await shot(page, 'files-pdf');

  await page.goBack();
  await page.goto(page.url().split('?')[0] ?? page.url());
  await page.getByRole('link', { name: /^Design \d+ files?$/ }).click();
  const thumbnail = page.locator('img[src^="/files/"]').first();
  await expect(thumbnail).toBeVisible();
  // Visible is not loaded: wait until the browser has decoded the picture.
  await expect
    .poll(() =>
      thumbnail.evaluate(
        (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth,
      ),
    )
    .toBeGreaterThan(0);
});

test('a client downloads a folder as a zip that unzips to exactly its shared files', async ({
  page,
  hostUrl,
}) => {
  await signIn(page, hostUrl, CLIENT);
  await page.getByRole('link', { name: 'Website redesign' }).first().click();
  await page.getByRole('link', { name: /All files/ }).click();
  await page.getByRole('link', { name: /^Design \d+ files?$/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Design' })).toBeVisible();
  // What the folder shows the client: its shared files (the internal mockup is not among them).
  const listed = (await page.locator('table.files tbody .name a').allTextContents())
    .map((name) => name.trim())
    .filter(Boolean);
  expect(listed).toContain('Homepage mockup.png');
  expect(listed).not.toContain('Order page mockup.png');

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download folder as zip' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('Design.zip');
  const file = await download.path();
  const run = promisify(execFile);
  expect((await run('unzip', ['-t', file])).stdout).toContain('No errors detected');
  const entries = (await run('unzip', ['-Z1', file])).stdout.split('\n').filter(Boolean);
  expect(entries.sort()).toEqual([...new Set(listed)].sort());
  // Each entry is the file itself: the mockup is a PNG, byte for byte what its own download gives.
  const fromZip = (await run('unzip', ['-p', file, 'Homepage mockup.png'], { encoding: 'buffer' })).stdout;
  const single = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download Homepage mockup.png' }).click();
  expect(sha(fromZip)).toBe(sha(await readFile(await (await single).path())));
});
