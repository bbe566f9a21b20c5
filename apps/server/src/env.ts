import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GOOGLE_AUTHORIZE_URL,
  GOOGLE_ISSUERS,
  GOOGLE_TOKEN_URL,
  type GoogleConfig,
  generateSecretKey,
  parseSecretKey,
} from '@foyer/auth';
import { z } from 'zod';

/** The repository root (this file sits at apps/server/{src,dist}/). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const hostname = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

const port = z.coerce.number().int().min(1).max(65535);

const postgresUrl = z
  .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// connection string' })
  .optional();

const schema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PLATFORM_DOMAIN: z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.string().regex(hostname, 'must be a bare hostname such as example.com, without scheme or port'))
    .default('localhost'),
  PUBLIC_SCHEME: z.enum(['http', 'https']).default('http'),
  PUBLIC_PORT: port.optional(),
  TRUSTED_PROXY: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      for (const entry of splitList(value)) {
        if (!parseProxyEntry(entry))
          ctx.addIssue({ code: 'custom', message: `not an IP address or CIDR: ${entry}` });
      }
    }),
  FOYER_DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: postgresUrl,
  DATABASE_LOGIN_URL: postgresUrl,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  FOYER_SECRET_KEY: z
    .string()
    .optional()
    .refine((value) => value === undefined || parseSecretKey(value) !== null, {
      message: 'must be 32 bytes as 64 hex characters or base64 (e.g. `openssl rand -base64 32`)',
    }),
  RESEND_API_KEY: z.string().min(1).optional(),
  MAIL_FROM: z.email({ error: 'must be an email address such as no-reply@example.com' }).optional(),
  FOYER_ALLOW_PRIVATE_SMTP: z.enum(['0', '1']).default('0'),
  FOYER_WORKER: z.enum(['0', '1']).default('1'),
  S3_BUCKET: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'must be a bucket name: 3-63 lower-case letters, digits, dots or dashes',
    )
    .optional(),
  S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'must be a region name such as eu-central-1')
    .optional(),
  S3_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL such as https://s3.example.com' })
    .optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z.enum(['0', '1'], { error: 'must be 0 or 1' }).optional(),
  FOYER_MAX_UPLOAD_BYTES: z.coerce
    .number({ error: 'must be a whole number of bytes, e.g. 5368709120 for 5 GiB' })
    .int('must be a whole number of bytes, e.g. 5368709120 for 5 GiB')
    .min(1, 'must be at least 1 byte')
    .max(5 * 1024 ** 4, 'must be at most 5 TiB')
    .default(5 * 1024 ** 3),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$/, 'must be a Stripe secret key (sk_test_… or sk_live_…)')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=_-]{8,}$/, 'must be a webhook signing secret (whsec_…)')
    .optional(),
  STRIPE_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  FOYER_STRIPE_OWN_KEYS: z.enum(['0', '1'], { error: 'must be 0 or 1' }).optional(),
  FOYER_DEMO_STRIPE_SECRET_KEY: z
    .string()
    .regex(
      /^(sk|rk)_test_[A-Za-z0-9]{8,}$/,
      'must be a Stripe test secret key (sk_test_…): demos take no real money',
    )
    .optional(),
  FOYER_DEMO_STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=_-]{8,}$/, 'must be a webhook signing secret (whsec_…)')
    .optional(),
  PAYPAL_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  TWOCHECKOUT_CHECKOUT_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  TWOCHECKOUT_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  GOOGLE_CLIENT_ID: z.string().min(1).max(500).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).max(500).optional(),
  GOOGLE_AUTHORIZE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  GOOGLE_TOKEN_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  GOOGLE_ISSUER: z.string().min(1).max(500).optional(),
  FOYER_DNS_SERVERS: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      for (const entry of splitList(value)) {
        if (!dnsServer(entry))
          ctx.addIssue({ code: 'custom', message: `not an IP address or IP:port: ${entry}` });
      }
    }),
});

export interface Config {
  port: number;
  host: string;
  platformDomain: string;
  publicScheme: 'http' | 'https';
  /** Port used in absolute links; left out of them when it is the scheme's default. */
  publicPort: number;
  /** Peers whose X-Forwarded-* headers are believed; null when none are. */
  trustedProxies: BlockList | null;
  dataDir: string;
  /** Superuser URL, used only to create roles and run migrations. */
  databaseUrl: string | null;
  /** What the server connects as (`foyer_login`); null means embedded PGlite. */
  databaseLoginUrl: string | null;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** FOYER_SECRET_KEY; null on embedded defaults, where `secretKeyFor` keeps one in the data dir. */
  secretKey: Buffer | null;
  /** The platform's sending through Resend; null writes mail to `$FOYER_DATA_DIR/mail`. */
  resendApiKey: string | null;
  /** Address part of From: for the platform's sending (the display name is the agency's). */
  mailFrom: string;
  /** Let tenants' SMTP hosts resolve to private or loopback addresses. */
  allowPrivateSmtp: boolean;
  /** Run the outbox and scheduled-job worker in this process (FOYER_WORKER=0 on API-only nodes). */
  worker: boolean;
  /** DNS servers for domain verification (`ip` or `ip:port`); empty uses the system's. */
  dnsServers: string[];
  /** Where file bytes live: `$FOYER_DATA_DIR/files` unless S3_BUCKET is set. */
  storage: StorageConfig;
  /** The largest file one upload may carry (FOYER_MAX_UPLOAD_BYTES, default 5 GiB). */
  maxUploadBytes: number;
  stripe: StripeConfig;
  /** PAYPAL_API_URL: PayPal's REST API (a local fake in tests); null for PayPal's own, by mode. */
  paypalApiUrl: string | null;
  /** TWOCHECKOUT_CHECKOUT_URL and TWOCHECKOUT_API_URL, together (local fakes in tests); null for 2Checkout's. */
  twocheckoutApi: { checkout: string; rest: string } | null;
  /**
   * "Sign in with Google": GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET together; the endpoints and
   * issuer default to Google's (GOOGLE_AUTHORIZE_URL, GOOGLE_TOKEN_URL, GOOGLE_ISSUER point tests
   * at a local fake). Null when not set up.
   */
  google: GoogleConfig | null;
}

export interface StripeConfig {
  /** The platform's Stripe account for Connect (STRIPE_SECRET_KEY with STRIPE_WEBHOOK_SECRET). */
  connect: { secretKey: string; webhookSecret: string } | null;
  /** Agencies may enter their own keys: FOYER_STRIPE_OWN_KEYS, on by default without Connect. */
  ownKeys: boolean;
  /** STRIPE_API_URL: where the SDK sends requests (a local fake in tests); null for Stripe. */
  apiUrl: string | null;
  /** FOYER_DEMO_STRIPE_*: a test account `start` connects to the demo agencies; null for none. */
  demo: { secretKey: string; webhookSecret: string } | null;
}

export type StorageConfig =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      region: string;
      /** Null for AWS itself; MinIO, R2 and the like need theirs. */
      endpoint: string | null;
      accessKeyId: string;
      secretAccessKey: string;
      forcePathStyle: boolean;
    };

const S3_SETTINGS = [
  'S3_REGION',
  'S3_ENDPOINT',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
] as const;

/**
 * S3 when S3_BUCKET is set, with its keys required and the region required unless an endpoint
 * (MinIO, R2, …) is given; otherwise the local directory. S3 settings without a bucket are a
 * mistake worth stopping for, not something to ignore.
 */
function storageFrom(env: z.infer<typeof schema>, dataDir: string): StorageConfig {
  if (!env.S3_BUCKET) {
    const stray = S3_SETTINGS.filter((name) => env[name] !== undefined);
    if (stray.length > 0) {
      throw new ConfigError([
        `S3_BUCKET: required with ${stray.join(', ')} (unset them to keep files in $FOYER_DATA_DIR/files)`,
      ]);
    }
    return { kind: 'local', dir: join(dataDir, 'files') };
  }
  const problems: string[] = [];
  if (!env.S3_ACCESS_KEY_ID) problems.push('S3_ACCESS_KEY_ID: required with S3_BUCKET');
  if (!env.S3_SECRET_ACCESS_KEY) problems.push('S3_SECRET_ACCESS_KEY: required with S3_BUCKET');
  if (!env.S3_REGION && !env.S3_ENDPOINT) {
    problems.push('S3_REGION: required with S3_BUCKET unless S3_ENDPOINT names the service');
  }
  if (problems.length > 0 || !env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY)
    throw new ConfigError(problems);
  return {
    kind: 's3',
    bucket: env.S3_BUCKET,
    region: env.S3_REGION ?? 'us-east-1',
    endpoint: env.S3_ENDPOINT ?? null,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: env.S3_FORCE_PATH_STYLE === '1',
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `ip`, `ip:port` or `[ipv6]:port`, as `Resolver.setServers` takes them. */
function dnsServer(entry: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  const [address, port] = bracketed
    ? [bracketed[1] ?? '', bracketed[2]]
    : isIP(entry) === 6
      ? [entry, undefined]
      : (entry.split(':') as [string, string | undefined]);
  const portOk = port === undefined || (/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535);
  return isIP(address) !== 0 && portOk;
}

function parseProxyEntry(
  entry: string,
): { address: string; prefix: number | null; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText] = entry.split('/');
  const version = isIP(address);
  if (version === 0) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, prefix: null, family };
  const prefix = Number(prefixText);
  const max = version === 4 ? 32 : 128;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return null;
  return { address, prefix, family };
}

function proxyList(value: string | undefined): BlockList | null {
  const entries = splitList(value);
  if (entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const parsed = parseProxyEntry(entry);
    if (!parsed) continue;
    if (parsed.prefix === null) list.addAddress(parsed.address, parsed.family);
    else list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return list;
}

function loginUrlFrom(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.username = 'foyer_login';
  return url.toString();
}

/** Reads and validates configuration once; every other module takes the resulting `Config`. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "unset", as in most shells' `VAR= command`.
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  const givenDataDir = env.FOYER_DATA_DIR ?? resolve(repoRoot, '.data');
  const dataDir = isAbsolute(givenDataDir) ? givenDataDir : resolve(process.cwd(), givenDataDir);
  const onPostgres = Boolean(env.DATABASE_URL ?? env.DATABASE_LOGIN_URL);
  if (Boolean(env.STRIPE_SECRET_KEY) !== Boolean(env.STRIPE_WEBHOOK_SECRET)) {
    throw new ConfigError([
      'STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET: set both (the platform account and its Connect webhook endpoint) or neither',
    ]);
  }
  if (Boolean(env.GOOGLE_CLIENT_ID) !== Boolean(env.GOOGLE_CLIENT_SECRET)) {
    throw new ConfigError([
      'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET: set both (the OAuth client from Google Cloud) or neither',
    ]);
  }
  if (onPostgres && !env.FOYER_SECRET_KEY) {
    throw new ConfigError([
      'FOYER_SECRET_KEY: required with DATABASE_URL (32 bytes, e.g. `openssl rand -base64 32`); every node must share it',
    ]);
  }
  return {
    port: env.PORT,
    host: env.HOST,
    platformDomain: env.PLATFORM_DOMAIN,
    publicScheme: env.PUBLIC_SCHEME,
    publicPort: env.PUBLIC_PORT ?? env.PORT,
    trustedProxies: proxyList(env.TRUSTED_PROXY),
    dataDir,
    databaseUrl: env.DATABASE_URL ?? null,
    databaseLoginUrl: env.DATABASE_LOGIN_URL ?? (env.DATABASE_URL ? loginUrlFrom(env.DATABASE_URL) : null),
    logLevel: env.LOG_LEVEL,
    secretKey: env.FOYER_SECRET_KEY ? parseSecretKey(env.FOYER_SECRET_KEY) : null,
    resendApiKey: env.RESEND_API_KEY ?? null,
    mailFrom: env.MAIL_FROM ?? `no-reply@${env.PLATFORM_DOMAIN}`,
    allowPrivateSmtp: env.FOYER_ALLOW_PRIVATE_SMTP === '1',
    worker: env.FOYER_WORKER === '1',
    dnsServers: splitList(env.FOYER_DNS_SERVERS),
    storage: storageFrom(env, dataDir),
    maxUploadBytes: env.FOYER_MAX_UPLOAD_BYTES,
    stripe: {
      connect:
        env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET
          ? { secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET }
          : null,
      ownKeys: env.FOYER_STRIPE_OWN_KEYS ? env.FOYER_STRIPE_OWN_KEYS === '1' : !env.STRIPE_SECRET_KEY,
      apiUrl: env.STRIPE_API_URL ?? null,
      demo:
        env.FOYER_DEMO_STRIPE_SECRET_KEY && env.FOYER_DEMO_STRIPE_WEBHOOK_SECRET
          ? {
              secretKey: env.FOYER_DEMO_STRIPE_SECRET_KEY,
              webhookSecret: env.FOYER_DEMO_STRIPE_WEBHOOK_SECRET,
            }
          : null,
    },
    paypalApiUrl: env.PAYPAL_API_URL ?? null,
    twocheckoutApi:
      env.TWOCHECKOUT_CHECKOUT_URL && env.TWOCHECKOUT_API_URL
        ? { checkout: env.TWOCHECKOUT_CHECKOUT_URL, rest: env.TWOCHECKOUT_API_URL }
        : null,
    google:
      env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET
        ? {
            clientId: env.GOOGLE_CLIENT_ID,
            clientSecret: env.GOOGLE_CLIENT_SECRET,
            authorizeUrl: env.GOOGLE_AUTHORIZE_URL ?? GOOGLE_AUTHORIZE_URL,
            tokenUrl: env.GOOGLE_TOKEN_URL ?? GOOGLE_TOKEN_URL,
            issuers: env.GOOGLE_ISSUER ? [env.GOOGLE_ISSUER] : [...GOOGLE_ISSUERS],
          }
        : null,
  };
}

/**
 * The key that seals tenants' secrets: FOYER_SECRET_KEY, or on embedded defaults one generated
 * once into `$FOYER_DATA_DIR/secret.key` (mode 0600) and read from there afterwards.
 */
export function secretKeyFor(config: Pick<Config, 'secretKey' | 'dataDir'>): Buffer {
  if (config.secretKey) return config.secretKey;
  const file = join(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    try {
      writeFileSync(file, `${generateSecretKey()}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = parseSecretKey(readFileSync(file, 'utf8'));
  if (!key)
    throw new ConfigError([
      `${file}: not a valid secret key; restore it or remove it together with the data`,
    ]);
  return key;
}

/** `scheme://host[:port]` for a hostname, as every absolute link is built. */
export function originFor(config: Pick<Config, 'publicScheme' | 'publicPort'>, host: string): string {
  const defaultPort = config.publicScheme === 'https' ? 443 : 80;
  const port = config.publicPort === defaultPort ? '' : `:${config.publicPort}`;
  return `${config.publicScheme}://${host}${port}`;
}
