import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import type { Browser, Page } from '@playwright/test';
import { expect, type HostUrl, type Mailbox, test, unique } from './support';

/**
 * Client review on the demo agency, on tasks of its own: the team turns Client review on for an
 * internal task, uploads an image and submits a round (sharing the task after a question); the
 * client, told by email and on their home, approves it. On a second task the client requests
 * revisions with a comment pinned to a point of the image, the team uploads a new version and
 * resubmits, and the client approves round 2. Both sides see both rounds, the team hears of each
 * decision by email, and the approval record's text (pdftotext) lists the rounds and the files'
 * checksums, with IP addresses on the team's copy only.
 */

const HOST = 'northwind.localhost';
const ADMIN = { email: 'nora@northwind.example', password: 'northwind-admin-2026' };
const CLIENT = { name: 'Alex Baker', email: 'alex@acme-bakery.example', password: 'acme-client-2026' };
/** Alex and Priya (who may not review) are its clients; no other spec writes on it. */
const PROJECT = 'Brand guidelines';

const run = promisify(execFile);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A solid-colour PNG of the given size: big enough to click a point on, and unique per colour. */
function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = (crcTable[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3).map((_, i) => rgb[i % 3] ?? 0)]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

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

/** A new internal task on the project, with an image uploaded to it; the team's page is open on it. */
async function taskWithImage(page: Page, hostUrl: HostUrl, projectUrl: string, title: string, image: Buffer) {
  await page.goto(`${projectUrl}/tasks/new`);
  await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Create task' }).click();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  const taskId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
  const name = `${title}.png`;
  await page
    .getByRole('region', { name: 'Files' })
    .locator('.uploader input[type=file]')
    .setInputFiles({ name, mimeType: 'image/png', buffer: image });
  await expect(page.getByRole('region', { name: 'Files' }).getByRole('link', { name })).toBeVisible();
  void hostUrl;
  return { taskId, name };
}

/** Turns Client review on and submits a round with the image and Alex; the task is internal at first. */
async function submitRound(page: Page, file: string, n: number, note: string, confirmShare: boolean) {
  const review = page.getByRole('region', { name: 'Client review' });
  const toggle = review.getByRole('button', { name: 'Client review' });
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') {
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  }
  const form = review.getByRole('form', { name: `Submit for review (round ${n})` });
  await form.getByLabel('Note for the reviewers').fill(note);
  await form.getByRole('checkbox', { name: file }).check();
  await form.getByRole('checkbox', { name: CLIENT.name }).check();
  // Priya may not review: her box is there, greyed out, with the reason.
  await expect(form.getByRole('checkbox', { name: 'Priya Shah' })).toBeDisabled();
  await expect(form.getByText('No review permission')).toBeVisible();
  await form.getByRole('button', { name: `Submit round ${n}` }).click();
  if (confirmShare) {
    const dialog = page.getByRole('dialog', { name: 'Share this task and submit?' });
    await expect(
      dialog.getByText('This task is internal. Submitting shares it with the reviewers.'),
    ).toBeVisible();
    await dialog.getByRole('button', { name: 'Share and submit' }).click();
  }
  await expect(review.getByText(`Round ${n} is with the reviewers.`)).toBeVisible();
}

/**
 * The approval record's text, fetched by the reader's own page (same origin, their session):
 * Node cannot resolve the agency's `*.localhost` host, the browser can.
 */
async function recordText(page: Page, path: string): Promise<string> {
  const response = await page.evaluate(async (url) => {
    const answer = await fetch(url);
    const bytes = new Uint8Array(await answer.arrayBuffer());
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return {
      status: answer.status,
      type: answer.headers.get('content-type'),
      disposition: answer.headers.get('content-disposition'),
      cache: answer.headers.get('cache-control'),
      body: btoa(binary),
    };
  }, path);
  expect(response.status).toBe(200);
  expect(response.type).toBe('application/pdf');
  expect(response.disposition).toMatch(/^attachment; filename="[^"]+\.pdf"; filename\*=UTF-8''/);
  expect(response.cache).toBe('private, no-store');
  const file = join(await mkdtemp(join(tmpdir(), 'foyer-record-')), 'record.pdf');
  await writeFile(file, Buffer.from(response.body, 'base64'));
  return (await run('pdftotext', ['-layout', file, '-'])).stdout;
}

const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/;

async function mailTo(mailbox: Mailbox, address: string, subject: string | RegExp) {
  return mailbox.latestTo(address, (mail) =>
    typeof subject === 'string' ? mail.subject === subject : subject.test(mail.subject),
  );
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('the team submits rounds; the client approves, or pins a request for revisions and approves the next', async ({
  page,
  browser,
  hostUrl,
  mailbox,
}) => {
  test.setTimeout(60_000);
  const tag = unique();
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, hostUrl, ADMIN);
  await page.goto(hostUrl(HOST, '/admin/projects'));
  await page.getByRole('link', { name: PROJECT }).first().click();
  await expect(page.getByRole('heading', { name: PROJECT, level: 1 })).toBeVisible();
  const projectUrl = page.url().split('?')[0] ?? '';

  // ---- one round, approved ----
  const first = await taskWithImage(page, hostUrl, projectUrl, `Poster ${tag}`, png(240, 160, [200, 60, 40]));
  const firstTitle = `Poster ${tag}`;
  await submitRound(page, first.name, 1, 'The **poster**, first go.', true);
  const requested = await mailTo(mailbox, CLIENT.email, `Ready for your review: ${firstTitle}`);
  expect(requested.links.some((link) => link.includes(`/tasks/${first.taskId}`))).toBe(true);

  const client = await asClient(browser, hostUrl);
  // The client's home lists it, with a way in.
  const waiting = client.page.getByRole('region', { name: 'Waiting for your review' });
  await expect(waiting.getByText(firstTitle, { exact: true }).first()).toBeVisible();
  await waiting.getByRole('link', { name: `Review ${firstTitle}` }).click();
  const prompt = client.page.getByRole('region', { name: 'Round 1 is ready for your review' });
  await expect(prompt.getByText('poster', { exact: true })).toBeVisible();
  await prompt.getByRole('button', { name: 'Approve' }).click();
  const approve = client.page.getByRole('dialog', { name: 'Approve round 1?' });
  await expect(approve.getByText('This is recorded with your name and the time.')).toBeVisible();
  await approve.getByRole('button', { name: 'Approve' }).click();
  await expect(client.page.getByText('Thank you: you approved round 1.')).toBeVisible();
  await expect(prompt).toHaveCount(0);
  const clientHistory = client.page.getByRole('region', { name: 'Review history' });
  await expect(
    clientHistory.getByRole('article', { name: 'Round 1' }).getByText('Approved', { exact: true }).first(),
  ).toBeVisible();
  // The team hears who decided, with the client's company.
  await mailTo(
    mailbox,
    ADMIN.email,
    new RegExp(`^${CLIENT.name} \\(Acme Bakery\\) approved ${escapeRegExp(firstTitle)}$`),
  );

  await page.reload();
  const history = page.getByRole('region', { name: 'Review history' });
  await expect(
    history.getByRole('article', { name: 'Round 1' }).getByText('Approved', { exact: true }).first(),
  ).toBeVisible();
  await expect(history.getByText(/Trail verified: \d+ entries/)).toBeVisible();

  // ---- revisions pinned to the image, then round 2 with a new version, approved ----
  const v1 = png(240, 160, [30, 90, 200]);
  const v2 = png(240, 160, [30, 160, 90]);
  const secondTitle = `Menu board ${tag}`;
  const second = await taskWithImage(page, hostUrl, projectUrl, secondTitle, v1);
  await submitRound(page, second.name, 1, 'Menu board, first go.', true);
  await mailTo(mailbox, CLIENT.email, `Ready for your review: ${secondTitle}`);

  await client.page.goto(hostUrl(HOST, `/tasks/${second.taskId}`));
  const prompt2 = client.page.getByRole('region', { name: 'Round 1 is ready for your review' });
  // A click on the image pins the comment to that point.
  const image = prompt2.getByRole('button', { name: `Pin your comment to ${second.name}` });
  await expect(image.locator('img')).toHaveJSProperty('complete', true);
  await expect
    .poll(() => image.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth))
    .toBe(240);
  const box = await image.locator('img').boundingBox();
  if (!box) throw new Error('the image has no box');
  await image.locator('img').click({ position: { x: box.width * 0.25, y: box.height * 0.5 } });
  await expect(prompt2.getByLabel('Pin to')).toHaveValue('0');
  await expect(prompt2.getByText('At 25% across and 50% down.')).toBeVisible();
  // The comment is required.
  await prompt2.getByRole('button', { name: 'Request revisions' }).click();
  await expect(prompt2.getByText('Say what should change.')).toBeVisible();
  await prompt2.getByLabel('What should change?').fill('Make the prices bigger here.');
  await prompt2.getByRole('button', { name: 'Request revisions' }).click();
  await expect(client.page.getByText('Thank you: your request for revisions on round 1')).toBeVisible();
  await mailTo(mailbox, ADMIN.email, `Revisions requested on ${secondTitle}`);

  // The team sees the pinned comment, uploads a new version and resubmits: it starts from round 1's choices.
  await page.reload();
  const round1 = page
    .getByRole('region', { name: 'Review history' })
    .getByRole('article', { name: 'Round 1' });
  await expect(round1.getByText('Revisions requested', { exact: true })).toBeVisible();
  await expect(round1.getByText('Make the prices bigger here.')).toBeVisible();
  await expect(round1.getByText(`Pinned to ${second.name}`, { exact: false })).toBeVisible();
  await expect(round1.getByText(/IP \d/).first()).toBeVisible();
  const taskUrl = page.url();
  await round1.getByRole('link', { name: second.name }).click();
  await expect(page.getByRole('heading', { name: second.name, level: 1 })).toBeVisible();
  await page
    .locator('.uploader input[type=file]')
    .setInputFiles({ name: second.name, mimeType: 'image/png', buffer: v2 });
  await expect(page.getByRole('region', { name: 'Versions' }).getByText('v2 (current)')).toBeVisible();
  await page.goto(taskUrl);
  const form2 = page.getByRole('form', { name: 'Submit for review (round 2)' });
  await expect(form2.getByRole('checkbox', { name: second.name })).toBeChecked();
  await expect(form2.getByRole('checkbox', { name: CLIENT.name })).toBeChecked();
  await form2.getByLabel('Note for the reviewers').fill('Bigger prices.');
  await form2.getByRole('button', { name: 'Submit round 2' }).click();
  await expect(page.getByText('Round 2 is with the reviewers.')).toBeVisible();

  await client.page.reload();
  const prompt3 = client.page.getByRole('region', { name: 'Round 2 is ready for your review' });
  await expect(prompt3.getByText('v2', { exact: true })).toBeVisible();
  await prompt3.getByRole('button', { name: 'Approve' }).click();
  await client.page
    .getByRole('dialog', { name: 'Approve round 2?' })
    .getByRole('button', { name: 'Approve' })
    .click();
  await expect(client.page.getByText('Thank you: you approved round 2.')).toBeVisible();

  // Both sides see both rounds, with what changed.
  for (const side of [client.page, page]) {
    if (side === page) await page.reload();
    const rounds = side.getByRole('region', { name: 'Review history' });
    await expect(
      rounds.getByRole('article', { name: 'Round 2' }).getByText('Approved', { exact: true }).first(),
    ).toBeVisible();
    await expect(
      rounds.getByRole('article', { name: 'Round 1' }).getByText('Revisions requested', { exact: true }),
    ).toBeVisible();
    await expect(rounds.getByText(`New version of ${second.name} (v1 → v2)`)).toBeVisible();
  }
  // The client's history names no addresses.
  await expect(client.page.getByRole('region', { name: 'Review history' }).getByText(/IP \d/)).toHaveCount(0);

  // The approval record from both sides: the rounds and both versions' checksums; IPs for the team only.
  const teamLink = page.getByRole('link', { name: 'Download approval record (PDF)' });
  await expect(teamLink).toHaveAttribute('href', `/admin/tasks/${second.taskId}/approval-record`);
  const clientLink = client.page.getByRole('link', { name: 'Download approval record (PDF)' });
  await expect(clientLink).toHaveAttribute('href', `/tasks/${second.taskId}/approval-record`);
  const teamText = await recordText(page, `/admin/tasks/${second.taskId}/approval-record`);
  const clientText = await recordText(client.page, `/tasks/${second.taskId}/approval-record`);
  for (const text of [teamText, clientText]) {
    const flat = text.replace(/\s+/g, '');
    expect(text).toContain(secondTitle);
    expect(text).toMatch(/Round 1/);
    expect(text).toMatch(/Round 2/);
    // The table prints a checksum over two lines of its cell, beside the file's name.
    for (const sum of [sha(v1), sha(v2)]) {
      const [head, tail] = [sum.slice(0, 32), sum.slice(32)];
      expect(flat).toContain(head);
      expect(flat.indexOf(tail, flat.indexOf(head))).toBeGreaterThan(flat.indexOf(head));
    }
  }
  expect(teamText).toMatch(IPV4);
  expect(clientText).not.toMatch(IPV4);
  await client.context.close();
});
