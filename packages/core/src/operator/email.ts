import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { sessionExpiry } from '@foyer/auth';
import { type OperatorEmailRow, system } from '@foyer/db';
import { listTemplates } from '@foyer/email';
import type { Deps } from '../context';
import type { Ctx } from '../ctx';
import { CoreError, invalid, sqlState } from '../errors';
import type { SignedInOperator } from './operator';

/*
 * The operator console's email pages. Operators act on the platform, not in a tenant: `ctx`
 * carries no tenant actor (its `actor` is null) and the signed-in operator is passed next to it.
 * Every call goes through an `app_system` function that checks the operator's session, on
 * `ctx.deps.db`. Reads record nothing.
 */

/** Who calls the operator's email verbs: the request's context and the signed-in operator. */
export interface OperatorCall {
  ctx: Ctx;
  operator: SignedInOperator;
}

export interface OperatorEmail extends OperatorEmailRow {
  /** The template's human name, e.g. "Team invitation". */
  templateName: string;
}

export interface EmailLogPage {
  rows: OperatorEmail[];
  /** Pass as `before` for the next (older) page; null when this is the last. */
  next: string | null;
}

const ENDED = 'Your operator session has ended. Sign in again.';
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Every tenant's email, newest first, a page at a time; only for a live operator session.
 *
 * The database pages by `created_at` alone, and hands times over to the millisecond, so a page
 * never ends in the middle of a millisecond: the rows of the last one move to the next page.
 * Only a single millisecond holding more than a whole page (one transaction mailing hundreds of
 * people) is cut short.
 */
export async function listEmailLog({
  ctx,
  operator,
  input = {},
}: OperatorCall & { input?: { before?: string | null; limit?: number } }): Promise<EmailLogPage> {
  const limit = input.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 199) throw invalid({ limit: 'Between 1 and 199.' });
  let before: Date | null = null;
  if (input.before) {
    if (!INSTANT.test(input.before) || Number.isNaN(Date.parse(input.before)))
      throw invalid({ before: 'That page doesn’t exist.' });
    before = new Date(input.before);
  }
  let rows: OperatorEmail[];
  try {
    const names = new Map(listTemplates().map((t) => [t.key as string, t.name]));
    rows = (
      await system.operators.emailLog(ctx.deps.db, operator.sessionId, { limit: limit + 1, before })
    ).map((row) => ({
      ...row,
      templateName: names.get(row.template) ?? row.template,
    }));
  } catch (error) {
    if (sqlState(error) === '42501') throw new CoreError('forbidden', ENDED);
    throw error;
  }
  const beyond = rows[limit];
  if (!beyond) return { rows, next: null };
  const boundary = beyond.createdAt.getTime();
  const page = rows.slice(0, limit);
  const whole = page.filter((r) => r.createdAt.getTime() > boundary);
  if (whole.length > 0) return { rows: whole, next: new Date(boundary + 1).toISOString() };
  return { rows: page, next: new Date(boundary).toISOString() };
}

/** A message the file transport wrote. */
export interface MailFile {
  name: string;
  size: number;
  modifiedAt: Date;
}

/** What the file transport names its messages; nothing else in its directory is served. */
export const MAIL_FILE_NAME = /^[\w.-]+\.eml$/;

const MAX_MAIL_FILE_BYTES = 10 * 1024 * 1024;

async function requireLiveSession(deps: Deps, operator: SignedInOperator): Promise<void> {
  if (!(await system.operators.session(deps.db, operator.sessionId, sessionExpiry(deps.now()))))
    throw new CoreError('forbidden', ENDED);
}

const isMissing = (error: unknown) =>
  ['ENOENT', 'ENOTDIR', 'ELOOP'].includes(String((error as { code?: unknown }).code));

/**
 * The newest messages in the file transport's directory (at most `limit`), newest first; null
 * when email does not go to files. Names start with the time they were written, so the newest
 * are found by name before any file is looked at.
 */
export async function listMailFiles({
  ctx,
  operator,
  input = {},
}: OperatorCall & { input?: { limit?: number } }): Promise<MailFile[] | null> {
  const limit = input.limit ?? 100;
  await requireLiveSession(ctx.deps, operator);
  const dir = ctx.deps.mail.fileDir;
  if (dir === null) return null;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return []; // made with the first message
    throw error;
  }
  const newest = names
    .filter((n) => MAIL_FILE_NAME.test(n))
    .sort()
    .reverse()
    .slice(0, Math.max(0, Math.min(limit, 100)));
  const files: MailFile[] = [];
  for (const name of newest) {
    try {
      const info = await lstat(join(dir, name));
      if (info.isFile()) files.push({ name, size: info.size, modifiedAt: info.mtime });
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
  return files.sort(
    (a, b) => b.modifiedAt.getTime() - a.modifiedAt.getTime() || b.name.localeCompare(a.name),
  );
}

/**
 * One message from the file transport's directory. The name must be a plain `*.eml` name that
 * resolves inside the directory, and the file a regular file (symbolic links are not followed).
 */
export async function readMailFile({
  ctx,
  operator,
  input,
}: OperatorCall & { input: { name: string } }): Promise<{ name: string; content: Buffer }> {
  const { name } = input;
  if (typeof name !== 'string' || name.length > 255 || !MAIL_FILE_NAME.test(name))
    throw invalid({ name: 'That is not the name of a mail file.' });
  await requireLiveSession(ctx.deps, operator);
  const gone = new CoreError('not_found', 'That message doesn’t exist.');
  const fileDir = ctx.deps.mail.fileDir;
  if (fileDir === null) throw gone;
  const dir = resolve(fileDir);
  const path = resolve(dir, name);
  if (dirname(path) !== dir) throw invalid({ name: 'That is not the name of a mail file.' });
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    if (isMissing(error)) throw gone;
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw gone;
    if (info.size > MAX_MAIL_FILE_BYTES)
      throw new CoreError('too_large', 'That message is too large to show.');
    return { name, content: await handle.readFile() };
  } finally {
    await handle.close();
  }
}
