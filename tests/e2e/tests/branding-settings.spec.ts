import { expect, signUpAgency, test, unique } from './support';

const rgb = (hex: string) => {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
};

test('an admin rebrands: the preview follows before saving, the sign-in page after', async ({
  page,
  browser,
  hostUrl,
}) => {
  const agency = await signUpAgency(page, hostUrl, 'brand');
  const welcome = `Welcome to the studio ${unique()}`;
  const primary = '#0f766e';

  await page.goto(hostUrl(agency.host, '/admin'));
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Branding' }).click();
  await expect(page).toHaveURL(hostUrl(agency.host, '/admin/settings/branding'));
  await expect(page.getByRole('heading', { name: 'Branding', level: 1 })).toBeVisible();

  const preview = page.getByTestId('brand-preview');
  const previewButton = preview.getByTestId('preview-primary-button');
  await expect(preview.getByTestId('preview-login')).toContainText(agency.name);

  // A colour that cannot be seen on a white page is warned about as it is typed.
  const primaryField = page.getByLabel('Primary colour', { exact: true });
  await primaryField.fill('#ffff00');
  await expect(page.getByText(/stands out only 1\.07:1 from a light page/)).toBeVisible();

  await primaryField.fill(primary);
  await page.getByLabel('Welcome text').fill(welcome);
  await expect(page.getByText(/stands out only/)).toHaveCount(0);

  // The preview changes before anything is saved…
  await expect(previewButton).toHaveCSS('background-color', rgb(primary));
  await expect(preview.getByTestId('preview-welcome')).toHaveText(welcome);
  // …and the live sign-in page is still as it was.
  const before = await browser.newContext();
  const visitor = await before.newPage();
  await visitor.goto(hostUrl(agency.host, '/login'));
  await expect(visitor.getByText(welcome)).toHaveCount(0);
  await before.close();

  await page.getByRole('button', { name: 'Save branding' }).click();
  await expect(page.getByText('Branding saved.')).toBeVisible();

  // A signed-out visitor in a fresh context sees the new brand on the sign-in page.
  const fresh = await browser.newContext();
  const signedOut = await fresh.newPage();
  await signedOut.goto(hostUrl(agency.host, '/login'));
  await expect(signedOut.getByText(welcome)).toBeVisible();
  await expect(signedOut.getByRole('button', { name: 'Sign in' })).toHaveCSS(
    'background-color',
    rgb(primary),
  );
  const variable = await signedOut
    .locator('[data-theme]')
    .first()
    .evaluate((el) => getComputedStyle(el).getPropertyValue('--brand-primary').trim());
  expect(variable).toBe(primary);
  await fresh.close();
});

test('a colour written as CSS is refused next to the field, and nothing is saved', async ({
  page,
  hostUrl,
}) => {
  const agency = await signUpAgency(page, hostUrl, 'brand');
  await page.goto(hostUrl(agency.host, '/admin/settings/branding'));
  await page.getByLabel('Primary colour', { exact: true }).fill('red;background:url(//evil.test/x)');
  await page.getByRole('button', { name: 'Save branding' }).click();
  const field = page.getByLabel('Primary colour', { exact: true });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(/hex colour like #1e3a8a/)).toBeVisible();
  await page.goto(hostUrl(agency.host, '/admin/settings/branding'));
  await expect(page.getByLabel('Primary colour', { exact: true })).not.toHaveValue(/red/);
});

test('an admin uploads a logo; it shows on the sign-in page, with a favicon', async ({
  page,
  browser,
  hostUrl,
}) => {
  const agency = await signUpAgency(page, hostUrl, 'brand');
  await page.goto(hostUrl(agency.host, '/admin/settings/branding'));
  // A 48×24 teal PNG.
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAADAAAAAYCAIAAAAzn+mLAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAQUlEQVRIie2WwQkAQAjD3CCb9tn5b4pDHwEHKKEpDs2pm/UEGCgSqh1Cy7I+PziMkVDtEFqW9RHCBy0Sqh3is2UPd5BFvclfk5YAAAAASUVORK5CYII=',
    'base64',
  );
  await page
    .getByLabel('Upload a logo')
    .setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png });
  await page.getByRole('button', { name: 'Upload logo' }).click();
  await expect(page.getByText('Logo uploaded.')).toBeVisible();
  await expect(page.getByRole('img', { name: 'Current logo' })).toHaveAttribute('src', /^\/_brand\/logo\//);

  const fresh = await browser.newContext();
  const visitor = await fresh.newPage();
  await visitor.goto(hostUrl(agency.host, '/login'));
  const logo = visitor.getByRole('img', { name: `${agency.name} logo` });
  await expect(logo).toBeVisible();
  const icon = await visitor.locator('link[rel="icon"][href*="/_brand/favicon/"]').getAttribute('href');
  expect(icon).toBeTruthy();
  // Fetched from the page: Chromium resolves *.localhost, Node's own requests do not.
  const served = await visitor.evaluate(async (href) => {
    const response = await fetch(href);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      nosniff: response.headers.get('x-content-type-options'),
      cache: response.headers.get('cache-control'),
    };
  }, icon ?? '');
  expect(served).toEqual({
    status: 200,
    type: 'image/png',
    nosniff: 'nosniff',
    cache: 'public, max-age=31536000, immutable',
  });
  await fresh.close();

  // A text file named .png is refused, whatever it claims; its script never runs.
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.getByLabel('Upload a logo').setInputFiles({
    name: 'logo.png',
    mimeType: 'image/png',
    buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
  });
  await page.getByRole('button', { name: 'Upload logo' }).click();
  await expect(page.getByText('SVG images are not accepted.', { exact: false })).toBeVisible();
  await page.reload();
  expect(dialogs).toEqual([]);
});

test('anyone signed in can switch the theme, and it sticks', async ({ page, hostUrl }) => {
  const agency = await signUpAgency(page, hostUrl, 'brand');
  await page.goto(hostUrl(agency.host, '/admin'));
  const app = page.locator('.app[data-theme]');
  await expect(app).toHaveAttribute('data-theme', 'light');
  await page.getByLabel(/Your account/).click();
  await page.getByRole('button', { name: 'Dark' }).click();
  await expect(app).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(app).toHaveAttribute('data-theme', 'dark');
});
