import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, type HostUrl, test } from './support';

/**
 * Comments on tasks, from the client's side, on the demo agency's data (its tasks carry comments
 * of each kind: the team's internal and shared ones, a client's own): the client sees the shared
 * tasks and milestones of their project, opens a task, sees the visible comments and their own and
 * none of the internal ones, posts, edits and deletes a comment; the team hears of it in the bell.
 * On the team's task page, the admin writes an internal and a visible comment, shares a client's
 * comment and makes the task internal, after which it is a 404 for the client at once.
 */

const HOST = 'northwind.localhost';
const PHONE = { width: 375, height: 740 };
const CLIENT = { name: 'Alex Baker', email: 'alex@acme-bakery.example', password: 'acme-client-2026' };
const STAFF = { email: 'sam@northwind.example', password: 'northwind-staff-2026' };
const ADMIN = { email: 'nora@northwind.example', password: 'northwind-admin-2026' };
/** Shared, without comments in the demo data: the team's test writes on it and flips it. */
const TEAM_TASK = 'Menu page design';
const PROJECT = 'Website redesign';
/** Shared with the client, with no comments in the demo data: this spec's own to write on. */
const QUIET_TASK = 'Copy for the About page';
/** Shared, with a visible comment by Sam, an internal one by Nora and Alex's own (not shared). */
const TALKED_TASK = 'Moodboard and visual direction';
const SHOTS = process.env.E2E_SCREENSHOTS;

async function signIn(page: Page, hostUrl: HostUrl, who: { email: string; password: string }) {
  await page.goto(hostUrl(HOST, '/login'));
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function fitsThePhone(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
}

/** With E2E_SCREENSHOTS=<dir>, a full-page picture to look at. */
async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

test('a client reads a task’s shared comments and their own, and comments; the team hears of it', async ({
  page,
  browser,
  hostUrl,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, hostUrl, CLIENT);
  await expect(page).toHaveURL(hostUrl(HOST, '/'));
  await page.getByRole('region', { name: 'Your projects' }).getByRole('link', { name: PROJECT }).click();
  await expect(page.getByRole('heading', { name: PROJECT, level: 1 })).toBeVisible();

  // The project's shared tasks with where they stand, and its shared milestones; nothing internal.
  const tasks = page.getByRole('region', { name: 'Tasks' });
  await expect(tasks.getByRole('link', { name: TALKED_TASK })).toBeVisible();
  await expect(tasks.getByRole('progressbar', { name: new RegExp(`^${TALKED_TASK}: `) })).toBeVisible();
  await expect(page.getByText('Set up staging server')).toHaveCount(0);
  const milestones = page.getByRole('region', { name: 'Milestones' });
  await expect(milestones.getByText('Discovery')).toBeVisible();
  await expect(milestones.getByText('Launch')).toBeVisible();
  await expect(milestones.getByText('Internal QA')).toHaveCount(0);
  expect(await seriousViolations(page), 'project page').toEqual([]);
  await shot(page, 'client-project-1280');

  // A task with every kind of comment: the visible one and Alex's own, not the internal one.
  await tasks.getByRole('link', { name: TALKED_TASK }).click();
  await expect(page.getByRole('heading', { name: TALKED_TASK, level: 1 })).toBeVisible();
  const thread = page.getByRole('region', { name: /^Comments/ });
  await expect(thread.getByRole('article', { name: 'Comment by Sam Patel' })).toContainText(
    'Both directions',
  );
  await expect(thread.getByRole('article', { name: 'Comment by You' })).toContainText('Leaning towards');
  await expect(thread.getByText('Alex prefers modern')).toHaveCount(0);
  await expect(thread.getByRole('article', { name: /Nora/ })).toHaveCount(0);
  await shot(page, 'client-talked-task-1280');

  // A quiet task: the client posts a comment, which the team sees and the client can change.
  await page.getByRole('link', { name: PROJECT }).click();
  await page.getByRole('region', { name: 'Tasks' }).getByRole('link', { name: QUIET_TASK }).click();
  await expect(page.getByRole('heading', { name: QUIET_TASK, level: 1 })).toBeVisible();
  const comments = page.getByRole('region', { name: /^Comments/ });
  await expect(comments.getByText('No comments yet')).toBeVisible();
  const taskUrl = page.url();
  // An empty comment is refused beside the field.
  await comments.getByRole('button', { name: 'Post comment' }).click();
  await expect(comments.getByText('Write something first.')).toBeVisible();
  await comments.getByLabel('Add a comment').fill('Could the About page mention our **1952** opening?');
  await comments.getByRole('button', { name: 'Post comment' }).click();
  const mine = comments.getByRole('article', { name: 'Comment by You' });
  await expect(mine.getByText('1952', { exact: true })).toBeVisible();
  await expect(mine.getByText('Seen by you and the team.')).toBeVisible();
  await expect(comments.getByLabel('Add a comment')).toHaveValue('');
  expect(await seriousViolations(page), 'task page').toEqual([]);
  await shot(page, 'client-task-1280');

  await mine.getByText('Edit').click();
  await mine.getByLabel('Your comment').fill('Could the About page mention our 1951 opening?');
  await mine.getByRole('button', { name: 'Save' }).click();
  await expect(mine.getByText('Could the About page mention our 1951 opening?')).toBeVisible();
  await expect(mine).toContainText('edited');

  // The team hears of it: the project's staff, in the bell.
  const team = await browser.newContext();
  const staff = await team.newPage();
  await signIn(staff, hostUrl, STAFF);
  await expect(staff).toHaveURL(hostUrl(HOST, '/admin'));
  await staff.goto(hostUrl(HOST, '/notifications'));
  await expect(
    staff
      .getByRole('list', { name: 'Notifications' })
      .getByText(`${CLIENT.name} (Acme Bakery) commented on “${QUIET_TASK}”`),
  ).toBeVisible();
  await team.close();

  // At 375 px: nothing wider than the phone, the thread and the composer usable.
  await page.setViewportSize(PHONE);
  await page.goto(taskUrl);
  await expect(page.getByRole('heading', { name: QUIET_TASK, level: 1 })).toBeVisible();
  await fitsThePhone(page);
  await shot(page, 'client-task-375');
  await page.getByRole('link', { name: PROJECT }).click();
  await expect(page.getByRole('heading', { name: PROJECT, level: 1 })).toBeVisible();
  await fitsThePhone(page);
  await shot(page, 'client-project-375');
  await page.goto(taskUrl);

  // Deleting asks first, then leaves a marker in the comment's place.
  const again = page
    .getByRole('region', { name: /^Comments/ })
    .getByRole('article', { name: 'Comment by You' });
  await again.getByRole('button', { name: 'Delete your comment' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this comment?' });
  await dialog.getByRole('button', { name: 'Delete comment' }).click();
  await expect(again.getByText('Comment deleted', { exact: true })).toBeVisible();
  await expect(again.getByText('1951')).toHaveCount(0);
  await expect(again.getByRole('button', { name: 'Delete your comment' })).toHaveCount(0);

  // A task the client cannot see (never shared, made internal, or no task at all) is not there.
  for (const path of ['/tasks/00000000-0000-4000-8000-000000000000', '/tasks/not-a-task']) {
    const missing = await page.goto(hostUrl(HOST, path));
    expect(missing?.status()).toBe(404);
  }
});

test('the team writes internal and visible comments, shares a client’s, and makes the task internal', async ({
  page,
  browser,
  hostUrl,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, hostUrl, ADMIN);
  await expect(page).toHaveURL(hostUrl(HOST, '/admin'));
  await page.goto(hostUrl(HOST, '/admin/projects'));
  await page.getByRole('link', { name: PROJECT }).click();
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Tasks' })
    .click();
  await page.getByRole('link', { name: TEAM_TASK }).click();
  await expect(page.getByRole('heading', { name: TEAM_TASK, level: 1 })).toBeVisible();
  const taskPath = new URL(page.url()).pathname;
  const taskId = taskPath.split('/').at(-1) ?? '';
  const comments = page.getByRole('region', { name: /^Comments/ });

  // An internal note (the default) and a comment for the client.
  await comments.getByLabel('Add a comment').fill('Internal: check the menu prices with the kitchen first.');
  await comments.getByRole('button', { name: 'Post comment' }).click();
  await expect(comments.getByRole('article')).toHaveCount(1);
  await comments.getByLabel('Add a comment').fill('The first menu layout is ready for a look.');
  await comments.getByLabel('Visible to the project’s clients').check();
  await comments.getByRole('button', { name: 'Post comment' }).click();
  const articles = comments.getByRole('article', { name: 'Comment by Nora Whitfield' });
  await expect(articles).toHaveCount(2);
  await expect(articles.nth(0)).toContainText('Internal');
  await expect(articles.nth(1)).toContainText('Visible to clients');
  await expect(comments.getByLabel('Internal: the team only')).toBeChecked();

  // The client sees the visible one only, and answers.
  const clientContext = await browser.newContext();
  const client = await clientContext.newPage();
  await signIn(client, hostUrl, CLIENT);
  await expect(client).toHaveURL(hostUrl(HOST, '/'));
  await client.goto(hostUrl(HOST, `/tasks/${taskId}`));
  const clientThread = client.getByRole('region', { name: /^Comments/ });
  await expect(clientThread.getByText('The first menu layout is ready for a look.')).toBeVisible();
  await expect(clientThread.getByText('check the menu prices')).toHaveCount(0);
  await clientThread.getByLabel('Add a comment').fill('Lovely. Please use the winter menu.');
  await clientThread.getByRole('button', { name: 'Post comment' }).click();
  await expect(clientThread.getByRole('article', { name: 'Comment by You' })).toContainText('winter menu');

  // The team sees it with who wrote it, internal until shared; sharing it is one click.
  await page.reload();
  const fromClient = comments.getByRole('article', { name: `Comment by ${CLIENT.name} (Acme Bakery)` });
  await expect(fromClient).toContainText('winter menu');
  await expect(fromClient).toContainText('Client');
  await expect(fromClient).toContainText('Internal');
  await shot(page, 'team-task-1280');
  expect(await seriousViolations(page), 'team task page').toEqual([]);
  await fromClient.getByRole('button', { name: /^Share with clients/ }).click();
  await expect(fromClient).toContainText('Visible to clients');
  await page.setViewportSize(PHONE);
  await fitsThePhone(page);
  await shot(page, 'team-task-375');
  await page.setViewportSize({ width: 1280, height: 900 });

  // Made internal, the task is gone for the client at once: a 404, and off the project page.
  const visibility = page.getByRole('region', { name: 'Visibility' });
  await visibility.getByRole('button', { name: 'Make internal', exact: true }).click();
  await expect(visibility.getByText('Internal now')).toBeVisible();
  const gone = await client.goto(hostUrl(HOST, `/tasks/${taskId}`));
  expect(gone?.status()).toBe(404);
  await client.goto(hostUrl(HOST, '/'));
  await client.getByRole('region', { name: 'Your projects' }).getByRole('link', { name: PROJECT }).click();
  await expect(client.getByRole('heading', { name: PROJECT, level: 1 })).toBeVisible();
  await expect(client.getByRole('region', { name: 'Tasks' }).getByText(TEAM_TASK)).toHaveCount(0);

  // The client's comment stays for the team; shared again, the task is back for the client.
  await expect(fromClient).toContainText('winter menu');
  await visibility.getByRole('button', { name: 'Make visible to clients' }).click();
  await expect(visibility.getByText('Visible to clients now')).toBeVisible();
  await client.goto(hostUrl(HOST, `/tasks/${taskId}`));
  await expect(client.getByRole('heading', { name: TEAM_TASK, level: 1 })).toBeVisible();
  await clientContext.close();
});
