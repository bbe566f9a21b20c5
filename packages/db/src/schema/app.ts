import { pgSchema } from 'drizzle-orm/pg-core';

/** Tenant-owned tables: every one has `tenant_id`, forced RLS and a policy per command. */
export const app = pgSchema('app');
