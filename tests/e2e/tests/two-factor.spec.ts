import { createHmac } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, signUpAgency, test } from './support';

/**
 * Two-factor on a fresh agency's admin (never a demo person: other specs share the server):
 * set-up with a code computed here from the secret the page shows, recovery codes, a sign-in
 * with a code that remembers the browser, a sign-in that skips the code, and a recovery code
 * that works once.
 */

/** RFC 6238: the code of the 30-second step `offset` steps from now. */
function totp(secret: string, offset = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secret.replace(/\s+/g, '').toUpperCase()) {
    bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offset));
  const mac = createHmac('sha1', key).update(counter).digest();
  const at = (mac[mac.length - 1] ?? 0) & 0x0f;
  const value = (mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signOut(page: Page) {
  await page.getByLabel(/your account$/).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login\?notice=signed-out$/);
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('two-factor: set up with a code, sign in with one and remember the browser, then a recovery code once', async ({
  page,
  browser,
  hostUrl,
}) => {
  test.slow();
  const { host, admin } = await signUpAgency(page, hostUrl, 'tfa');

  await page.goto(hostUrl(host, '/account'));
  await page.getByRole('link', { name: 'Set up two-factor' }).click();
  await expect(page).toHaveURL(hostUrl(host, '/account/two-factor'));
  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '');

  // A wrong code is refused next to the field; the right one turns it on.
  const wrong = String((Number(totp(secret)) + 500_000) % 1_000_000).padStart(6, '0');
  await page.getByLabel('Code from your app').fill(wrong);
  await page.getByRole('button', { name: 'Turn on two-factor' }).click();
  await expect(page.getByText('That code didn’t work.')).toBeVisible();
  await page.getByLabel('Code from your app').fill(totp(secret));
  await page.getByRole('button', { name: 'Turn on two-factor' }).click();
  await expect(
    page.getByRole('heading', { name: 'Two-factor is on. Save your recovery codes' }),
  ).toBeVisible();
  const codes = await page
    .getByRole('list', { name: 'Recovery codes' })
    .getByRole('listitem')
    .allInnerTexts();
  expect(codes).toHaveLength(10);
  await expect(page.getByRole('link', { name: 'Download as .txt' })).toHaveAttribute(
    'download',
    'recovery-codes.txt',
  );
  await page.getByRole('link', { name: 'I’ve saved them' }).click();
  await expect(page.getByRole('heading', { name: 'Two-factor is on' })).toBeVisible();
  await expect(page.getByText('10 recovery codes left.')).toBeVisible();

  // The password alone no longer signs in: the second step asks for a code.
  await signOut(page);
  await signIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(hostUrl(host, '/login/two-factor'));
  await expect(page.getByText('Enter the 6-digit code from your authenticator app.')).toBeVisible();
  await expect(page.getByLabel('Code')).toHaveAttribute('autocomplete', 'one-time-code');
  expect(await seriousViolations(page)).toEqual([]);
  // The set-up code's step is used up: the next step's code is the one accepted now.
  await page.getByLabel('Code').fill(totp(secret, 1));
  await page.getByLabel('Remember this browser for 30 days').check();
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(hostUrl(host, '/admin'));

  // This browser is remembered: the password is enough.
  await signOut(page);
  await signIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(hostUrl(host, '/admin'));

  // Another browser is not: a recovery code gets it in, once.
  const laptop = await browser.newContext();
  const other = await laptop.newPage();
  await other.goto(hostUrl(host, '/login'));
  await signIn(other, admin.email, admin.password);
  await expect(other).toHaveURL(hostUrl(host, '/login/two-factor'));
  await other.getByRole('link', { name: 'Use a recovery code instead' }).click();
  const recovery = codes[0] ?? '';
  await other.getByLabel('Recovery code').fill(recovery);
  await other.getByRole('button', { name: 'Verify' }).click();
  await expect(other).toHaveURL(hostUrl(host, '/admin'));
  await signOut(other);
  await signIn(other, admin.email, admin.password);
  await other.getByRole('link', { name: 'Use a recovery code instead' }).click();
  await other.getByLabel('Recovery code').fill(recovery);
  await other.getByRole('button', { name: 'Verify' }).click();
  await expect(other.getByText('That recovery code didn’t work, or it was already used.')).toBeVisible();
  await laptop.close();
});

test('the two-factor set-up and Settings → Security at 375 px wide', async ({ page, hostUrl }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  const { host } = await signUpAgency(page, hostUrl, 'tfa');
  await page.goto(hostUrl(host, '/account/two-factor'));
  await expect(page.getByRole('button', { name: 'Turn on two-factor' })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(overflow).toBe(false);
  await page.goto(hostUrl(host, '/admin/settings/security'));
  await expect(page.getByLabel('Require two-factor for the team')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(wide).toBe(false);
});
