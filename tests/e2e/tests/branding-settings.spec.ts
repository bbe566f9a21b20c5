import { deflateSync } from 'node:zlib';
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
  // Settings opens on Branding, the first of the settings' tabs.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(hostUrl(agency.host, '/admin/settings/branding'));
  await expect(page.getByRole('heading', { name: 'Branding', level: 1 })).toBeVisible();
  await expect(
    page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Branding' }),
  ).toHaveAttribute('aria-current', 'page');

  const preview = page.getByTestId('brand-preview');
  const previewButton = preview.getByTestId('preview-primary-button');
  await expect(preview.getByTestId('preview-login')).toContainText(agency.name);

  // A colour that cannot be seen on a light page is refused next to the field as it is typed.
  const primaryField = page.getByLabel('Primary colour', { exact: true });
  await primaryField.fill('#ffff00');
  await expect(page.getByText(/On a light page this primary colour reaches only 1:1/)).toBeVisible();
  await expect(primaryField).toHaveAttribute('aria-invalid', 'true');

  await primaryField.fill(primary);
  await page.getByLabel('Welcome text').fill(welcome);
  await expect(page.getByText(/reaches only/)).toHaveCount(0);

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
  await page.getByLabel(/your account$/).click();
  await page.getByRole('button', { name: 'Dark' }).click();
  await expect(app).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(app).toHaveAttribute('data-theme', 'dark');
});

test('a primary colour too faint on the chosen theme is refused next to the field, with focus on it', async ({
  page,
  hostUrl,
}) => {
  const agency = await signUpAgency(page, hostUrl, 'brand');
  await page.goto(hostUrl(agency.host, '/admin/settings/branding'));
  const primaryField = page.getByLabel('Primary colour', { exact: true });
  await primaryField.fill('#1e3a8a');
  await expect(page.getByText(/reaches only/)).toHaveCount(0);

  // Deep blue reads well on light pages and hardly at all on dark ones: judged as the theme changes.
  await page.getByLabel('Dark', { exact: true }).check();
  await expect(page.getByText(/On a dark page this primary colour reaches only 1\.73:1/)).toBeVisible();
  // The preview shows the dark theme, though the page itself stays light.
  await expect(page.getByTestId('preview-invoice').locator('.invoice')).toHaveCSS(
    'background-color',
    'rgb(21, 23, 28)',
  );
  // Focus elsewhere, then save: refused, and focus goes to the field to fix.
  await page.getByLabel('Display name').focus();
  await page.getByRole('button', { name: 'Save branding' }).click();
  await expect(primaryField).toBeFocused();
  await expect(primaryField).toHaveAttribute('aria-invalid', 'true');
  await page.reload();
  await expect(page.getByLabel('Light', { exact: true })).toBeChecked();

  // Between 3:1 and AA it is saved, with the advice beside it: the teal's invoice title on dark.
  await page.getByLabel('Primary colour', { exact: true }).fill('#0f766e');
  await page.getByLabel('Dark', { exact: true }).check();
  await expect(
    page.getByText(/such as invoice titles, reaches only 3\.28:1 contrast on a dark page/),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Save branding' }).click();
  await expect(page.getByText('Branding saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Dark', { exact: true })).toBeChecked();
});

/** A PNG of one colour, `side` pixels square, made here so that a large logo needs no fixture file. */
function squarePng(side: number): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (data: Buffer) => {
    let c = 0xffffffff;
    for (const byte of data) c = (table[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(side * 3, 0x3c)]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: side }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('on a phone the logo stays in its frame; removing the favicon asks first', async ({ page, hostUrl }) => {
  const agency = await signUpAgency(page, hostUrl, 'brand');
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(hostUrl(agency.host, '/admin/settings/branding'));
  await page
    .getByLabel('Upload a logo')
    .setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: squarePng(400) });
  await page.getByRole('button', { name: 'Upload logo' }).click();
  await expect(page.getByText('Logo uploaded.')).toBeVisible();

  const logo = page.getByRole('img', { name: 'Current logo' });
  const frame = await page.locator('.image-current', { has: logo }).boundingBox();
  const image = await logo.boundingBox();
  const label = await page.getByText('Upload a logo', { exact: true }).boundingBox();
  if (!frame || !image || !label) throw new Error('the logo, its frame and the label are laid out');
  expect(image.y + image.height).toBeLessThanOrEqual(frame.y + frame.height + 0.5);
  expect(image.x + image.width).toBeLessThanOrEqual(frame.x + frame.width + 0.5);
  expect(image.y + image.height).toBeLessThanOrEqual(label.y);

  await page
    .getByLabel('Favicon (optional)')
    .setInputFiles({ name: 'icon.png', mimeType: 'image/png', buffer: squarePng(32) });
  await page.getByRole('button', { name: 'Upload favicon' }).click();
  await expect(page.getByText('Favicon uploaded.')).toBeVisible();

  await page.getByRole('button', { name: 'Remove favicon' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove your favicon?' });
  await expect(dialog).toContainText('an icon made from your logo instead');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Favicon removed.')).toHaveCount(0);

  await page.getByRole('button', { name: 'Remove favicon' }).click();
  await dialog.getByRole('button', { name: 'Remove favicon' }).click();
  await expect(page.getByText('Favicon removed.')).toBeVisible();
});
