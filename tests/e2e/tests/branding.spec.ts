import type { Page } from '@playwright/test';
import { expect, test } from './support';

const agencies = [
  { slug: 'northwind', name: 'Northwind Studio', primary: '#1e3a8a', theme: 'light', other: 'Bluefin' },
  { slug: 'bluefin', name: 'Bluefin Digital', primary: '#0f766e', theme: 'dark', other: 'Northwind' },
] as const;

async function brandVariable(page: Page, name: string) {
  return page
    .locator('[data-theme]')
    .first()
    .evaluate((el, n) => getComputedStyle(el).getPropertyValue(n).trim(), name);
}

for (const agency of agencies) {
  test(`${agency.name} shows its own brand on its login page`, async ({ page, hostUrl }) => {
    const response = await page.goto(hostUrl(`${agency.slug}.localhost`, '/'));
    expect(response?.status()).toBe(200);
    await expect(page).toHaveURL(/\/login$/);
    await expect(page).toHaveTitle(`Sign in · ${agency.name}`);
    await expect(page.getByText(agency.name, { exact: true }).first()).toBeVisible();

    const logo = page.getByRole('img', { name: `${agency.name} logo` });
    await expect(logo).toBeVisible();
    expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(
      0,
    );

    expect(await brandVariable(page, '--brand-primary')).toBe(agency.primary);
    await expect(page.locator('[data-theme]').first()).toHaveAttribute('data-theme', agency.theme);
    const button = page.getByRole('button', { name: 'Sign in' });
    const background = await button.evaluate((el) => getComputedStyle(el).backgroundColor);
    const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(agency.primary.slice(i, i + 2), 16));
    expect(background).toBe(`rgb(${r}, ${g}, ${b})`);

    const html = await page.content();
    expect(html).not.toContain(agency.other);
    expect(html.toLowerCase()).not.toContain('foyer');
  });
}

test('the two agencies look different', async ({ page, hostUrl }) => {
  await page.goto(hostUrl('northwind.localhost', '/login'));
  const northwind = await page.screenshot();
  await page.goto(hostUrl('bluefin.localhost', '/login'));
  const bluefin = await page.screenshot();
  expect(northwind.equals(bluefin)).toBe(false);
});

test('an unknown host gets a 404 that names no tenant', async ({ page, hostUrl }) => {
  const response = await page.goto(hostUrl('nowhere.localhost', '/login'));
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  const text = (await page.content()).toLowerCase();
  for (const name of ['northwind', 'bluefin', 'foyer']) expect(text).not.toContain(name);
});

test('the platform host shows the platform, not an agency', async ({ page, hostUrl }) => {
  const response = await page.goto(hostUrl('localhost', '/'));
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Foyer');
  const html = await page.content();
  expect(html).not.toContain('Northwind');
  expect(html).not.toContain('Bluefin');
});

test('an unknown page on a tenant host is a branded 404', async ({ page, hostUrl }) => {
  const response = await page.goto(hostUrl('northwind.localhost', '/no-such-page'));
  expect(response?.status()).toBe(404);
  await expect(page.getByText('Northwind Studio').first()).toBeVisible();
  await expect(page.getByRole('heading', { name: /not found/i })).toBeVisible();
});

test('the login form explains what is wrong, next to the field', async ({ page, hostUrl }) => {
  await page.goto(hostUrl('northwind.localhost', '/login'));
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel('Password').fill('x');
  // Bypass the browser's own email check to see the server's answer.
  await page.locator('form').evaluate((form: HTMLFormElement) => {
    form.noValidate = true;
  });
  await page.getByRole('button', { name: 'Sign in' }).click();
  const email = page.getByLabel('Email');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  const describedBy = await email.getAttribute('aria-describedby');
  expect(describedBy).toBeTruthy();
  await expect(page.locator(`#${describedBy}`)).toContainText(/email/i);
});
