import { SLUG_PATTERN } from '@foyer/names';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';

/** The slug rule is written once in code; the database's own check must say the same. */
describe.each(drivers)('the slug rule on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  it('platform.tenants checks slugs with the pattern @foyer/names uses', async () => {
    const [row] = await t.superuser<{ definition: string }>(
      `select pg_get_constraintdef(oid) as definition from pg_constraint where conname = 'tenants_slug_format'`,
    );
    expect(required(row, 'the constraint').definition).toContain(`'${SLUG_PATTERN}'`);
  });
});
