import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, integer } from 'drizzle-orm/pg-core';
import { app } from './app';
import { actorIsAdmin, tenantIdColumn, updatedAt, walledPolicies } from './columns';
import { tenants } from './platform';
import { teamRole } from './roles';

/**
 * A tenant's sign-in and privacy settings: one row per tenant, made when first saved; a tenant
 * without a row has the defaults. The team reads them (a staff member's sign-in asks whether the
 * team must use two-factor); only admins change them. Clients read none.
 */
export const securitySettings = app.table(
  'security_settings',
  {
    tenantId: tenantIdColumn().primaryKey(),
    /** Admins and staff must set up two-factor before they reach the team panel. */
    requireTeamTwoFactor: boolean('require_team_two_factor').notNull().default(false),
    /** "Sign in with Google" on the tenant's sign-in page (when the platform has Google credentials). */
    googleSignIn: boolean('google_sign_in').notNull().default(false),
    /** Someone unknown to the tenant who signs in with Google becomes a client with no projects. */
    googleRegistration: boolean('google_registration').notNull().default(false),
    /** Days the activity log keeps IP addresses and browsers before the retention job removes them. */
    activityRetentionDays: integer('activity_retention_days').notNull().default(365),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    check('security_settings_retention_range', sql`${t.activityRetentionDays} between 1 and 3650`),
    ...walledPolicies('security_settings', 'team', teamRole, t.tenantId, {
      select: true,
      insert: actorIsAdmin,
      update: actorIsAdmin,
      delete: actorIsAdmin,
    }),
  ],
);
