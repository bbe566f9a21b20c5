import type { Page } from '@playwright/test';
import {
  type Agency,
  expect,
  type HostUrl,
  type Mailbox,
  signUpAgency,
  test,
  unique,
  verifyAdmin,
} from './support';

/** Invites a staff member and has them join in a browser of their own; returns their page. */
async function staffJoins(page: Page, hostUrl: HostUrl, mailbox: Mailbox, agency: Agency, name: string) {
  // A workspace sends invitations once an admin has confirmed their address.
  await verifyAdmin(page, hostUrl, mailbox, agency);
  const email = `staff-${unique()}@agency.example`;
  await page.goto(hostUrl(agency.host, '/admin/team'));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption('staff');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText(`Invitation sent to ${email}.`)).toBeVisible();
  const link = (await mailbox.latestTo(email)).links.find((url) => url.includes('/invite?token='));
  const invitee = await page.context().browser()?.newContext();
  if (!invitee) throw new Error('no browser to open a second context in');
  const join = await invitee.newPage();
  await join.goto(link ?? '');
  await join.getByLabel('Your name').fill(name);
  await join.getByLabel('Password').fill(`staff pass ${unique()}`);
  await join.getByRole('button', { name: 'Join the team' }).click();
  await expect(join).toHaveURL(hostUrl(agency.host, '/admin'));
  return join;
}

test('the bell shows what is unread, opens, follows a notification, and the count drops', async ({
  page,
  hostUrl,
  mailbox,
}) => {
  const agency = await signUpAgency(page, hostUrl);
  const banner = page.getByRole('banner');
  await expect(banner.getByRole('button', { name: 'Notifications', exact: true })).toBeVisible();

  const staff = await staffJoins(page, hostUrl, mailbox, agency, 'Sam Staff');

  // The count comes with the next page the admin opens.
  await page.goto(hostUrl(agency.host, '/admin'));
  const bell = banner.getByRole('button', { name: 'Notifications, 1 unread' });
  await expect(bell).toBeVisible();
  await expect(bell).toHaveAttribute('aria-expanded', 'false');

  await page.locator('html[data-interactive]').waitFor({ state: 'attached' });
  await bell.click();
  await expect(bell).toHaveAttribute('aria-expanded', 'true');
  const panel = page.getByRole('region', { name: 'Notifications' });
  await expect(panel).toBeFocused();
  const item = panel.getByRole('button', { name: /Sam Staff joined the team/ });
  await expect(item).toBeVisible();

  // Escape closes it and gives focus back to the bell.
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(bell).toBeFocused();
  await expect(bell).toHaveAttribute('aria-expanded', 'false');

  // From the keyboard: open, tab to the notification, follow it.
  await page.keyboard.press('Enter');
  await expect(item).toBeVisible();
  await item.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(hostUrl(agency.host, '/admin/team'));
  await expect(banner.getByRole('button', { name: 'Notifications', exact: true })).toBeVisible();
  await expect(panel).toBeHidden();

  // The full list keeps it, read now.
  await page.goto(hostUrl(agency.host, '/notifications'));
  await expect(page.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible();
  await expect(page.getByText('Nothing unread.')).toBeVisible();
  await expect(
    page.getByRole('list', { name: 'Notifications' }).getByText('Sam Staff joined the team'),
  ).toBeVisible();

  // The new member has nothing yet.
  const staffBell = staff.getByRole('banner').getByRole('button', { name: 'Notifications', exact: true });
  await staffBell.click();
  await expect(
    staff.getByRole('region', { name: 'Notifications' }).getByText('You’re all caught up.'),
  ).toBeVisible();
  await staff.context().close();
});

test('mark all read from the bell; email choices (instant, digest, off) only for features that exist', async ({
  page,
  hostUrl,
  mailbox,
}) => {
  // A sign-up and two staff members joining through their emailed links: a long flow, given the
  // time of three ordinary tests.
  test.slow();
  const agency = await signUpAgency(page, hostUrl);
  for (const name of ['Ann One', 'Bob Two'])
    await (await staffJoins(page, hostUrl, mailbox, agency, name)).context().close();

  await page.goto(hostUrl(agency.host, '/admin'));
  const banner = page.getByRole('banner');
  await banner.getByRole('button', { name: 'Notifications, 2 unread' }).click();
  const panel = page.getByRole('region', { name: 'Notifications' });
  await expect(panel.getByRole('button', { name: /Bob Two joined the team \(unread\)/ })).toBeVisible();
  await panel.getByRole('button', { name: 'Mark all read' }).click();
  await expect(banner.getByRole('button', { name: 'Notifications', exact: true })).toBeVisible();
  await expect(panel.getByRole('button', { name: /Bob Two joined the team/ })).not.toContainText('(unread)');
  await panel.getByRole('link', { name: /See all/ }).click();
  await expect(page).toHaveURL(hostUrl(agency.host, '/notifications'));
  await expect(page.getByText('Nothing unread.')).toBeVisible();

  await page.goto(hostUrl(agency.host, '/account'));
  await page.getByRole('link', { name: 'Notification emails' }).click();
  await expect(page).toHaveURL(hostUrl(agency.host, '/account/notifications'));
  // Only features that exist offer a choice: being added to a project, being assigned a task, a
  // client's comment, a client's review decisions, new messages while away and mentions; not what
  // only clients are told (shared work, reviews, invoices). Each is Instant, Digest or Off, at its
  // default until chosen: new messages in the digest, the rest at once. Admins also hear when
  // someone joins as a client with Google.
  const kind = (name: string) => page.getByRole('radiogroup', { name });
  await expect(page.getByRole('radiogroup')).toHaveCount(8);
  for (const name of [
    'You’re added to a project',
    'You’re assigned to a task',
    'A client comments on a task',
    'A client approves work',
    'A client asks for revisions',
    'Someone mentions you',
    'Someone joins as a client with Google',
  ])
    await expect(kind(name).getByRole('radio', { name: 'Instant' })).toBeChecked();
  await expect(kind('New messages while you’re away').getByRole('radio', { name: 'Digest' })).toBeChecked();
  await expect(page.getByText('Tasks are shared with you')).toHaveCount(0);
  await expect(page.getByText('Work is ready for your review')).toHaveCount(0);
  await expect(page.getByText('A new invoice is sent to you')).toHaveCount(0);
  const summary = page.getByRole('group', { name: 'Summary email' });
  await expect(summary.getByRole('radio', { name: 'Weekly' })).toBeChecked();

  // Assignments in the digest, the summary daily: saved, and still so after a reload.
  await kind('You’re assigned to a task').getByRole('radio', { name: 'Digest' }).check();
  await summary.getByRole('radio', { name: 'Daily' }).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your email choices are saved.')).toBeVisible();
  await page.reload();
  await expect(kind('You’re assigned to a task').getByRole('radio', { name: 'Digest' })).toBeChecked();
  await expect(kind('You’re added to a project').getByRole('radio', { name: 'Instant' })).toBeChecked();
  await expect(summary.getByRole('radio', { name: 'Daily' })).toBeChecked();
});

test('on a phone the bell’s panel fits the screen', async ({ page, hostUrl }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const agency = await signUpAgency(page, hostUrl);
  await page.goto(hostUrl(agency.host, '/admin'));
  // Before the page is interactive the bell is a link to the full list; the panel needs its script.
  await page.locator('html[data-interactive]').waitFor({ state: 'attached' });
  await page.getByRole('banner').getByRole('button', { name: 'Notifications', exact: true }).click();
  const panel = page.getByRole('region', { name: 'Notifications' });
  await expect(panel.getByText('You’re all caught up.')).toBeVisible();
  const box = await panel.boundingBox();
  expect(box?.x).toBeGreaterThanOrEqual(0);
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(360);
  // A click elsewhere closes it.
  await page.mouse.click(20, 720);
  await expect(panel).toBeHidden();
});

test('the operator console lists every agency’s email and the mail files', async ({
  page,
  hostUrl,
  mailbox,
}) => {
  const agency = await signUpAgency(page, hostUrl);
  await verifyAdmin(page, hostUrl, mailbox, agency);
  const invited = `staff-${unique()}@agency.example`;
  await page.goto(hostUrl(agency.host, '/admin/team'));
  await page.getByLabel('Email').fill(invited);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const sent = await mailbox.latestTo(invited);

  await page.goto(hostUrl('localhost', '/operator/login'));
  await page.getByLabel('Email').fill('operator@foyer.example');
  await page.getByLabel('Password').fill('foyer-operator-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(hostUrl('localhost', '/operator'));
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Email' }).click();
  await expect(page).toHaveURL(hostUrl('localhost', '/operator/email'));
  const row = page.getByRole('row').filter({ hasText: invited });
  await expect(row).toContainText(agency.name);
  await expect(row).toContainText('Team invitation');
  await expect(row).toContainText('Sent');

  const file = page.getByRole('link', { name: sent.file, exact: true });
  await expect(file).toBeVisible();
  const response = await page.request.get(hostUrl('localhost', `/operator/email/files/${sent.file}`));
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('text/plain; charset=utf-8');
  expect(await response.text()).toContain(`To: ${invited}`);
  for (const name of ['..%2F..%2Fpglite%2Fsecret.eml', '..%5Csecret.eml', '.%2E%2Fx.eml', 'notes.txt']) {
    const refused = await page.request.get(hostUrl('localhost', `/operator/email/files/${name}`));
    expect([400, 404], name).toContain(refused.status());
  }
  // Not for anyone without an operator session.
  const anonymous = await page.context().browser()?.newContext();
  const stranger = await anonymous?.request.get(hostUrl('localhost', `/operator/email/files/${sent.file}`), {
    maxRedirects: 0,
  });
  expect(stranger?.status()).toBe(303);
  await anonymous?.close();
});
