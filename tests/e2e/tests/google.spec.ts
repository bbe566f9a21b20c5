import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Route, TestInfo } from '@playwright/test';
import { expect, test, unique } from './support';

/**
 * "Sign in with Google" through the local fake Google that serve.mjs starts: Bluefin turns it on
 * in its manifest (tenants/bluefin/tenant.json), with registration off. The flow crosses from
 * Bluefin's host to the platform host, to the fake's "choose an account" page, back to the
 * platform host's one callback, and on to Bluefin's host.
 */

const HOST = 'bluefin.localhost';

/** Adds an account to the fake's "choose an account" page. */
async function googleAccount(testInfo: TestInfo, account: { sub: string; email: string; name: string }) {
  const dataDir = testInfo.project.metadata.dataDir;
  if (typeof dataDir !== 'string') throw new Error('the project has no dataDir in its metadata');
  const { url } = JSON.parse(readFileSync(join(dataDir, 'google.json'), 'utf8')) as { url: string };
  const response = await fetch(`${url}/__fake/accounts`, { method: 'POST', body: JSON.stringify(account) });
  expect(response.status).toBe(201);
}

test('a client signs in with Google; a stranger is refused while registration is off', async ({
  page,
  hostUrl,
}, testInfo) => {
  const id = unique();
  const stranger = { sub: `g-stranger-${id}`, email: `sky-${id}@gmail.example`, name: 'Sky Stranger' };
  // Casey's own address, from a Google account Bluefin has not seen: linked by the verified address.
  const casey = { sub: `g-casey-${id}`, email: 'casey@harbor-coffee.example', name: 'Casey H.' };
  await googleAccount(testInfo, stranger);
  await googleAccount(testInfo, casey);

  await page.goto(hostUrl(HOST, '/login'));
  await page.getByRole('link', { name: 'Continue with Google' }).click();
  await expect(page.getByRole('heading', { name: 'Choose an account' })).toBeVisible();
  await page.getByRole('button', { name: new RegExp(stranger.email) }).click();
  await expect(page).toHaveURL(hostUrl(HOST, '/login?notice=google-unknown'));
  await expect(page.getByText('No account here uses that Google address.')).toBeVisible();

  // Straight to a page: after signing in, the client lands there.
  await page.goto(hostUrl(HOST, '/invoices'));
  await expect(page).toHaveURL(hostUrl(HOST, '/login?next=%2Finvoices'));
  await page.getByRole('link', { name: 'Continue with Google' }).click();
  await page.getByRole('button', { name: new RegExp(casey.email) }).click();
  await expect(page).toHaveURL(hostUrl(HOST, '/invoices'));
  await expect(page.getByLabel(/your account$/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Invoices', level: 1 })).toBeVisible();
});

test('the finish link of someone else’s Google sign-in does nothing in another browser', async ({
  page,
  browser,
  hostUrl,
}, testInfo) => {
  const id = unique();
  const casey = { sub: `g-other-${id}`, email: `casey-${id}@gmail.example`, name: 'Not Casey' };
  await googleAccount(testInfo, casey);
  // The attacker begins in their own browser and stops at the hand-off to Bluefin's host.
  await page.goto(hostUrl(HOST, '/login'));
  await page.getByRole('link', { name: 'Continue with Google' }).click();
  // Redirects are followed inside the browser, so each hop is taken by hand: Google's answer to the
  // callback, then the callback (which stores the hand-off) up to its redirect to Bluefin's host.
  const stop = async (route: Route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    await route.fulfill({ status: 200, contentType: 'text/plain', body: response.headers().location ?? '' });
  };
  await page.route('**/__fake/choose?**', stop);
  await page.route('**/auth/google/callback?**', stop);
  await page.getByRole('button', { name: new RegExp(casey.email) }).click();
  await expect(page.getByText('/auth/google/callback?')).toBeVisible();
  await page.goto((await page.locator('body').textContent()) ?? '');
  const finish = (await page.locator('body').textContent()) ?? '';
  expect(finish).toContain('/auth/google/finish?code=');

  const victim = await browser.newPage();
  await victim.goto(finish);
  await expect(victim).toHaveURL(hostUrl(HOST, '/login?notice=google-link'));
  await expect(victim.getByText('started in another browser')).toBeVisible();
  await victim.close();
});

test('the platform host refuses a callback it did not start, with a page that says so', async ({
  page,
  hostUrl,
}) => {
  const response = await page.goto(hostUrl('localhost', '/auth/google/callback?code=abc&state=forged'));
  expect(response?.status()).toBe(400);
  await expect(page.getByRole('heading', { name: 'That didn’t work' })).toBeVisible();
  await expect(page.getByText('That Google sign-in expired')).toBeVisible();
});

test('an agency without Google sign-in shows no button, and its start route refuses', async ({
  page,
  hostUrl,
}) => {
  await page.goto(hostUrl('northwind.localhost', '/login'));
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Continue with Google' })).toHaveCount(0);
  await page.goto(hostUrl('northwind.localhost', '/auth/google'));
  await expect(page).toHaveURL(hostUrl('northwind.localhost', '/login?notice=google-off'));
  await expect(page.getByText('Signing in with Google isn’t available here.')).toBeVisible();
});
