import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, type HostUrl, signUpAgency, test } from './support';

const PHONE = { width: 375, height: 740 };
const ADMIN_SECTIONS = ['Dashboard', 'Invoices', 'Team', 'Settings', 'Account'];

/**
 * Serious and critical axe findings on the page as it is now. `label-content-name-mismatch` is
 * one of axe's experimental rules, off by default, so it is switched on here.
 */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function signInAsDemoClient(page: Page, hostUrl: HostUrl) {
  await page.goto(hostUrl('northwind.localhost', '/login'));
  await page.getByLabel('Email').fill('alex@acme-bakery.example');
  await page.getByLabel('Password').fill('acme-client-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(hostUrl('northwind.localhost', '/'));
}

test('on a phone, a menu shows every section; Escape closes it and focus returns', async ({
  page,
  hostUrl,
}) => {
  const agency = await signUpAgency(page, hostUrl, 'nav');
  await page.setViewportSize(PHONE);
  await page.goto(hostUrl(agency.host, '/admin/settings/branding'));

  const nav = page.getByRole('navigation', { name: 'Main' });
  const menu = nav.locator('summary', { hasText: 'Menu' });
  await expect(menu).toBeVisible();
  // Closed, no section link takes room or focus; nothing scrolls sideways.
  await expect(nav.getByRole('link')).toHaveCount(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

  // Opened from the keyboard, every section is on screen, the current one marked.
  await menu.focus();
  await page.keyboard.press('Enter');
  for (const name of ADMIN_SECTIONS) {
    const link = nav.getByRole('link', { name, exact: true });
    await expect(link).toBeInViewport({ ratio: 1 });
  }
  await expect(nav.getByRole('link', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
  await page.keyboard.press('Tab');
  await expect(nav.getByRole('link', { name: 'Dashboard' })).toBeFocused();

  await page.keyboard.press('Escape');
  await expect(nav.getByRole('link')).toHaveCount(0);
  await expect(menu).toBeFocused();

  // A section opens from it, and the menu is closed on the new page.
  await menu.click();
  await nav.getByRole('link', { name: 'Team' }).click();
  await expect(page).toHaveURL(hostUrl(agency.host, '/admin/team'));
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(nav.getByRole('link')).toHaveCount(0);
});

test('a client on a phone reaches every section too, and is greeted rather than welcomed to sign in', async ({
  page,
  hostUrl,
}) => {
  await page.setViewportSize(PHONE);
  await signInAsDemoClient(page, hostUrl);
  await expect(page.getByRole('heading', { name: 'Welcome, Alex Baker', level: 1 })).toBeVisible();
  // The sign-in page's welcome text is for the sign-in page.
  await expect(page.getByText('Sign in to follow your projects')).toHaveCount(0);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.locator('summary', { hasText: 'Menu' }).click();
  // Alex holds `invoices`, so their header links them too.
  for (const name of ['Home', 'Invoices', 'Account']) {
    await expect(nav.getByRole('link', { name, exact: true })).toBeInViewport({ ratio: 1 });
  }
});

test('every signed-in page starts with a skip link to its content', async ({ page, hostUrl }) => {
  const agency = await signUpAgency(page, hostUrl, 'skip');
  await page.goto(hostUrl(agency.host, '/admin/team'));
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
  // The next Tab continues inside the page, not in the header.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true);
});

for (const viewport of [{ width: 1280, height: 800 }, PHONE]) {
  test(`signed-in pages have no serious accessibility problems at ${viewport.width}px`, async ({
    page,
    hostUrl,
  }) => {
    // axe reads the whole page each time: seven runs on a busy machine.
    test.setTimeout(120_000);
    const agency = await signUpAgency(page, hostUrl, 'axe');
    await page.setViewportSize(viewport);
    for (const path of ['/admin', '/admin/settings/branding', '/admin/team', '/account', '/notifications']) {
      await page.goto(hostUrl(agency.host, path));
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      expect(await seriousViolations(page), path).toEqual([]);
    }
    await page.goto(hostUrl(agency.host, '/admin'));

    // With the notification panel open, the page's h1 is still its first heading.
    await page.getByRole('button', { name: /^Notifications/ }).click();
    await expect(page.getByRole('region', { name: 'Notifications' })).toBeVisible();
    await expect(page.getByRole('heading').first()).toHaveAttribute('id', 'welcome-title');
    expect(await seriousViolations(page), 'notification panel open').toEqual([]);
    await page.keyboard.press('Escape');

    // The account button's name starts with what it shows.
    const account = page.getByLabel(/your account$/);
    await expect(account).toHaveAttribute('aria-label', `AA ${agency.admin.name}: your account`);
    if (viewport === PHONE) {
      await page.getByRole('navigation', { name: 'Main' }).locator('summary', { hasText: 'Menu' }).click();
      expect(await seriousViolations(page), 'phone menu open').toEqual([]);
    }
  });

  test(`the client's home has no serious accessibility problems at ${viewport.width}px`, async ({
    page,
    hostUrl,
  }) => {
    await page.setViewportSize(viewport);
    await signInAsDemoClient(page, hostUrl);
    expect(await seriousViolations(page)).toEqual([]);
  });
}
