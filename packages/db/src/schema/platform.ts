import { sql } from 'drizzle-orm';
import { check, index, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';

/** Global tables. Runtime roles cannot read this schema; only app_system functions can. */
export const platform = pgSchema('platform');

export const tenantStatus = ['active', 'suspended'] as const;

export const tenants = platform.table(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    status: text('status', { enum: tenantStatus }).notNull().default('active'),
    createdAt: createdAt(),
    suspendedAt: timestamp('suspended_at', { withTimezone: true }),
  },
  (t) => [
    check('tenants_slug_format', sql`${t.slug} ~ '^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$'`),
    check('tenants_status_known', sql`${t.status} in ('active', 'suspended')`),
  ],
);

/** Custom domains. A domain is routed only once `verified_at` is set; one domain, one tenant. */
export const domains = platform.table(
  'domains',
  {
    hostname: text('hostname').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    verificationToken: text('verification_token').notNull(),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('domains_tenant_idx').on(t.tenantId),
    check('domains_hostname_lowercase', sql`${t.hostname} = lower(${t.hostname})`),
  ],
);
