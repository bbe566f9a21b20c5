import { sql } from 'drizzle-orm';
import { check, index, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { platform, tenants } from './platform';

/**
 * "Sign in with Google" hand-offs. Google returns every tenant's visitors to one callback on the
 * platform host; what Google vouched for is kept here for a couple of minutes under the SHA-256
 * of a one-time code, for the tenant's own host to redeem: only that tenant's host, only in the
 * browser that started (the SHA-256 of its binding cookie), only once. Runtime roles cannot read
 * it: `app_system.google_handoff_create` writes it and `app_system.google_finish` redeems it.
 */
export const googleHandoffs = platform.table(
  'google_handoffs',
  {
    /** SHA-256 (hex) of the code in the redirect to the tenant's host. */
    tokenHash: text('token_hash').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** SHA-256 (hex) of the browser-binding cookie set on the tenant's host when the flow began. */
    bindingHash: text('binding_hash').notNull(),
    /** Google's stable account id. */
    googleSub: text('google_sub').notNull(),
    /** The verified address Google gave (Google refuses to hand over unverified ones here). */
    email: text('email').notNull(),
    name: text('name').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('google_handoffs_tenant_idx').on(t.tenantId),
    // The create function clears old rows by expiry on its way.
    index('google_handoffs_expires_idx').on(t.expiresAt),
    check('google_handoffs_hashes', sql`length(${t.tokenHash}) = 64 and length(${t.bindingHash}) = 64`),
  ],
);
