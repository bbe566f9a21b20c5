import { randomUUID } from 'node:crypto';
import { stripeKeyMode } from '@foyer/billing/gateways';
import { rowsOf, sql, withActor } from '@foyer/db';
import type { Deps } from '../context';
import { sealCredentials } from '../payments/gateways';

/**
 * Connects a test-mode Stripe account (own keys) to demo agencies that have no Stripe yet, so a
 * newcomer's portal shows Pay Now when FOYER_DEMO_STRIPE_SECRET_KEY is set. Test keys only: a
 * demo never takes real money. Nothing is asked of Stripe at start; "Test the connection" does.
 */
export async function connectDemoStripe(
  deps: Deps,
  tenantIds: readonly string[],
  keys: { secretKey: string; webhookSecret: string },
): Promise<number> {
  if (stripeKeyMode(keys.secretKey) !== 'test') throw new Error('demo agencies take a Stripe test key only');
  let connected = 0;
  for (const tenantId of tenantIds) {
    const sealed = sealCredentials(deps, tenantId, 'stripe', keys);
    const made = await withActor(deps.db.db, { kind: 'admin', tenantId, userId: randomUUID() }, async (tx) =>
      rowsOf<{ id: string }>(
        await tx.execute(
          sql`insert into app.payment_gateways (tenant_id, kind, connection, mode, credentials, ready, label)
              values (${tenantId}::uuid, 'stripe', 'keys', 'test', ${sealed}, true, 'Demo account (test mode)')
              on conflict (tenant_id, kind) do nothing returning id::text as id`,
        ),
      ),
    );
    connected += made.length;
  }
  return connected;
}
