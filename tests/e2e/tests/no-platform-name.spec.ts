import type { Page } from '@playwright/test';
import { expect, type HostUrl, test } from './support';

/**
 * An agency's clients must never have a reason to think of anyone but the agency: no page of a
 * tenant's host, signed in or not, shows the platform's name in its text, title or meta tags.
 */

const PLATFORM_NAME = /foyer/i;
/** The demo agency from tenants/northwind, added by `start` on both databases. */
const HOST = 'northwind.localhost';
const ADMIN = { email: 'nora@northwind.example', password: 'northwind-admin-2026' };
const CLIENT = { email: 'alex@acme-bakery.example', password: 'acme-client-2026' };
/** Far more pages than the demo has; a crawl that reaches it is following a loop. */
const MAX_PAGES = 150;

/**
 * Pages of one shape (the same path once ids are set aside, the same query parameters whatever
 * their values) come from one template: a few of each say what all of them would, and the demo's
 * many tasks and filtered lists do not stretch the crawl.
 */
const SAMPLES_PER_SHAPE = 2;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
function shapeOf(link: string): string {
  const url = new URL(link, 'http://shape.invalid');
  const keys = [...new Set(url.searchParams.keys())].sort().join('&');
  return `${url.pathname.replace(UUID, ':id')}?${keys}`;
}

/** Paths a GET must not visit: they end the session or hand it somewhere else. */
const SKIPPED = /^\/(?:logout|auth\/)|sign-?out/i;

/** Where the platform's name shows on the page, with a little context; [] when nowhere. */
async function platformNameOn(page: Page): Promise<string[]> {
  return page.evaluate((source) => {
    const pattern = new RegExp(source, 'i');
    const found: string[] = [];
    const check = (where: string, text: string | null | undefined) => {
      const at = text ? text.search(pattern) : -1;
      if (text && at >= 0) found.push(`${where}: …${text.slice(Math.max(0, at - 60), at + 60)}…`);
    };
    // Folded sections count as visible: one click shows them.
    for (const details of document.querySelectorAll('details')) details.open = true;
    check('title', document.title);
    // biome-ignore lint/performance/useDomNodeTextContent: what is rendered is the point; textContent would add scripts and hidden text.
    check('text', document.body.innerText);
    for (const meta of document.querySelectorAll('meta')) {
      const name =
        meta.getAttribute('name') ?? meta.getAttribute('property') ?? meta.getAttribute('http-equiv');
      check(`meta ${name ?? '(unnamed)'}`, meta.getAttribute('content'));
    }
    // Words people meet without reading the page: tooltips, alt text, labels, placeholders.
    for (const element of document.querySelectorAll('[alt], [title], [aria-label], [placeholder]')) {
      for (const attribute of ['alt', 'title', 'aria-label', 'placeholder']) {
        check(`${element.tagName.toLowerCase()}[${attribute}]`, element.getAttribute(attribute));
      }
    }
    return found;
  }, PLATFORM_NAME.source);
}

/** Same-host links of the page, without fragments, as paths with their query. */
async function linksOn(page: Page, origin: string): Promise<string[]> {
  const hrefs = await page.evaluate(() =>
    [...document.querySelectorAll('a[href]')]
      .filter((a) => !a.hasAttribute('download'))
      .map((a) => (a as HTMLAnchorElement).href),
  );
  const paths = new Set<string>();
  for (const href of hrefs) {
    const url = new URL(href);
    if (url.origin !== origin || SKIPPED.test(url.pathname)) continue;
    paths.add(`${url.pathname}${url.search}`);
  }
  return [...paths];
}

/**
 * Visits every page reachable by links from `start`, breadth-first, with GET only, and returns
 * where the platform's name showed. Responses that are not HTML (files, JSON) are not read.
 */
async function crawl(
  page: Page,
  hostUrl: HostUrl,
  start: string[],
): Promise<{ visited: string[]; leaks: string[] }> {
  const origin = new URL(hostUrl(HOST)).origin;
  const queue = [...start];
  const seen = new Set(queue);
  const shapes = new Map<string, number>();
  const visited: string[] = [];
  const leaks: string[] = [];
  while (queue.length > 0) {
    const path = queue.shift() as string;
    expect(visited.length, `more than ${MAX_PAGES} pages: ${visited.join(' ')}`).toBeLessThan(MAX_PAGES);
    const response = await page.goto(hostUrl(HOST, path));
    const landed = new URL(page.url());
    if (landed.origin !== origin) continue;
    if (!(response?.headers()['content-type'] ?? '').includes('text/html')) continue;
    visited.push(path);
    for (const leak of await platformNameOn(page)) leaks.push(`${path} → ${landed.pathname}: ${leak}`);
    for (const link of await linksOn(page, origin)) {
      const shape = shapeOf(link);
      const sampled = shapes.get(shape) ?? 0;
      if (!seen.has(link) && sampled < SAMPLES_PER_SHAPE) {
        seen.add(link);
        shapes.set(shape, sampled + 1);
        queue.push(link);
      }
    }
  }
  return { visited, leaks };
}

async function signIn(page: Page, hostUrl: HostUrl, who: { email: string; password: string }) {
  await page.goto(hostUrl(HOST, '/login'));
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

test('no page of a tenant, signed out, shows the platform’s name', async ({ page, hostUrl }) => {
  const { visited, leaks } = await crawl(page, hostUrl, ['/', '/login', '/forgot-password']);
  expect(visited).toEqual(expect.arrayContaining(['/login', '/forgot-password']));
  expect(leaks).toEqual([]);

  // The branded error page, for a path that does not exist.
  const missing = await page.goto(hostUrl(HOST, '/no-such-page-anywhere'));
  expect(missing?.status()).toBe(404);
  await expect(page.getByText('Northwind Studio').first()).toBeVisible();
  expect(await platformNameOn(page)).toEqual([]);
});

for (const [role, who, expected] of [
  ['admin', ADMIN, ['/admin', '/admin/team', '/admin/settings/email', '/account']],
  ['client', CLIENT, ['/account', '/notifications']],
] as const) {
  test(`no page of a tenant, as its ${role}, shows the platform’s name`, async ({ page, hostUrl }) => {
    // A crawl of every kind of page the demo agency has: the time of a few ordinary tests.
    test.slow();
    await signIn(page, hostUrl, who);
    const { visited, leaks } = await crawl(page, hostUrl, ['/']);
    expect(visited).toEqual(expect.arrayContaining([...expected]));
    expect(leaks).toEqual([]);

    // Error pages of a signed-in person wear the agency's brand too.
    const missing = await page.goto(hostUrl(HOST, '/no-such-page-anywhere'));
    expect(missing?.status()).toBe(404);
    expect(await platformNameOn(page)).toEqual([]);
    // Still signed in: the crawl never ended the session.
    await page.goto(hostUrl(HOST, '/account'));
    await expect(page).toHaveURL(hostUrl(HOST, '/account'));
  });
}
