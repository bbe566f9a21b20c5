import {
  type GatewayKind,
  type PaymentGateway,
  paypalGateway,
  stripeGateway,
  twocheckoutGateway,
} from '@foyer/billing/gateways';
import { sql, type Tx } from '@foyer/db';
import type { Deps } from '../context';
import { CoreError } from '../errors';
import { rows } from '../files/common';

/** A gateway row as the team and the worker read it. */
export interface GatewayRecord {
  id: string;
  kind: GatewayKind;
  connection: 'connect' | 'keys';
  mode: 'test' | 'live';
  account_ref: string | null;
  credentials: string | null;
  endpoint_id: string;
  ready: boolean;
  offered: boolean;
  label: string;
  checked_at: Date | string | null;
  check_error: string | null;
}

/** An agency's own Stripe keys, as sealed in `credentials`. */
export interface StripeKeys {
  secretKey: string;
  webhookSecret: string;
}

/** An agency's PayPal REST app, as sealed in `credentials`. */
export interface PayPalKeys {
  clientId: string;
  clientSecret: string;
  /** The id of the webhook PayPal shows for this app's endpoint, which its signatures name. */
  webhookId: string;
}

/** An agency's 2Checkout (Verifone) merchant account, as sealed in `credentials`. */
export interface TwoCheckoutKeys {
  merchantCode: string;
  secretKey: string;
  /** The buy-link secret word that signs hosted checkout links. */
  buyLinkSecret: string;
}

export const GATEWAY_NAMES: Record<GatewayKind, string> = {
  stripe: 'Stripe',
  paypal: 'PayPal',
  twocheckout: '2Checkout',
};

/** The purpose credentials are sealed for: a value sealed for one tenant's gateway opens for no other. */
const purposeOf = (tenantId: string, kind: GatewayKind) => `payment-gateway:${tenantId}:${kind}`;

export function sealCredentials(deps: Deps, tenantId: string, kind: GatewayKind, value: object): string {
  return deps.payments.secrets.seal(JSON.stringify(value), purposeOf(tenantId, kind));
}

function openCredentials<T>(deps: Deps, tenantId: string, row: GatewayRecord): T {
  const opened = row.credentials
    ? deps.payments.secrets.open(row.credentials, purposeOf(tenantId, row.kind))
    : null;
  if (opened === null) {
    throw new CoreError(
      'conflict',
      `The ${GATEWAY_NAMES[row.kind]} credentials can’t be read with this server’s secret key: enter them again.`,
    );
  }
  return JSON.parse(opened) as T;
}

const GATEWAY_COLUMNS = sql`g.id::text as id, g.kind, g.connection, g.mode, g.account_ref, g.credentials,
  g.endpoint_id::text as endpoint_id, g.ready, g.offered, g.label, g.checked_at, g.check_error`;

/** The tenant's gateways (admins and the worker), by kind. */
export async function gatewayRows(tx: Tx): Promise<GatewayRecord[]> {
  return rows<GatewayRecord>(tx, sql`select ${GATEWAY_COLUMNS} from app.payment_gateways g order by g.kind`);
}

export async function gatewayRow(
  tx: Tx,
  by: { id: string } | { kind: GatewayKind },
): Promise<GatewayRecord | null> {
  const where = 'id' in by ? sql`g.id = ${by.id}::uuid` : sql`g.kind = ${by.kind}`;
  const [row] = await rows<GatewayRecord>(
    tx,
    sql`select ${GATEWAY_COLUMNS} from app.payment_gateways g where ${where}`,
  );
  return row ?? null;
}

/**
 * What has been refunded through its gateway of the payment row `p` (an alias of
 * app.invoice_payments): its refunds, recorded under the same gateway and reference.
 */
export const refundedOfPaymentSql = sql`coalesce((select sum(r.amount_minor) from app.invoice_payments r
  where r.invoice_id = p.invoice_id and r.kind = 'refund' and r.gateway_id = p.gateway_id
    and r.external_ref = p.external_ref), 0)`;

/** Whether the tenant lets clients pay part of a balance online (read by admins and clients alike). */
export async function partialPaymentsAllowed(tx: Tx): Promise<boolean> {
  const [settings] = await rows<{ partial_payments: boolean }>(
    tx,
    sql`select partial_payments from app.invoice_settings`,
  );
  return settings?.partial_payments ?? false;
}

/**
 * The adapter that talks to a gateway for this tenant: through the platform's Connect account,
 * on the agency's behalf, or with the agency's own credentials.
 */
export function adapterFor(deps: Deps, tenantId: string, row: GatewayRecord): PaymentGateway {
  const stripe = deps.payments.stripe;
  switch (row.kind) {
    case 'stripe': {
      if (row.connection === 'connect') {
        if (!stripe.connect || !row.account_ref) {
          throw new CoreError('conflict', 'Stripe Connect is not set up on this server.');
        }
        return stripeGateway({
          secretKey: stripe.connect.secretKey,
          webhookSecret: stripe.connect.webhookSecret,
          account: row.account_ref,
          api: stripe.api,
        });
      }
      const keys = openCredentials<StripeKeys>(deps, tenantId, row);
      return stripeGateway({
        secretKey: keys.secretKey,
        webhookSecret: keys.webhookSecret,
        account: null,
        api: stripe.api,
      });
    }
    case 'paypal': {
      const keys = openCredentials<PayPalKeys>(deps, tenantId, row);
      return paypalGateway({ ...keys, mode: row.mode, apiBase: deps.payments.paypal.apiBase });
    }
    case 'twocheckout': {
      const keys = openCredentials<TwoCheckoutKeys>(deps, tenantId, row);
      return twocheckoutGateway({ ...keys, mode: row.mode, api: deps.payments.twocheckout.api });
    }
  }
}

/**
 * The origins of the gateways' hosted pages that a form's answer may send the browser to (Pay Now,
 * Connect with Stripe): the pages' CSP must allow them as form targets.
 */
export function gatewayPageOrigins(deps: Deps): string[] {
  const { stripe, paypal, twocheckout } = deps.payments;
  const origin = (url: string) => new URL(url).origin;
  return [
    ...(stripe.api
      ? [`${stripe.api.protocol}://${stripe.api.host}:${stripe.api.port}`]
      : ['https://checkout.stripe.com', 'https://connect.stripe.com']),
    ...(paypal.apiBase
      ? [origin(paypal.apiBase)]
      : ['https://www.paypal.com', 'https://www.sandbox.paypal.com']),
    ...(twocheckout.api ? [origin(twocheckout.api.checkout)] : ['https://secure.2checkout.com']),
  ];
}
