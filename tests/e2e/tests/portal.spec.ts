import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, type HostUrl, test } from './support';

/**
 * The demo client's portal: their dashboard and project view show what is shared with them and
 * nothing internal; an admin previews the portal as that client and comes back; the client
 * dismisses the welcome. Serial: the welcome is shown until the client dismisses it.
 */
test.describe.configure({ mode: 'serial' });

const HOST = 'northwind.localhost';
const PHONE = { width: 375, height: 740 };
const CLIENT = { name: 'Alex Baker', email: 'alex@acme-bakery.example', password: 'acme-client-2026' };
const ADMIN = { email: 'nora@northwind.example', password: 'northwind-admin-2026' };
const PROJECT = 'Website redesign';

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function signIn(page: Page, hostUrl: HostUrl, who: { email: string; password: string }) {
  await page.goto(hostUrl(HOST, '/login'));
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Nothing wider than the phone: no sideways scrolling. */
async function fitsThePhone(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
}

test('a client sees their project, its shared tasks and none of the internal ones', async ({
  page,
  hostUrl,
}) => {
  await signIn(page, hostUrl, CLIENT);
  await expect(page).toHaveURL(hostUrl(HOST, '/'));
  await expect(page.getByRole('heading', { name: `Welcome, ${CLIENT.name}`, level: 1 })).toBeVisible();
  const projects = page.getByRole('region', { name: 'Your projects' });
  await expect(projects.getByRole('link', { name: PROJECT })).toBeVisible();
  await expect(projects.getByText('Active')).toBeVisible();
  await expect(projects.getByRole('progressbar', { name: `${PROJECT}: tasks done` })).toBeVisible();
  // Alex reviews: the slot is there, with none or some waiting (the demo's own and reviews.spec's
  // rounds come and go).
  await expect(page.getByRole('region', { name: 'Reviews waiting' })).toContainText(
    /waiting for your review/,
  );
  await expect(page.getByText('hello@northwind.example')).toBeVisible();
  expect(await seriousViolations(page), 'dashboard').toEqual([]);

  await projects.getByRole('link', { name: PROJECT }).click();
  await expect(page.getByRole('heading', { name: PROJECT, level: 1 })).toBeVisible();
  const tasks = page.getByRole('region', { name: 'Tasks' });
  await expect(tasks.getByText('Homepage wireframes')).toBeVisible();
  await expect(tasks.getByText('Kick-off workshop')).toBeVisible();
  await expect(page.getByText('Set up staging server')).toHaveCount(0);
  for (const section of ['Milestones', 'Files', 'Invoices', 'Discussions']) {
    await expect(page.getByRole('heading', { name: section, level: 2 })).toBeVisible();
  }
  expect(await seriousViolations(page), 'project view').toEqual([]);

  // A project that is not theirs does not exist, as far as they can tell.
  const missing = await page.goto(hostUrl(HOST, '/projects/00000000-0000-4000-8000-000000000000'));
  expect(missing?.status()).toBe(404);

  await page.setViewportSize(PHONE);
  await page.goto(hostUrl(HOST, '/'));
  await expect(page.getByRole('region', { name: 'Your projects' })).toBeVisible();
  await fitsThePhone(page);
  expect(await seriousViolations(page), 'dashboard at 375px').toEqual([]);
  await page.getByRole('region', { name: 'Your projects' }).getByRole('link', { name: PROJECT }).click();
  await expect(page.getByRole('heading', { name: PROJECT, level: 1 })).toBeVisible();
  await fitsThePhone(page);
  expect(await seriousViolations(page), 'project view at 375px').toEqual([]);
});

test('an admin previews the portal as the client, changes nothing, and comes back', async ({
  page,
  hostUrl,
}) => {
  await signIn(page, hostUrl, ADMIN);
  await expect(page).toHaveURL(hostUrl(HOST, '/admin'));
  await page.goto(hostUrl(HOST, '/admin/preview'));
  await expect(page.getByRole('heading', { name: 'Preview as which client?', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: `Preview as ${CLIENT.name}` }).click();

  await expect(page).toHaveURL(hostUrl(HOST, '/'));
  const banner = page.getByRole('region', { name: 'Preview' });
  await expect(banner).toContainText(`Previewing as ${CLIENT.name} (Acme Bakery)`);
  await expect(page.getByRole('heading', { name: `Welcome, ${CLIENT.name}`, level: 1 })).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'Your projects' }).getByRole('link', { name: PROJECT }),
  ).toBeVisible();
  expect(await seriousViolations(page), 'dashboard in preview').toEqual([]);

  // Writes are refused with the preview's answer, and the welcome stays for the client.
  await page.getByRole('button', { name: 'Got it, hide this' }).click();
  await expect(page.getByRole('alert')).toContainText('This is a preview');
  await page.reload();
  await expect(page.getByRole('region', { name: 'Getting started' })).toBeVisible();

  await page.getByRole('region', { name: 'Your projects' }).getByRole('link', { name: PROJECT }).click();
  await expect(page.getByRole('heading', { name: PROJECT, level: 1 })).toBeVisible();
  await expect(banner).toBeVisible();
  await expect(page.getByText('Set up staging server')).toHaveCount(0);

  // The bell's page is the client's too while previewing.
  await page.goto(hostUrl(HOST, '/notifications'));
  await expect(banner).toBeVisible();
  await expect(page.getByLabel(/your account$/)).toHaveAttribute(
    'aria-label',
    `AB ${CLIENT.name}: your account`,
  );

  await banner.getByRole('button', { name: 'Exit preview' }).click();
  await expect(page).toHaveURL(/\/admin\/clients\/[0-9a-f-]{36}$/);
  await page.goto(hostUrl(HOST, '/'));
  await expect(page).toHaveURL(hostUrl(HOST, '/admin'));
  // The preview ticked the checklist's item (the demo has not tested email delivery yet, so the
  // checklist is still there).
  const item = page
    .getByRole('region', { name: 'Set up your portal' })
    .getByRole('listitem')
    .filter({ hasText: 'Preview the portal as a client' });
  await expect(item).toContainText('Done:');
  await expect(item.getByRole('link')).toHaveCount(0);
});

test('the client dismisses the welcome for good', async ({ page, hostUrl }) => {
  await signIn(page, hostUrl, CLIENT);
  const welcome = page.getByRole('region', { name: 'Getting started' });
  await expect(welcome).toBeVisible();
  await welcome.getByRole('button', { name: 'Got it, hide this' }).click();
  await expect(welcome).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('heading', { name: `Welcome, ${CLIENT.name}`, level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Getting started' })).toHaveCount(0);
});

test('a client chooses a theme and a time zone on their account page', async ({ page, hostUrl }) => {
  await signIn(page, hostUrl, CLIENT);
  await expect(page).toHaveURL(hostUrl(HOST, '/'));
  await page.goto(hostUrl(HOST, '/account'));
  const details = page.getByRole('region', { name: 'Phone, time zone and theme' });
  await details.getByLabel('Phone').fill('+44 117 496 0000');
  await details.getByLabel('Time zone').selectOption('Europe/London');
  await details.getByLabel('Theme').selectOption('dark');
  await details.getByRole('button', { name: 'Save details' }).click();
  await expect(page.getByText('Your details are saved.')).toBeVisible();
  await expect(page.locator('.app')).toHaveAttribute('data-theme', 'dark');
  await expect(details.getByLabel('Time zone')).toHaveValue('Europe/London');
  // It follows them to the portal's home, and in dark the pages still pass axe.
  await page.goto(hostUrl(HOST, '/'));
  await expect(page.locator('.app')).toHaveAttribute('data-theme', 'dark');
  expect(await seriousViolations(page), 'dashboard in dark').toEqual([]);

  // Back to the agency's default, for every other test signing in as this client.
  await page.goto(hostUrl(HOST, '/account'));
  await details.getByLabel('Phone').fill('');
  await details.getByLabel('Time zone').selectOption('');
  await details.getByLabel('Theme').selectOption('');
  await details.getByRole('button', { name: 'Save details' }).click();
  await expect(page.getByText('Your details are saved.')).toBeVisible();
  await expect(page.locator('.app')).toHaveAttribute('data-theme', 'light');
});
