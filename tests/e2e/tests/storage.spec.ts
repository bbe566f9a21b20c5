import { expect, signUpAgency, test } from './support';

/** Storage: an operator sets an agency's cap in GB from the tenant list; its admin sees it. */

test('an operator sets an agency’s storage cap; the admin’s Storage page shows it', async ({
  page,
  hostUrl,
}) => {
  const agency = await signUpAgency(page, hostUrl, 'storage');
  await page.goto(hostUrl(agency.host, '/admin/settings/storage'));
  await expect(page.getByRole('heading', { name: 'Storage', level: 1 })).toBeVisible();
  await expect(page.getByText('Nothing stored yet')).toBeVisible();
  await expect(page.getByText('of 10.0 GB')).toBeVisible();

  await page.goto(hostUrl('localhost', '/operator/login'));
  await page.getByLabel('Email').fill('operator@foyer.example');
  await page.getByLabel('Password').fill('foyer-operator-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(hostUrl('localhost', '/operator'));

  const cap = page.getByLabel(`Storage cap in GB for ${agency.name}`);
  await expect(cap).toHaveValue('10');
  const row = page.getByRole('row').filter({ has: cap });
  await cap.fill('lots');
  await row.getByRole('button', { name: /Save/ }).click();
  await expect(row.getByText(/Enter a number of GB from 0 to 100,000/)).toBeVisible();
  await cap.fill('2.5');
  await row.getByRole('button', { name: /Save/ }).click();
  await expect(row.getByText('Storage cap saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel(`Storage cap in GB for ${agency.name}`)).toHaveValue('2.5');

  await page.goto(hostUrl(agency.host, '/admin/settings/storage'));
  await expect(page.getByText('of 2.5 GB')).toBeVisible();
});
