import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createCtx,
  type Deps,
  listEmailLog,
  listMailFiles,
  queueEmail,
  readMailFile,
  resolveOperator,
  type SignedInOperator,
  signInOperator,
  signOutOperator,
} from '@foyer/core';
import { system, type TenantActor, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, required } from '../support/assert';
import { clientInfo, expectCoreError, TEST_PASSWORD, TEST_PASSWORD_HASH, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * The operator console's email page: every tenant's email log, only for a live operator
 * session, and the messages the file transport wrote, served only by plain names inside its
 * directory.
 */

describe.each(drivers)('the operator’s email on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  async function signedInOperator(deps: Deps): Promise<SignedInOperator> {
    const email = `ops-${randomBytes(4).toString('hex')}@foyer.test`;
    await t.superuser('insert into platform.operators (email, name, password_hash) values ($1, $2, $3)', [
      email,
      'Olive Operator',
      TEST_PASSWORD_HASH,
    ]);
    const { token } = await signInOperator({
      ctx: createCtx(deps, { client: clientInfo() }),
      input: { email, password: TEST_PASSWORD },
    });
    return required(await resolveOperator({ ctx: createCtx(deps), input: { token } }), 'the operator');
  }

  const bogus = (operator: SignedInOperator): SignedInOperator => ({ ...operator, sessionId: 'bogus' });

  /** Queues one email in the tenant, as its admin would cause one; returns its address. */
  async function queueOne(tenant: TenantFixture, actor: TenantActor = tenant.admin): Promise<string> {
    const address = `to-${randomBytes(4).toString('hex')}@${tenant.slug}.test`;
    await withActor(t.handle.db, actor, (tx) =>
      queueEmail(tx, { tenantId: tenant.id, template: 'staff-invitation', to: { address }, vars: {} }),
    );
    return address;
  }

  it('lists every tenant’s email for a live operator session, and for nobody else', async () => {
    const core = testCore(t);
    const operator = await signedInOperator(core.deps);
    // Operators act on the platform: no tenant actor, no site.
    const ctx = core.visitor(null);
    const first = await createTenant(t);
    const second = await createTenant(t);
    const toFirst = await queueOne(first);
    const toSecond = await queueOne(second, second.client);

    const { rows } = await listEmailLog({ ctx, operator, input: { limit: 199 } });
    const byRecipient = new Map(rows.map((r) => [r.recipient, r]));
    expect(byRecipient.get(toFirst)).toMatchObject({
      tenantId: first.id,
      tenantSlug: first.slug,
      tenantName: first.name,
      template: 'staff-invitation',
      templateName: 'Team invitation',
      status: 'queued',
      attempts: 0,
      lastError: null,
      sentAt: null,
    });
    expect(byRecipient.get(toSecond)).toMatchObject({ tenantId: second.id, tenantSlug: second.slug });
    expect(byRecipient.get(toFirst)?.createdAt).toBeInstanceOf(Date);

    await expectCoreError(listEmailLog({ ctx, operator: bogus(operator) }), 'forbidden');
    await expectPermissionDenied(
      system.operators.emailLog(t.handle, 'bogus', { limit: 5 }),
      /operator session required/,
    );
    await expectPermissionDenied(
      system.operators.emailLog(t.handle, '', { limit: 5 }),
      /operator session required/,
    );
    await expectCoreError(
      listEmailLog({ ctx, operator, input: { before: 'yesterday' } }),
      'validation',
      'before',
    );
    await expectCoreError(listEmailLog({ ctx, operator, input: { limit: 0 } }), 'validation', 'limit');
    await expectCoreError(listEmailLog({ ctx, operator, input: { limit: 500 } }), 'validation', 'limit');

    await signOutOperator({ ctx, operator });
    await expectCoreError(listEmailLog({ ctx, operator }), 'forbidden');
  });

  it('pages through the log without splitting a millisecond, so nothing is skipped or repeated', async () => {
    const core = testCore(t);
    const operator = await signedInOperator(core.deps);
    // Operators act on the platform: no tenant actor, no site.
    const ctx = core.visitor(null);
    const tenant = await createTenant(t);
    // Times far in the past, so that the other tests' email (all of it made now) comes later.
    const base = Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 86_400) * 1000;
    const offsetsMicros = [4000, 3700, 3100, 2000, 1700, 1000, 0];
    const addresses: string[] = [];
    for (const micros of offsetsMicros) {
      const address = await queueOne(tenant);
      addresses.push(address);
      await t.superuser(
        `update app.outbox set created_at = $2::timestamptz + make_interval(secs => $3::double precision / 1000000)
         where tenant_id = $1 and to_address = $4`,
        [tenant.id, new Date(base).toISOString(), micros, address],
      );
    }

    const seen: (string | null)[] = [];
    let before: string | null = new Date(base + 5).toISOString();
    for (let pages = 0; before !== null && pages < 20; pages++) {
      const page = await listEmailLog({ ctx, operator, input: { before, limit: 2 } });
      expect(page.rows.length).toBeGreaterThan(0);
      seen.push(...page.rows.map((r) => r.recipient));
      before = page.next;
    }
    expect(before).toBeNull();
    expect(seen).toEqual(addresses);
  });

  describe('mail files', () => {
    let root: string;
    let dir: string;
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'foyer-mail-files-'));
      dir = join(root, 'mail');
      await mkdir(dir);
      await writeFile(join(root, 'secret.eml'), 'outside the mail directory');
      await writeFile(join(dir, '2024-01-01T09-00-00-000Z-older.eml'), 'Subject: older\r\n\r\nolder');
      await writeFile(join(dir, '2024-01-02T09-00-00-000Z-newer.eml'), 'Subject: newer\r\n\r\nnewer');
      await utimes(
        join(dir, '2024-01-01T09-00-00-000Z-older.eml'),
        new Date('2024-01-01'),
        new Date('2024-01-01'),
      );
      await utimes(
        join(dir, '2024-01-02T09-00-00-000Z-newer.eml'),
        new Date('2024-01-02'),
        new Date('2024-01-02'),
      );
      await writeFile(join(dir, 'notes.txt'), 'not a message');
      await mkdir(join(dir, 'folder.eml'));
      await symlink(join(root, 'secret.eml'), join(dir, 'link.eml'));
    });
    afterAll(() => rm(root, { recursive: true, force: true }));

    const withFiles = (deps: Deps, fileDir: string | null) =>
      createCtx({ ...deps, mail: { ...deps.mail, fileDir } });

    it('lists the newest regular .eml files and serves one by its plain name', async () => {
      const core = testCore(t).deps;
      const operator = await signedInOperator(core);
      const ctx = withFiles(core, dir);
      const files = required(await listMailFiles({ ctx, operator }), 'the file list');
      expect(files.map((f) => f.name)).toEqual([
        '2024-01-02T09-00-00-000Z-newer.eml',
        '2024-01-01T09-00-00-000Z-older.eml',
      ]);
      expect(files[0]?.size).toBe('Subject: newer\r\n\r\nnewer'.length);
      expect(files[0]?.modifiedAt).toEqual(new Date('2024-01-02'));
      const file = await readMailFile({
        ctx,
        operator,
        input: { name: '2024-01-02T09-00-00-000Z-newer.eml' },
      });
      expect(file.content.toString('utf8')).toBe('Subject: newer\r\n\r\nnewer');

      expect(await listMailFiles({ ctx: withFiles(core, null), operator })).toBeNull();
      expect(await listMailFiles({ ctx: withFiles(core, join(root, 'not-made-yet')), operator })).toEqual([]);
      await expectCoreError(
        readMailFile({ ctx: withFiles(core, null), operator, input: { name: 'a.eml' } }),
        'not_found',
      );
      await expectCoreError(listMailFiles({ ctx, operator: bogus(operator) }), 'forbidden');
      await expectCoreError(
        readMailFile({
          ctx,
          operator: bogus(operator),
          input: { name: '2024-01-02T09-00-00-000Z-newer.eml' },
        }),
        'forbidden',
      );
    });

    it('refuses names that leave the directory, and anything but a regular .eml file', async () => {
      const core = testCore(t).deps;
      const operator = await signedInOperator(core);
      const ctx = withFiles(core, dir);
      for (const name of [
        '../secret.eml',
        '..%2Fsecret.eml',
        '..\\secret.eml',
        'mail/../secret.eml',
        '/etc/passwd',
        `${root}/secret.eml`,
        'notes.txt',
        '.eml',
        '',
        'a.eml\u0000',
        'a.eml/',
        `${'a'.repeat(300)}.eml`,
      ]) {
        await expectCoreError(readMailFile({ ctx, operator, input: { name } }), 'validation', 'name');
      }
      for (const name of ['link.eml', 'folder.eml', 'missing.eml', '..eml']) {
        await expectCoreError(readMailFile({ ctx, operator, input: { name } }), 'not_found');
      }
    });
  });
});
