import type { RawNotification } from '@foyer/billing/gateways';
import {
  type Deps,
  receiveEndpointNotification,
  receiveStripeConnectNotification,
  type WebhookAnswer,
} from '@foyer/core';
import type { Context, Hono } from 'hono';
import { access } from './access';
import type { AppEnv } from './app';
import { errorFields, type Logger } from './log';

/** The header each gateway signs its notifications with: unsigned requests stop here. */
const SIGNATURE_HEADERS = { stripe: 'stripe-signature' } as const;

async function rawOf(c: Context<AppEnv>): Promise<RawNotification> {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  // The raw text, exactly as signed: nothing parses it before the signature is verified.
  return { body: await c.req.text(), headers };
}

/**
 * Payment gateways' notifications, on any host (Stripe posts to the platform's URL; an agency's
 * own endpoint works on its hosts too). They carry no cookies and pass no CSRF check (app.ts
 * exempts /webhooks/): each is verified by its signature on the raw body before anything in it is
 * read, then applied once by its event id. A gateway retries anything but a 2xx, so a failure on
 * our side answers 500 and the notification comes again.
 */
export function mountWebhooks(app: Hono<AppEnv>, core: Deps, log: Logger) {
  const answer = async (
    c: Context<AppEnv>,
    gateway: keyof typeof SIGNATURE_HEADERS,
    work: (raw: RawNotification) => Promise<WebhookAnswer>,
  ) => {
    if (!c.req.header(SIGNATURE_HEADERS[gateway]))
      return c.json({ error: 'The notification is not signed.' }, 400);
    try {
      const result = await work(await rawOf(c));
      const fields = {
        requestId: c.get('requestId'),
        gateway,
        status: result.status,
        outcome: result.message,
      };
      if (result.status === 200)
        log.info('gateway notification', { ...fields, tenantId: result.tenantId ?? null });
      else log.warn('gateway notification refused', fields);
      return c.json(
        result.status === 200 ? { received: true, outcome: result.message } : { error: result.message },
        result.status,
      );
    } catch (error) {
      log.error('gateway notification failed', {
        requestId: c.get('requestId'),
        gateway,
        ...errorFields(error),
      });
      return c.json({ error: 'Not processed; send it again later.' }, 500);
    }
  };
  app.post('/webhooks/stripe', access('signed'), (c) =>
    answer(c, 'stripe', (raw) => receiveStripeConnectNotification(core, raw)),
  );
  app.post('/webhooks/stripe/:endpoint', access('signed'), (c) =>
    answer(c, 'stripe', (raw) => receiveEndpointNotification(core, 'stripe', c.req.param('endpoint'), raw)),
  );
}
