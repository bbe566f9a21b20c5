import type { Page, Request } from '@playwright/test';
import { expect, signUpAgency, test, unique, verifyAdmin } from './support';

/** The live streams' Web Lock, as this page sees it: who holds it and how many tabs wait. */
async function streamLock(page: Page): Promise<{ held: number; waiting: number }> {
  return page.evaluate(async () => {
    const { held = [], pending = [] } = await navigator.locks.query();
    return {
      held: held.filter((lock) => lock.name === 'foyer-events').length,
      waiting: pending.filter((lock) => lock.name === 'foyer-events').length,
    };
  });
}

test('one live stream serves every tab of a browser, makes the bell live, and passes on when its tab closes', async ({
  page,
  hostUrl,
  mailbox,
}) => {
  const agency = await signUpAgency(page, hostUrl);
  await verifyAdmin(page, hostUrl, mailbox, agency);
  // A staff member is invited now and joins later, which tells every admin in the bell.
  const email = `staff-${unique()}@agency.example`;
  await page.goto(hostUrl(agency.host, '/admin/team'));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption('staff');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText(`Invitation sent to ${email}.`)).toBeVisible();
  const link = (await mailbox.latestTo(email)).links.find((url) => url.includes('/invite?token='));

  // Two tabs of the admin's browser; from here on, count the streams they open.
  const streams: Request[] = [];
  page.context().on('request', (request) => {
    if (new URL(request.url()).pathname === '/events') streams.push(request);
  });
  await page.goto(hostUrl(agency.host, '/admin'));
  const second = await page.context().newPage();
  await second.goto(hostUrl(agency.host, '/admin'));
  await expect.poll(() => streamLock(second)).toEqual({ held: 1, waiting: 1 });
  await expect.poll(() => streams.length).toBe(1);

  // The staff member joins in a browser of their own: both admin tabs' bells count it, live.
  const invitee = await page.context().browser()?.newContext();
  if (!invitee) throw new Error('no browser to open a second context in');
  const join = await invitee.newPage();
  await join.goto(link ?? '');
  await join.getByLabel('Your name').fill('Sam Staff');
  await join.getByLabel('Password').fill(`staff pass ${unique()}`);
  await join.getByRole('button', { name: 'Join the team' }).click();
  await expect(join).toHaveURL(hostUrl(agency.host, '/admin'));
  for (const tab of [page, second]) {
    await expect(
      tab.getByRole('banner').getByRole('button', { name: 'Notifications, 1 unread' }),
    ).toBeVisible();
  }
  expect(streams).toHaveLength(1);

  // The tab holding the stream closes: the other opens it again, from the last event it heard.
  const holder = streams[0]?.frame().page();
  const other = holder === page ? second : page;
  await holder?.close();
  await expect.poll(() => streams.length).toBe(2);
  const reopened = new URL(streams[1]?.url() ?? '');
  expect(streams[1]?.frame().page()).toBe(other);
  expect(Number(reopened.searchParams.get('last'))).toBeGreaterThan(0);
  await expect.poll(() => streamLock(other)).toEqual({ held: 1, waiting: 0 });
  await invitee.close();
});
