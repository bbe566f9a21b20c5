import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, signUpAgency, test, unique } from './support';

/** Pictures of a page at desktop and phone widths, kept with the test's results. */
async function screenshots(page: Page, name: string, outputPath: (file: string) => string) {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: outputPath(`${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function expectNoA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

test('an admin plans milestones on a project: creates one, shares it with clients, completes it', async ({
  page,
  hostUrl,
}, testInfo) => {
  const agency = await signUpAgency(page, hostUrl, 'ms');
  const project = `Launch plan ${unique()}`;
  await page.goto(hostUrl(agency.host, '/admin/projects/new'));
  await page.getByLabel('Name').fill(project);
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { level: 1, name: project })).toBeVisible();

  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Milestones' })
    .click();
  await expect(page.getByText('No milestones yet')).toBeVisible();
  await expectNoA11yViolations(page);

  // A milestone needs a name: said next to the field, and the date typed stays.
  const add = page.getByRole('region', { name: 'Add a milestone' });
  await add.getByLabel('Target date').fill('2030-03-31');
  await add.getByRole('button', { name: 'Add milestone' }).click();
  const nameField = add.getByLabel('Name');
  await expect(nameField).toHaveAttribute('aria-invalid', 'true');
  await expect(add.getByText('Give the milestone a name.')).toBeVisible();
  await expect(add.getByLabel('Target date')).toHaveValue('2030-03-31');

  // Internal by default (the project's default is off).
  await expect(add.getByLabel('Clients on the project can see it')).not.toBeChecked();
  await nameField.fill('Beta release');
  await add.getByLabel('Description').fill('Everything the pilot clients need.');
  await add.getByRole('button', { name: 'Add milestone' }).click();
  await expect(add.getByText('It’s internal until you make it client-visible.')).toBeVisible();
  const beta = page
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name: 'Beta release' }) });
  await expect(beta.getByText('Internal', { exact: true })).toBeVisible();
  await expect(beta.getByText('Target: 31 Mar 2030')).toBeVisible();
  await expect(beta.getByText('0 of 0 tasks done')).toBeVisible();

  // Shared with the project's clients, then completed.
  await beta.getByRole('button', { name: 'Make client-visible Beta release' }).click();
  await expect(beta.getByText('Clients on the project can see this milestone now.')).toBeVisible();
  await expect(beta.getByText('Client-visible', { exact: true })).toBeVisible();
  await beta.getByRole('button', { name: 'Mark complete Beta release' }).click();
  await expect(beta.getByText('Complete', { exact: true })).toBeVisible();
  await expect(beta.getByRole('button', { name: 'Reopen Beta release' })).toBeVisible();

  // A second one, reordered above the first by keyboard-reachable buttons.
  await add.getByLabel('Name').fill('Kick-off');
  await add.getByRole('button', { name: 'Add milestone' }).click();
  const kickoff = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Kick-off' }) });
  await kickoff.getByRole('button', { name: 'Move up Kick-off' }).click();
  const titles = page.getByRole('list', { name: 'Milestones' }).getByRole('heading', { level: 2 });
  await expect(titles).toHaveText(['Kick-off', 'Beta release']);

  // Edited in place; a bad date is explained beside it.
  await kickoff.getByText('Edit').click();
  await kickoff.getByLabel('Name').fill('Kick-off workshop');
  await kickoff.getByRole('button', { name: 'Save milestone' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Kick-off workshop' })).toBeVisible();

  await expectNoA11yViolations(page);
  await screenshots(page, 'milestones', (f) => testInfo.outputPath(f));

  // Deleted after a confirmation.
  const workshop = page
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name: 'Kick-off workshop' }) });
  await workshop.getByRole('button', { name: 'Delete Kick-off workshop' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete the milestone “Kick-off workshop”?' });
  await dialog.getByRole('button', { name: 'Delete milestone' }).click();
  await expect(page.getByText('Milestone deleted.')).toBeVisible();
  await expect(titles).toHaveText(['Beta release']);
});

test('an admin renames and adds board columns in settings and sees them on a project’s board', async ({
  page,
  hostUrl,
}, testInfo) => {
  const agency = await signUpAgency(page, hostUrl, 'cols');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Settings', exact: true })
    .first()
    .click();
  await page
    .getByRole('navigation', { name: 'Settings' })
    .getByRole('link', { name: 'Board', exact: true })
    .click();
  await expect(page).toHaveURL(hostUrl(agency.host, '/admin/settings/board'));
  await expect(page.getByRole('heading', { level: 1, name: 'Board and tasks' })).toBeVisible();

  const columns = page.getByRole('region', { name: 'Columns' });
  // The default board; the only column of a kind can't be deleted.
  await expect(columns.getByLabel('Column 1 name')).toHaveValue('To do');
  await expect(columns.getByText('The only column of kind “Done”, so it can’t be deleted.')).toBeVisible();

  // Renamed inline; a name another column has is refused beside the field.
  const first = columns.getByLabel('Column 1 name');
  await first.fill('done');
  await columns
    .getByRole('button', { name: /^Rename/ })
    .first()
    .click();
  await expect(columns.getByText('There is already a column called “Done”.')).toBeVisible();
  await expect(first).toHaveAttribute('aria-invalid', 'true');
  await first.fill('Backlog');
  await columns
    .getByRole('button', { name: /^Rename/ })
    .first()
    .click();
  await expect(columns.getByText('Column renamed.')).toBeVisible();

  // Added at the end, then moved before "Done".
  await columns.getByLabel('Name', { exact: true }).fill('Client check');
  await columns.getByLabel('Kind').selectOption({ label: 'In review' });
  await columns.getByRole('button', { name: 'Add column' }).click();
  await expect(columns.getByText('“Client check” added at the end of the board.')).toBeVisible();
  await expect(columns.getByLabel('Column 5 name')).toHaveValue('Client check');
  await columns.getByRole('button', { name: 'Move up Client check' }).click();
  await expect(columns.getByLabel('Column 4 name')).toHaveValue('Client check');

  // An empty column goes after a confirmation.
  await columns.getByLabel('Name', { exact: true }).fill('Scratch');
  await columns.getByRole('button', { name: 'Add column' }).click();
  await columns.getByRole('button', { name: 'Delete Scratch' }).click();
  await page
    .getByRole('dialog', { name: 'Delete the column “Scratch”?' })
    .getByRole('button', { name: 'Delete column' })
    .click();
  await expect(columns.getByText('Column deleted.')).toBeVisible();
  await expect(columns.getByLabel('Column 6 name')).toHaveCount(0);

  // Clients see assignees only when switched on.
  const clients = page.getByRole('region', { name: 'What clients see' });
  const assignees = clients.getByRole('switch', { name: 'Clients see who is assigned' });
  await expect(assignees).not.toBeChecked();
  await assignees.check();
  await clients.getByRole('button', { name: 'Save' }).click();
  await expect(clients.getByText('Clients now see who is assigned')).toBeVisible();
  await expect(assignees).toBeChecked();

  await expectNoA11yViolations(page);
  await screenshots(page, 'board-settings', (f) => testInfo.outputPath(f));

  // Every project's board has the columns as set.
  const project = `Board check ${unique()}`;
  await page.goto(hostUrl(agency.host, '/admin/projects/new'));
  await page.getByLabel('Name').fill(project);
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { level: 1, name: project })).toBeVisible();
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Board' })
    .click();
  const board = page.getByRole('region', { name: 'Board' });
  await expect(board.getByRole('heading', { level: 2 })).toHaveText([
    'Backlog',
    'In progress',
    'In review',
    'Client check',
    'Done',
  ]);
});
