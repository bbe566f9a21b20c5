import { z } from 'zod';
import { fieldErrors } from './auth/validation';
import { invalid } from './errors';

/**
 * The building blocks of every operation's input schema. Each schema here parses exactly what
 * its operation takes, so a form action, an API route or (once operations take `{ ctx, input }`)
 * the operation itself can run it unchanged: ids must be uuids, text carries no NUL or other
 * control characters, sizes are bounded. Bad input is a field error, never a database error.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above, less tab, newline and return.
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** One line of text (names, addresses, subjects), trimmed: no control characters at all. */
export const line = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .refine((value) => !CONTROL.test(value), 'Remove the control characters (such as line breaks).');

/** A password as typed: never trimmed (spaces at either end may be part of it). */
export const secret = (max: number) =>
  z
    .string()
    .max(max, `Use at most ${max} characters.`)
    .refine((value) => !CONTROL.test(value), 'Remove the control characters.');

/** Free text that may span lines (notes, templates): tabs and line breaks only. */
export const lines = (max: number) =>
  z
    .string()
    .max(max, `Use at most ${max} characters.`)
    .refine((value) => !CONTROL_BUT_LINE_BREAKS.test(value), 'Remove the control characters.');

/** A row id. Anything else cannot name a row, so it is refused before the database sees it. */
export const id = (what = 'item') => z.uuid(`That ${what} doesn’t exist.`);

/** An optional id as forms and upload metadata send it: '' or null (or nothing) for none. */
export const optionalId = (what: string) =>
  z
    .union([id(what), z.literal(''), z.null()])
    .optional()
    .transform((value) => value || null);

/** An opaque token from a link (hex or base32): bounded, so a huge one costs nothing. */
export const token = z
  .string()
  .max(256)
  .regex(/^[A-Za-z0-9_-]*$/, 'That link is not valid.');

/** The `confirmed=yes` of a destructive action's second post. */
export const confirmed = z
  .string()
  .optional()
  .transform((value) => value === 'yes');

/**
 * Parses `raw` with `schema`; a failure is a `validation` CoreError naming each bad field, which
 * pages show next to the field and the API returns as problem+json.
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) throw invalid(fieldErrors(result.error));
  return result.data;
}

// ---- Inputs of the operations that pages post to today -----------------------------------------

/** Actions whose only field is the confirmation of their second post. */
export const confirmInput = z.object({ confirmed });

export const teamRole = z.enum(['admin', 'staff'], 'Choose admin or staff.');

export const memberInput = z.object({ memberId: id('member'), confirmed });
export const changeRoleInput = z.object({ memberId: id('member'), role: teamRole });
export const inviteMemberInput = z.object({ email: line(254), role: line(20) });
export const revokeInvitationInput = z.object({
  invitationId: id('invitation'),
  email: line(254).optional().default(''),
  confirmed,
});

export const updateNameInput = z.object({ name: line(200) });
export const emailChangeInput = z.object({ email: line(254), currentPassword: secret(256) });
export const passwordChangeInput = z.object({
  currentPassword: secret(256),
  newPassword: secret(256),
  confirmPassword: secret(256),
});
/** A session as the account page names it: the SHA-256 of its token, in hex. */
export const endSessionInput = z.object({
  sessionId: z.string().regex(/^[0-9a-f]{64}$/, 'That session doesn’t exist.'),
});

export const notificationInput = z.object({ id: id('notification') });
/**
 * The notification emails form: per event how its email arrives (`delivery.<event>` fields:
 * instant, digest or off) and how often the summary comes (off, daily or weekly). The choices
 * themselves are checked by the verb, which names the event that is wrong.
 */
export const notificationChoicesInput = z.object({
  delivery: z
    .record(line(100), line(20))
    .refine((choices) => Object.keys(choices).length <= 100, 'Choose for at most 100 kinds of email.'),
  summary: line(20),
});

export const retryEmailInput = z.object({
  emailId: id('email'),
  recipient: line(254).optional().default(''),
});
export const senderInput = z.object({ senderName: line(200), replyTo: line(254) });
export const hostnameInput = z.object({ hostname: line(300), confirmed });
export const sendingDomainInput = z.object({ domain: line(300) });
export const deliveryInput = z.object({
  delivery: line(20),
  host: line(300),
  port: line(10),
  security: line(20),
  username: line(300),
  password: secret(1000),
  fromAddress: line(254),
  forgetPassword: z
    .string()
    .optional()
    .transform((value) => value === 'yes'),
});
/** An operator's change to one tenant's daily email limit (the number is checked by the operation). */
export const emailLimitInput = z.object({ tenantId: id('tenant'), limit: line(20) });
/** An operator's change to one tenant's storage cap, in GB (the number is checked by the operation). */
export const storageLimitInput = z.object({ tenantId: id('tenant'), limitGb: line(20) });
export const templateContentInput = z.object({ subject: line(1000), body: lines(40_000) });

export const passwordResetRequestInput = z.object({ email: line(1000) });
export const passwordResetInput = z.object({ token, password: secret(256), confirm: secret(256) });
export const tokenInput = z.object({ token });
export const acceptInvitationInput = z.object({ token, name: line(200), password: secret(256) });
export const signUpInput = z.object({
  agencyName: line(200),
  slug: line(100),
  name: line(200),
  email: line(1000),
  password: secret(256),
});

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is 'YYYY-MM-DD' naming a real day between 1900 and 2999. */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const day = new Date(`${value}T00:00:00Z`);
  return (
    !Number.isNaN(day.getTime()) &&
    day.toISOString().slice(0, 10) === value &&
    Number(match[1]) >= 1900 &&
    Number(match[1]) <= 2999
  );
}

/**
 * A calendar date as a form sends it: '' or null clears it (null), undefined leaves it as it is.
 */
export const dateField = (what: string) =>
  z
    .union([z.string().trim().max(10, `Enter the ${what} as a date.`), z.null()])
    .optional()
    .transform((value, issue) => {
      if (value === undefined) return undefined;
      if (value === null || value === '') return null;
      if (!isCalendarDate(value)) {
        issue.addIssue({ code: 'custom', message: `Enter the ${what} as a date.` });
        return z.NEVER;
      }
      return value;
    });
