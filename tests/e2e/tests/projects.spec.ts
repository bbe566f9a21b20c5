import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test, unique } from './support';

const HOST = 'northwind.localhost';
const ADMIN = { email: 'nora@northwind.example', password: 'northwind-admin-2026' };
const ALEX = { name: 'Alex Baker', email: 'alex@acme-bakery.example', password: 'acme-client-2026' };

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('an admin creates a project for Acme Bakery, assigns Alex, who hears of it and can see it; removed, he can’t', async ({
  page,
  browser,
  hostUrl,
  mailbox,
}) => {
  const name = `Spring menu ${unique()}`;
  await page.goto(hostUrl(HOST, '/login'));
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(hostUrl(HOST, '/admin'));

  await page.goto(hostUrl(HOST, '/admin/projects'));
  await page.getByRole('link', { name: 'New project' }).first().click();
  await expect(page).toHaveURL(hostUrl(HOST, '/admin/projects/new'));

  // A deadline before the start is explained next to the field, and nothing typed is lost.
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Start date').fill('2026-04-10');
  await page.getByLabel('Deadline').fill('2026-04-01');
  await page.getByLabel('Owning company').selectOption({ label: 'Acme Bakery' });
  await page.getByRole('checkbox', { name: new RegExp(ALEX.name) }).check();
  await page.getByRole('button', { name: 'Create project' }).click();
  const deadline = page.getByLabel('Deadline');
  await expect(deadline).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator(`#${await deadline.getAttribute('aria-describedby')}`)).toContainText(
    'can’t be before the start date',
  );
  await expect(page.getByLabel('Name')).toHaveValue(name);

  await deadline.fill('2026-06-30');
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const projectUrl = page.url().replace(/\?.*$/, '');
  const projectId = projectUrl.split('/').pop() ?? '';

  const clients = page.getByRole('region', { name: 'Clients' });
  await expect(clients.getByRole('cell', { name: ALEX.name, exact: true })).toBeVisible();
  const why = page.getByRole('region', { name: 'Why can’t my client see this?' });
  const alex = why.getByRole('listitem').filter({ hasText: ALEX.name }).first();
  await expect(alex).toContainText('Can see this project');

  // The branded email, with a link to the project in his portal.
  const mail = await mailbox.latestTo(ALEX.email, (m) => m.subject.includes(name));
  expect(mail.subject).toBe(`You've been added to ${name}`);
  expect(mail.links).toContain(hostUrl(HOST, `/projects/${projectId}`));

  // Alex, in a browser of his own, finds it in his notifications.
  const alexContext = await browser.newContext();
  const client = await alexContext.newPage();
  await client.goto(hostUrl(HOST, '/login'));
  await signIn(client, ALEX.email, ALEX.password);
  await expect(client).toHaveURL(hostUrl(HOST, '/'));
  await client.goto(hostUrl(HOST, '/notifications'));
  await expect(client.getByText(`You’ve been added to ${name}`)).toBeVisible();
  // The team's page of the project stays closed to him.
  await client.goto(hostUrl(HOST, `/admin/projects/${projectId}`));
  await expect(client).toHaveURL(hostUrl(HOST, '/'));
  await alexContext.close();

  // Removed (after a confirmation), he is explained as not assigned.
  await clients.getByRole('button', { name: `Remove ${ALEX.name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Remove ${ALEX.name} from ${name}?` });
  await dialog.getByRole('button', { name: 'Remove client' }).click();
  await expect(clients.getByText('Client removed from the project.')).toBeVisible();
  await expect(clients.getByRole('cell', { name: ALEX.name, exact: true })).toHaveCount(0);
  await expect(alex).toContainText('Can’t see this project');
  await expect(alex).toContainText('Not assigned to this project.');

  // The list finds it by name.
  await page.goto(hostUrl(HOST, `/admin/projects?q=${encodeURIComponent(name)}`));
  await expect(page.getByRole('link', { name })).toBeVisible();
});

test('staff see only the projects they are on, without the admin’s controls', async ({
  page,
  browser,
  hostUrl,
  mailbox,
}) => {
  test.slow();
  const staffName = `Sam ${unique()}`;
  const staffEmail = `staff-${unique()}@northwind.example`;
  const project = `Staff project ${unique()}`;
  await page.goto(hostUrl(HOST, '/login'));
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(hostUrl(HOST, '/admin'));
  await page.goto(hostUrl(HOST, '/admin/team'));
  await page.getByLabel('Email').fill(staffEmail);
  await page.getByLabel('Role', { exact: true }).selectOption('staff');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText(`Invitation sent to ${staffEmail}.`)).toBeVisible();
  const link = (await mailbox.latestTo(staffEmail)).links.find((url) => url.includes('/invite?token='));

  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await staff.goto(link ?? '');
  await staff.getByLabel('Your name').fill(staffName);
  await staff.getByLabel('Password').fill(`staff pass ${unique()}`);
  await staff.getByRole('button', { name: 'Join the team' }).click();
  await expect(staff).toHaveURL(hostUrl(HOST, '/admin'));
  await staff.goto(hostUrl(HOST, '/admin/projects'));
  await expect(staff.getByText('You’re not on any project yet')).toBeVisible();
  await expect(staff.getByRole('link', { name: 'New project' })).toHaveCount(0);

  // The admin puts them on a new project; the bell tells them, and the list shows it alone.
  await page.goto(hostUrl(HOST, '/admin/projects/new'));
  await page.getByLabel('Name').fill(project);
  await page.getByRole('checkbox', { name: new RegExp(staffName) }).check();
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { level: 1, name: project })).toBeVisible();

  await staff.goto(hostUrl(HOST, '/notifications'));
  await expect(staff.getByText(`You’ve been added to ${project}`)).toBeVisible();
  await staff.goto(hostUrl(HOST, '/admin/projects'));
  await expect(staff.getByRole('row')).toHaveCount(2);
  await staff.getByRole('link', { name: project }).click();
  await expect(staff.getByRole('heading', { level: 1, name: project })).toBeVisible();
  await expect(staff.getByRole('region', { name: 'Staff' })).toContainText(staffName);
  // Reading, not running: no edit form, no status change, no "why" panel.
  await expect(staff.getByRole('button', { name: 'Save details' })).toHaveCount(0);
  await expect(staff.getByRole('button', { name: 'Change status' })).toHaveCount(0);
  await expect(staff.getByRole('region', { name: 'Why can’t my client see this?' })).toHaveCount(0);
  // Another project (the demo's) is not there for them.
  await page.goto(hostUrl(HOST, '/admin/projects?q=Website'));
  const demo = await page.getByRole('link', { name: 'Website redesign' }).getAttribute('href');
  const response = await staff.goto(hostUrl(HOST, demo ?? '/'));
  expect(response?.status()).toBe(404);
  await staffContext.close();
});

/** Serious and critical axe findings on the page as it is now (as signed-in.spec.ts counts them). */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 375, height: 740 },
]) {
  test(`the project pages have no serious accessibility problems and fit at ${viewport.width}px`, async ({
    page,
    hostUrl,
  }) => {
    test.setTimeout(90_000);
    await page.setViewportSize(viewport);
    await page.goto(hostUrl(HOST, '/login'));
    await signIn(page, ADMIN.email, ADMIN.password);
    await expect(page).toHaveURL(hostUrl(HOST, '/admin'));
    await page.goto(hostUrl(HOST, '/admin/projects?q=Website'));
    await page.getByRole('link', { name: 'Website redesign' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Website redesign' })).toBeVisible();
    const project = page.url();
    for (const url of [hostUrl(HOST, '/admin/projects'), hostUrl(HOST, '/admin/projects/new'), project]) {
      await page.goto(url);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      expect(await seriousViolations(page), url).toEqual([]);
      // Nothing wider than the screen: no sideways scrolling on a phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(
        viewport.width,
      );
    }
  });
}
