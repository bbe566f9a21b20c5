import { getPreferences, savePreferences } from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityOf, addUser, expectCoreError, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant } from '../support/tenants';

/**
 * Choosing which notifications also email you, with `project-added`, the first event that has an
 * email (reviews, messages and invoices bring theirs).
 */

describe.each(drivers)('notification preferences on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  it('saves a person’s choice and records it once; a refused choice records nothing', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    await t.superuser('delete from app.notification_preferences where tenant_id = $1', [tenant.id]);
    const staff = await addUser(t, tenant, { role: 'staff' });
    const ctx = core.as(staff.actor);
    // The team's live events with an email, each on until turned off.
    expect(await getPreferences({ ctx })).toEqual([
      { event: 'project-added', label: expect.any(String), email: true },
      { event: 'task-assigned', label: expect.any(String), email: true },
      { event: 'task-comment', label: expect.any(String), email: true },
      { event: 'review-approved', label: expect.any(String), email: true },
      { event: 'revisions-requested', label: expect.any(String), email: true },
      { event: 'message-new', label: expect.any(String), email: true },
      { event: 'mention', label: expect.any(String), email: true },
    ]);

    await expectCoreError(savePreferences({ ctx, input: { 'project-added': 'off' } }), 'validation');
    await expectCoreError(savePreferences({ ctx, input: { 'invoice-sent': false } }), 'validation');
    expect(await activityOf(t, tenant.id)).toEqual([]);

    await savePreferences({ ctx, input: { 'project-added': false } });
    expect(await getPreferences({ ctx })).toMatchObject([
      { event: 'project-added', email: false },
      { event: 'task-assigned', email: true },
      { event: 'task-comment', email: true },
      { event: 'review-approved', email: true },
      { event: 'revisions-requested', email: true },
      { event: 'message-new', email: true },
      { event: 'mention', email: true },
    ]);
    expect(await activityOf(t, tenant.id)).toMatchObject([
      {
        verb: 'notifications.preferences_save',
        actor_kind: 'staff',
        actor_id: staff.id,
        subject_type: 'user',
        subject_id: staff.id,
        data: { email: { 'project-added': false } },
      },
    ]);
  });
});
