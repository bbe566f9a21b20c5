import type { DatabaseHandle } from '@foyer/db';
import type { Mailer } from '@foyer/email';
import type { Branding } from './branding/types';
import type { TenantSummary } from './site';

/** What domain operations need from the outside world; built once by the server. */
export interface CoreContext {
  db: DatabaseHandle;
  mailer: Mailer;
  /** Absolute origin of the platform host, e.g. `https://foyer.app`. */
  platformOrigin: string;
  /** `scheme://<slug>.<platform domain>[:port]`: where a new tenant will live. */
  tenantOriginForSlug(slug: string): string;
  /** Address part of From: for platform-sent mail, e.g. `no-reply@foyer.app`. */
  mailFrom: string;
  now(): Date;
}

/** A tenant as a request on its host sees it. */
export interface TenantSite {
  tenant: TenantSummary;
  branding: Branding;
}

/** Where a request came from, recorded with sessions and used for throttling. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}
