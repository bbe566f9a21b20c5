import { pgRole } from 'drizzle-orm/pg-core';

// Roles are cluster-wide, so they are created idempotently by drizzle/bootstrap.sql before
// any migration runs; drizzle-kit only refers to them.
export const teamRole = pgRole('foyer_team').existing();
export const clientRole = pgRole('foyer_client').existing();
