import { createHash, randomBytes } from 'node:crypto';
import {
  createProject,
  GB,
  listTenants,
  registerUpload,
  type SignedInOperator,
  STORAGE_TOP_PROJECTS,
  setStorageLimit,
  storageOverview,
  uploadAllowance,
} from '@foyer/core';
import { type ActingAs, sql, withActor } from '@foyer/db';
import { objectKey } from '@foyer/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, pgFailure, required } from '../support/assert';
import { activityOf, addUser, expectCoreError, siteOf, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, insertTenant, type TenantFixture } from '../support/tenants';

/**
 * Storage as admins and operators see it: the admin's usage against the cap with the largest
 * projects (read under the admin's policies, refused to staff and clients), and the cap an
 * operator sets per tenant, which the next upload is sized against.
 */
describe.each(drivers)('storage on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  /** An operator with a live session, made the way `foyer operators create` and sign-in would. */
  async function operator(): Promise<SignedInOperator> {
    const email = `ops-${randomBytes(4).toString('hex')}@foyer.test`;
    const [row] = await t.superuser<{ id: string }>(
      'insert into platform.operators (email, name, password_hash) values ($1, $2, $3) returning id::text',
      [email, 'Olive Operator', 'not-used'],
    );
    const sessionId = createHash('sha256').update(randomBytes(20)).digest('hex');
    await t.superuser(
      `insert into platform.operator_sessions (id, operator_id, expires_at) values ($1, $2, now() + interval '1 hour')`,
      [sessionId, required(row, 'the operator').id],
    );
    return { id: required(row, 'the operator').id, name: 'Olive Operator', email, sessionId };
  }

  /** Stores `bytes` under a fresh key of the tenant and registers it as `actor`'s upload. */
  async function upload(
    core: ReturnType<typeof testCore>,
    actor: ActingAs,
    tenant: TenantFixture,
    projectId: string,
    bytes: Buffer,
    replaceFileId: string | null = null,
  ) {
    const key = objectKey(tenant.id, crypto.randomUUID());
    await core.deps.files.store.put(key, bytes, { contentType: 'application/pdf' });
    return registerUpload({
      ctx: core.as(actor, siteOf(tenant)),
      input: {
        projectId,
        folderId: null,
        replaceFileId,
        taskId: null,
        messageId: null,
        name: `${randomBytes(3).toString('hex')}.pdf`,
        size: bytes.length,
        key,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        contentType: 'application/pdf',
      },
    });
  }

  it('shows an admin the usage, the cap, the per-file limit and the largest projects', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    // The fixture's shared logo: 1,234 bytes in "Website".
    const before = await storageOverview({ ctx: admin });
    expect(before).toEqual({
      bytes: 1234,
      files: 1,
      limitBytes: 10 * GB,
      maxFileBytes: core.deps.files.uploads.maxFileBytes,
      projects: [{ id: tenant.projectId, name: 'Website', status: 'active', bytes: 1234, files: 1 }],
    });

    const big = await createProject({ ctx: admin, input: { name: 'Brand refresh' } });
    const file = await upload(core, tenant.admin, tenant, big.id, randomBytes(2000));
    // A new version counts its bytes too, but the file once.
    await upload(core, tenant.admin, tenant, big.id, randomBytes(1500), file.id);
    const after = await storageOverview({ ctx: admin });
    expect(after).toMatchObject({ bytes: 1234 + 3500, files: 2 });
    expect(after.projects).toEqual([
      { id: big.id, name: 'Brand refresh', status: 'active', bytes: 3500, files: 1 },
      { id: tenant.projectId, name: 'Website', status: 'active', bytes: 1234, files: 1 },
    ]);
    // Another tenant's files are not this one's.
    const other = await createTenant(t);
    await upload(core, other.admin, other, other.projectId, randomBytes(5000));
    expect((await storageOverview({ ctx: admin })).projects.map((p) => p.id)).toEqual([
      big.id,
      tenant.projectId,
    ]);

    // At most the top ten, largest first.
    for (let i = 0; i < STORAGE_TOP_PROJECTS; i++) {
      const project = await createProject({ ctx: admin, input: { name: `Project ${i}` } });
      await upload(core, tenant.admin, tenant, project.id, randomBytes(100 + i));
    }
    const top = (await storageOverview({ ctx: admin })).projects;
    expect(top).toHaveLength(STORAGE_TOP_PROJECTS);
    expect(top.map((p) => p.bytes)).toEqual([...top.map((p) => p.bytes)].sort((a, b) => b - a));
    expect(top[0]?.id).toBe(big.id);
    expect(top.map((p) => p.name)).not.toContain('Project 0');
  });

  it('reads as nothing stored, at the default cap, before the first file', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    await t.superuser('delete from app.files where tenant_id = $1', [tenant.id]);
    await t.superuser('delete from app.storage_usage where tenant_id = $1', [tenant.id]);
    expect(await storageOverview({ ctx: core.as(tenant.admin, siteOf(tenant)) })).toEqual({
      bytes: 0,
      files: 0,
      limitBytes: 10 * GB,
      maxFileBytes: core.deps.files.uploads.maxFileBytes,
      projects: [],
    });
  });

  it('refuses storage to staff and clients', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const staff = await addUser(t, tenant, { role: 'staff' });
    await expectCoreError(storageOverview({ ctx: core.as(staff.actor, siteOf(tenant)) }), 'forbidden');
    await expectCoreError(storageOverview({ ctx: core.as(tenant.client, siteOf(tenant)) }), 'forbidden');
    await expectCoreError(storageOverview({ ctx: core.visitor(null) }), 'forbidden');
  });

  it('lets an operator see every tenant’s storage and set its cap, which the next upload honours', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const bare = await insertTenant(t);
    const ops = await operator();
    const ctx = core.visitor(null);
    const listed = async (id: string) =>
      required(
        (await listTenants({ ctx, operator: ops })).find((row) => row.tenantId === id),
        'the tenant',
      ).storage;
    expect(await listed(tenant.id)).toEqual({ bytes: 1234, files: 1, limitBytes: 10 * GB });
    // A tenant that never stored a file: nothing, at the default cap.
    expect(await listed(bare.id)).toEqual({ bytes: 0, files: 0, limitBytes: 10 * GB });

    // A cap just above what is stored: only what fits goes.
    await setStorageLimit({ ctx, operator: ops, input: { tenantId: tenant.id, limitGb: '0.01' } });
    const cap = Math.round(0.01 * GB);
    expect(await listed(tenant.id)).toEqual({ bytes: 1234, files: 1, limitBytes: cap });
    expect((await storageOverview({ ctx: admin })).limitBytes).toBe(cap);
    const place = { projectId: tenant.projectId, name: 'a.pdf' };
    expect((await uploadAllowance({ ctx: admin, input: { ...place, size: 1000 } })).roomBytes).toBe(
      cap - 1234,
    );
    const refused = await expectCoreError(
      uploadAllowance({ ctx: admin, input: { ...place, size: cap } }),
      'limit_reached',
    );
    expect(refused.message).toContain('more than this workspace has left');

    // 0 stops uploads, even an empty file; what is stored stays.
    await setStorageLimit({ ctx, operator: ops, input: { tenantId: tenant.id, limitGb: '0' } });
    const stopped = await expectCoreError(
      uploadAllowance({ ctx: admin, input: { ...place, size: 0 } }),
      'limit_reached',
    );
    expect(stopped.message).toContain('set to 0 GB');
    expect(await listed(tenant.id)).toEqual({ bytes: 1234, files: 1, limitBytes: 0 });

    // Raised, with separators; a tenant without a usage row gets one.
    await setStorageLimit({ ctx, operator: ops, input: { tenantId: tenant.id, limitGb: ' 1,000 ' } });
    expect(await listed(tenant.id)).toMatchObject({ limitBytes: 1000 * GB });
    expect((await uploadAllowance({ ctx: admin, input: { ...place, size: 5 * GB } })).roomBytes).toBe(
      1000 * GB - 1234,
    );
    await setStorageLimit({ ctx, operator: ops, input: { tenantId: bare.id, limitGb: '25' } });
    expect(await listed(bare.id)).toEqual({ bytes: 0, files: 0, limitBytes: 25 * GB });

    // Bad input is a field error, an unknown tenant not found, an ended session forbidden.
    for (const limitGb of ['', '-1', '1.234', 'lots', '100001', '1e3', '0x10']) {
      await expectCoreError(
        setStorageLimit({ ctx, operator: ops, input: { tenantId: tenant.id, limitGb } }),
        'validation',
        'limitGb',
      );
    }
    for (const tenantId of ['nope', '00000000-0000-4000-8000-000000000000']) {
      await expectCoreError(
        setStorageLimit({ ctx, operator: ops, input: { tenantId, limitGb: '5' } }),
        'not_found',
      );
    }
    const ended = { ...ops, sessionId: 'ended' };
    await expectCoreError(
      setStorageLimit({ ctx, operator: ended, input: { tenantId: tenant.id, limitGb: '5' } }),
      'forbidden',
    );
    expect(await listed(tenant.id)).toMatchObject({ limitBytes: 1000 * GB });
    // The operator acts on the platform: the tenant's log holds none of it.
    expect(await activityOf(t, tenant.id)).toEqual([]);
  });

  it('keeps the cap out of reach of the login role without a live operator session, and of admins', async () => {
    const tenant = await createTenant(t);
    const ops = await operator();
    const set = (sessionId: string, bytes: number) =>
      t.handle.rows(
        sql`select app_system.operator_set_storage_limit(${sessionId}::text, ${tenant.id}::uuid, ${bytes}::bigint)`,
      );
    await expectPermissionDenied(set('forged', GB), /operator session required/);
    for (const bytes of [-1, 100_001 * GB]) {
      expect(await pgFailure(set(ops.sessionId, bytes))).toMatchObject({
        code: '22023',
        message: 'invalid storage limit',
      });
    }
    const [row] = await t.superuser<{ limit_bytes: string }>(
      'select limit_bytes::text from app.storage_usage where tenant_id = $1',
      [tenant.id],
    );
    expect(Number(row?.limit_bytes)).toBe(10 * GB);
    // An admin reads the usage row and cannot write it.
    await expectPermissionDenied(
      withActor(t.handle.db, tenant.admin, (tx) =>
        tx.execute('update app.storage_usage set limit_bytes = 0'),
      ),
    );
  });
});
