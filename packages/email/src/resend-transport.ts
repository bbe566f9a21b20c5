import { type ErrorResponse, Resend } from 'resend';
import { formatAddress } from './eml';
import {
  bracketMessageId,
  checkAddress,
  type Envelope,
  headerText,
  type SendResult,
  type Transport,
} from './transport';

export interface ResendTransportOptions {
  apiKey: string;
  /**
   * API base URL, e.g. a local fake in tests. When missing, the SDK reads `RESEND_BASE_URL` from
   * the environment (in its constructor), then falls back to https://api.resend.com.
   */
  baseUrl?: string;
  /** Give up on a request after this long (default 30 s); it counts as temporary. */
  timeoutMs?: number;
}

/** Error names that describe a passing condition rather than a bad request. */
const TEMPORARY_NAMES = new Set([
  'rate_limit_exceeded',
  'daily_quota_exceeded',
  'monthly_quota_exceeded',
  'concurrent_idempotent_requests',
  'application_error',
  'internal_server_error',
]);

/**
 * The SDK resolves to `{ data, error }` and never throws for HTTP failures. `error.statusCode`
 * is the HTTP status (from Resend's JSON body, or from the response when the body is not JSON)
 * and null when the request never got an answer.
 */
export function classifyResendError(
  error: Partial<ErrorResponse> | null | undefined,
): SendResult & { ok: false } {
  const status = typeof error?.statusCode === 'number' ? error.statusCode : null;
  const name = typeof error?.name === 'string' ? error.name : 'unknown_error';
  const message = typeof error?.message === 'string' && error.message ? error.message : 'no details';
  let permanent: boolean;
  if (status === null) permanent = !TEMPORARY_NAMES.has(name) && name !== 'unknown_error';
  else if (status >= 500 || status === 429 || status === 408) permanent = false;
  else if (status === 409) permanent = name !== 'concurrent_idempotent_requests';
  else permanent = status >= 400;
  return { ok: false, permanent, error: `${status ?? 'no response'} ${name}: ${message}`.slice(0, 1000) };
}

/** Sends through Resend's API with the message's idempotency key and Message-ID. */
export function resendTransport({ apiKey, baseUrl, timeoutMs = 30_000 }: ResendTransportOptions): Transport {
  const client = new Resend(apiKey, baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, '') } : undefined);
  return {
    kind: 'resend',
    async send(envelope: Envelope): Promise<SendResult> {
      let payload: Parameters<typeof client.emails.send>[0];
      try {
        payload = {
          from: formatAddress(envelope.from.name, envelope.from.address),
          to: [checkAddress(envelope.to, 'recipient')],
          ...(envelope.replyTo ? { replyTo: checkAddress(envelope.replyTo, 'reply-to') } : {}),
          subject: headerText(envelope.subject),
          html: envelope.html,
          text: envelope.text,
          headers: { 'Message-ID': bracketMessageId(envelope.messageId) },
        };
      } catch (error) {
        return { ok: false, permanent: true, error: error instanceof Error ? error.message : String(error) };
      }
      let result: Awaited<ReturnType<typeof client.emails.send>>;
      try {
        result = await client.emails.send(payload, {
          idempotencyKey: envelope.idempotencyKey,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        return { ok: false, permanent: false, error: error instanceof Error ? error.message : String(error) };
      }
      if (result.error) return classifyResendError(result.error);
      const id = (result.data as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || !id) {
        // An answer without an id: a proxy or an outage, not a verdict on the message.
        return { ok: false, permanent: false, error: 'Resend answered without an email id' };
      }
      return { ok: true, response: id };
    },
    async close() {},
  };
}
