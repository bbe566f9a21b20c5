import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { expect, type HostUrl, test, unique } from './support';

/**
 * Search on the demo agency. The project's staff member makes three things with one new word: an
 * internal task, a message in a discussion with the client, and a file shared with the client;
 * and finds all three from the header's box. The client, searching the same word from theirs,
 * finds the message and the file, highlighted, and not the task, which no count betrays either;
 * ↓ moves to the first hit and Enter opens it. One sign-in per person (an account allows 20 from
 * new browsers per 15 minutes).
 */

const HOST = 'bluefin.localhost';
const TEAM = { email: 'riley@bluefin.example', password: 'bluefin-staff-2026' };
const CLIENT = { name: 'Casey Harbor', email: 'casey@harbor-coffee.example', password: 'harbor-client-2026' };
const PROJECT = 'Spring campaign';

async function signedIn(browser: Browser, hostUrl: HostUrl, who: { email: string; password: string }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(hostUrl(HOST, '/login'));
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
  return { context, page };
}

async function interactive(page: Page) {
  await expect(page.locator('html[data-interactive]')).toHaveCount(1);
}

/** Searches from the header's box, reached by its `/` shortcut. */
async function searchFromHeader(page: Page, words: string) {
  await interactive(page);
  const box = page.getByRole('search', { name: 'Site' }).getByRole('searchbox', { name: 'Search' });
  await page.locator('body').press('/');
  await expect(box).toBeFocused();
  await box.fill(words);
  await box.press('Enter');
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const count = (page: Page, kind: string) => page.locator(`.kinds a[data-kind="${kind}"] .count`);

test('a client finds a visible message and a shared file, and not an internal task with the same word', async ({
  browser,
  hostUrl,
}) => {
  test.setTimeout(90_000);
  // One word no other test writes, in letters only so that it is one plain word to the index.
  const word = `quill${unique().replace(/\d/g, (digit) => 'abcdefghij'.charAt(Number(digit)))}`;
  const taskTitle = `Roast profile ${word}`;
  const fileName = `Tasting ${word} card.txt`;
  const subject = `Tasting day ${unique()}`;

  const team = await signedIn(browser, hostUrl, TEAM);
  const riley = team.page;

  // An internal task (a new task is internal unless made visible).
  await riley.goto(hostUrl(HOST, '/admin/projects'));
  await riley.getByRole('link', { name: PROJECT }).first().click();
  await expect(riley).toHaveURL(/\/admin\/projects\/[0-9a-f-]{36}$/);
  const projectUrl = riley.url();
  const sections = riley.getByRole('navigation', { name: 'Project sections' });
  await sections.getByRole('link', { name: 'Board' }).click();
  await riley.getByRole('link', { name: 'New task' }).click();
  await riley.getByLabel('Title').fill(taskTitle);
  await expect(riley.getByLabel('Visible to clients')).not.toBeChecked();
  await riley.getByRole('button', { name: 'Create task' }).click();
  await expect(riley.getByRole('heading', { level: 1, name: taskTitle })).toBeVisible();

  // A file on the project, shared with its clients.
  await riley.goto(projectUrl);
  await riley
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Files' })
    .click();
  await riley.locator('.uploader input[type=file]').setInputFiles({
    name: fileName,
    mimeType: 'text/plain',
    buffer: Buffer.from('Bright, citrus, a long finish.\n'),
  });
  await expect(
    riley.getByRole('list', { name: 'Uploads' }).getByText('Uploaded', { exact: true }),
  ).toHaveCount(1);
  await riley.getByRole('checkbox', { name: `Select ${fileName}` }).check();
  await riley.getByLabel('Action').selectOption('share');
  await riley.getByRole('button', { name: 'Apply to selected' }).click();
  await expect(riley.getByText('1 file now visible to the project’s clients.')).toBeVisible();

  // A message with the word in a discussion of the project with the client.
  await riley.goto(hostUrl(HOST, '/admin/messages/new?kind=project'));
  await interactive(riley);
  await riley.getByLabel('Project', { exact: true }).selectOption({ label: PROJECT });
  await expect(riley).toHaveURL(/project=/);
  await riley.getByLabel('Title').fill(subject);
  await riley.getByRole('checkbox', { name: new RegExp(CLIENT.name) }).check();
  await riley.getByLabel(/First message/).fill(`The ${word} tasting is booked for Friday.`);
  await riley.getByRole('button', { name: 'Start conversation' }).click();
  await expect(riley).toHaveURL(/\/admin\/messages\/[0-9a-f-]{36}$/);

  // The team member finds all three, the internal task among them.
  await searchFromHeader(riley, word);
  await expect(riley).toHaveURL(new RegExp(`/admin/search\\?q=${word}$`));
  const teamHits = riley.getByRole('list', { name: 'Results' });
  await expect(teamHits.getByRole('link', { name: new RegExp(taskTitle) })).toBeVisible();
  await expect(teamHits.getByRole('link', { name: new RegExp(fileName) })).toBeVisible();
  await expect(teamHits.getByRole('link', { name: new RegExp(subject) })).toBeVisible();
  await expect(count(riley, 'task')).toHaveText('1');

  // The client searches the word from the portal's header.
  const client = await signedIn(browser, hostUrl, CLIENT);
  const casey = client.page;
  await searchFromHeader(casey, word);
  await expect(casey).toHaveURL(new RegExp(`/search\\?q=${word}$`));
  await expect(casey).toHaveTitle('Search · Bluefin Digital');
  await expect(casey.getByRole('status')).toHaveText(`2 results for “${word}”`);
  const hits = casey.getByRole('list', { name: 'Results' });
  const message = hits.locator('a[data-kind="message"]');
  const file = hits.locator('a[data-kind="file"]');
  await expect(message).toContainText(subject);
  await expect(message.locator('mark').first()).toHaveText(new RegExp(`^${word}$`, 'i'));
  await expect(file.locator('mark').first()).toHaveText(new RegExp(`^${word}$`, 'i'));
  await expect(hits.getByText(taskTitle)).toHaveCount(0);
  await expect(hits.locator('a[data-hit]')).toHaveCount(2);
  await expect(count(casey, 'task')).toHaveText('0');
  await expect(count(casey, 'message')).toHaveText('1');
  await expect(count(casey, 'file')).toHaveText('1');
  expect(await seriousViolations(casey), 'results').toEqual([]);

  // / goes back to the results page's field, Escape leaves it as it was.
  const field = casey.getByRole('searchbox', { name: 'Search for' });
  await casey.keyboard.press('/');
  await expect(field).toBeFocused();
  await casey.keyboard.press('Escape');
  await expect(field).not.toBeFocused();
  await expect(field).toHaveValue(word);

  // ↓ moves to the first hit, Enter opens it.
  const first = hits.locator('a[data-hit]').first();
  const href = await first.getAttribute('href');
  await casey.keyboard.press('ArrowDown');
  await expect(first).toBeFocused();
  await casey.keyboard.press('Enter');
  await expect(casey).toHaveURL(hostUrl(HOST, href ?? '/'));

  await team.context.close();
  await client.context.close();
});
