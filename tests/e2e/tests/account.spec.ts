import type { Page } from '@playwright/test';
import { expect, signUpAgency, test, unique } from './support';

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('the account page renames its owner and signs another of their devices out', async ({
  page,
  browser,
  hostUrl,
}) => {
  const { host, admin } = await signUpAgency(page, hostUrl, 'acct');

  // The same admin on a second device.
  const laptop = await browser.newContext();
  const other = await laptop.newPage();
  await other.goto(hostUrl(host, '/login'));
  await signIn(other, admin.email, admin.password);
  await expect(other).toHaveURL(hostUrl(host, '/admin'));

  await page.goto(hostUrl(host, '/account'));
  await page.getByLabel('Your name').fill('Ada Renamed');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page).toHaveURL(hostUrl(host, '/account?saved=name'));
  await expect(page.getByText('Your name is saved.')).toBeVisible();
  await expect(page.getByLabel('AR Ada Renamed: your account')).toBeVisible();

  // Two sessions: this one, and the other device's, which this page signs out.
  const sessions = page.getByRole('region', { name: 'Where you’re signed in' });
  const signOutDevice = sessions.getByRole('listitem').getByRole('button', { name: /^Sign out/ });
  await expect(signOutDevice).toHaveCount(1);
  await signOutDevice.click();
  await expect(page.getByText('That device is signed out.')).toBeVisible();
  await other.goto(hostUrl(host, '/admin'));
  await expect(other).toHaveURL(hostUrl(host, '/login?next=%2Fadmin'));
  await laptop.close();
});

test('a password change keeps this browser signed in, and only the new password signs in', async ({
  page,
  browser,
  hostUrl,
}) => {
  const { host, admin } = await signUpAgency(page, hostUrl, 'acct');
  const newPassword = `a new passphrase ${unique()}`;
  await page.goto(hostUrl(host, '/account'));
  const password = page.getByRole('region', { name: 'Password', exact: true });
  await password.getByLabel('Current password').fill('not my password');
  await password.getByLabel('New password', { exact: true }).fill(newPassword);
  await password.getByLabel('Confirm new password').fill(newPassword);
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByText('That isn’t your current password.')).toBeVisible();

  await password.getByLabel('Current password').fill(admin.password);
  await password.getByLabel('New password', { exact: true }).fill(newPassword);
  await password.getByLabel('Confirm new password').fill(newPassword);
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(hostUrl(host, '/account?saved=password'));
  await expect(page.getByText('Your password is changed.')).toBeVisible();
  // This browser carries on with the session the change opened.
  await page.goto(hostUrl(host, '/admin'));
  await expect(page).toHaveURL(hostUrl(host, '/admin'));

  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await other.goto(hostUrl(host, '/login'));
  await signIn(other, admin.email, admin.password);
  await expect(other.getByText('That email and password don’t match an account here.')).toBeVisible();
  await signIn(other, admin.email, newPassword);
  await expect(other).toHaveURL(hostUrl(host, '/admin'));
  await elsewhere.close();
});

test('an operator signs in, sees the agencies, and signs out', async ({ page, hostUrl }) => {
  await page.goto(hostUrl('localhost', '/operator/login'));
  await signIn(page, 'operator@foyer.example', 'foyer-operator-2026');
  await expect(page).toHaveURL(hostUrl('localhost', '/operator'));
  await expect(page.getByRole('link', { name: 'northwind', exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(hostUrl('localhost', '/operator/login?notice=signed-out'));
  await page.goto(hostUrl('localhost', '/operator'));
  await expect(page).toHaveURL(hostUrl('localhost', '/operator/login'));
});
