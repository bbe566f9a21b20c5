// The query-building helpers of the same drizzle instance, for packages that build SQL.

export type { PGlite } from '@electric-sql/pglite';
export { and, asc, desc, eq, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
export type { ActingAs, Actor, TenantActor, VisitorActor, WorkerActor } from './actor';
export type { Database, DatabaseHandle, PostgresOptions, Schema } from './client';
export { createPglite, openPglite, openPostgres } from './client';
export { errorFields } from './errors';
export { migratePgliteDatabase, migratePostgresDatabase, migrationsFolder } from './migrate';
export type { OperatorListing, SuperuserDoor } from './provisioning';
export {
  ensureTenant,
  listOperators,
  operatorExists,
  pgliteSuperuser,
  postgresSuperuser,
  setOperatorDisabled,
  upsertOperator,
} from './provisioning';
export {
  type NotificationDelivery,
  notificationDeliveries,
  type SummaryFrequency,
  summaryFrequencies,
} from './schema/email';
export * as schema from './schema/index';
export type { HostLookup, HostTenantRow, TenantLogo } from './system';
export * as system from './system/index';
export { type SearchCandidate, type SearchKind, searchKinds } from './system/search';
export type {
  LinkPerson,
  OperatorTenantRow,
  SessionRow,
  SignInSession,
  StoredPasswordParams,
  UserRole,
} from './system-auth';
export type { DomainClaim, DomainVerification, DueDomain, TenantDomainRow } from './system-domains';
export type {
  ClaimedEmail,
  EmailQuota,
  OperatorEmailRow,
  SettleOutcome,
  TenantEmailLimit,
} from './system-email';
export type { EmailVerificationState, InvitationState } from './system-links';
export type { Tx } from './with-actor';
export { rowsOf, withActor } from './with-actor';
export type { Session, SessionLookup } from './with-session';
export { SessionInvalid, withSession } from './with-session';
