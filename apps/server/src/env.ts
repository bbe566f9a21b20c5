import { BlockList, isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  const dataDir = env.FOYER_DATA_DIR ?? resolve(repoRoot, '.data');
  return {
    port: env.PORT,
    host: env.HOST,
    platformDomain: env.PLATFORM_DOMAIN,
    publicScheme: env.PUBLIC_SCHEME,
    publicPort: env.PUBLIC_PORT ?? env.PORT,
    trustedProxies: proxyList(env.TRUSTED_PROXY),
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(process.cwd(), dataDir),
    databaseUrl: env.DATABASE_URL ?? null,
    databaseLoginUrl: env.DATABASE_LOGIN_URL ?? (env.DATABASE_URL ? loginUrlFrom(env.DATABASE_URL) : null),
    logLevel: env.LOG_LEVEL,
  };
}

/** `scheme://host[:port]` for a hostname, as every absolute link is built. */
export function originFor(config: Pick<Config, 'publicScheme' | 'publicPort'>, host: string): string {
  const defaultPort = config.publicScheme === 'https' ? 443 : 80;
  const port = config.publicPort === defaultPort ? '' : `:${config.publicPort}`;
  return `${config.publicScheme}://${host}${port}`;
}
