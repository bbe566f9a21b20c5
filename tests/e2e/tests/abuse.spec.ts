import { expect, signUpAgency, test, unique, verifyAdmin } from './support';

/**
 * What a new workspace can and cannot make the platform send: nothing but account email until
 * its admin confirms their address, and at most its daily limit, which operators set.
 */

test('an unverified admin cannot invite anyone; after confirming their address they can', async ({
  page,
  hostUrl,
  mailbox,
}) => {
  const agency = await signUpAgency(page, hostUrl, 'abuse');
  const stranger = `stranger-${unique()}@victim.example`;

  await page.goto(hostUrl(agency.host, '/admin/team'));
  await expect(page.getByText('Confirm your email address to send invitations.')).toBeVisible();
  await page.getByLabel('Email').fill(stranger);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(
    page.getByText(/^Confirm your email address first: until an admin of this workspace has/),
  ).toBeVisible();
  await expect(page.getByText(`Invitation sent to ${stranger}.`)).toHaveCount(0);

  await verifyAdmin(page, hostUrl, mailbox, agency);
  await page.goto(hostUrl(agency.host, '/admin/team'));
  await expect(page.getByText('Confirm your email address to send invitations.')).toHaveCount(0);
  await page.getByLabel('Email').fill(stranger);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText(`Invitation sent to ${stranger}.`)).toBeVisible();
  const invitation = await mailbox.latestTo(stranger);
  // The role as the team page names it, and a footer that does not claim an account exists.
  expect(invitation.text).toContain('as Staff');
  expect(invitation.text).toContain(`because ${agency.name} invited this address`);
  expect(invitation.text).not.toContain('you have an account with');
});

test('an operator raises an agency’s daily email limit from the console', async ({ page, hostUrl }) => {
  const agency = await signUpAgency(page, hostUrl, 'limit');

  await page.goto(hostUrl('localhost', '/operator/login'));
  await page.getByLabel('Email').fill('operator@foyer.example');
  await page.getByLabel('Password').fill('foyer-operator-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(hostUrl('localhost', '/operator'));
  await page.goto(hostUrl('localhost', '/operator/email'));

  const limit = page.getByLabel(`Daily limit for ${agency.name}`);
  await expect(limit).toHaveValue('200');
  const row = page.getByRole('row').filter({ has: limit });
  // The agency's own verification email counts as sent today.
  await expect(row.getByRole('cell').nth(1)).toHaveText(/^[01]$/);

  await limit.fill('lots');
  await row.getByRole('button', { name: /Save/ }).click();
  await expect(row.getByText('Enter a whole number from 0 to 1,000,000.')).toBeVisible();

  await limit.fill('5000');
  await row.getByRole('button', { name: /Save/ }).click();
  await expect(row.getByText('Daily limit saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel(`Daily limit for ${agency.name}`)).toHaveValue('5000');
});
