import type { Locator, Page } from '@playwright/test';
import { expect, signUpAgency, test, unique } from './support';

/** The board's column named `name`. */
const column = (page: Page, name: string) => page.getByRole('region', { name, exact: true });
/** The cards of a column, in order, by their titles. */
const titles = (col: Locator) => col.locator('[data-task-id] a');
/** A card by its title (the card, not its link). */
const card = (page: Page, title: string) => page.locator('[data-task-id]').filter({ hasText: title });

/** Waits for the board to have saved a move (the form action answers). */
const moveSaved = (page: Page) =>
  page.waitForResponse((res) => res.url().includes('/move') && res.request().method() === 'POST');

test('the team plans on the board: tasks made visible and internal, moved by mouse and keyboard, bulk-shared, and found in my tasks', async ({
  page,
  hostUrl,
}) => {
  const agency = await signUpAgency(page, hostUrl, 'tasks');
  const project = `Launch ${unique()}`;

  await page.goto(hostUrl(agency.host, '/admin/projects/new'));
  await page.getByLabel('Name').fill(project);
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { level: 1, name: project })).toBeVisible();

  // An empty board says so, column by column.
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Board' })
    .click();
  await expect(column(page, 'To do')).toContainText('No tasks here yet');
  await expect(column(page, 'Done')).toContainText('No tasks here yet');

  // A visible task through the full form (the project's default is internal).
  await page.getByRole('link', { name: 'New task' }).click();
  await page.getByLabel('Title').fill('Homepage copy');
  await page.getByLabel('Description').fill('Write the **hero** text.');
  await page.getByLabel('Priority').selectOption({ label: 'High' });
  await expect(page.getByLabel('Visible to clients')).not.toBeChecked();
  await page.getByLabel('Visible to clients').check();
  await page.getByRole('button', { name: 'Create task' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Homepage copy' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Description' }).locator('strong')).toHaveText('hero');
  await expect(page.getByRole('region', { name: 'Visibility' })).toContainText('Client-visible');

  // Two internal tasks from the board's "Add task" in To do.
  await page.getByRole('link', { name: `← ${project}` }).click();
  const todo = column(page, 'To do');
  await todo.getByRole('button', { name: 'Add task to To do' }).click();
  const quick = todo.getByLabel('Title of a new task in To do');
  await quick.fill('QA checklist');
  await quick.press('Enter');
  await expect(titles(todo)).toHaveText(['Homepage copy', 'QA checklist']);
  await expect(quick).toHaveValue('');
  await quick.fill('Press kit');
  await quick.press('Enter');
  await expect(titles(todo)).toHaveText(['Homepage copy', 'QA checklist', 'Press kit']);
  await expect(card(page, 'Homepage copy')).toContainText('Client-visible');
  await expect(card(page, 'QA checklist')).not.toContainText('Client-visible');

  // By mouse: the visible task goes to In progress.
  const progress = column(page, 'In progress');
  const saved = moveSaved(page);
  await card(page, 'Homepage copy').dragTo(progress.locator('ul'));
  await expect(titles(progress)).toHaveText(['Homepage copy']);
  expect((await saved).ok()).toBe(true);
  await expect(titles(todo)).toHaveText(['QA checklist', 'Press kit']);

  // By keyboard: "Press kit" up one place, then right into In progress at the top.
  const kit = card(page, 'Press kit');
  await kit.focus();
  await page.keyboard.press('Space');
  const live = page.locator('#board-announcer');
  await expect(live).toContainText('Picked up “Press kit”, in To do, position 2 of 2');
  await page.keyboard.press('ArrowUp');
  await expect(live).toContainText('To do, position 1 of 2');
  await expect(titles(todo)).toHaveText(['Press kit', 'QA checklist']);
  await page.keyboard.press('ArrowRight');
  await expect(live).toContainText('In progress, position 1 of 2');
  await expect(card(page, 'Press kit')).toBeFocused();
  const keyed = moveSaved(page);
  await page.keyboard.press('Enter');
  await expect(live).toContainText('Dropped “Press kit” in In progress, position 1 of 2');
  expect((await keyed).ok()).toBe(true);

  // Escape puts a picked-up card back.
  await card(page, 'QA checklist').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowRight');
  await expect(titles(progress)).toHaveText(['QA checklist', 'Press kit', 'Homepage copy']);
  await page.keyboard.press('Escape');
  await expect(live).toContainText('Move cancelled');
  await expect(titles(todo)).toHaveText(['QA checklist']);

  // The order is the server's, not just the page's.
  await page.reload();
  await expect(titles(column(page, 'To do'))).toHaveText(['QA checklist']);
  await expect(titles(column(page, 'In progress'))).toHaveText(['Press kit', 'Homepage copy']);

  // The list: the two internal tasks shared at once.
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Tasks' })
    .click();
  await page.getByLabel('Visibility', { exact: true }).first().selectOption({ label: 'Internal' });
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(page).toHaveURL(/visibility=internal/);
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(3);
  await page.getByRole('checkbox', { name: 'Select every task on this page' }).check();
  await expect(page.getByText('2 selected')).toBeVisible();
  await page.locator('#bulk-visibility').selectOption({ label: 'Visible to clients' });
  await page.getByRole('button', { name: 'Apply to selected' }).click();
  await expect(page.getByText('2 tasks updated.')).toBeVisible();
  await expect(page.getByText('No tasks match')).toBeVisible();
  // A filtered list is a link.
  await page.goto(hostUrl(agency.host, `${new URL(page.url()).pathname}?visibility=client`));
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(4);

  // Assigned to herself, the task is in her "My tasks".
  await page.getByRole('link', { name: 'Homepage copy' }).click();
  await page.getByText('Edit task').click();
  await page.getByRole('checkbox', { name: agency.admin.name }).check();
  await page.getByLabel('Due date').fill('2020-01-31');
  await page.getByRole('button', { name: 'Save task' }).click();
  await expect(page.getByText('Task saved.')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Details' })).toContainText('(overdue)');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My tasks' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'My tasks' })).toBeVisible();
  const overdue = page.getByRole('region', { name: /Overdue/ });
  await expect(overdue.getByRole('link', { name: 'Homepage copy' })).toBeVisible();
  await expect(overdue.getByRole('link', { name: project })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Press kit' })).toHaveCount(0);
});

test('a move the server refuses puts the card back and says why', async ({ page, hostUrl }) => {
  const agency = await signUpAgency(page, hostUrl, 'tasks');
  const project = `Refused ${unique()}`;
  await page.goto(hostUrl(agency.host, '/admin/projects/new'));
  await page.getByLabel('Name').fill(project);
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { level: 1, name: project })).toBeVisible();
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Board' })
    .click();
  const todo = column(page, 'To do');
  await todo.getByRole('button', { name: 'Add task to To do' }).click();
  await todo.getByLabel('Title of a new task in To do').fill('Gone soon');
  await todo.getByLabel('Title of a new task in To do').press('Enter');
  await expect(titles(todo)).toHaveText(['Gone soon']);

  // Someone else deletes it while this board is open.
  const other = await page.context().newPage();
  await other.goto(
    await todo.getByRole('link', { name: 'Gone soon' }).evaluate((a) => (a as HTMLAnchorElement).href),
  );
  await other.getByRole('button', { name: 'Delete' }).click();
  await other
    .getByRole('dialog', { name: 'Delete “Gone soon”?' })
    .getByRole('button', { name: 'Delete task' })
    .click();
  await expect(other.getByText('Task deleted.')).toBeVisible();
  await other.close();

  await card(page, 'Gone soon').dragTo(column(page, 'Done').locator('ul'));
  await expect(page.getByRole('alert')).toContainText('“Gone soon” couldn’t be moved');
  await expect(page.getByRole('alert')).toContainText('It is back where it was.');
  await expect(titles(todo)).toHaveText(['Gone soon']);
  await expect(titles(column(page, 'Done'))).toHaveCount(0);
});
