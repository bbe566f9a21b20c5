import type { GoogleConfig, SecretBox } from '@foyer/auth';
import type { StripeApi } from '@foyer/billing/gateways';
import type { DatabaseHandle } from '@foyer/db';
import type { Transport } from '@foyer/email';
import type { ObjectStore } from '@foyer/storage';
import type { Branding } from './branding/types';
import type { TenantSummary } from './site';

/** How email leaves the platform; built once by the server from its configuration. */
export interface MailSetup {
  /** The platform's own sending: files on embedded defaults, Resend with RESEND_API_KEY. */
  platform: Transport;
  /** Address part of From: for the platform's sending, e.g. `no-reply@foyer.app`. */
  from: string;
  /** Seals and opens tenants' SMTP passwords (FOYER_SECRET_KEY). */
  secrets: SecretBox;
  /** Let tenants use SMTP hosts on private or loopback addresses (tests, LAN installs). */
  allowPrivateSmtp: boolean;
  /** The file transport's directory, listed in the operator console; null when not in use. */
  fileDir: string | null;
  /** The platform's Resend account (for agencies' sending domains); null without RESEND_API_KEY. */
  resend: {
    apiKey: string;
    /** API base URL (a local fake in tests); without it the SDK reads RESEND_BASE_URL. */
    baseUrl?: string;
  } | null;
}

/** The DNS lookups domain verification needs; injectable so tests never touch the internet. */
export interface DnsResolver {
  /** TXT records of a name, each as its strings; [] when there are none or the name is unknown. */
  resolveTxt(hostname: string): Promise<string[][]>;
  /** CNAME targets of a name; [] when there are none or the name is unknown. */
  resolveCname(hostname: string): Promise<string[]>;
}

export interface UploadRules {
  /** The server-wide limit on one file, in bytes (`FOYER_MAX_UPLOAD_BYTES`). */
  maxFileBytes: number;
  /** Extensions refused by name (lower case, without the dot): programs and scripts. */
  refusedExtensions: readonly string[];
}

/** Where file bytes live; built once by the server from its configuration. */
export interface FileStorage {
  /** The local directory (`$FOYER_DATA_DIR/files`) or the S3 bucket. */
  store: ObjectStore;
  /**
   * The key that signs this server's own file links (`/files/<token>`, streamed from either
   * store): every link of the local directory, and in-page previews with S3 (same origin, so the
   * page's CSP and pdf.js need no exception). Downloads with S3 are S3's presigned links.
   */
  linkSecret: Uint8Array;
  /** Whether the store is S3 (downloads then go to S3 directly). */
  direct: boolean;
  /** What the upload path accepts, for pages to say before any byte is sent. */
  uploads: UploadRules;
}

/** How agencies take payments online; built once by the server from its configuration. */
export interface PaymentSetup {
  /** Seals and opens agencies' gateway credentials (FOYER_SECRET_KEY). */
  secrets: SecretBox;
  stripe: {
    /**
     * The platform's Stripe account, through which agencies connect theirs (Connect); null when
     * STRIPE_SECRET_KEY is not set. Its webhook endpoint is `/webhooks/stripe`.
     */
    connect: { secretKey: string; webhookSecret: string } | null;
    /** Agencies may enter their own Stripe keys instead (self-hosted installs). */
    ownKeys: boolean;
    /** Where the SDK sends requests: null for Stripe itself, a local fake in tests. */
    api: StripeApi | null;
  };
  /** PayPal's REST API base (a local fake in tests); null for PayPal's own, by mode. */
  paypal: { apiBase: string | null };
  /** 2Checkout's hosted checkout and REST API (a local fake in tests); null for 2Checkout's own. */
  twocheckout: { api: { checkout: string; rest: string } | null };
}

/** What domain operations need from the outside world; built once by the server. */
export interface Deps {
  db: DatabaseHandle;
  mail: MailSetup;
  files: FileStorage;
  payments: PaymentSetup;
  /** Absolute origin of the platform host, e.g. `https://foyer.app`. */
  platformOrigin: string;
  /** `scheme://<slug>.<platform domain>[:port]`: where a new tenant will live. */
  tenantOriginForSlug(slug: string): string;
  /**
   * A tenant as its own host shows it (origin on its verified custom domain, if any), or null.
   * Work that runs outside a request, such as delivering mail, uses this for links and brand.
   */
  siteForSlug(slug: string): Promise<TenantSite | null>;
  /**
   * Says that a tenant's host, domain or branding changed, so cached lookups of it (on this node
   * and, where the server can, on the others) are dropped.
   */
  tenantChanged(tenantId: string): void;
  dns: DnsResolver;
  /** `PLATFORM_DOMAIN`: tenants' subdomains live under it, custom domains must not. */
  platformDomain: string;
  /**
   * Operators must set up two-factor right after signing in (issue #19): true where
   * DATABASE_URL is set; the embedded demo operator stays password-only. Unset: false.
   */
  operatorTwoFactorRequired?: boolean;
  now(): Date;
  /**
   * The platform's Google OAuth client (GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET), with its
   * endpoints; null or absent when "Sign in with Google" is not set up on this platform.
   */
  google?: GoogleConfig | null;
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
