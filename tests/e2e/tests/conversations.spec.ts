import type { Page } from '@playwright/test';
import { expect, type HostUrl, test, unique } from './support';

/**
 * Live conversations, in two browsers on the demo agency: a team member starts a discussion of a
 * project with its client; the client opens it; each sees the other typing and their messages
 * arrive without a reload; the client's Messages link counts a new message live while they are
 * elsewhere; a file dropped into the composer shows in the thread (on both sides) and in the
 * project's files. A client can't open a team chat: 404; one without `messages` has no Messages.
 */

const HOST = 'bluefin.localhost';
/**
 * The people: the project's staff member and its full-retainer client, and a contact of the same
 * company without `messages`. Not Northwind's, whose demo people other specs sign in many times
 * from new browsers (an account allows 20 such sign-ins per 15 minutes).
 */
const TEAM = { name: 'Riley Chen', email: 'riley@bluefin.example', password: 'bluefin-staff-2026' };
const CLIENT = { name: 'Casey Harbor', email: 'casey@harbor-coffee.example', password: 'harbor-client-2026' };
const NO_MESSAGES = { email: 'jamie@harbor-coffee.example', password: 'harbor-finance-2026' };
const PROJECT = 'Spring campaign';

async function signIn(page: Page, hostUrl: HostUrl, who: { email: string; password: string }) {
  await page.goto(hostUrl(HOST, '/login'));
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** The unread count beside the header's Messages link (0 when none is shown). */
async function navCount(page: Page, href: string): Promise<number> {
  const badge = page.locator(`.tabs a[href="${href}"] [data-nav-count]`);
  if ((await badge.count()) === 0) return 0;
  return Number(await badge.textContent());
}

async function interactive(page: Page) {
  await expect(page.locator('html[data-interactive]')).toHaveCount(1);
}

test('a project discussion between the team and a client is live on both sides', async ({
  browser,
  hostUrl,
}) => {
  const teamContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const clientContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const team = await teamContext.newPage();
  const client = await clientContext.newPage();
  const title = `Copy review ${unique()}`;

  // The team member starts the discussion: kind and project first, then who and what.
  await signIn(team, hostUrl, TEAM);
  await team.goto(hostUrl(HOST, '/admin/messages/new?kind=project'));
  await interactive(team);
  await team.getByLabel('Project', { exact: true }).selectOption({ label: PROJECT });
  await expect(team).toHaveURL(/project=/);
  await team.getByLabel('Title').fill(title);
  await team.getByRole('checkbox', { name: new RegExp(CLIENT.name) }).check();
  await team.getByLabel(/First message/).fill('The **homepage copy** is ready for a look.');
  await team.getByRole('button', { name: 'Start conversation' }).click();
  await expect(team).toHaveURL(/\/admin\/messages\/[0-9a-f-]{36}$/);
  await expect(team.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  const projectHref = await team.getByRole('link', { name: PROJECT }).first().getAttribute('href');

  // The client finds it in Messages, unread, and opens it.
  await signIn(client, hostUrl, CLIENT);
  await client.goto(hostUrl(HOST, '/messages'));
  const row = client.getByRole('link', { name: new RegExp(title) });
  await expect(row.locator('[data-unread-count]')).toHaveText('1');
  await row.click();
  await expect(client.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(client.getByText('homepage copy', { exact: true })).toBeVisible();
  await interactive(client);
  await interactive(team);

  // Typing shows on the other side; the message arrives there without a reload.
  const teamBox = team.getByRole('textbox', { name: 'Message' });
  await teamBox.pressSequentially('Any questions about the hero', { delay: 20 });
  await expect(client.locator('[data-typing]')).toHaveText(/is typing…/);
  await teamBox.press('Control+Enter');
  await expect(client.getByText('Any questions about the hero')).toBeVisible();
  // The client mentions the team member: `@` and a few letters offer them, Enter picks them.
  const clientBox = client.getByRole('textbox', { name: 'Message' });
  await clientBox.pressSequentially('@Ri', { delay: 20 });
  await expect(client.getByRole('option', { name: /Riley Chen/ })).toBeVisible();
  await clientBox.press('Enter');
  await expect(clientBox).toHaveValue('@Riley Chen ');
  await clientBox.pressSequentially('Just one', { delay: 20 });
  await expect(team.locator('[data-typing]')).toHaveText(/is typing…/);
  await client.getByRole('button', { name: 'Send' }).click();
  await expect(team.getByText('@Riley Chen Just one')).toBeVisible();

  // Elsewhere in the portal, the client's Messages link counts a new message live.
  await client.goto(hostUrl(HOST, '/'));
  await interactive(client);
  const before = await navCount(client, '/messages');
  await teamBox.fill('And the menu teaser?');
  await team.getByRole('button', { name: 'Send' }).click();
  await expect(team.getByText('And the menu teaser?')).toBeVisible();
  await expect.poll(() => navCount(client, '/messages')).toBe(before + 1);

  // Back in the thread (read again), the client drops a file into the composer and sends it.
  await client.getByRole('link', { name: 'Messages' }).first().click();
  await client.getByRole('link', { name: new RegExp(title) }).click();
  await interactive(client);
  await expect(client.getByText('And the menu teaser?')).toBeVisible();
  await expect.poll(() => navCount(client, '/messages')).toBe(before);
  const name = `hero-notes-${unique()}.txt`;
  await client.locator('input[data-composer-files]').setInputFiles({
    name,
    mimeType: 'text/plain',
    buffer: Buffer.from('Hero: shorter, warmer.\n'),
  });
  await expect(client.getByRole('list', { name: 'Files to send' })).toContainText(name);
  await clientBox.fill('Notes attached');
  await client.getByRole('button', { name: 'Send' }).click();
  await expect(client.getByRole('link', { name })).toBeVisible();
  // The team sees the file arrive on the message, and in the project's files.
  await expect(team.getByRole('link', { name })).toBeVisible();
  await team.goto(hostUrl(HOST, `${projectHref}/files`));
  await expect(team.getByRole('link', { name })).toBeVisible();
  await expect(
    team.getByRole('row', { name: new RegExp(name) }).getByRole('link', { name: 'In a discussion' }),
  ).toBeVisible();

  await teamContext.close();
  await clientContext.close();
});

test('a client can’t open a team chat; one without messages has no Messages at all', async ({
  browser,
  hostUrl,
}) => {
  const teamContext = await browser.newContext();
  const clientContext = await browser.newContext();
  const team = await teamContext.newPage();
  const client = await clientContext.newPage();
  const title = `Team only ${unique()}`;

  await signIn(team, hostUrl, TEAM);
  await team.goto(hostUrl(HOST, '/admin/messages/new?kind=internal'));
  await interactive(team);
  await team.getByLabel('Title').fill(title);
  await team.getByRole('checkbox', { name: 'Ben Okafor' }).check();
  await team.getByLabel(/First message/).fill('Between us: the deadline moves.');
  await team.getByRole('button', { name: 'Start conversation' }).click();
  await expect(team).toHaveURL(/\/admin\/messages\/[0-9a-f-]{36}$/);
  const id = new URL(team.url()).pathname.split('/').pop();

  await signIn(client, hostUrl, CLIENT);
  const response = await client.goto(hostUrl(HOST, `/messages/${id}`));
  expect(response?.status()).toBe(404);
  await expect(client.getByText('Between us')).toHaveCount(0);
  await client.goto(hostUrl(HOST, '/messages'));
  await expect(client.getByText(title)).toHaveCount(0);

  const other = await browser.newContext();
  const jamie = await other.newPage();
  await signIn(jamie, hostUrl, NO_MESSAGES);
  await expect(jamie.getByRole('link', { name: 'Invoices' }).first()).toBeVisible();
  await expect(jamie.getByRole('link', { name: /^Messages/ })).toHaveCount(0);
  expect((await jamie.goto(hostUrl(HOST, '/messages')))?.status()).toBe(404);
  await other.close();

  await teamContext.close();
  await clientContext.close();
});
