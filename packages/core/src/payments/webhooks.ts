import {
  type GatewayKind,
  type GatewayNotice,
  GatewaySignatureError,
  type PaymentGateway,
  type RawNotification,
  stripeKeyMode,
  stripeNotice,
  verifyStripeEvent,
} from '@foyer/billing/gateways';
import { system, withActor } from '@foyer/db';
import type { Deps } from '../context';
import { adapterFor, gatewayRow } from './gateways';
import { applyNotice, type NoticeResult } from './notices';

/** How a webhook request is answered: gateways retry anything but a 2xx. */
export interface WebhookAnswer {
  status: 200 | 400 | 404;
  /** A short word for the log and the gateway's dashboard; never a secret. */
  message: string;
  result?: NoticeResult;
  tenantId?: string;
  /** The body a gateway requires back for a notification it sent (2Checkout's signed receipt). */
  reply?: { contentType: string; body: string } | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A notification at a gateway's own endpoint (`/webhooks/<kind>/<endpoint id>`): the endpoint
 * names the tenant and gateway, whose own secret then verifies the raw body before anything in it
 * is read. Applied as the tenant's worker, in one transaction with its event id.
 */
export async function receiveEndpointNotification(
  deps: Deps,
  kind: GatewayKind,
  endpointId: string,
  raw: RawNotification,
): Promise<WebhookAnswer> {
  if (!UUID.test(endpointId)) return { status: 404, message: 'unknown endpoint' };
  const route = await system.payments.route(deps.db, { endpointId });
  if (!route || route.kind !== kind) return { status: 404, message: 'unknown endpoint' };
  const worker = { kind: 'worker', tenantId: route.tenantId } as const;
  const gateway = await withActor(deps.db.db, worker, (tx) => gatewayRow(tx, { id: route.gatewayId }));
  if (gateway?.connection !== 'keys') return { status: 404, message: 'unknown endpoint' };
  const adapter = adapterFor(deps, route.tenantId, gateway);
  // Whatever asks the gateway (PayPal verifies by asking it; an approval is captured) happens
  // before the transaction opens: no transaction waits on the network.
  let notice: GatewayNotice;
  try {
    notice = await completeApproval(adapter, await adapter.verifyNotification(raw), deps.now());
  } catch (error) {
    if (error instanceof GatewaySignatureError) return { status: 400, message: error.message };
    throw error;
  }
  const result = await withActor(deps.db.db, worker, (tx) =>
    applyNotice({ deps, tx, tenantId: route.tenantId, gateway, adapter }, notice),
  );
  const reply = adapter.acknowledge?.(raw, deps.now()) ?? null;
  return { status: 200, message: result.outcome, result, tenantId: route.tenantId, reply };
}

/**
 * A checkout the payer approved and the merchant must complete (PayPal's order approval): the
 * gateway is asked, which completes it, and a payment it confirms becomes a payment notice under
 * the approval's event id. Anything else passes through unchanged.
 */
export async function completeApproval(
  adapter: PaymentGateway,
  notice: GatewayNotice,
  now: Date,
): Promise<GatewayNotice> {
  if (notice.kind !== 'approved') return notice;
  const state = await adapter.fetchCheckout(notice.checkoutRef);
  if (state?.status !== 'paid' || !state.paymentRef) return notice;
  return {
    kind: 'payment',
    eventId: notice.eventId,
    type: notice.type,
    livemode: notice.livemode,
    account: notice.account,
    checkoutId: state.checkoutId ?? notice.checkoutId,
    checkoutRef: notice.checkoutRef,
    paymentRef: state.paymentRef,
    amountMinor: state.amountMinor,
    currency: state.currency,
    at: now,
  };
}

/**
 * A notification at the platform's Stripe Connect endpoint (`/webhooks/stripe`): verified with
 * the platform's signing secret, then routed by the connected account the verified event names,
 * to the one tenant that connected that account. Events of accounts no tenant holds, and the
 * platform's own, are acknowledged and ignored.
 */
export async function receiveStripeConnectNotification(
  deps: Deps,
  raw: RawNotification,
): Promise<WebhookAnswer> {
  const platform = deps.payments.stripe.connect;
  if (!platform) return { status: 404, message: 'Stripe Connect is not set up' };
  let event: ReturnType<typeof verifyStripeEvent>;
  try {
    event = verifyStripeEvent(raw, platform.webhookSecret, stripeKeyMode(platform.secretKey), deps.now());
  } catch (error) {
    if (error instanceof GatewaySignatureError) return { status: 400, message: error.message };
    throw error;
  }
  if (!event.account) return { status: 200, message: 'not an account event' };
  const route = await system.payments.route(deps.db, { kind: 'stripe', account: event.account });
  if (!route) return { status: 200, message: 'no tenant holds this account' };
  return withActor(deps.db.db, { kind: 'worker', tenantId: route.tenantId }, async (tx) => {
    const gateway = await gatewayRow(tx, { id: route.gatewayId });
    if (gateway?.connection !== 'connect' || gateway.account_ref !== event.account) {
      return { status: 200, message: 'no tenant holds this account' } as const;
    }
    const adapter = adapterFor(deps, route.tenantId, gateway);
    const result = await applyNotice(
      { deps, tx, tenantId: route.tenantId, gateway, adapter },
      stripeNotice(event),
    );
    return { status: 200, message: result.outcome, result, tenantId: route.tenantId } as const;
  });
}
