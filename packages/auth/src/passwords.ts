import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * argon2id with OWASP's minimum (m = 19 MiB, t = 2, p = 1). @node-rs/argon2 defaults to
 * argon2id; the PHC string records the parameters, so raising them here makes `needsRehash`
 * true for older hashes, which are upgraded at the next successful sign-in.
 */
export const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

const STORED_PARAMS = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,64})$/;

/**
 * The PHC string a stored hash would be if `password` were the right one: argon2id with the
 * stored parameters and salt (`$argon2id$v=19$m=…,t=…,p=…$<salt>`, what the sign-in lookups
 * hand out) and a hash of `hashLength` base64 characters. The database compares it with the
 * stored string, so the login role never reads a password hash. Null for parameters this
 * cannot reproduce (the caller treats that as a wrong password).
 */
export async function hashLikeStored(
  params: string,
  hashLength: number,
  password: string,
): Promise<string | null> {
  const match = STORED_PARAMS.exec(params);
  if (!match || !Number.isInteger(hashLength) || hashLength < 6 || hashLength > 1400) return null;
  const [, m, t, p, salt] = match as unknown as [string, string, string, string, string];
  try {
    return await hash(password, {
      memoryCost: Number(m),
      timeCost: Number(t),
      parallelism: Number(p),
      // Unpadded base64: every 4 characters carry 3 bytes.
      outputLen: Math.floor((hashLength * 3) / 4),
      salt: Buffer.from(salt, 'base64'),
    });
  } catch {
    return null;
  }
}

// A real hash of a random string, so an unknown account costs as much time as a wrong password.
let dummy: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword(crypto.randomUUID());
  await verifyPassword(await dummy, password);
}

export function needsRehash(phc: string): boolean {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(phc);
  if (!match) return true;
  const [, m, t, p] = match.map(Number) as [number, number, number, number];
  return m < ARGON2.memoryCost || t < ARGON2.timeCost || p < ARGON2.parallelism;
}

let common: Set<string> | undefined;
function isCommon(password: string): boolean {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common.has(password.toLowerCase());
}

/**
 * Why a new password is refused, in words for the person choosing it, or null when it is fine.
 * Length and a list of 49,000 common passwords, as NIST 800-63B asks; no composition rules.
 */
export function passwordProblem(
  password: string,
  context: { email?: string; name?: string } = {},
): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  if (isCommon(password)) return 'This password is too common. Choose something harder to guess.';
  const lowered = password.toLowerCase();
  const personal = [context.email, context.email?.split('@')[0], context.name]
    .filter((v): v is string => !!v && v.length >= 4)
    .map((v) => v.toLowerCase());
  if (personal.some((v) => lowered === v)) return 'Don’t use your name or email address as your password.';
  return null;
}
