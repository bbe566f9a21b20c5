import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

/** One message the server wrote to `$FOYER_DATA_DIR/mail`, decoded. */
export interface Mail {
  file: string;
  to: string;
  subject: string;
  text: string;
  /** Every http(s) URL in the plain-text part, in order. */
  links: string[];
}

/** Reads a message as the file transport writes it: headers, then base64 MIME parts. */
export function parseEml(file: string, raw: string): Mail {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const decodeWord = (value: string) =>
    value.replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b64: string) =>
      Buffer.from(b64, 'base64').toString('utf8'),
    );
  const boundary = /boundary="([^"]+)"/.exec(head)?.[1];
  let text = '';
  if (boundary) {
    for (const part of body.split(`--${boundary}`)) {
      const [partHead = '', ...partBody] = part.split(/\r?\n\r?\n/);
      if (/content-type: text\/plain/i.test(partHead)) {
        text = Buffer.from(partBody.join('').replace(/\s+/g, ''), 'base64').toString('utf8');
      }
    }
  }
  return {
    file,
    to: header('To'),
    subject: decodeWord(header('Subject')),
    text,
    links: text.match(/https?:\/\/[^\s<>"]+/g) ?? [],
  };
}

export interface Mailbox {
  /**
   * The newest message to `address`, waiting for it to arrive. Tests run in parallel against
   * one server, so messages are told apart by recipient (each test uses its own addresses).
   */
  latestTo(address: string, matching?: (mail: Mail) => boolean): Promise<Mail>;
}

function mailboxAt(dir: string): Mailbox {
  const read = async (address: string, matching: (mail: Mail) => boolean): Promise<Mail | null> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return null; // No mail sent yet: the directory is made on the first message.
    }
    // Names start with an ISO timestamp, so the newest sorts last.
    for (const name of names
      .filter((n) => n.endsWith('.eml'))
      .sort()
      .reverse()) {
      const mail = parseEml(name, await readFile(join(dir, name), 'utf8'));
      if (mail.to.toLowerCase() === address.toLowerCase() && matching(mail)) return mail;
    }
    return null;
  };
  return {
    async latestTo(address, matching = () => true) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const mail = await read(address, matching);
        if (mail !== null) return mail;
        if (Date.now() > deadline) throw new Error(`no email to ${address} arrived in ${dir}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

/** A fresh, unguessable suffix for slugs and addresses, so tests never share data. */
export function unique(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

/**
 * `hostUrl('northwind.localhost', '/login')` on the port of the project's server. Chromium
 * resolves every `*.localhost` name to loopback, so each tenant host just works.
 */
export const test = base.extend<{ hostUrl: (host: string, path?: string) => string; mailbox: Mailbox }>({
  hostUrl: async ({ baseURL }, use) => {
    const port = new URL(baseURL ?? 'http://localhost:3917').port;
    await use((host, path = '/') => `http://${host}:${port}${path}`);
  },
  // playwright.config.ts gives each project (server) its data directory as metadata.
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  mailbox: async ({}, use, testInfo) => {
    const dataDir = testInfo.project.metadata.dataDir;
    if (typeof dataDir !== 'string') throw new Error('the project has no dataDir in its metadata');
    await use(mailboxAt(join(dataDir, 'mail')));
  },
});

export { expect };

export type HostUrl = (host: string, path?: string) => string;

export interface Agency {
  slug: string;
  name: string;
  /** `<slug>.localhost`: where the agency lives. */
  host: string;
  admin: { name: string; email: string; password: string };
}

/** An address in 198.18.0.0/15 (reserved for benchmarks), so no two tests share throttle counters. */
export function randomClientAddress(): string {
  const byte = () => Math.floor(Math.random() * 256);
  return `198.${18 + (byte() & 1)}.${byte()}.${byte()}`;
}

/** Signs a fresh agency up on the platform host and waits until its admin lands in the workspace. */
export async function signUpAgency(page: Page, hostUrl: HostUrl, prefix = 'e2e'): Promise<Agency> {
  const id = unique();
  const slug = `${prefix}-${id}`;
  const agency: Agency = {
    slug,
    name: `Agency ${id}`,
    host: `${slug}.localhost`,
    admin: { name: 'Ada Admin', email: `ada-${id}@agency.example`, password: `admin pass ${id}` },
  };
  // Sign-ups are limited per client address: each test's browser is someone else (serve.mjs).
  await page.context().setExtraHTTPHeaders({ 'x-forwarded-for': randomClientAddress() });
  await page.goto(hostUrl('localhost', '/signup'));
  await page.getByLabel('Agency name').fill(agency.name);
  await page.getByLabel('Workspace address').fill(agency.slug);
  // The live check answers while the rest of the form is filled in.
  await expect(page.getByText(`${agency.host} is available`)).toBeVisible();
  await page.getByLabel('Your name').fill(agency.admin.name);
  await page.getByLabel('Email').fill(agency.admin.email);
  await page.getByLabel('Password').fill(agency.admin.password);
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page).toHaveURL(hostUrl(agency.host, '/admin'));
  return agency;
}

/**
 * Confirms the new admin's address from the verification email, as a workspace must before it
 * sends anything but account mail to anyone else (invitations, test sends).
 */
export async function verifyAdmin(page: Page, hostUrl: HostUrl, mailbox: Mailbox, agency: Agency) {
  // The link works once: a second call for the same agency has nothing to do.
  if (verifiedAdmins.has(agency.admin.email)) return;
  const mail = await mailbox.latestTo(agency.admin.email, (m) =>
    m.links.some((l) => l.includes('/verify-email?')),
  );
  const link = mail.links.find((url) => url.includes('/verify-email?token='));
  if (!link) throw new Error('the verification email has no link');
  await page.goto(link);
  await page.getByRole('button', { name: /Verify|Confirm/ }).click();
  await expect(page.getByRole('heading', { name: 'Email address verified' })).toBeVisible();
  verifiedAdmins.add(agency.admin.email);
  await page.goto(hostUrl(agency.host, '/admin'));
}

const verifiedAdmins = new Set<string>();

/**
 * The admin signed in on `page` sends a new invoice of one line to `company`: its number and id.
 * Tests that pay or change an invoice make their own, so parallel tests never act on one invoice.
 */
export async function sendNewInvoice(
  page: Page,
  url: (path: string) => string,
  company: string,
  line: { description: string; quantity: string; unitPrice: string },
): Promise<{ number: string; id: string }> {
  await page.goto(url('/admin/invoices/new'));
  await page.waitForSelector('html[data-interactive]');
  await page.getByLabel('Company').selectOption({ label: company });
  await page.getByLabel('Description').first().fill(line.description);
  await page.getByLabel('Quantity').first().fill(line.quantity);
  await page.getByLabel('Unit price').first().fill(line.unitPrice);
  await page.getByRole('button', { name: 'Save and send' }).click();
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText(/^Invoice [A-Z]+-\d{4}$/);
  const number = (await heading.textContent())?.replace('Invoice ', '').trim() ?? '';
  return { number, id: new URL(page.url()).pathname.split('/').at(-1) ?? '' };
}
