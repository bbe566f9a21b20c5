import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, signUpAgency, test, unique } from './support';

/**
 * An agency connects its own domain. Chromium maps every name to this machine
 * (`--host-resolver-rules`), and the server verifies against the local DNS server that
 * serve.mjs starts, which answers from files this test writes.
 */
test('an agency connects its own domain, which serves its brand once DNS verifies it', async ({
  browser,
  page,
  hostUrl,
  request,
}, testInfo) => {
  const dataDir = testInfo.project.metadata.dataDir;
  if (typeof dataDir !== 'string') throw new Error('the project has no dataDir in its metadata');
  const publish = async (name: string, records: { txt?: string[][]; cname?: string[] }) => {
    await mkdir(join(dataDir, 'dns'), { recursive: true });
    await writeFile(join(dataDir, 'dns', `${name}.json`), JSON.stringify(records));
  };
  const ask = (domain: string) =>
    request.get(hostUrl('127.0.0.1', `/.well-known/foyer/tls-allowed?domain=${domain}`));

  const agency = await signUpAgency(page, hostUrl, 'dom');
  const domain = `portal-${unique()}.agency.test`;

  await page.goto(hostUrl(agency.host, '/admin/settings/domain'));
  await expect(page.getByRole('heading', { name: 'Custom domain', level: 1 })).toBeVisible();
  await page.getByRole('textbox', { name: 'Domain' }).fill(domain.toUpperCase());
  await page.getByRole('button', { name: 'Add domain' }).click();
  await expect(page.getByRole('heading', { name: domain })).toBeVisible();
  await expect(page.getByText('Pending', { exact: true })).toBeVisible();

  const cnameRow = page.getByRole('row').filter({ hasText: 'CNAME' });
  await expect(cnameRow).toContainText(`${agency.slug}.localhost`);
  const txtRow = page.getByRole('row').filter({ hasText: `_foyer-challenge.${domain}` });
  const token = (await txtRow.locator('code').nth(1).textContent())?.trim() ?? '';
  expect(token).toMatch(/^foyer-verification=\S{20,}$/);

  // Not verified: not served, no certificate, and Verify says what is missing.
  expect((await ask(domain)).status()).toBe(404);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText(`No TXT record at _foyer-challenge.${domain} yet`)).toBeVisible();
  await expect(page.getByText('Check failed', { exact: true })).toBeVisible();
  // A visitor with no session anywhere.
  const stranger = await (await browser.newContext()).newPage();
  expect((await stranger.goto(hostUrl(domain, '/login')))?.status()).toBe(404);

  await publish(`_foyer-challenge.${domain}`, { txt: [[token]] });
  await publish(domain, { cname: [`${agency.slug}.localhost`] });
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText(`${domain} is verified.`)).toBeVisible();
  await expect(page.getByText('Verified', { exact: true })).toBeVisible();
  expect((await ask(domain)).status()).toBe(200);

  // The custom domain serves the agency's own login page.
  const response = await stranger.goto(hostUrl(domain, '/login'));
  expect(response?.status()).toBe(200);
  await expect(stranger).toHaveTitle(`Sign in · ${agency.name}`);
  await expect(stranger.getByText(agency.name, { exact: true }).first()).toBeVisible();

  // The subdomain now sends page loads over, path and query kept.
  await stranger.goto(hostUrl(agency.host, '/login?next=%2Fadmin'));
  await expect(stranger).toHaveURL(hostUrl(domain, '/login?next=%2Fadmin'));

  // Removing it (with a confirmation) puts the portal back on its subdomain.
  await page.goto(hostUrl(domain, '/login'));
  await page.getByLabel('Email').fill(agency.admin.email);
  await page.getByLabel('Password').fill(agency.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(hostUrl(domain, '/admin'));
  await page.goto(hostUrl(domain, '/admin/settings/domain'));
  await page.getByRole('button', { name: 'Remove domain' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove domain' }).click();
  // The domain no longer answers, so the page continues on the subdomain (still signed in there
  // from signing up).
  await expect(page).toHaveURL(hostUrl(agency.host, '/admin/settings/domain'));
  await expect(page.getByRole('heading', { name: 'Connect a domain' })).toBeVisible();
  expect((await ask(domain)).status()).toBe(404);
  expect((await stranger.goto(hostUrl(agency.host, '/login')))?.status()).toBe(200);
  await expect(stranger).toHaveURL(hostUrl(agency.host, '/login'));
  await stranger.context().close();
});
