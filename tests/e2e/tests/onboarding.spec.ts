import type { Page } from '@playwright/test';
import { expect, type HostUrl, test, unique } from './support';

/**
 * The guide's Steps 1–3 end to end, as one agency and two of its clients live them: the admin adds
 * a client with chosen permissions and a project for them; the client accepts the invitation from
 * the mail folder and sees exactly that project; another client of the agency sees nothing of it;
 * the admin previews the portal as the new client; deactivation shuts the client out at once.
 */

const HOST = 'northwind.localhost';
const ADMIN = { email: 'nora@northwind.example', password: 'northwind-admin-2026' };
const OTHER_CLIENT = { email: 'alex@acme-bakery.example', password: 'acme-client-2026' };

async function signIn(page: Page, hostUrl: HostUrl, who: { email: string; password: string }) {
  await page.goto(hostUrl(HOST, '/login'));
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a client added with a project accepts, sees exactly it, another client sees nothing, preview matches, deactivation ends it', async ({
  page,
  browser,
  hostUrl,
  mailbox,
}) => {
  test.slow();
  const id = unique();
  const dana = {
    name: `Dana ${id}`,
    email: `dana-${id}@onboarding.example`,
    password: `dana's portal ${id}`,
  };
  const company = `Onboarding Co ${id}`;
  const project = `Launch plan ${id}`;

  // Step 1–2: the admin adds the client with chosen permissions.
  await signIn(page, hostUrl, ADMIN);
  await expect(page).toHaveURL(hostUrl(HOST, '/admin'));
  await page.goto(hostUrl(HOST, '/admin/clients/new'));
  await page.getByLabel('Name').fill(dana.name);
  await page.getByLabel('Email').fill(dana.email);
  await page.getByLabel('Company').fill(company);
  await page.getByRole('button', { name: 'One-off' }).click();
  await page.getByRole('switch', { name: 'See tasks' }).check();
  await page.getByRole('button', { name: 'Save and send invitation' }).click();
  await expect(page).toHaveURL(/\/admin\/clients\/[0-9a-f-]{36}\?added=1$/);
  const clientPage = page.url().replace(/\?.*$/, '');

  // Step 3: a project for the client's company, with the client assigned.
  await page.goto(hostUrl(HOST, '/admin/projects/new'));
  await page.getByLabel('Name').fill(project);
  await page.getByLabel('Owning company').selectOption({ label: company });
  await page.getByRole('checkbox', { name: new RegExp(dana.name) }).check();
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { level: 1, name: project })).toBeVisible();
  const projectId = page.url().replace(/\?.*$/, '').split('/').pop() ?? '';

  // The client accepts the invitation from the mail folder and lands in the portal.
  const invitation = await mailbox.latestTo(dana.email, (m) =>
    m.links.some((l) => l.includes('/invite?token=')),
  );
  const link = invitation.links.find((l) => l.includes('/invite?token=')) ?? '';
  const danaContext = await browser.newContext();
  const client = await danaContext.newPage();
  await client.goto(link);
  await client.getByLabel('Password').fill(dana.password);
  await client.getByRole('button', { name: 'Open my portal' }).click();
  await expect(client).toHaveURL(hostUrl(HOST, '/'));

  // Exactly that project, and nothing of the demo agency's other projects.
  const projects = client.getByRole('region', { name: 'Your projects' });
  await expect(projects.getByRole('link', { name: project })).toBeVisible();
  await expect(projects.getByRole('heading', { level: 3 })).toHaveCount(1);
  await expect(client.getByText('Website redesign')).toHaveCount(0);
  await client.getByRole('link', { name: project }).first().click();
  await expect(client).toHaveURL(hostUrl(HOST, `/projects/${projectId}`));
  await expect(client.getByRole('heading', { level: 1, name: project })).toBeVisible();

  // Another client of the same agency sees nothing of it, not even by its address.
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signIn(other, hostUrl, OTHER_CLIENT);
  await expect(other).toHaveURL(hostUrl(HOST, '/'));
  await expect(other.getByRole('region', { name: 'Your projects' })).toBeVisible();
  await expect(other.getByText(project)).toHaveCount(0);
  const response = await other.goto(hostUrl(HOST, `/projects/${projectId}`));
  expect(response?.status()).toBe(404);
  await expect(other.getByText(project)).toHaveCount(0);
  await otherContext.close();

  // The admin previews the portal as the client and sees what the client sees.
  await page.goto(clientPage);
  await page.getByRole('button', { name: 'Preview as client' }).click();
  await expect(page).toHaveURL(hostUrl(HOST, '/'));
  const banner = page.getByRole('region', { name: 'Preview' });
  await expect(banner).toContainText(`Previewing as ${dana.name} (${company})`);
  const previewed = page.getByRole('region', { name: 'Your projects' });
  await expect(previewed.getByRole('link', { name: project })).toBeVisible();
  await expect(previewed.getByRole('heading', { level: 3 })).toHaveCount(1);
  await banner.getByRole('button', { name: 'Exit preview' }).click();
  await expect(page).toHaveURL(clientPage);

  // Deactivation ends the client's session at once: their next page is the sign-in page.
  await page
    .getByRole('region', { name: 'Access' })
    .getByRole('button', { name: /^Deactivate/ })
    .click();
  await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
  await expect(page.getByText('Deactivated and signed out everywhere.')).toBeVisible();
  await client.goto(hostUrl(HOST, `/projects/${projectId}`));
  await expect(client).toHaveURL(/\/login(\?|$)/);
  await danaContext.close();
});
