import type { GatewayKind, RawNotification } from '@foyer/billing/gateways';
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

/** Whether a notification carries the signature its gateway signs with: unsigned requests stop here. */
const SIGNED: Record<GatewayKind, (raw: RawNotification) => boolean> = {
  stripe: (raw) => Boolean(raw.headers['stripe-signature']),
  paypal: (raw) => Boolean(raw.headers['paypal-transmission-sig']),
  // 2Checkout signs the IPN's form fields: its hash is a field of the body.
  twocheckout: (raw) => /(^|&)(SIGNATURE_SHA2_256|HASH)=/.test(raw.body),
};

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
    gateway: GatewayKind,
    work: (raw: RawNotification) => Promise<WebhookAnswer>,
  ) => {
    const raw = await rawOf(c);
    if (!SIGNED[gateway](raw)) return c.json({ error: 'The notification is not signed.' }, 400);
    try {
      const result = await work(raw);
      const fields = {
        requestId: c.get('requestId'),
        gateway,
        status: result.status,
        outcome: result.message,
      };
      if (result.status === 200)
        log.info('gateway notification', { ...fields, tenantId: result.tenantId ?? null });
      else log.warn('gateway notification refused', fields);
      if (result.status === 200 && result.reply) {
        return c.body(result.reply.body, 200, { 'content-type': result.reply.contentType });
      }
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
  // An agency's own credentials: the endpoint id names the tenant and gateway, whose secret verifies.
  for (const gateway of ['stripe', 'paypal', 'twocheckout'] as const) {
    app.post(`/webhooks/${gateway}/:endpoint`, access('signed'), (c) =>
      answer(c, gateway, (raw) => receiveEndpointNotification(core, gateway, c.req.param('endpoint'), raw)),
    );
  }
}
