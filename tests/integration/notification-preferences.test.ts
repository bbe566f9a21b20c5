import {
  getPreferences,
  getSummaryChoice,
  saveNotificationChoices,
  savePreferences,
  saveSummaryChoice,
} from '@foyer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityOf, addUser, expectCoreError, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant } from '../support/tenants';

/**
 * Choosing how each notification's email arrives (instant, in the offline digest, or not at all)
 * and how often the summary email comes.
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
    // The team's live events with an email, each at its default until chosen: new messages come
    // in the digest, the rest at once.
    const instant = { delivery: 'instant', defaultDelivery: 'instant' };
    expect(await getPreferences({ ctx })).toEqual([
      { event: 'project-added', label: expect.any(String), ...instant },
      { event: 'task-assigned', label: expect.any(String), ...instant },
      { event: 'task-comment', label: expect.any(String), ...instant },
      { event: 'review-approved', label: expect.any(String), ...instant },
      { event: 'revisions-requested', label: expect.any(String), ...instant },
      { event: 'message-new', label: expect.any(String), delivery: 'digest', defaultDelivery: 'digest' },
      { event: 'mention', label: expect.any(String), ...instant },
    ]);

    // The old on/off values, an unknown choice, and an event that is not the team's.
    for (const input of [
      { 'project-added': false },
      { 'project-added': true },
      { 'project-added': 'weekly' },
      { 'project-added': 'Digest' },
      { 'invoice-sent': 'off' },
    ]) {
      await expectCoreError(savePreferences({ ctx, input }), 'validation');
    }
    // One bad choice among good ones: nothing at all is saved.
    const refused = await expectCoreError(
      savePreferences({ ctx, input: { 'project-added': 'off', mention: 'sometimes' } }),
      'validation',
    );
    expect(refused.fields).toEqual({ mention: 'Choose instant, digest or off.' });
    expect((await getPreferences({ ctx })).find((p) => p.event === 'project-added')?.delivery).toBe(
      'instant',
    );
    expect(await activityOf(t, tenant.id)).toEqual([]);

    await savePreferences({ ctx, input: { 'project-added': 'off', 'task-assigned': 'digest' } });
    // Carried over: events not named keep what they had (here their defaults).
    expect(await getPreferences({ ctx })).toMatchObject([
      { event: 'project-added', delivery: 'off' },
      { event: 'task-assigned', delivery: 'digest', defaultDelivery: 'instant' },
      { event: 'task-comment', delivery: 'instant' },
      { event: 'review-approved', delivery: 'instant' },
      { event: 'revisions-requested', delivery: 'instant' },
      { event: 'message-new', delivery: 'digest' },
      { event: 'mention', delivery: 'instant' },
    ]);
    await savePreferences({ ctx, input: { 'message-new': 'instant' } });
    expect(await getPreferences({ ctx })).toMatchObject([
      { event: 'project-added', delivery: 'off' },
      { event: 'task-assigned', delivery: 'digest' },
      { event: 'task-comment', delivery: 'instant' },
      { event: 'review-approved', delivery: 'instant' },
      { event: 'revisions-requested', delivery: 'instant' },
      { event: 'message-new', delivery: 'instant', defaultDelivery: 'digest' },
      { event: 'mention', delivery: 'instant' },
    ]);
    expect(await activityOf(t, tenant.id)).toMatchObject([
      {
        verb: 'notifications.preferences_save',
        actor_kind: 'staff',
        actor_id: staff.id,
        subject_type: 'user',
        subject_id: staff.id,
        data: { delivery: { 'project-added': 'off', 'task-assigned': 'digest' } },
      },
      { verb: 'notifications.preferences_save', data: { delivery: { 'message-new': 'instant' } } },
    ]);
  });

  it('keeps the summary choice (weekly until chosen) and saves the page’s form in one go', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const client = core.as(tenant.client);
    // The fixture's people chose daily summaries; start from no choice at all.
    await t.superuser('delete from app.email_summaries where tenant_id = $1', [tenant.id]);
    expect(await getSummaryChoice({ ctx: client })).toEqual({
      frequency: 'weekly',
      defaultFrequency: 'weekly',
    });
    for (const frequency of ['monthly', '', true, null]) {
      const error = await expectCoreError(
        saveSummaryChoice({ ctx: client, input: { frequency } }),
        'validation',
      );
      expect(error.fields).toEqual({ summary: 'Choose off, daily or weekly.' });
    }
    expect(await activityOf(t, tenant.id, 'notifications.summary_save')).toEqual([]);

    // When the last summary went out survives a change of mind, so no period gets two.
    const sent = new Date('2026-03-02T08:00:00Z');
    await t.superuser(
      `insert into app.email_summaries (tenant_id, user_id, frequency, last_sent_at) values ($1, $2, 'weekly', $3)`,
      [tenant.id, tenant.client.userId, sent.toISOString()],
    );
    await saveSummaryChoice({ ctx: client, input: { frequency: 'daily' } });
    expect(await getSummaryChoice({ ctx: client })).toMatchObject({ frequency: 'daily' });
    const [row] = await t.superuser<{ frequency: string; last_sent_at: Date }>(
      'select frequency, last_sent_at from app.email_summaries where tenant_id = $1 and user_id = $2',
      [tenant.id, tenant.client.userId],
    );
    expect(row?.frequency).toBe('daily');
    expect(new Date(row?.last_sent_at ?? 0).toISOString()).toBe(sent.toISOString());
    expect(await activityOf(t, tenant.id, 'notifications.summary_save')).toMatchObject([
      { actor_id: tenant.client.userId, data: { summary: 'daily' } },
    ]);

    // The form: both at once, one entry; a bad summary or a bad event changes neither.
    const before = await activityOf(t, tenant.id);
    await expectCoreError(
      saveNotificationChoices({
        ctx: client,
        input: { delivery: { 'invoice-sent': 'digest' }, summary: 'hourly' },
      }),
      'validation',
    );
    await expectCoreError(
      saveNotificationChoices({
        ctx: client,
        input: { delivery: { 'invoice-sent': 'soon' }, summary: 'off' },
      }),
      'validation',
    );
    expect(await getSummaryChoice({ ctx: client })).toMatchObject({ frequency: 'daily' });
    expect((await getPreferences({ ctx: client })).find((p) => p.event === 'invoice-sent')?.delivery).toBe(
      'instant',
    );
    expect(await activityOf(t, tenant.id)).toEqual(before);

    await saveNotificationChoices({
      ctx: client,
      input: { delivery: { 'invoice-sent': 'digest', 'file-shared': 'off' }, summary: 'off' },
    });
    expect(await getSummaryChoice({ ctx: client })).toMatchObject({ frequency: 'off' });
    expect(await getPreferences({ ctx: client })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'invoice-sent', delivery: 'digest' }),
        expect.objectContaining({ event: 'file-shared', delivery: 'off' }),
      ]),
    );
    const after = await activityOf(t, tenant.id);
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)).toMatchObject({
      verb: 'notifications.preferences_save',
      data: { delivery: { 'invoice-sent': 'digest', 'file-shared': 'off' }, summary: 'off' },
    });
    // Nobody else's row is touched: the admin still has none.
    expect(await getSummaryChoice({ ctx: core.as(tenant.admin) })).toMatchObject({ frequency: 'weekly' });
  });
});
